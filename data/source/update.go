package source

import (
	"context"

	"github.com/release-cockpit/cockpit/model"
)

// Update is one pipeline update from the workspace: its state and cause (the updates API),
// and from its event log why it failed, its expectation results and its flows' errors,
// with the update's URL.
func (s *Source) Update(ctx context.Context, env, pipelineID, updateID string) (model.UpdateDetail, error) {
	e, err := s.Environment(env)
	if err != nil {
		return model.UpdateDetail{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout())
	defer cancel()
	if err := e.resolveWorkspaceID(ctx); err != nil {
		return model.UpdateDetail{}, err
	}
	return e.Workspace.UpdateDetail(ctx, pipelineID, updateID, e.Env.WorkspaceID)
}
