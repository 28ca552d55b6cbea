package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"time"
)

//go:embed baselines.sql
var baselinesSQL string

//go:embed update_baselines.sql
var updateBaselinesSQL string

//go:embed frag_baseline_jobs_by_id.sql
var fragBaselineJobsByID string

//go:embed frag_baseline_jobs_of_release.sql
var fragBaselineJobsOfRelease string

// baselinesOf is baselines.sql over the jobs of a {{baseline_jobs}} fragment.
func baselinesOf(fragment string) string {
	return strings.Replace(baselinesSQL, "{{baseline_jobs}}", strings.TrimSpace(stripComments(fragment)), 1)
}

var (
	baselinesByIDSQL      = baselinesOf(fragBaselineJobsByID)
	baselinesOfReleaseSQL = baselinesOf(fragBaselineJobsOfRelease)
)

const (
	// baselineLookback bounds how far before a deployment a job's runs are looked for: a
	// job that ran fewer than n times in it gets a shorter baseline.
	baselineLookback = 30 * 24 * time.Hour
	// MaxBaselineRuns is the most runs per job JobDurationBaselines returns.
	MaxBaselineRuns = 200
)

// JobDurationBaselines returns, per job id, the durations of the job's last n runs that
// finished before `before` (a deployment's instant), oldest first, as the baseline a
// deployment's run durations are held against. Runs of every outcome count; a run still
// going at `before` does not. Jobs without such runs are absent from the map.
func (s *Store) JobDurationBaselines(ctx context.Context, env Env, jobIDs []string, before time.Time, n int) (map[string][]time.Duration, error) {
	if err := baselineArgs(env, n, "runs"); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(jobIDs))
	seen := map[string]bool{}
	for _, id := range jobIDs {
		if id == "" || strings.ContainsAny(id, ", \t\n") {
			return nil, fmt.Errorf("%w: job id %q", ErrInvalidInput, id)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return map[string][]time.Duration{}, nil
	}
	sort.Strings(ids)
	return s.durationBaselines(ctx, env, fmt.Sprintf("reading the duration baselines of %d job(s)", len(ids)), baselinesByIDSQL,
		[]any{env.WorkspaceID, strings.Join(ids, ",")}, before, n)
}

// ReleaseDurationBaselines is JobDurationBaselines for the jobs of a release in the
// environment (its release resources, as its runs are selected): it needs no read of the
// runs first, so the Runs tab sends it beside them (one round trip).
func (s *Store) ReleaseDurationBaselines(ctx context.Context, env Env, releaseID string, before time.Time, n int) (map[string][]time.Duration, error) {
	if err := baselineArgs(env, n, "runs"); err != nil {
		return nil, err
	}
	return s.durationBaselines(ctx, env, "reading the duration baselines of the jobs of "+releaseID, baselinesOfReleaseSQL,
		[]any{releaseID, env.Name}, before, n)
}

// PipelineDurationBaselines is ReleaseDurationBaselines for the pipelines of a release:
// per pipeline id, the durations of its last n updates that ended before `before`, oldest
// first (update_baselines.sql).
func (s *Store) PipelineDurationBaselines(ctx context.Context, env Env, releaseID string, before time.Time, n int) (map[string][]time.Duration, error) {
	if err := baselineArgs(env, n, "updates"); err != nil {
		return nil, err
	}
	return s.durationBaselines(ctx, env, "reading the duration baselines of the pipelines of "+releaseID, updateBaselinesSQL,
		[]any{releaseID, env.Name}, before, n)
}

// baselineArgs checks the environment and how many runs or updates a baseline holds.
func baselineArgs(env Env, n int, of string) error {
	if err := env.validate(); err != nil {
		return err
	}
	if n < 1 || n > MaxBaselineRuns {
		return fmt.Errorf("%w: baseline of %d %s (want 1 to %d)", ErrInvalidInput, n, of, MaxBaselineRuns)
	}
	return nil
}

// durationBaselines runs baselines.sql over the jobs its text selects, or
// update_baselines.sql over a release's pipelines (idArgs are the parameters that select
// them): rows of id, run or update id, start and end, newest first per id.
func (s *Store) durationBaselines(ctx context.Context, env Env, what, text string, idArgs []any, before time.Time, n int) (map[string][]time.Duration, error) {
	out := map[string][]time.Duration{}
	from := before.Add(-baselineLookback)
	args := append(idArgs,
		env.WorkspaceID, ts(from.Add(-sliceMargin)), ts(before),
		ts(from), n,
	)
	err := s.query(ctx, what, text, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 4)
		if err != nil {
			return err
		}
		start, okStart := when(v[2])
		end, okEnd := when(v[3])
		if id, ok := present(v[0]); ok && okStart && okEnd {
			out[id] = append(out[id], end.Sub(start))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, ds := range out { // rows come newest first per job
		for i, j := 0, len(ds)-1; i < j; i, j = i+1, j-1 {
			ds[i], ds[j] = ds[j], ds[i]
		}
	}
	return out, nil
}
