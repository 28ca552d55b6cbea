package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// A deployer run (a run-now of an environment's deployer job, DESIGN §6) passes through its
// states over a few seconds of WALL time, also when the estate's clock is frozen
// (--demo-now): PENDING for one step, RUNNING its gate task for one step, RUNNING its deploy
// task for two steps, then TERMINATED. Its state is derived from the wall time it started
// and what has been decided since, kept in sim_internal.deployer_runs, so any process that
// reads the run later (the next cockpit start) sees it progress and end. The gate is
// decided once, when its task ends, by the GateFunc the cockpit installs (the evaluation
// `cockpit gate` runs); the end writes exactly one result event into the ledger.

// DefaultDeployerStep is the length of one step of a deployer run.
const DefaultDeployerStep = 1500 * time.Millisecond

// GateRun is what the gate of a deployer run is decided on: the run as runs/get shows it.
type GateRun struct {
	Environment string
	JobID       int64
	RunID       int64
	// Creator is the user who asked for the run (the run's creator_user_name).
	Creator    string
	Parameters map[string]string
}

// GateFunc decides a deployer run's gate: nil or no reasons lets the deploy proceed; each
// reason blocks it. An error blocks it too (a gate that cannot decide fails closed).
type GateFunc func(ctx context.Context, run GateRun) (reasons []string, err error)

// deployer is the simulation's deployer machinery: the gate, the pace, the faults tests inject.
type deployer struct {
	mu sync.Mutex // guards the fields below
	// advancing serializes advancing the runs; TryLock so that a gate which reads the
	// workspace while a run is being advanced never waits on itself.
	advancing sync.Mutex
	gate      GateFunc
	step      time.Duration
	wall      func() time.Time
	// runNowFaults are HTTP statuses to answer the next run-now calls with, after the run
	// was recorded (as a load balancer losing the answer would).
	runNowFaults []int
	// deployFaults are the resources the next deploy of a bundle fails on.
	deployFaults map[string][]string
}

func (s *Sim) deployer() *deployer {
	s.depOnce.Do(func() {
		s.dep = &deployer{step: DefaultDeployerStep, wall: time.Now, deployFaults: map[string][]string{}}
	})
	return s.dep
}

// SetDeployGate installs the gate that deployer runs evaluate (the cockpit's `cockpit gate`
// evaluation). Without one, every gate passes.
func (s *Sim) SetDeployGate(fn GateFunc) {
	d := s.deployer()
	d.mu.Lock()
	d.gate = fn
	d.mu.Unlock()
}

// SetDeployerStep changes the length of one step of a deployer run (tests speed it up).
func (s *Sim) SetDeployerStep(step time.Duration) {
	d := s.deployer()
	d.mu.Lock()
	d.step = step
	d.mu.Unlock()
}

// InjectRunNowFaults makes the next run-now calls answer these HTTP statuses (503, 429)
// after recording their run, one status per call.
func (s *Sim) InjectRunNowFaults(statuses ...int) {
	d := s.deployer()
	d.mu.Lock()
	d.runNowFaults = append(d.runNowFaults, statuses...)
	d.mu.Unlock()
}

// InjectDeployFailure makes the next deploy of bundle fail on these resource keys.
func (s *Sim) InjectDeployFailure(bundle string, resources ...string) {
	d := s.deployer()
	d.mu.Lock()
	d.deployFaults[bundle] = resources
	d.mu.Unlock()
}

// nextRunNowFault pops the next injected run-now status, 0 for none.
func (d *deployer) nextRunNowFault() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.runNowFaults) == 0 {
		return 0
	}
	st := d.runNowFaults[0]
	d.runNowFaults = d.runNowFaults[1:]
	return st
}

func (d *deployer) settings() (GateFunc, time.Duration, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.gate, d.step, d.wall().UTC()
}

// deployFault pops the resources a deploy of bundle fails on (nil: it succeeds).
func (d *deployer) deployFault(bundle string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.deployFaults[bundle]
	delete(d.deployFaults, bundle)
	return f
}

// deployerRun is one row of sim_internal.deployer_runs.
type deployerRun struct {
	ws, runID, jobID, env, name, creator string
	params                               map[string]string
	start                                time.Time // on the estate's clock
	wallStart                            time.Time
	gate                                 string // "", ok or blocked
	result                               string // "", SUCCEEDED or FAILED
	message                              string
	failedTask                           string
	durationMS                           int64
	step                                 time.Duration // one step of this run
}

