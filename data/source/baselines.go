package source

import (
	"context"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// BaselineRuns is how many runs of each job before a deployment its baseline holds.
const BaselineRuns = model.BaselineRuns

// Baselines are the pre-deploy durations of the jobs of a deployment's runs: per job id, the
// durations of its last BaselineRuns runs that finished before the deployment, oldest
// first. The Runs tab holds each run against their median and draws them as a sparkline.
func (s *Source) Baselines(ctx context.Context, env string, d model.Deployment, runs []model.JobRun) (map[string][]time.Duration, error) {
	ids := make([]string, 0, len(runs))
	for _, r := range runs {
		ids = append(ids, r.JobID)
	}
	if len(ids) == 0 {
		return map[string][]time.Duration{}, nil
	}
	return call(s, ctx, env, func(ctx context.Context, e *Environment) (map[string][]time.Duration, error) {
		return e.Store.JobDurationBaselines(ctx, e.Env, ids, d.DeployedAt, BaselineRuns)
	})
}
