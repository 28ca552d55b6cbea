package source

import (
	"context"

	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/model"
)

// Changes is what changed in a deployment against the previous deployment of its bundle in
// the environment: the settings of its jobs and pipelines from the system tables, and the
// git range with a compare link when the bundle's metadata.json names its origin. The
// metadata.json is read through the workspace's REST API; when that fails the changes come
// without the link.
func (s *Source) Changes(ctx context.Context, env string, d model.Deployment) (model.Changes, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) (model.Changes, error) {
		st, err := e.Store.DeploymentSettings(ctx, e.Env, d)
		if err != nil {
			return model.Changes{}, err
		}
		if st.HasPrevious && st.PreviousSHA == "" {
			st.PreviousSHA = s.historyCommit(ctx, e, d.Release.Bundle, st.PreviousAt)
		}
		origin := ""
		if st.MetadataPath != "" && e.Workspace != nil {
			if m, err := e.Workspace.BundleMetadata(ctx, st.MetadataPath); err == nil {
				origin = m.Git.OriginURL
			}
		}
		return model.BuildChanges(st.PreviousRelease, st.PreviousAt, st.PreviousSHA, d.Release.GitSHA, origin,
			st.Previous, st.Current, st.HasPrevious), nil
	})
}

// Release is the newest deployment of a release in an environment, with its live health
// merged and its verdict, as the home lists it: what `cockpit show` starts from.
//
// It costs one round trip when the release was deployed in the window a page of the home
// reads in one (warehouse.OneRoundWithin, as a release someone asks about mostly is): its
// page, its follow-ups and the live scope's statement of its bundle's open windows there go
// out side by side. An older release costs a second: its follow-ups, and its live facts
// once it is found (its window is seldom still open).
func (s *Source) Release(ctx context.Context, env, releaseID string) (Deployment, error) {
	bundle, _, err := model.ParseReleaseID(releaseID)
	if err != nil {
		return Deployment{}, input("%v", err)
	}
	return call(s, ctx, env, func(ctx context.Context, e *Environment) (Deployment, error) {
		likely := s.clock().Add(-warehouse.OneRoundWithin)
		live := s.startLiveWindow(ctx, e, likely, bundle)
		d, err := e.Store.GetDeploymentThen(ctx, e.Env, releaseID, warehouse.ReleaseLookup{
			LikelySince: likely,
			Found: func(d model.Deployment) {
				if d.DeployedAt.Before(likely) {
					live = s.startLive(ctx, e, []model.Deployment{d})
				}
			},
		})
		if err != nil {
			return Deployment{}, err
		}
		now := s.clock()
		// Without live facts (a REST storm) the release is shown from the warehouse alone,
		// as the listing does.
		merged, _ := live.merge(s.enrichDiscovered(ctx, e, []model.Deployment{d}), now)
		d = merged[0]
		return Deployment{Deployment: d, Assessment: model.Assess(d.Health, d.Checks, d.Window, now, e.Policy())}, nil
	})
}
