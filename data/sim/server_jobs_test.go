package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type runJSON struct {
	JobID           int64  `json:"job_id"`
	RunID           int64  `json:"run_id"`
	StartTime       int64  `json:"start_time"`
	EndTime         int64  `json:"end_time"`
	CreatorUserName string `json:"creator_user_name"`
	Trigger         string `json:"trigger"`
	RunPageURL      string `json:"run_page_url"`
	State           struct {
		LifeCycleState string `json:"life_cycle_state"`
		ResultState    string `json:"result_state"`
	} `json:"state"`
	Status struct {
		State              string `json:"state"`
		TerminationDetails struct {
			Code string `json:"code"`
			Type string `json:"type"`
		} `json:"termination_details"`
	} `json:"status"`
	JobParameters []struct{ Name, Value string } `json:"job_parameters"`
	Tasks         []struct {
		TaskKey   string `json:"task_key"`
		RunID     int64  `json:"run_id"`
		DependsOn []struct {
			TaskKey string `json:"task_key"`
		} `json:"depends_on"`
		State struct {
			LifeCycleState string `json:"life_cycle_state"`
			ResultState    string `json:"result_state"`
		} `json:"state"`
	} `json:"tasks"`
}

type runsPage struct {
	Runs          []runJSON `json:"runs"`
	HasMore       bool      `json:"has_more"`
	NextPageToken string    `json:"next_page_token"`
}

// listAllRuns pages through runs/list with q, and returns the run ids and start times in
// the order listed and the number of pages.
func listAllRuns(t *testing.T, fx *fixture, q url.Values) (ids, starts []int64, pages int) {
	t.Helper()
	for {
		var p runsPage
		if st := fx.get(t, "/api/2.2/jobs/runs/list", q, &p); st != http.StatusOK {
			t.Fatalf("status %d", st)
		}
		pages++
		for _, r := range p.Runs {
			ids = append(ids, r.RunID)
			starts = append(starts, r.StartTime)
		}
		if !p.HasMore {
			if p.NextPageToken != "" {
				t.Error("a last page carries a next_page_token")
			}
			return ids, starts, pages
		}
		q.Set("page_token", p.NextPageToken)
	}
}

// TestRunsListSinceATimePagesLikeTheWholeList: the runs listed since a time within two
// days (whose runs the server folds once for all pages), up to now or to a time, page after
// page, are those of the whole list that start in between, in the same order.
func TestRunsListSinceATimePagesLikeTheWholeList(t *testing.T) {
	fx := newFixture(t)
	allIDs, allStarts, _ := listAllRuns(t, fx, url.Values{"limit": {"7"}})
	for _, tc := range []struct{ back, upTo time.Duration }{{3 * time.Hour, 0}, {20 * time.Hour, 0}, {47 * time.Hour, 0}, {20 * time.Hour, 10 * time.Hour}} {
		from, to := fixtureNow.Add(-tc.back).UnixMilli(), fixtureNow.UnixMilli()
		q := url.Values{"limit": {"4"}, "start_time_from": {fmt.Sprint(from)}}
		if tc.upTo > 0 {
			to = fixtureNow.Add(-tc.upTo).UnixMilli()
			q.Set("start_time_to", fmt.Sprint(to))
		}
		var want []int64
		for i, id := range allIDs {
			if allStarts[i] >= from && allStarts[i] <= to {
				want = append(want, id)
			}
		}
		got, _, pages := listAllRuns(t, fx, q)
		if !slices.Equal(got, want) {
			t.Errorf("from %s ago to %s ago: listed %v in %d pages, want %v", tc.back, tc.upTo, got, pages, want)
		}
		if len(want) < 5 {
			t.Errorf("from %s ago to %s ago: only %d runs, the listing has no second page to check", tc.back, tc.upTo, len(want))
		}
	}
}

func TestRunsListPagesNewestFirstWithoutGapsOrDuplicates(t *testing.T) {
	fx := newFixture(t)
	ids, starts, pages := listAllRuns(t, fx, url.Values{"limit": {"7"}})
	// 30 hourly runs, the long run and the two in-flight runs; nothing of the other workspace.
	want := fxHourly + 1 + 2
	if len(ids) != want || pages != (want+6)/7 {
		t.Fatalf("got %d runs in %d pages, want %d in %d", len(ids), pages, want, (want+6)/7)
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Errorf("run %d listed twice", id)
		}
		seen[id] = true
		if i > 0 && starts[i] > starts[i-1] {
			t.Errorf("run %d starts after the run before it: not newest first", id)
		}
	}
	if ids[0] != atoi64(fxFinishedRun) || ids[1] != atoi64(fxActiveRun) {
		t.Errorf("newest runs are %d, %d; want the in-flight runs %s, %s", ids[0], ids[1], fxFinishedRun, fxActiveRun)
	}
}

