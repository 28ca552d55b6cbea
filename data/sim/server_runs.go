package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// A job run as the server shows it: folded from its hourly slices in job_run_timeline, or
// read from in_flight (plan set) while it has not reached the timeline.
type jobRun struct {
	jobID, runID, name string
	start, end         time.Time // end is zero while the run is active
	result, termCode   string    // system-table vocabulary; result is empty while active
	trigger, runType   string    // system-table vocabulary
	params             map[string]string
	creator            string
	plan               *FlightPlan
	// Deployer runs (deployer.go): pending before their first task starts, the message of
	// their end, and their tasks as the server shows them.
	pending bool
	message string
	tasks   []restTask
}

func (r jobRun) active() bool { return r.result == "" }

// runKey orders runs newest first: by start time, then by run id.
type runKey struct {
	Start int64 `json:"s"`
	RunID int64 `json:"r"`
}

func (r jobRun) key() runKey { return runKey{r.start.UnixMilli(), atoi64(r.runID)} }

// after reports whether k comes after c in newest-first order (is on a later page).
func (k runKey) after(c runKey) bool {
	return k.Start < c.Start || (k.Start == c.Start && k.RunID < c.RunID)
}

// runQuery is what runs/list and runs/get ask for.
type runQuery struct {
	jobID, runID         string
	from, to             time.Time
	activeOnly, doneOnly bool
	cursor               *runKey
	limit                int
}

// foldedRuns folds job_run_timeline per run and joins who started each run: the caller of
// run-now when there was one, else the job's creator (as for scheduled runs). Parameters
// of a run-now run come from its request when the timeline row has none. A slice without a
// run id is no run (the hostile estate plants one).
var foldedRuns = fmt.Sprintf(foldedRunsOf, "")

// foldedRunsOf is foldedRuns with a further condition on the timeline's rows (%s).
const foldedRunsOf = `
WITH runs AS (
  SELECT job_id, run_id,
         MIN(period_start_time) AS start_time,
         MAX(period_end_time) AS end_time,
         MAX_BY(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS result_state,
         MAX_BY(termination_code, period_end_time) FILTER (WHERE termination_code IS NOT NULL) AS termination_code,
         ANY_VALUE(trigger_type) AS trigger_type,
         ANY_VALUE(run_type) AS run_type,
         ANY_VALUE(run_name) AS run_name,
         CAST(to_json(ANY_VALUE(job_parameters)) AS VARCHAR) AS params
  FROM sim.lakeflow.job_run_timeline
  WHERE workspace_id = ? AND run_id IS NOT NULL AND period_end_time >= ? AND (? = '' OR job_id = ?) AND (? = '' OR run_id = ?)%s
  GROUP BY job_id, run_id
  HAVING MIN(period_start_time) >= ? AND MIN(period_start_time) <= ?
),
creators AS (
  SELECT job_id, creator_user_name FROM sim.lakeflow.jobs WHERE workspace_id = ?
  QUALIFY ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY change_time DESC) = 1
),
requests AS (
  SELECT run_id, ANY_VALUE(requested_by) AS requested_by, ANY_VALUE(job_parameters) AS params
  FROM sim.sim_internal.run_requests WHERE workspace_id = ? GROUP BY run_id
)
SELECT r.job_id, r.run_id, COALESCE(r.run_name, ''), r.start_time, r.end_time,
       COALESCE(r.result_state, ''), COALESCE(r.termination_code, ''),
       COALESCE(r.trigger_type, ''), COALESCE(r.run_type, ''), COALESCE(r.params, q.params, ''),
       COALESCE(q.requested_by, c.creator_user_name, '')
FROM runs r
LEFT JOIN creators c ON c.job_id = r.job_id
LEFT JOIN requests q ON q.run_id = r.run_id
WHERE epoch_ms(r.start_time) < ? OR (epoch_ms(r.start_time) = ? AND COALESCE(TRY_CAST(r.run_id AS BIGINT), 0) < ?)
ORDER BY epoch_ms(r.start_time) DESC, COALESCE(TRY_CAST(r.run_id AS BIGINT), 0) DESC
LIMIT ?`

