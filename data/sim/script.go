package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// A scripted run is a run of one of a bundle's jobs that a test (or a demo) makes happen
// at a chosen instant, with a chosen result, as if its schedule had started it. It lives
// where the simulation's run-now runs live: in in_flight with a run request, so the REST
// API lists it at once (active from its start, ended with its result from its end), and
// catch-up moves it into the lakeflow timelines once it has ended, where the cockpit's
// delayed views show it only after Options.Lag, as Databricks' system tables would.

// ScriptedRun says which run to make happen.
type ScriptedRun struct {
	Environment string
	Bundle      string
	// Job is the job's resource key in the bundle; empty: the bundle's first job.
	Job string
	// Start and End are when the run starts and ends (End after Start).
	Start, End time.Time
	// Result is the system-table result state it ends with: SUCCEEDED, FAILED, TIMED_OUT,
	// CANCELLED or ERROR.
	Result string
}

// scriptedResults are the results a scripted run may end with, and their termination codes.
var scriptedResults = map[string]string{
	"SUCCEEDED": "SUCCESS", "FAILED": "RUN_EXECUTION_ERROR", "TIMED_OUT": "RUN_EXECUTION_ERROR",
	"CANCELLED": "CANCELED", "ERROR": "INTERNAL_ERROR",
}

// ScriptRun makes r happen and returns its run id and job id. The bundle, environment and
// job must be the estate's: a typo says so instead of scripting nothing.
func (s *Sim) ScriptRun(ctx context.Context, r ScriptedRun) (runID, jobID int64, err error) {
	code, ok := scriptedResults[r.Result]
	switch {
	case !slices.Contains(Environments, r.Environment):
		return 0, 0, fmt.Errorf("the simulated estate has no environment %q: use dev, staging or prod", r.Environment)
	case !ok:
		return 0, 0, fmt.Errorf("a scripted run ends SUCCEEDED, FAILED, TIMED_OUT, CANCELLED or ERROR, not %q", r.Result)
	case !r.End.After(r.Start):
		return 0, 0, fmt.Errorf("a scripted run must end after it starts (%s, %s)", r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339))
	}
	b := s.gen.e.byName[r.Bundle]
	if b == nil || len(b.jobs) == 0 {
		return 0, 0, fmt.Errorf("the simulated estate has no bundle %q with jobs", r.Bundle)
	}
	res := &b.jobs[0]
	if r.Job != "" {
		res = nil
		for i := range b.jobs {
			if b.jobs[i].key == r.Job {
				res = &b.jobs[i]
			}
		}
		if res == nil {
			return 0, 0, fmt.Errorf("bundle %s has no job %q", r.Bundle, r.Job)
		}
	}
	var id, name string
	err = s.db.QueryRowContext(ctx, `SELECT resource_id, name FROM sim.sim_internal.bundle_resources
WHERE bundle = ? AND environment = ? AND resource_type = 'job' AND resource_key = ?`, r.Bundle, r.Environment, res.key).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("job %s of bundle %s is not deployed in %s", res.key, r.Bundle, r.Environment)
	} else if err != nil {
		return 0, 0, fmt.Errorf("reading job %s of bundle %s: %w", res.key, r.Bundle, err)
	}
	start, end := r.Start.UTC().Truncate(time.Millisecond), r.End.UTC().Truncate(time.Millisecond)
	// No interleaving with catch-up moving in_flight rows, nor with run-now taking ids.
	s.mu.Lock()
	defer s.mu.Unlock()
	run, err := s.newRunID(ctx, start)
	if err != nil {
		return 0, 0, err
	}
	runAs := people[3].UserName // who runs every scheduled job (generator's runs)
	plan := FlightPlan{ResultState: r.Result, TerminationCode: code, TriggerType: "CRON", RunType: "JOB_RUN",
		CreatorUserName: runAs, Tasks: planTasks(run, res.tasks, start, end, r.Result)}
	payload, _ := json.Marshal(plan)
	ws := WorkspaceID(r.Environment)
	defer s.wrote()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sim.sim_internal.in_flight
(workspace_id, kind, object_id, run_id, run_name, start_time, planned_end, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ws, FlightJob, id, run, name, start, end, string(payload)); err != nil {
		return 0, 0, fmt.Errorf("scripting a run of job %s: %w", id, err)
	}
	// The request keeps the run in in_flight until catch-up moves it (commitStage).
	if _, err := tx.ExecContext(ctx, `INSERT INTO sim.sim_internal.run_requests
(idempotency_token, workspace_id, job_id, run_id, requested_by, requested_at, job_parameters) VALUES ('', ?, ?, ?, ?, ?, '')`,
		ws, id, run, runAs, start); err != nil {
		return 0, 0, fmt.Errorf("scripting a run of job %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("scripting a run of job %s: %w", id, err)
	}
	runID, _ = strconv.ParseInt(run, 10, 64)
	jobID, _ = strconv.ParseInt(id, 10, 64)
	return runID, jobID, nil
}

// MetadataPath is where the simulated deployer keeps a bundle's metadata.json in an
// environment, as `bundle deploy` does: CI passes it to `cockpit record deploy --metadata`.
func MetadataPath(bundle, env string) string { return metadataPath(bundle, env) }
