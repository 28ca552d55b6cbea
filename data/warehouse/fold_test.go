package warehouse

import (
	"database/sql"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The helpers below read the simulation's tables directly and fold them in Go, as an
// independent account of what the package's SQL computes.

type slice struct {
	object, run string
	start, end  time.Time
	result      sql.NullString
}

func readSlices(t *testing.T, s *Store, query, workspace string) []slice {
	t.Helper()
	rows, err := s.db.Query(query, workspace)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []slice
	for rows.Next() {
		var sl slice
		if err := rows.Scan(&sl.object, &sl.run, &sl.start, &sl.end, &sl.result); err != nil {
			t.Fatal(err)
		}
		out = append(out, sl)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fold folds slices into (object, run) → first start, last end and the result of the
// latest slice that has one.
func fold(sls []slice) map[[2]string]*slice {
	out := map[[2]string]*slice{}
	resultEnd := map[[2]string]time.Time{}
	for _, sl := range sls {
		k := [2]string{sl.object, sl.run}
		f, ok := out[k]
		if !ok {
			c := sl
			c.result = sql.NullString{}
			out[k], f = &c, &c
		}
		if sl.start.Before(f.start) {
			f.start = sl.start
		}
		if sl.end.After(f.end) {
			f.end = sl.end
		}
		if sl.result.Valid && (!f.result.Valid || !sl.end.Before(resultEnd[k])) {
			f.result, resultEnd[k] = sl.result, sl.end
		}
	}
	return out
}

// foldTimelines returns the job runs by job id and the pipeline updates by pipeline id of
// an environment's workspace.
func foldTimelines(t *testing.T, s *Store, env Env) (map[string][]model.JobRun, map[string][]model.PipelineUpdate) {
	t.Helper()
	runs := map[string][]model.JobRun{}
	for k, f := range fold(readSlices(t, s, `SELECT job_id, run_id, period_start_time, period_end_time, result_state
		FROM sim.lakeflow.job_run_timeline WHERE workspace_id = ?`, env.WorkspaceID)) {
		runs[k[0]] = append(runs[k[0]], model.JobRun{JobID: k[0], RunID: k[1], Start: f.start.UTC(), End: f.end.UTC(), ResultState: f.result.String})
	}
	updates := map[string][]model.PipelineUpdate{}
	for k, f := range fold(readSlices(t, s, `SELECT pipeline_id, update_id, period_start_time, period_end_time, result_state
		FROM sim.lakeflow.pipeline_update_timeline WHERE workspace_id = ?`, env.WorkspaceID)) {
		updates[k[0]] = append(updates[k[0]], model.PipelineUpdate{PipelineID: k[0], UpdateID: k[1], Start: f.start.UTC(), End: f.end.UTC(), ResultState: f.result.String})
	}
	return runs, updates
}

// releaseResources maps release ids to the ids of their jobs and pipelines in env.
func releaseResources(t *testing.T, s *Store, env Env) map[string][]string {
	t.Helper()
	rows, err := s.db.Query(`SELECT DISTINCT release_id, resource_id FROM sim.release_cockpit.release_resources
		WHERE environment = ?`, env.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var rel, id string
		if err := rows.Scan(&rel, &id); err != nil {
			t.Fatal(err)
		}
		out[rel] = append(out[rel], id)
	}
	return out
}

// expectationRecords sums passed and failed records per update id in env's workspace.
func expectationRecords(t *testing.T, s *Store, env Env) map[string][2]int64 {
	t.Helper()
	rows, err := s.db.Query(`SELECT update_id, passed_records, failed_records
		FROM sim.release_cockpit.expectation_results WHERE workspace_id = ?`, env.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var id string
		var p, f int64
		if err := rows.Scan(&id, &p, &f); err != nil {
			t.Fatal(err)
		}
		r := out[id]
		out[id] = [2]int64{r[0] + p, r[1] + f}
	}
	return out
}
