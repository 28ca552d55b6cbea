package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// job is the current definition of a job: the latest row of lakeflow.jobs.
type job struct {
	id, name, creator, runAs string
	created                  time.Time
	tags                     map[string]string
	deployKind, metadataPath string
	timeoutSeconds           int64
	health                   []healthRule
	deleted                  bool
}

type healthRule struct {
	Metric   string `json:"metric"`
	Operator string `json:"operator"`
	Value    int64  `json:"value"`
}

// job reads the current definition of a job of the workspace; ok is false when there is
// none or it was deleted.
func (srv *Server) job(ctx context.Context, id string) (j job, ok bool, err error) {
	var tags, health string
	err = srv.sim.db.QueryRowContext(ctx, `
SELECT job_id, COALESCE(name, ''), COALESCE(creator_user_name, ''), COALESCE(run_as_user_name, ''),
       COALESCE(create_time, change_time), COALESCE(CAST(to_json(tags) AS VARCHAR), '{}'),
       COALESCE(deployment.kind, ''), COALESCE(deployment.metadata_file_path, ''),
       COALESCE(timeout_seconds, 0), COALESCE(CAST(to_json(health_rules) AS VARCHAR), '[]'),
       delete_time IS NOT NULL
FROM sim.lakeflow.jobs WHERE workspace_id = ? AND job_id = ?
QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1`, srv.wsid, id).Scan(
		&j.id, &j.name, &j.creator, &j.runAs, &j.created, &tags, &j.deployKind, &j.metadataPath,
		&j.timeoutSeconds, &health, &j.deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return job{}, false, nil
	}
	if err != nil {
		return job{}, false, fmt.Errorf("reading job %s: %w", id, err)
	}
	_ = json.Unmarshal([]byte(tags), &j.tags)
	_ = json.Unmarshal([]byte(health), &j.health)
	return j, !j.deleted, nil
}

// jobIDParam reads a positive job id from a query or path value.
func jobIDParam(v string) (string, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if v == "" || err != nil || n <= 0 {
		return "", badRequest("Invalid job_id %q: a positive integer is required.", v)
	}
	return strconv.FormatInt(n, 10), nil
}

// getJob is GET /api/2.2/jobs/get.
func (srv *Server) getJob(w http.ResponseWriter, r *http.Request, _ User) error {
	id, err := jobIDParam(r.URL.Query().Get("job_id"))
	if err != nil {
		return err
	}
	j, ok, err := srv.job(r.Context(), id)
	if err != nil {
		return err
	}
	if !ok {
		// As Databricks: 400, which the SDK maps to not-found by the message.
		return badRequest("Job %s does not exist.", id)
	}
	tasks, err := srv.jobTasks(r.Context(), []string{id})
	if err != nil {
		return err
	}
	type dep struct {
		TaskKey string `json:"task_key"`
	}
	type task struct {
		TaskKey   string `json:"task_key"`
		DependsOn []dep  `json:"depends_on,omitempty"`
	}
	type rule struct {
		Metric string `json:"metric"`
		Op     string `json:"op"`
		Value  int64  `json:"value"`
	}
	type health struct {
		Rules []rule `json:"rules"`
	}
	type deployment struct {
		Kind             string `json:"kind"`
		MetadataFilePath string `json:"metadata_file_path,omitempty"`
	}
	type settings struct {
		Name              string            `json:"name"`
		Tags              map[string]string `json:"tags,omitempty"`
		Deployment        *deployment       `json:"deployment,omitempty"`
		EditMode          string            `json:"edit_mode"`
		Format            string            `json:"format"`
		MaxConcurrentRuns int               `json:"max_concurrent_runs"`
		TimeoutSeconds    int64             `json:"timeout_seconds,omitempty"`
		Health            *health           `json:"health,omitempty"`
		RunAs             map[string]string `json:"run_as,omitempty"`
		Tasks             []task            `json:"tasks,omitempty"`
	}
	s := settings{Name: j.name, Tags: j.tags, EditMode: "EDITABLE", Format: "MULTI_TASK", MaxConcurrentRuns: 1, TimeoutSeconds: j.timeoutSeconds}
	if j.deployKind != "" {
		s.Deployment = &deployment{Kind: j.deployKind, MetadataFilePath: j.metadataPath}
		if j.deployKind == "BUNDLE" {
			s.EditMode = "UI_LOCKED"
		}
	}
	if len(j.health) > 0 {
		s.Health = &health{}
		for _, h := range j.health {
			s.Health.Rules = append(s.Health.Rules, rule{Metric: h.Metric, Op: h.Operator, Value: h.Value})
		}
	}
	if j.runAs != "" {
		field := "user_name"
		if !strings.Contains(j.runAs, "@") {
			field = "service_principal_name"
		}
		s.RunAs = map[string]string{field: j.runAs}
	}
	for _, t := range tasks {
		tt := task{TaskKey: t.key}
		for _, d := range t.dependsOn {
			tt.DependsOn = append(tt.DependsOn, dep{d})
		}
		s.Tasks = append(s.Tasks, tt)
	}
	writeJSON(w, http.StatusOK, struct {
		JobID           int64    `json:"job_id"`
		CreatorUserName string   `json:"creator_user_name,omitempty"`
		CreatedTime     int64    `json:"created_time"`
		RunAsUserName   string   `json:"run_as_user_name,omitempty"`
		Settings        settings `json:"settings"`
	}{atoi64(j.id), j.creator, ms(j.created), j.runAs, s})
	return nil
}