// flyingRuns are the job runs of the workspace in in_flight (active, or past their planned
// end but not yet moved into the timeline), with their plans, kept until the next write.
// The answer is shared: callers must not modify it.
func (srv *Server) flyingRuns(ctx context.Context) ([]jobRun, error) {
	return cached(srv.sim, memoKey("flying runs", srv.wsid), func() ([]jobRun, error) {
		rows, err := srv.sim.db.QueryContext(ctx, `SELECT object_id, run_id, COALESCE(run_name, ''), start_time, planned_end, COALESCE(payload, '')
FROM sim.sim_internal.in_flight WHERE workspace_id = ? AND kind = 'job'`, srv.wsid)
		if err != nil {
			return nil, fmt.Errorf("listing active runs: %w", err)
		}
		defer rows.Close()
		var out []jobRun
		for rows.Next() {
			var r jobRun
			var payload string
			// end is the planned end here: the run ends then.
			if err := rows.Scan(&r.jobID, &r.runID, &r.name, &r.start, &r.end, &payload); err != nil {
				return nil, fmt.Errorf("reading active runs: %w", err)
			}
			r.start, r.end = r.start.UTC(), r.end.UTC()
			plan := FlightPlan{}
			_ = json.Unmarshal([]byte(payload), &plan)
			r.plan = &plan
			r.trigger, r.runType, r.params, r.creator = plan.TriggerType, plan.RunType, plan.JobParameters, plan.CreatorUserName
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading active runs: %w", err)
		}
		return out, nil
	})
}

