package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed deployments_baseline.sql
var deploymentsBaselineSQL string

//go:embed deployments_expectations.sql
var deploymentsExpectationsSQL string

// BaselineLookback is how far before a deployment the failure rate and durations of its
// jobs and pipelines are read as its baseline (deployments_baseline.sql says 7 DAYS).
const BaselineLookback = 7 * 24 * time.Hour

// baselines returns, by deployment id, the pre-deploy failure counts and the duration
// comparison of each deployment of the page (model.Baseline without its expectation).
func (s *Store) baselines(ctx context.Context, env Env, bundle string, sel pageSel, b scanBounds) (map[string]model.Baseline, error) {
	from, to := b.from.Add(-BaselineLookback-sliceMargin), b.to
	args := append(deploymentsArgs(env.Name, bundle, sel.from(), false), sel.args()...)
	args = append(args,
		env.Name,                          // resources
		env.WorkspaceID, ts(from), ts(to), // {{job_runs}}
		env.WorkspaceID, ts(from), ts(to), // {{pipeline_updates}}
	)
	out := map[string]model.Baseline{}
	err := s.query(ctx, "reading the pre-deploy baselines of deployments in "+env.Name, sel.sql(deploymentsBaselineSQL), args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 10)
		if err != nil {
			return err
		}
		if id, b, d, ok := decodeBaseline(v); ok {
			b.Durations = append(out[id].Durations, d...)
			out[id] = b
		}
		return nil
	})
	return out, err
}

// decodeBaseline reads a row of deployments_baseline.sql: the deployment's failure counts
// and, when the row names a job or pipeline with successful runs in the window or before
// it, its duration sample with its p95 (the p95 run's end minus its start). A row without
// a deployment id is left out, like every undecodable row.
func decodeBaseline(v []any) (string, model.Baseline, []model.DurationSample, bool) {
	id, ok := present(v[0])
	if !ok {
		return "", model.Baseline{}, nil, false
	}
	b := model.Baseline{Lookback: BaselineLookback, Finished: int(count(v[1])), Failed: int(count(v[2]))}
	var d []model.DurationSample
	if resource, ok := present(v[3]); ok && count(v[4])+count(v[5]) > 0 {
		s := model.DurationSample{Runs: int(count(v[4])), Earlier: int(count(v[5])), Slower: int(count(v[6])),
			ResourceType: text(v[7]), ResourceID: resource}
		start, okStart := when(v[8])
		end, okEnd := when(v[9])
		if okStart && okEnd && !end.Before(start) {
			s.P95 = end.Sub(start)
		}
		d = append(d, s)
	}
	return id, b, d, true
}

// worstExpectations returns, by deployment id, the expectation of the deployment whose
// failure ratio rose most against its median in the lookback before the deploy.
func (s *Store) worstExpectations(ctx context.Context, env Env, bundle string, sel pageSel, b scanBounds) (map[string]model.ExpectationChange, error) {
	from, to := b.from.Add(-BaselineLookback-sliceMargin), b.to
	args := append(deploymentsArgs(env.Name, bundle, sel.from(), false), sel.args()...)
	args = append(args,
		env.Name,                          // resources
		env.WorkspaceID, ts(from), ts(to), // {{pipeline_updates}}
		env.WorkspaceID, ts(from), // records
	)
	out := map[string]model.ExpectationChange{}
	err := s.query(ctx, "reading the expectations of deployments in "+env.Name, sel.sql(deploymentsExpectationsSQL), args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 6)
		if err != nil {
			return err
		}
		if id, e, ok := decodeExpectationChange(v); ok {
			out[id] = e
		}
		return nil
	})
	return out, err
}

// decodeExpectationChange reads a row of deployments_expectations.sql; a row without a
// deployment id or a ratio is left out.
func decodeExpectationChange(v []any) (string, model.ExpectationChange, bool) {
	id, ok := present(v[0])
	ratio, hasRatio := number(v[3])
	if !ok || !hasRatio {
		return "", model.ExpectationChange{}, false
	}
	e := model.ExpectationChange{Name: text(v[2]), Ratio: ratio, Previous: -1, Records: count(v[5])}
	if dataset := text(v[1]); dataset != "" {
		e.Name = dataset + "." + e.Name
	}
	if prev, ok := number(v[4]); ok {
		e.Previous = prev
	}
	return id, e, true
}
