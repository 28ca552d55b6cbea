package source

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/release-cockpit/cockpit/model"
)

// BaselineRuns is how many runs of each job before a deployment its baseline holds.
const BaselineRuns = model.BaselineRuns

// Baselines are the pre-deploy durations of a deployment's release's jobs and pipelines:
// per job id, the durations of its last BaselineRuns runs that finished before the
// deployment, and per pipeline id of its last updates, oldest first. The Runs tab holds
// each run and update against their median and draws them as a sparkline. They are the
// jobs and pipelines the release's runs and updates are read for, so the tab asks for them
// beside those, not after them (one round trip); the two statements go side by side.
func (s *Source) Baselines(ctx context.Context, env string, d model.Deployment) (model.DurationBaselines, error) {
	return call(s, ctx, env, func(ctx context.Context, e *Environment) (model.DurationBaselines, error) {
		var b model.DurationBaselines
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() (err error) {
			b.Jobs, err = e.Store.ReleaseDurationBaselines(gctx, e.Env, d.Release.ID(), d.DeployedAt, BaselineRuns)
			return
		})
		g.Go(func() (err error) {
			b.Pipelines, err = e.Store.PipelineDurationBaselines(gctx, e.Env, d.Release.ID(), d.DeployedAt, BaselineRuns)
			return
		})
		return b, g.Wait()
	})
}