func TestRunsListRejectsBadParameters(t *testing.T) {
	fx := newFixture(t)
	for _, q := range []url.Values{
		{"limit": {"26"}},
		{"limit": {"-1"}},
		{"active_only": {"true"}, "completed_only": {"true"}},
		{"page_token": {"not-a-token"}},
		{"start_time_from": {"yesterday"}},
	} {
		var e apiErr
		if st := fx.get(t, "/api/2.2/jobs/runs/list", q, &e); st != http.StatusBadRequest || e.ErrorCode != "INVALID_PARAMETER_VALUE" {
			t.Errorf("%v: got %d %+v, want 400 INVALID_PARAMETER_VALUE", q, st, e)
		}
	}
}

func TestRunsListFoldsHourlySlicesIntoOneRun(t *testing.T) {
	fx := newFixture(t)
	var p runsPage
	from := fixtureNow.Add(-41 * time.Hour).UnixMilli()
	to := fixtureNow.Add(-39 * time.Hour).UnixMilli()
	fx.get(t, "/api/2.2/jobs/runs/list", url.Values{"start_time_from": {fmt.Sprint(from)}, "start_time_to": {fmt.Sprint(to)}}, &p)
	if len(p.Runs) != 1 {
		t.Fatalf("got %d runs starting 39-41 h ago, want the long run only", len(p.Runs))
	}
	r := p.Runs[0]
	long := fixtureNow.Add(-40 * time.Hour)
	if fmt.Sprint(r.RunID) != fxLongRun || r.StartTime != long.UnixMilli() || r.EndTime != long.Truncate(time.Hour).Add(2*time.Hour+25*time.Minute).UnixMilli() {
		t.Errorf("run %d from %d to %d; want %s from the first slice's start to the last slice's end", r.RunID, r.StartTime, r.EndTime, fxLongRun)
	}
	if r.State.LifeCycleState != "TERMINATED" || r.State.ResultState != "FAILED" || r.Status.TerminationDetails.Code != "DRIVER_ERROR" {
		t.Errorf("state %+v status %+v; want TERMINATED FAILED with DRIVER_ERROR from the last slice", r.State, r.Status)
	}
	if r.Trigger != "ONE_TIME" || r.CreatorUserName != "dana.okafor@example.com" {
		t.Errorf("trigger %q creator %q; want ONE_TIME by the caller of run-now", r.Trigger, r.CreatorUserName)
	}
}

func TestRunsListMapsStatesAndTriggersToTheRESTVocabulary(t *testing.T) {
	fx := newFixture(t)
	var p runsPage
	fx.get(t, "/api/2.2/jobs/runs/list", url.Values{"job_id": {fxJob}, "completed_only": {"true"}, "expand_tasks": {"true"}}, &p)
	byID := map[string]int{}
	for i, r := range p.Runs {
		byID[fmt.Sprint(r.RunID)] = i
	}
	if _, ok := byID[fxActiveRun]; ok {
		t.Error("completed_only lists the running run")
	}
	cancelled := p.Runs[byID[fxRunID(3)]]
	if cancelled.State.ResultState != "CANCELED" || cancelled.Status.TerminationDetails.Code != "CANCELED" || cancelled.Trigger != "PERIODIC" {
		t.Errorf("cancelled cron run: %+v %+v %s; want CANCELED, PERIODIC", cancelled.State, cancelled.Status, cancelled.Trigger)
	}
	ok := p.Runs[byID[fxRunID(1)]]
	if ok.State.ResultState != "SUCCESS" || ok.Status.TerminationDetails.Type != "SUCCESS" || len(ok.JobParameters) != 1 || ok.JobParameters[0].Name != "env" {
		t.Errorf("succeeded run: %+v %+v %v", ok.State, ok.Status, ok.JobParameters)
	}
	if want := fx.srv.URL() + "/?o=" + fxWS + "#job/" + fxJob + "/run/" + fxRunID(1); ok.RunPageURL != want {
		t.Errorf("run_page_url %q, want %q", ok.RunPageURL, want)
	}
	if len(ok.Tasks) != 3 || ok.Tasks[2].TaskKey != "publish" || len(ok.Tasks[2].DependsOn) != 1 || ok.Tasks[2].DependsOn[0].TaskKey != "transform" {
		t.Errorf("tasks of an expanded run: %+v", ok.Tasks)
	}
	finished := p.Runs[byID[fxFinishedRun]]
	if finished.State.ResultState != "FAILED" || finished.EndTime != fixtureNow.Add(-time.Minute).UnixMilli() {
		t.Errorf("in-flight run past its planned end: %+v ends %d; want FAILED at its planned end", finished.State, finished.EndTime)
	}
}