// runs answers a runQuery, newest first, at most q.limit+1 runs (the extra one says that
// there is a next page). A run that has ended but is still in in_flight shows its planned
// outcome, so clients see the same run before and after catch-up moves it.
func (srv *Server) runs(ctx context.Context, q runQuery) ([]jobRun, error) {
	now := srv.sim.Now()
	to := now
	if !q.to.IsZero() && q.to.Before(to) {
		to = q.to
	}
	cur := runKey{math.MaxInt64, math.MaxInt64}
	if q.cursor != nil {
		cur = *q.cursor
	}
	byID := map[string]jobRun{}
	var order []string
	// Timeline rows come first; a finished run there wins over its in_flight copy.
	add := func(r jobRun) {
		if prev, ok := byID[r.runID]; ok {
			if !prev.active() {
				return
			}
		} else {
			order = append(order, r.runID)
		}
		byID[r.runID] = r
	}
	if !q.activeOnly {
		done, err := srv.foldedRuns(ctx, q, to, cur)
		if err != nil {
			return nil, err
		}
		for _, r := range done {
			add(r)
		}
	}
	deployers, err := srv.deployerRuns(ctx, q, q.from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range deployers {
		if r.key().after(cur) {
			add(r)
		}
	}
	flying, err := srv.flyingRuns(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range flying {
		if r.start.Before(q.from) || r.start.After(to) || (q.jobID != "" && r.jobID != q.jobID) || (q.runID != "" && r.runID != q.runID) {
			continue
		}
		if end := r.end; end.After(now) {
			r.end = time.Time{}
		} else {
			r.result, r.termCode = r.plan.ResultState, r.plan.TerminationCode
		}
		if r.key().after(cur) {
			add(r)
		}
	}
	out := make([]jobRun, 0, len(order))
	for _, id := range order {
		if r := byID[id]; !(q.activeOnly && !r.active()) && !(q.doneOnly && r.active()) {
			out = append(out, r)
		}
	}
	newestFirst(out)
	if len(out) > q.limit+1 {
		out = out[:q.limit+1]
	}
	return out, nil
}

// pagedWithin is the longest window whose runs are folded once for all its pages: a client
// that lists the runs since a time (the cockpit's live feed: since the oldest open window,
// in slices read side by side) pages through them, and each page would fold the window's
// slices again. Longer or open-ended listings fold one page at a time.
const pagedWithin = 48 * time.Hour

// foldedRuns are the runs of the timeline that q selects, started by to, after cur, newest
// first, at most q.limit+1. The answer is shared: callers must not modify it.
func (srv *Server) foldedRuns(ctx context.Context, q runQuery, to time.Time, cur runKey) ([]jobRun, error) {
	if q.from.IsZero() || to.Sub(q.from) > pagedWithin {
		args := []any{srv.wsid, q.from, q.jobID, q.jobID, q.runID, q.runID, q.from, to,
			srv.wsid, srv.wsid, cur.Start, cur.Start, cur.RunID, q.limit + 1}
		f, err := cached(srv.sim, memoKey("runs", args...), func() (*runFold, error) {
			runs, err := srv.foldRuns(ctx, srv.sim.db, foldedRuns, args)
			return &runFold{runs: runs}, err
		})
		if err != nil {
			return nil, err
		}
		return f.runs, nil
	}
	// Every run started since the day from falls in, whatever the end of the window and the
	// clock: the pages of one listing (and the slices of one, which start anywhere in it)
	// share it until the estate is next written, even as the wall clock moves between them,
	// and catch-up adds to it the runs it moves into the timeline (runFold.carry).
	since := q.from.Truncate(24 * time.Hour)
	args := []any{srv.wsid, since, q.jobID, q.jobID, q.runID, q.runID, since, endOfTime,
		srv.wsid, srv.wsid, int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt32)}
	f, err := cached(srv.sim, memoKey("runs", args...), func() (*runFold, error) {
		runs, err := srv.foldRuns(ctx, srv.sim.db, foldedRuns, args)
		return &runFold{ws: srv.wsid, since: true, from: since, jobID: q.jobID, runID: q.runID, runs: runs}, err
	})
	if err != nil {
		return nil, err
	}
	all := f.runs
	// all is in the page's order (newest first): the page starts after the cursor, at the
	// first run started by to, and ends before the first run started before from.
	i, _ := slices.BinarySearchFunc(all, cur, func(r jobRun, c runKey) int {
		if r.key().after(c) {
			return 1
		}
		return -1
	})
	for i < len(all) && all[i].start.After(to) {
		i++
	}
	j := i
	for j < len(all) && j < i+q.limit+1 && !all[j].start.Before(q.from) {
		j++
	}
	return all[i:j], nil
}

// endOfTime is after every run's start.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// querier is a database, a connection or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// foldRuns reads the runs of the timeline (the statement foldedRuns, or one foldedRunsOf
// makes, with args) on db.
func (srv *Server) foldRuns(ctx context.Context, db querier, stmt string, args []any) ([]jobRun, error) {
	rows, err := db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, fmt.Errorf("listing runs: %w", err)
	}
	defer rows.Close()
	var out []jobRun
	for rows.Next() {
		var r jobRun
		var params string
		if err := rows.Scan(&r.jobID, &r.runID, &r.name, &r.start, &r.end, &r.result, &r.termCode, &r.trigger, &r.runType, &params, &r.creator); err != nil {
			return nil, fmt.Errorf("reading runs: %w", err)
		}
		r.start, r.end = r.start.UTC(), r.end.UTC()
		if params != "" && params != "null" {
			_ = json.Unmarshal([]byte(params), &r.params)
		}
		if r.result == "" {
			r.end = time.Time{}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading runs: %w", err)
	}
	return out, nil
}

// listRuns is GET /api/2.2/jobs/runs/list.
func (srv *Server) listRuns(w http.ResponseWriter, r *http.Request, _ User) error {
	q := runQuery{}
	jobID, err := queryInt(r, "job_id", 0)
	if err != nil {
		return err
	}
	if jobID != 0 {
		q.jobID = strconv.FormatInt(jobID, 10)
	}
	if q.activeOnly, err = queryBool(r, "active_only"); err != nil {
		return err
	}
	if q.doneOnly, err = queryBool(r, "completed_only"); err != nil {
		return err
	}
	if q.activeOnly && q.doneOnly {
		return badRequest("active_only and completed_only cannot both be true.")
	}
	limit, err := queryInt(r, "limit", 0)
	if err != nil {
		return err
	}
	switch {
	case limit < 0 || limit > 25:
		return badRequest("Invalid limit %d: the limit must be greater than 0 and at most 25.", limit)
	case limit == 0:
		limit = 25
	}
	q.limit = int(limit)
	from, err := queryInt(r, "start_time_from", 0)
	if err != nil {
		return err
	}
	to, err := queryInt(r, "start_time_to", 0)
	if err != nil {
		return err
	}
	if from > 0 {
		q.from = time.UnixMilli(from).UTC()
	}
	if to > 0 {
		q.to = time.UnixMilli(to).UTC()
	}
	if tok := r.URL.Query().Get("page_token"); tok != "" {
		var k runKey
		if err := decodeToken(tok, &k); err != nil {
			return badRequest("Invalid page_token.")
		}
		q.cursor = &k
	}
	expand, err := queryBool(r, "expand_tasks")
	if err != nil {
		return err
	}
	runs, err := srv.runs(r.Context(), q)
	if err != nil {
		return err
	}
	resp := struct {
		Runs          []restRun `json:"runs,omitempty"`
		HasMore       bool      `json:"has_more"`
		NextPageToken string    `json:"next_page_token,omitempty"`
	}{}
	if len(runs) > q.limit {
		runs = runs[:q.limit]
		resp.HasMore = true
		resp.NextPageToken = encodeToken(runs[len(runs)-1].key())
	}
	var tasks map[string][]restTask
	if expand {
		if tasks, err = srv.tasksOf(r.Context(), runs); err != nil {
			return err
		}
	}
	for _, run := range runs {
		rr := srv.restRun(run)
		rr.Tasks = tasks[run.runID]
		resp.Runs = append(resp.Runs, rr)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// getRun is GET /api/2.2/jobs/runs/get.
func (srv *Server) getRun(w http.ResponseWriter, r *http.Request, _ User) error {
	v := r.URL.Query().Get("run_id")
	id, err := strconv.ParseInt(v, 10, 64)
	if v == "" || err != nil || id <= 0 {
		return badRequest("Invalid run_id %q: a positive integer is required.", v)
	}
	runs, err := srv.runs(r.Context(), runQuery{runID: strconv.FormatInt(id, 10), limit: 1})
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		// Databricks answers 400 here, not 404; the SDK maps the message to not-found.
		return badRequest("Run %d does not exist.", id)
	}
	tasks, err := srv.tasksOf(r.Context(), runs[:1])
	if err != nil {
		return err
	}
	rr := srv.restRun(runs[0])
	rr.Tasks = tasks[runs[0].runID]
	writeJSON(w, http.StatusOK, rr)
	return nil
}

// tasksOf lists the task runs of runs: from job_task_run_timeline for finished runs, from
// the flight plan for runs in in_flight.
func (srv *Server) tasksOf(ctx context.Context, runs []jobRun) (map[string][]restTask, error) {
	now := srv.sim.Now()
	out := map[string][]restTask{}
	var done, jobIDs []string
	for _, r := range runs {
		if !slices.Contains(jobIDs, r.jobID) {
			jobIDs = append(jobIDs, r.jobID)
		}
		if r.plan == nil && r.tasks == nil {
			done = append(done, r.runID)
		}
	}
	deps, err := srv.taskDeps(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	jobOf := map[string]string{}
	for _, r := range runs {
		jobOf[r.runID] = r.jobID
		if r.tasks != nil {
			out[r.runID] = r.tasks
		}
		if r.plan == nil {
			continue
		}
		for _, t := range r.plan.Tasks {
			start, end := t.Start.UTC(), t.End.UTC()
			result := t.ResultState
			active, pending := end.After(now), start.After(now)
			if active {
				result, end = "", time.Time{}
			}
			if pending {
				start = time.Time{}
			}
			out[r.runID] = append(out[r.runID], srv.restTask(r.jobID, t.TaskKey, t.RunID, t.PipelineID, start, end, result, "", active, pending, deps))
		}
	}
	if len(done) == 0 {
		return out, nil
	}
	args := []any{srv.wsid}
	for _, id := range done {
		args = append(args, id)
	}
	args = append(args, srv.wsid)
	rows, err := srv.sim.db.QueryContext(ctx, `
WITH tasks AS (
  SELECT job_run_id, run_id, ANY_VALUE(task_key) AS task_key,
         MIN(period_start_time) AS start_time, MAX(period_end_time) AS end_time,
         MAX_BY(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS result_state,
         MAX_BY(termination_code, period_end_time) FILTER (WHERE termination_code IS NOT NULL) AS termination_code
  FROM sim.lakeflow.job_task_run_timeline
  WHERE workspace_id = ? AND job_run_id IN (`+placeholders(len(done))+`)
  GROUP BY job_run_id, run_id
),
pipes AS (
  SELECT trigger_details.job_task.job_task_run_id AS task_run_id, ANY_VALUE(pipeline_id) AS pipeline_id
  FROM sim.lakeflow.pipeline_update_timeline
  WHERE workspace_id = ? AND trigger_type = 'JOB_TASK' GROUP BY 1
)
SELECT t.job_run_id, t.run_id, COALESCE(t.task_key, ''), t.start_time, t.end_time,
       COALESCE(t.result_state, ''), COALESCE(t.termination_code, ''), COALESCE(p.pipeline_id, '')
FROM tasks t LEFT JOIN pipes p ON p.task_run_id = t.run_id
ORDER BY t.start_time, t.task_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing task runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var jobRunID, runID, key, result, code, pipe string
		var start, end time.Time
		if err := rows.Scan(&jobRunID, &runID, &key, &start, &end, &result, &code, &pipe); err != nil {
			return nil, fmt.Errorf("reading task runs: %w", err)
		}
		active := result == ""
		if active {
			end = time.Time{}
		}
		out[jobRunID] = append(out[jobRunID], srv.restTask(jobOf[jobRunID], key, runID, pipe, start.UTC(), end.UTC(), result, code, active, false, deps))
	}
	return out, rows.Err()
}

func (srv *Server) restTask(jobID, key, runID, pipelineID string, start, end time.Time, result, code string, active, pending bool, deps map[string][]string) restTask {
	st, status := restStateOf(result, code, active, pending)
	t := restTask{
		TaskKey: key, RunID: atoi64(runID), StartTime: ms(start), EndTime: ms(end),
		State: st, Status: status, RunPageURL: srv.runPageURL(jobID, runID),
	}
	if !end.IsZero() && !start.IsZero() {
		t.RunDuration = end.Sub(start).Milliseconds()
	}
	for _, d := range deps[jobID+"/"+key] {
		t.DependsOn = append(t.DependsOn, restDependsOn{TaskKey: d})
	}
	if pipelineID != "" {
		t.PipelineTask = &restPipeTask{PipelineID: pipelineID}
	}
	return t
}

// taskDeps maps "<job_id>/<task_key>" to the task's depends_on keys, for the current
// definition of each job (latest row of job_tasks, not deleted).
func (srv *Server) taskDeps(ctx context.Context, jobIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(jobIDs) == 0 {
		return out, nil
	}
	tasks, err := srv.jobTasks(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		out[t.jobID+"/"+t.key] = t.dependsOn
	}
	return out, nil
}

type jobTask struct {
	jobID, key string
	dependsOn  []string
}

// jobTasks lists the current tasks of jobs, in task_key order.
func (srv *Server) jobTasks(ctx context.Context, jobIDs []string) ([]jobTask, error) {
	args := []any{srv.wsid}
	for _, id := range jobIDs {
		args = append(args, id)
	}
	rows, err := srv.sim.db.QueryContext(ctx, `
SELECT job_id, task_key, COALESCE(CAST(to_json(depends_on_keys) AS VARCHAR), '[]') FROM (
  SELECT * FROM sim.lakeflow.job_tasks WHERE workspace_id = ? AND job_id IN (`+placeholders(len(jobIDs))+`)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY job_id, task_key ORDER BY change_time DESC) = 1
) WHERE delete_time IS NULL
ORDER BY job_id, task_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing job tasks: %w", err)
	}
	defer rows.Close()
	var out []jobTask
	for rows.Next() {
		var t jobTask
		var deps string
		if err := rows.Scan(&t.jobID, &t.key, &deps); err != nil {
			return nil, fmt.Errorf("reading job tasks: %w", err)
		}
		_ = json.Unmarshal([]byte(deps), &t.dependsOn)
		out = append(out, t)
	}
	return out, rows.Err()
}