// startDeployerRun records a new deployer run; the caller holds the run-now lock.
func (srv *Server) startDeployerRun(ctx context.Context, tx *sql.Tx, env, jobID, runID, name, creator string, params map[string]string, start time.Time) error {
	_, step, wall := srv.sim.deployer().settings()
	p, _ := json.Marshal(params)
	_, err := tx.ExecContext(ctx, `INSERT INTO sim.sim_internal.deployer_runs
(workspace_id, run_id, job_id, environment, run_name, creator, job_parameters, start_time, wall_start, gate, result_state, message, failed_task, duration_ms, step_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', 0, ?)`, srv.wsid, runID, jobID, env, name, creator, string(p), start, wall, step.Milliseconds())
	if err != nil {
		return fmt.Errorf("starting deployer run %s: %w", runID, err)
	}
	return nil
}

const deployerRunCols = `workspace_id, run_id, job_id, environment, run_name, creator, job_parameters, start_time, wall_start,
  gate, result_state, message, failed_task, duration_ms, step_ms`

func scanDeployerRun(rows *sql.Rows) (deployerRun, error) {
	var r deployerRun
	var params string
	var stepMS int64
	if err := rows.Scan(&r.ws, &r.runID, &r.jobID, &r.env, &r.name, &r.creator, &params, &r.start, &r.wallStart,
		&r.gate, &r.result, &r.message, &r.failedTask, &r.durationMS, &stepMS); err != nil {
		return r, err
	}
	r.step = max(time.Duration(stepMS)*time.Millisecond, time.Millisecond)
	r.start, r.wallStart = r.start.UTC(), r.wallStart.UTC()
	_ = json.Unmarshal([]byte(params), &r.params)
	return r, nil
}

// AdvanceDeployers moves every unfinished deployer run along the wall clock: decides gates
// whose task has ended and ends runs whose deploy has, writing their result events. It is
// called on every read of runs; a call while another advances returns at once.
func (s *Sim) AdvanceDeployers(ctx context.Context) error {
	d := s.deployer()
	if !d.advancing.TryLock() {
		return nil
	}
	defer d.advancing.Unlock()
	gate, _, wall := d.settings()
	open, err := s.deployerRows(ctx, "")
	if err != nil {
		return err
	}
	for _, r := range open {
		if r.result != "" {
			continue
		}
		elapsed, step := wall.Sub(r.wallStart), r.step
		if r.gate == "" && elapsed >= 2*step {
			if err := s.decideGate(ctx, gate, r, 2*step); err != nil {
				return err
			}
			continue
		}
		if r.gate == "ok" && elapsed >= 4*step {
			if err := s.finishDeploy(ctx, r, 4*step); err != nil {
				return err
			}
		}
	}
	return nil
}

// decideGate runs the gate of r; a blocked gate ends the run FAILED.
func (s *Sim) decideGate(ctx context.Context, gate GateFunc, r deployerRun, at time.Duration) error {
	var reasons []string
	if gate != nil {
		gctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var err error
		reasons, err = gate(gctx, GateRun{Environment: r.env, JobID: atoi64(r.jobID), RunID: atoi64(r.runID), Creator: r.creator, Parameters: r.params})
		cancel()
		if err != nil {
			reasons = append(reasons, "the gate could not decide: "+err.Error())
		}
	}
	if len(reasons) == 0 {
		defer s.wrote()
		_, err := s.db.ExecContext(ctx, `UPDATE sim.sim_internal.deployer_runs SET gate = 'ok' WHERE workspace_id = ? AND run_id = ? AND gate = ''`, r.ws, r.runID)
		if err != nil {
			return fmt.Errorf("recording the gate of deployer run %s: %w", r.runID, err)
		}
		return nil
	}
	msg := "cockpit gate refused the deployment: " + strings.Join(reasons, "; ")
	details := map[string]any{"failed_task": "gate", "reasons": reasons}
	return s.endDeployerRun(ctx, r, "blocked", "FAILED", msg, "gate", at, details, nil)
}

// finishDeploy ends r's deploy task: successfully unless a failure was injected for its bundle.
func (s *Sim) finishDeploy(ctx context.Context, r deployerRun, at time.Duration) error {
	failed := s.deployer().deployFault(r.params["bundle"])
	if len(failed) > 0 {
		msg := "bundle deploy failed on " + strings.Join(failed, ", ")
		details := map[string]any{"failed_task": "deploy", "failed_resources": failed, "error": "terraform apply failed: 409 RESOURCE_CONFLICT"}
		return s.endDeployerRun(ctx, r, "ok", "FAILED", msg, "deploy", at, details, failed)
	}
	return s.endDeployerRun(ctx, r, "ok", "SUCCEEDED", "", "", at, map[string]any{}, nil)
}