func TestActiveOnlyListsRunningRunsWithoutEnd(t *testing.T) {
	fx := newFixture(t)
	var p runsPage
	fx.get(t, "/api/2.2/jobs/runs/list", url.Values{"active_only": {"true"}}, &p)
	if len(p.Runs) != 1 || fmt.Sprint(p.Runs[0].RunID) != fxActiveRun {
		t.Fatalf("active runs %+v, want only %s", p.Runs, fxActiveRun)
	}
	r := p.Runs[0]
	if r.State.LifeCycleState != "RUNNING" || r.Status.State != "RUNNING" || r.EndTime != 0 || r.CreatorUserName != "priya.raman@example.com" {
		t.Errorf("active run: %+v", r)
	}
}

func TestRunsGetAnswersTasksAndUnknownRunsAs400(t *testing.T) {
	fx := newFixture(t)
	var e apiErr
	if st := fx.get(t, "/api/2.2/jobs/runs/get", url.Values{"run_id": {"42"}}, &e); st != http.StatusBadRequest || e.ErrorCode != "INVALID_PARAMETER_VALUE" || e.Message != "Run 42 does not exist." {
		t.Errorf("unknown run: %d %+v", st, e)
	}
	var run struct {
		Tasks []struct {
			TaskKey string `json:"task_key"`
			State   struct {
				LifeCycleState string `json:"life_cycle_state"`
				ResultState    string `json:"result_state"`
			} `json:"state"`
		} `json:"tasks"`
	}
	if st := fx.get(t, "/api/2.2/jobs/runs/get", url.Values{"run_id": {fxActiveRun}}, &run); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	// Started 5 minutes ago, 25 minutes long: ingest runs, publish waits.
	if len(run.Tasks) != 2 || run.Tasks[0].State.LifeCycleState != "RUNNING" || run.Tasks[1].State.LifeCycleState != "PENDING" {
		t.Errorf("tasks of the active run: %+v", run.Tasks)
	}
}

func TestRunNowNeedsManageRunAndHonoursTheIdempotencyToken(t *testing.T) {
	fx := newFixture(t)
	body := func(token string) string {
		b, _ := json.Marshal(map[string]any{"job_id": atoi64(fxJob), "idempotency_token": token, "job_parameters": map[string]string{"version": "1.2.3"}})
		return string(b)
	}
	var e apiErr
	// The lead only has CAN_VIEW.
	if st := fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-lead", body("t1"), &e); st != http.StatusForbidden || e.ErrorCode != "PERMISSION_DENIED" {
		t.Errorf("run-now without CAN_MANAGE_RUN: %d %+v", st, e)
	}
	if st := fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", body(strings.Repeat("x", 65)), &e); st != http.StatusBadRequest {
		t.Errorf("65-character token: %d %+v, want 400", st, e)
	}
	if st := fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", `{"job_id": 99}`, &e); st != http.StatusBadRequest || !strings.Contains(e.Message, "does not exist") {
		t.Errorf("unknown job: %d %+v", st, e)
	}
	var first, again, other struct {
		RunID int64 `json:"run_id"`
	}
	// The on-call engineer has CAN_MANAGE_RUN through the oncall group.
	if st := fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", body("deploy-1"), &first); st != http.StatusOK || first.RunID == 0 {
		t.Fatalf("run-now: %d %+v", st, first)
	}
	fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", body("deploy-1"), &again)
	fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", body("deploy-2"), &other)
	if again.RunID != first.RunID || other.RunID == first.RunID || other.RunID == 0 {
		t.Errorf("run ids %d, %d (same token), %d (other token)", first.RunID, again.RunID, other.RunID)
	}
	var p runsPage
	fx.get(t, "/api/2.2/jobs/runs/list", url.Values{"active_only": {"true"}, "expand_tasks": {"true"}}, &p)
	i := slices.IndexFunc(p.Runs, func(r runJSON) bool {
		return r.RunID == first.RunID
	})
	if i < 0 {
		t.Fatalf("the new run %d is not among the active runs", first.RunID)
	}
	r := p.Runs[i]
	if r.CreatorUserName != "priya.raman@example.com" || r.Trigger != "ONE_TIME" || r.StartTime != fixtureNow.UnixMilli() || len(r.Tasks) != 3 {
		t.Errorf("new run: creator %q trigger %q start %d tasks %d", r.CreatorUserName, r.Trigger, r.StartTime, len(r.Tasks))
	}
	if len(r.JobParameters) != 1 || r.JobParameters[0].Value != "1.2.3" {
		t.Errorf("job parameters %+v", r.JobParameters)
	}
}

