package sim

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"
)

// catchDelta is what a catch-up added that kept reads can follow (memo.go, caughtUp): the
// runs and updates it moved into the timelines, folded as the REST server folds them, and
// the workspaces whose jobs' or pipelines' definitions it changed (a deploy).
type catchDelta struct {
	runs    map[string][]jobRun     // by workspace
	updates map[string][]pipeUpdate // by workspace
	jobs    map[string]bool         // workspaces with new change rows of jobs
	pipes   map[string]bool         // workspaces with new change rows of pipelines
}

// stagedRuns restricts foldedRunsOf to the runs of the catch-up's stage.
const stagedRuns = `
    AND run_id IN (SELECT run_id FROM memory.main.st_runs)`

// stagedUpdates folds the updates of the catch-up's stage from the timeline, which holds all
// of their slices once the catch-up is committed.
const stagedUpdates = `
SELECT workspace_id, ` + updateColumns + `
FROM sim.lakeflow.pipeline_update_timeline
WHERE period_start_time >= ? AND update_id IN (SELECT update_id FROM memory.main.st_updates)
GROUP BY workspace_id, pipeline_id, update_id`

// readDelta reads what the committed catch-up added, on the connection that holds its stage
// (staged counts its rows by table: an empty one is not read). A run or update is moved
// into the timeline whole, once, by the catch-up in which it ends, so the runs and updates
// of the stage, folded from the timeline now, are the new ones.
func (s *Sim) readDelta(ctx context.Context, conn *sql.Conn, staged map[string]int) (*catchDelta, error) {
	d := &catchDelta{runs: map[string][]jobRun{}, updates: map[string][]pipeUpdate{}, jobs: map[string]bool{}, pipes: map[string]bool{}}
	for table, m := range map[string]map[string]bool{"st_jobs": d.jobs, "st_pipes": d.pipes} {
		if staged[table] == 0 {
			continue
		}
		if err := readColumn(ctx, conn, "SELECT DISTINCT workspace_id FROM memory.main."+table, func(ws string) { m[ws] = true }); err != nil {
			return nil, err
		}
	}
	if staged["st_updates"] == 0 && staged["st_runs"] == 0 {
		return d, nil
	}
	var from sql.NullTime
	if err := conn.QueryRowContext(ctx, `SELECT min(start_ts) FROM memory.main.st_updates`).Scan(&from); err != nil {
		return nil, fmt.Errorf("reading the staged updates: %w", err)
	}
	if from.Valid {
		rows, err := conn.QueryContext(ctx, stagedUpdates, from.Time)
		if err != nil {
			return nil, fmt.Errorf("folding the new updates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var ws string
			u, err := scanUpdate(rows, &ws)
			if err != nil {
				return nil, err
			}
			d.updates[ws] = append(d.updates[ws], u)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("folding the new updates: %w", err)
		}
	}
	starts := map[string]time.Time{}
	rows, err := conn.QueryContext(ctx, `SELECT workspace_id, min(start_ts) FROM memory.main.st_runs GROUP BY workspace_id`)
	if err != nil {
		return nil, fmt.Errorf("reading the staged runs: %w", err)
	}
	for rows.Next() {
		var ws string
		var t time.Time
		if err := rows.Scan(&ws, &t); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the staged runs: %w", err)
		}
		starts[ws] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the staged runs: %w", err)
	}
	for ws, from := range starts {
		srv := &Server{sim: s, wsid: ws}
		args := []any{ws, from, "", "", "", "", from, endOfTime,
			ws, ws, int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt32)}
		runs, err := srv.foldRuns(ctx, conn, fmt.Sprintf(foldedRunsOf, stagedRuns), args)
		if err != nil {
			return nil, err
		}
		d.runs[ws] = runs
	}
	return d, nil
}

// readColumn calls fn with each value of a one-column statement.
func readColumn(ctx context.Context, conn *sql.Conn, stmt string, fn func(string)) error {
	rows, err := conn.QueryContext(ctx, stmt)
	if err != nil {
		return fmt.Errorf("reading the stage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("reading the stage: %w", err)
		}
		fn(v)
	}
	return rows.Err()
}

// runFold is a kept fold of runs/list (foldedRuns). Since it is the listing of every run
// started since from (of a job, or one run, if asked), whatever the clock.
type runFold struct {
	ws           string
	since        bool
	from         time.Time
	jobID, runID string
	runs         []jobRun // newest first
}

// carry adds the runs catch-up moved into the timeline to a listing since a time; a deploy
// in the workspace may have changed who created a job (the runs' creator), so a listing is
// read again after one.
func (f *runFold) carry(d *catchDelta) (any, bool) {
	if !f.since || d.jobs[f.ws] {
		return nil, false
	}
	have := make(map[string]bool, len(f.runs))
	for _, r := range f.runs {
		have[r.runID] = true
	}
	var added []jobRun
	for _, r := range d.runs[f.ws] {
		if have[r.runID] || r.start.Before(f.from) || (f.jobID != "" && r.jobID != f.jobID) || (f.runID != "" && r.runID != f.runID) {
			continue
		}
		added = append(added, r)
	}
	if len(added) == 0 {
		return f, true
	}
	next := *f
	next.runs = append(slices.Clone(f.runs), added...)
	newestFirst(next.runs)
	return &next, true
}

// pipelineList is a workspace's whole list of pipelines, kept through catch-ups that did
// not deploy to it.
type pipelineList struct {
	ws  string
	all []pipeline
}

func (l *pipelineList) carry(d *catchDelta) (any, bool) { return l, !d.pipes[l.ws] }
