package warehouse

import (
	"context"
	"database/sql"
	_ "embed"

	"github.com/release-cockpit/cockpit/model"
)

//go:embed runs.sql
var runsSQL string

//go:embed updates.sql
var updatesSQL string

//go:embed expectations.sql
var expectationsSQL string

// windowArgs are the scan bounds and window of a deployment, as the run and update
// fragments and the window filter take them.
func windowArgs(env Env, w model.Window) (scan []any, window []any) {
	return []any{env.WorkspaceID, ts(w.Start.Add(-sliceMargin)), ts(scanTo(w.End))},
		[]any{ts(w.Start), endParam(w.End)}
}

// DeploymentRuns returns the job runs of the deployment's jobs that started inside its
// window, newest first, folded from their hourly slices, and counts the rows that are no
// run (no run id or start time).
func (s *Store) DeploymentRuns(ctx context.Context, env Env, d model.Deployment) ([]model.JobRun, model.Skipped, error) {
	return windowRows(ctx, s, env, d, "listing the runs of ", runsSQL, 8, decodeRun)
}

// DeploymentUpdates returns the updates of the deployment's pipelines that started inside
// its window, newest first, and counts the rows that are no update (no update id or start).
func (s *Store) DeploymentUpdates(ctx context.Context, env Env, d model.Deployment) ([]model.PipelineUpdate, model.Skipped, error) {
	return windowRows(ctx, s, env, d, "listing the pipeline updates of ", updatesSQL, 9, decodeUpdate)
}

// windowRows runs a statement over a deployment's window (release, environment, scan
// bounds, window) whose rows have cols columns; decode says why a row is left out.
func windowRows[T any](ctx context.Context, s *Store, env Env, d model.Deployment, what, text string, cols int, decode func([]any) (T, string)) ([]T, model.Skipped, error) {
	var skipped model.Skipped
	if err := env.validate(); err != nil {
		return nil, skipped, err
	}
	scan, window := windowArgs(env, d.Window)
	args := append(append([]any{d.Release.ID(), env.Name}, scan...), window...)
	var out []T
	err := s.query(ctx, what+d.Release.ID(), text, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, cols)
		if err != nil {
			return err
		}
		r, reason := decode(v)
		if reason != "" {
			skipped.Add(reason, "")
			return nil
		}
		out = append(out, r)
		return nil
	})
	return out, skipped, err
}

// ExpectationDelta is model.ExpectationDelta: the type moved to model so the UI can show it
// without importing the warehouse.
type ExpectationDelta = model.ExpectationDelta

// DeploymentExpectations returns the expectation results of the deployment's pipeline
// updates per (dataset, expectation), with the previous deployment's ratios for the delta,
// ordered by dataset and expectation. A result with neither dataset nor expectation name
// is left out and counted.
func (s *Store) DeploymentExpectations(ctx context.Context, env Env, d model.Deployment) ([]ExpectationDelta, model.Skipped, error) {
	var skipped model.Skipped
	if err := env.validate(); err != nil {
		return nil, skipped, err
	}
	prev, ok, err := s.previousDeployment(ctx, env, d)
	if err != nil {
		return nil, skipped, err
	}
	start := d.Window.Start.UTC()
	prevRelease, prevStart := "", start
	if ok {
		prevRelease, prevStart = prev.ReleaseID, prev.DeployedAt
	}
	from := prevStart.Add(-sliceMargin)
	args := []any{
		d.Release.ID(), ts(start), endParam(d.Window.End),
		prevRelease, ts(prevStart), ts(start),
		env.Name,
		env.WorkspaceID, ts(from), ts(scanTo(d.Window.End)),
		env.WorkspaceID, ts(from),
	}
	type key struct{ dataset, expectation string }
	var out []ExpectationDelta
	index := map[key]int{}
	err = s.query(ctx, "reading the expectations of "+d.Release.ID(), expectationsSQL, args, func(rows *sql.Rows) error {
		v, err := scanAny(rows, 6)
		if err != nil {
			return err
		}
		side := text(v[0])
		r := model.ExpectationResult{PipelineID: text(v[1]), Dataset: text(v[2]), Expectation: text(v[3]),
			PassedRecords: count(v[4]), FailedRecords: count(v[5])}
		_, hasDataset := present(v[2])
		_, hasName := present(v[3])
		if !hasDataset && !hasName {
			if side == "current" {
				skipped.Add(model.SkipNoExpectation, "")
			}
			return nil
		}
		k := key{r.Dataset, r.Expectation}
		i, seen := index[k]
		if !seen {
			i = len(out)
			index[k] = i
			out = append(out, ExpectationDelta{
				ExpectationResult: model.ExpectationResult{PipelineID: r.PipelineID, Dataset: r.Dataset, Expectation: r.Expectation},
				BaselineRatio:     -1,
				Dropped:           true,
			})
		}
		e := &out[i]
		if side == "current" {
			e.ExpectationResult = r
			e.Dropped = false
			return nil
		}
		e.BaselinePassed, e.BaselineFailed = r.PassedRecords, r.FailedRecords
		if r.PassedRecords+r.FailedRecords > 0 {
			e.BaselineRatio = r.FailureRatio()
		}
		return nil
	})
	return out, skipped, err
}

// decodeRun reads a row of runs.sql (workspace, job, run, name, start, end, result,
// termination); a row without a run id or start is no run (the reason says which). An
// active run has slices but no end yet: its end is read only once it has a result.
func decodeRun(v []any) (model.JobRun, string) {
	runID, hasID := present(v[2])
	start, hasStart := when(v[4])
	switch {
	case !hasID:
		return model.JobRun{}, model.SkipNoRunID
	case !hasStart:
		return model.JobRun{}, model.SkipNoStart
	}
	r := model.JobRun{WorkspaceID: text(v[0]), JobID: text(v[1]), RunID: runID, RunName: text(v[3]), Start: start,
		ResultState: text(v[6]), TerminationCode: text(v[7])}
	if r.ResultState != "" {
		r.End = whenOrZero(v[5])
	}
	return r, ""
}

// decodeUpdate reads a row of updates.sql (workspace, pipeline, update, type, trigger,
// start, end, result); a row without an update id or start is no update.
func decodeUpdate(v []any) (model.PipelineUpdate, string) {
	id, hasID := present(v[2])
	start, hasStart := when(v[5])
	switch {
	case !hasID:
		return model.PipelineUpdate{}, model.SkipNoUpdateID
	case !hasStart:
		return model.PipelineUpdate{}, model.SkipNoStart
	}
	u := model.PipelineUpdate{WorkspaceID: text(v[0]), PipelineID: text(v[1]), UpdateID: id, UpdateType: text(v[3]),
		TriggerType: text(v[4]), Start: start, ResultState: text(v[7]), Name: text(v[8])}
	if u.ResultState != "" {
		u.End = whenOrZero(v[6])
	}
	return u, ""
}