// endDeployerRun records the end of r and writes its result event (and, on success, the
// release's resources) into the ledger, in one transaction.
func (s *Sim) endDeployerRun(ctx context.Context, r deployerRun, gate, result, msg, failedTask string, at time.Duration, details map[string]any, failed []string) error {
	p := r.params
	requestID := p["request_id"]
	attempt := requestID
	if attempt == "" {
		attempt = "run-" + r.runID
	}
	defer s.wrote()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE sim.sim_internal.deployer_runs SET gate = ?, result_state = ?, message = ?, failed_task = ?, duration_ms = ?
WHERE workspace_id = ? AND run_id = ? AND result_state = ''`, gate, result, msg, failedTask, at.Milliseconds(), r.ws, r.runID)
	if err != nil {
		return fmt.Errorf("ending deployer run %s: %w", r.runID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // another process ended it
	}
	// The request's ticket, reason and action carry over into its result.
	var ticket, reason, reqDetails sql.NullString
	if requestID != "" {
		err := tx.QueryRowContext(ctx, `SELECT ticket, reason, details FROM sim.release_cockpit.release_events WHERE event_id = ? LIMIT 1`, requestID).Scan(&ticket, &reason, &reqDetails)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reading request %s: %w", requestID, err)
		}
	}
	var req map[string]any
	_ = json.Unmarshal([]byte(reqDetails.String), &req)
	for _, k := range []string{"action", "from_version", "to_version", "attempt"} {
		if v, ok := req[k]; ok {
			details[k] = v
		}
	}
	details["request_id"] = requestID
	details["run_id"] = atoi64(r.runID)
	d, _ := json.Marshal(details)
	kind, status := "deploy_succeeded", "succeeded"
	if result != "SUCCEEDED" {
		kind, status = "deploy_failed", "failed"
	}
	bundle, version := p["bundle"], p["version"]
	// After the bundle's latest event: with a frozen clock the ledger keeps the order of writes.
	now := s.Now().Truncate(time.Millisecond)
	var last sql.NullTime
	if err := tx.QueryRowContext(ctx, `SELECT max("at") FROM sim.release_cockpit.release_events WHERE bundle = ?`, bundle).Scan(&last); err != nil {
		return fmt.Errorf("reading the ledger of %s: %w", bundle, err)
	}
	if last.Valid && !last.Time.Before(now) {
		now = last.Time.UTC().Add(time.Millisecond)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sim.release_cockpit.release_events
SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
WHERE NOT EXISTS (SELECT 1 FROM sim.release_cockpit.release_events WHERE event_id = ?)`,
		model.ResultEventID(attempt), model.ReleaseID(bundle, version), bundle, version, p["git_sha"], r.env, kind, status,
		r.creator, now, ticket.String, reason.String, atoi64(r.runID), string(d), model.ResultEventID(attempt)); err != nil {
		return fmt.Errorf("writing the result of deployer run %s: %w", r.runID, err)
	}
	if result == "SUCCEEDED" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sim.release_cockpit.release_resources
