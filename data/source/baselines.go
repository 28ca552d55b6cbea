package source

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// BaselineRuns is how many runs of each job before a deployment its baseline holds.
const BaselineRuns = model.BaselineRuns

// Baselines are the pre-deploy durations of the jobs of a deployment's release: per job id,
// the durations of its last BaselineRuns runs that finished before the deployment, oldest
// first. The Runs tab holds each run against their median and draws them as a sparkline.
// They are the jobs the release's runs are read for, so the tab asks for them beside its
// runs, not after them (one round trip).
func (s *Source) Baselines(ctx context.Context, env string, d model.Deployment) (map[string][]time.Duration, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) (map[string][]time.Duration, error) {
		return e.Store.ReleaseDurationBaselines(ctx, e.Env, d.Release.ID(), d.DeployedAt, BaselineRuns)
	})
}