// canRunJob are the job permission levels that include "Run now".
var canRunJob = map[string]bool{"CAN_MANAGE_RUN": true, "IS_OWNER": true, "CAN_MANAGE": true}

// runNowHandler is POST /api/2.2/jobs/run-now. The run starts now and ends successfully
// 20-40 s later; it lives in in_flight until the generator's catch-up moves it into the
// timeline tables. A run of a deployer job instead progresses on the wall clock and runs
// the gate (deployer.go). A repeated idempotency token returns the run it started.
func (srv *Server) runNowHandler(w http.ResponseWriter, r *http.Request, u User) error {
	var req struct {
		JobID            int64             `json:"job_id"`
		JobParameters    map[string]string `json:"job_parameters"`
		IdempotencyToken string            `json:"idempotency_token"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return badRequest("Could not read the request body.")
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return &apiError{http.StatusBadRequest, "MALFORMED_REQUEST", "Could not parse request object: " + err.Error()}
	}
	if req.JobID <= 0 {
		return badRequest("Missing required field: job_id")
	}
	if len(req.IdempotencyToken) > 64 {
		return badRequest("Idempotency token must have at most 64 characters, got %d.", len(req.IdempotencyToken))
	}
	ctx := r.Context()
	id := strconv.FormatInt(req.JobID, 10)
	j, ok, err := srv.job(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return badRequest("Job %s does not exist.", id)
	}
	levels, err := srv.levels(ctx, "job", id, u)
	if err != nil {
		return err
	}
	allowed := false
	for _, l := range levels {
		allowed = allowed || canRunJob[l]
	}
	if !allowed {
		return forbidden("User %s does not have Manage Run or Owner or Admin permissions on job %s", u.UserName, id)
	}
	// One run per token, also across this simulation's other workspace server, and no
	// interleaving with catch-up moving in_flight rows.
	srv.sim.mu.Lock()
	defer srv.sim.mu.Unlock()
	if req.IdempotencyToken != "" {
		var runID string
		err := srv.sim.db.QueryRowContext(ctx, `SELECT run_id FROM sim.sim_internal.run_requests
WHERE workspace_id = ? AND idempotency_token = ? ORDER BY requested_at LIMIT 1`, srv.wsid, req.IdempotencyToken).Scan(&runID)
		if err == nil {
			writeJSON(w, http.StatusOK, map[string]int64{"run_id": atoi64(runID), "number_in_job": atoi64(runID)})
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("looking up the idempotency token: %w", err)
		}
	}
	now := srv.sim.Now().Truncate(time.Millisecond)
	runID, err := srv.sim.newRunID(ctx, now)
	if err != nil {
		return err
	}
	tasks, err := srv.jobTasks(ctx, []string{id})
	if err != nil {
		return err
	}
	end := now.Add(time.Duration(20+atoi64(runID)%21) * time.Second)
	plan := FlightPlan{
		ResultState: "SUCCEEDED", TerminationCode: "SUCCESS", TriggerType: "ONETIME", RunType: "JOB_RUN",
		CreatorUserName: u.UserName, JobParameters: req.JobParameters, IdempotencyToken: req.IdempotencyToken,
		Tasks: planRunNowTasks(runID, tasks, now, end),
	}
	payload, _ := json.Marshal(plan)
	params, _ := json.Marshal(req.JobParameters)
	defer srv.sim.wrote()
	tx, err := srv.sim.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting run of job %s: %w", id, err)
	}
	defer tx.Rollback()
	if env, ok := deployerEnv(id); ok {
		// A deployer run progresses on the wall clock and runs the gate (deployer.go).
		if err := srv.startDeployerRun(ctx, tx, env, id, runID, j.name, u.UserName, req.JobParameters, now); err != nil {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO sim.sim_internal.in_flight
(workspace_id, kind, object_id, run_id, run_name, start_time, planned_end, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		srv.wsid, FlightJob, id, runID, j.name, now, end, string(payload)); err != nil {
		return fmt.Errorf("starting run of job %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sim.sim_internal.run_requests
(idempotency_token, workspace_id, job_id, run_id, requested_by, requested_at, job_parameters) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		req.IdempotencyToken, srv.wsid, id, runID, u.UserName, now, string(params)); err != nil {
		return fmt.Errorf("recording the run request of job %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("starting run of job %s: %w", id, err)
	}
	// An injected fault loses the answer after the run was recorded, as an overloaded
	// front end would: only the idempotency token makes the client's retry safe.
	switch srv.sim.deployer().nextRunNowFault() {
	case http.StatusServiceUnavailable:
		return &apiError{http.StatusServiceUnavailable, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable. Please retry."}
	case http.StatusTooManyRequests:
		return &apiError{http.StatusTooManyRequests, "REQUEST_LIMIT_EXCEEDED", "Too many requests. Please wait and retry."}
	}
	writeJSON(w, http.StatusOK, map[string]int64{"run_id": atoi64(runID), "number_in_job": atoi64(runID)})
	return nil
}

// newRunID picks an unused run id. Generated runs of minute m have ids m*1000+k with k below
// 900 (or 999 for a story run); run-now takes the ids m*1000+900..998 of the current minute,
// or of the following minutes if those are used up (ScriptRun takes them too).
func (s *Sim) newRunID(ctx context.Context, now time.Time) (string, error) {
	for m := now.Unix() / 60; m < now.Unix()/60+60; m++ {
		for k := int64(900); k < 999; k++ {
			id := strconv.FormatInt(m*1000+k, 10)
			var n int
			err := s.db.QueryRowContext(ctx, `SELECT
  (SELECT count(*) FROM sim.lakeflow.job_run_timeline WHERE run_id = ?) +
  (SELECT count(*) FROM sim.sim_internal.in_flight WHERE run_id = ?) +
  (SELECT count(*) FROM sim.sim_internal.run_requests WHERE run_id = ?)`, id, id, id).Scan(&n)
			if err != nil {
				return "", fmt.Errorf("allocating a run id: %w", err)
			}
			if n == 0 {
				return id, nil
			}
		}
	}
	return "", errors.New("allocating a run id: no free id in the next hour")
}

// planRunNowTasks spreads a job's tasks over [start, end] in dependency order: tasks whose
// dependencies are in stage i run in stage i+1. Task run ids follow the generator's scheme
// (the run id followed by the task's 1-based index).
func planRunNowTasks(runID string, tasks []jobTask, start, end time.Time) []TaskPlan {
	stage := map[string]int{}
	var stageOf func(key string, depth int) int
	deps := map[string][]string{}
	for _, t := range tasks {
		deps[t.key] = t.dependsOn
	}
	stageOf = func(key string, depth int) int {
		if s, ok := stage[key]; ok {
			return s
		}
		s := 0
		if depth < len(tasks) { // a cycle cannot recurse forever
			for _, d := range deps[key] {
				if _, known := deps[d]; known {
					s = max(s, stageOf(d, depth+1)+1)
				}
			}
		}
		stage[key] = s
		return s
	}
	stages := 1
	for _, t := range tasks {
		stages = max(stages, stageOf(t.key, 0)+1)
	}
	span := end.Sub(start) / time.Duration(stages)
	out := make([]TaskPlan, 0, len(tasks))
	for i, t := range tasks {
		s := stage[t.key]
		tEnd := start.Add(time.Duration(s+1) * span)
		if s == stages-1 {
			tEnd = end
		}
		out = append(out, TaskPlan{
			TaskKey: t.key, RunID: fmt.Sprintf("%s%d", runID, i+1),
			Start: start.Add(time.Duration(s) * span), End: tEnd, ResultState: "SUCCEEDED",
		})
	}
	return out
}

// levels lists the permission levels the user holds on an object of the workspace,
// directly, as a service principal, or through one of their groups.
func (srv *Server) levels(ctx context.Context, objectType, objectID string, u User) ([]string, error) {
	args := []any{srv.wsid, objectType, objectType + "s", objectID, u.UserName}
	groups := ""
	if len(u.Groups) > 0 {
		groups = ` OR (principal_type = 'group' AND principal IN (` + placeholders(len(u.Groups)) + `))`
		for _, g := range u.Groups {
			args = append(args, g)
		}
	}
	rows, err := srv.sim.db.QueryContext(ctx, `SELECT DISTINCT permission_level FROM sim.sim_internal.acls
WHERE workspace_id = ? AND object_type IN (?, ?) AND object_id = ?
  AND ((principal_type <> 'group' AND principal = ?)`+groups+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading permissions on %s %s: %w", objectType, objectID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, fmt.Errorf("reading permissions on %s %s: %w", objectType, objectID, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