SELECT ?, b.environment, b.resource_type, b.resource_key, b.resource_id, b.name
FROM sim.sim_internal.bundle_resources b
WHERE b.bundle = ? AND b.environment = ? AND NOT EXISTS (
  SELECT 1 FROM sim.release_cockpit.release_resources x
  WHERE x.release_id = ? AND x.environment = b.environment AND x.resource_type = b.resource_type AND x.resource_key = b.resource_key)`,
			model.ReleaseID(bundle, version), bundle, r.env, model.ReleaseID(bundle, version)); err != nil {
			return fmt.Errorf("recording the resources of %s: %w", model.ReleaseID(bundle, version), err)
		}
	}
	return tx.Commit()
}

// deployerRuns lists the deployer runs a runQuery asks for, with their state at wall time.
func (srv *Server) deployerRuns(ctx context.Context, q runQuery, from, to time.Time) ([]jobRun, error) {
	_ = srv.sim.AdvanceDeployers(ctx) // a failed advance is retried on the next read
	_, _, wall := srv.sim.deployer().settings()
	all, err := srv.sim.deployerRows(ctx, srv.wsid)
	if err != nil {
		return nil, err
	}
	var out []jobRun
	for _, d := range all {
		if d.start.Before(from) || d.start.After(to) || (q.jobID != "" && d.jobID != q.jobID) || (q.runID != "" && d.runID != q.runID) {
			continue
		}
		out = append(out, srv.deployerJobRun(d, wall))
	}
	return out, nil
}

// deployerRows are the rows of sim_internal.deployer_runs (of a workspace, or all of them),
// kept until the next write: only the deployer writes them (and says so), never catch-up.
// The answer is shared: callers must not modify it.
func (s *Sim) deployerRows(ctx context.Context, ws string) (deployerRows, error) {
	return cached(s, memoKey("deployer runs", ws), func() (deployerRows, error) {
		rows, err := s.db.QueryContext(ctx, `SELECT `+deployerRunCols+` FROM sim.sim_internal.deployer_runs WHERE ? = '' OR workspace_id = ?`, ws, ws)
		if err != nil {
			return nil, fmt.Errorf("reading deployer runs: %w", err)
		}
		defer rows.Close()
		var out deployerRows
		for rows.Next() {
			r, err := scanDeployerRun(rows)
			if err != nil {
				return nil, fmt.Errorf("reading deployer runs: %w", err)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading deployer runs: %w", err)
		}
		return out, nil
	})
}

// deployerRows are carried through catch-ups, which do not write them.
type deployerRows []deployerRun

func (r deployerRows) carry(*catchDelta) (any, bool) { return r, true }

// deployerJobRun is a deployer run as the server shows runs, with its tasks.
func (srv *Server) deployerJobRun(d deployerRun, wall time.Time) jobRun {
	step := d.step
	r := jobRun{jobID: d.jobID, runID: d.runID, name: d.name, start: d.start, trigger: "ONETIME", runType: "JOB_RUN",
		params: d.params, creator: d.creator, message: d.message}
	elapsed := wall.Sub(d.wallStart)
	if d.result != "" {
		elapsed = time.Duration(d.durationMS) * time.Millisecond
		r.end, r.result = d.start.Add(elapsed), d.result
		r.termCode = "SUCCESS"
		if d.result != "SUCCEEDED" {
			r.termCode = "RUN_EXECUTION_ERROR"
		}
	}
	r.pending = d.result == "" && elapsed < step
	// The tasks: gate over [step, 2 step), deploy over [2 step, 4 step).
	at := func(n int) time.Time { return d.start.Add(time.Duration(n) * step) }
	task := func(i int, key string, from, until int) restTask {
		t := restTask{TaskKey: key, RunID: atoi64(fmt.Sprintf("%s%d", d.runID, i+1)), RunPageURL: srv.runPageURL(d.jobID, d.runID)}
		if i > 0 {
			t.DependsOn = []restDependsOn{{TaskKey: deployerTasks[i-1]}}
		}
		began := elapsed >= time.Duration(from)*step
		ended := d.result != "" || elapsed >= time.Duration(until)*step
		switch {
		case d.result != "" && d.failedTask == "gate" && key != "gate":
			t.State = restState{LifeCycleState: "TERMINATED", ResultState: "UPSTREAM_FAILED", StateMessage: "Upstream task failed"}
			t.Status = restStatus{State: "TERMINATED", TerminationDetails: &restTermination{Code: "UPSTREAM_FAILED", Type: "CLIENT_ERROR", Message: "Upstream task failed"}}
			return t
		case !began:
			t.State, t.Status = restStateOf("", "", false, true)
			return t
		case !ended || (d.result == "" && key == "gate" && d.gate == ""):
			t.StartTime = ms(at(from))
			t.State, t.Status = restStateOf("", "", true, false)
			return t
		}
		t.StartTime, t.EndTime = ms(at(from)), ms(at(until))
		t.RunDuration = (time.Duration(until-from) * step).Milliseconds()
		res := "SUCCEEDED"
		if d.failedTask == key {
			res = "FAILED"
		}
		t.State, t.Status = restStateOf(res, "", false, false)
		if d.failedTask == key && d.message != "" {
			t.State.StateMessage = d.message
			t.Status.TerminationDetails.Message = d.message
		}
		return t
	}
	r.tasks = []restTask{task(0, "gate", 1, 2), task(1, "deploy", 2, 4)}
	return r
}