func TestJobsGetAnswersTheLatestDefinition(t *testing.T) {
	fx := newFixture(t)
	var j struct {
		JobID    int64 `json:"job_id"`
		Settings struct {
			Name       string            `json:"name"`
			Tags       map[string]string `json:"tags"`
			EditMode   string            `json:"edit_mode"`
			Deployment struct {
				Kind             string `json:"kind"`
				MetadataFilePath string `json:"metadata_file_path"`
			} `json:"deployment"`
			Health struct {
				Rules []struct {
					Metric string `json:"metric"`
					Op     string `json:"op"`
					Value  int64  `json:"value"`
				} `json:"rules"`
			} `json:"health"`
			Tasks []struct {
				TaskKey string `json:"task_key"`
			} `json:"tasks"`
		} `json:"settings"`
	}
	if st := fx.get(t, "/api/2.2/jobs/get", url.Values{"job_id": {fxJob}}, &j); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	s := j.Settings
	if s.Name != "prod-ecommerce-orders-refresh" || s.Tags["team"] != "orders" || s.EditMode != "UI_LOCKED" ||
		s.Deployment.Kind != "BUNDLE" || s.Deployment.MetadataFilePath != fxMetaPath || len(s.Tasks) != 3 ||
		len(s.Health.Rules) != 1 || s.Health.Rules[0].Op != "GREATER_THAN" {
		t.Errorf("settings %+v", s)
	}
	for _, id := range []string{fxDeleted, fxDevJob, "77"} {
		var e apiErr
		if st := fx.get(t, "/api/2.2/jobs/get", url.Values{"job_id": {id}}, &e); st != http.StatusBadRequest || e.Message != "Job "+id+" does not exist." {
			t.Errorf("job %s: %d %+v, want 400 does not exist", id, st, e)
		}
	}
}

func TestARunNowRunKeepsItsCreatorAndParametersAfterCatchUp(t *testing.T) {
	var clock atomic.Int64
	clock.Store(fixtureNow.UnixNano())
	ctx := context.Background()
	s, err := Open(ctx, Options{Seed: 7, Days: 1, Clock: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv, err := s.Serve(ctx, WorkspaceID("prod"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	fx := &fixture{sim: s, srv: srv}
	var jobID string
	if err := s.db.QueryRow(`SELECT object_id FROM sim.sim_internal.acls WHERE workspace_id = ? AND object_type = 'jobs' AND principal = 'oncall'
		AND permission_level = 'CAN_MANAGE_RUN' ORDER BY object_id LIMIT 1`, WorkspaceID("prod")).Scan(&jobID); err != nil {
		t.Fatal(err)
	}
	var started struct {
		RunID int64 `json:"run_id"`
	}
	body := fmt.Sprintf(`{"job_id": %s, "idempotency_token": "catch-up-1", "job_parameters": {"version": "9.9.9"}}`, jobID)
	if st := fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", body, &started); st != http.StatusOK {
		t.Fatalf("run-now: %d", st)
	}
	get := func() runJSON {
		var r runJSON
		if st := fx.get(t, "/api/2.2/jobs/runs/get", url.Values{"run_id": {fmt.Sprint(started.RunID)}}, &r); st != http.StatusOK {
			t.Fatalf("runs/get: %d", st)
		}
		return r
	}
	before := get()
	if before.State.LifeCycleState != "RUNNING" {
		t.Fatalf("the new run is %s", before.State.LifeCycleState)
	}
	clock.Add(int64(2 * time.Minute))
	if err := s.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var inFlight int
	if err := s.db.QueryRow(`SELECT count(*) FROM sim.sim_internal.in_flight WHERE run_id = ?`, fmt.Sprint(started.RunID)).Scan(&inFlight); err != nil || inFlight != 0 {
		t.Fatalf("the run is still in flight after catch-up (%d, %v)", inFlight, err)
	}
	after := get()
	if after.State.ResultState != "SUCCESS" || after.CreatorUserName != "priya.raman@example.com" || after.Trigger != "ONE_TIME" ||
		after.StartTime != before.StartTime || len(after.JobParameters) != 1 || after.JobParameters[0].Value != "9.9.9" {
		t.Errorf("after catch-up: %+v", after)
	}
	var again struct {
		RunID int64 `json:"run_id"`
	}
	fx.call(t, http.MethodPost, "/api/2.2/jobs/run-now", "dapi-sim-oncall", body, &again)
	if again.RunID != started.RunID {
		t.Errorf("the token started run %d after catch-up, first %d", again.RunID, started.RunID)
	}
}
