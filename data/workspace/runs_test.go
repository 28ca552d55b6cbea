package workspace_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/workspace"
)

// foldedRuns is the expected side: every prod run started since ?, from the timeline
// (folded) and from in_flight, with its system-table result ("" while running).
const foldedRuns = `
SELECT run_id, result_state FROM (
  SELECT run_id,
         COALESCE(MAX_BY(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL), '') AS result_state
  FROM sim.lakeflow.job_run_timeline WHERE workspace_id = ?
  GROUP BY run_id HAVING MIN(period_start_time) >= ?
  UNION ALL
  SELECT run_id, CASE WHEN planned_end <= ? THEN json_extract_string(payload, '$.result_state') ELSE '' END
  FROM sim.sim_internal.in_flight
  WHERE workspace_id = ? AND kind = 'job' AND start_time >= ? AND start_time <= ?
    AND run_id NOT IN (SELECT run_id FROM sim.lakeflow.job_run_timeline WHERE workspace_id = ? AND result_state IS NOT NULL)
)`

// TestRunsSinceReadsEveryPageOfTheFeed: as one listing page after page, and as slices of
// start time side by side (the live path's way), the feed lists every run once, newest first.
func TestRunsSinceReadsEveryPageOfTheFeed(t *testing.T) {
	for name, opts := range map[string]workspace.RunsOptions{
		"one listing":              {},
		"four slices side by side": {Slices: 4, Now: fixedNow},
	} {
		t.Run(name, func(t *testing.T) { checkRunsFeed(t, opts) })
	}
}

func checkRunsFeed(t *testing.T, opts workspace.RunsOptions) {
	c := clientAs(t, oncallToken)
	since := fixedNow.Add(-6 * time.Hour)
	runs, err := c.RunsSince(ctx(t), since, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range query(t, func(scan func(...any) error) ([2]string, error) {
		var r [2]string
		return r, scan(&r[0], &r[1])
	}, foldedRuns, prodWS, since, fixedNow, prodWS, since, fixedNow, prodWS) {
		want[r[0]] = r[1]
	}
	if len(want) <= 25 {
		t.Fatalf("the estate has %d runs in 6 hours; the test needs more than a page (25)", len(want))
	}
	if len(runs) != len(want) {
		t.Errorf("the feed has %d runs, the estate %d", len(runs), len(want))
	}
	seen := map[int64]bool{}
	var failed int
	for i, r := range runs {
		id := fmt.Sprint(r.RunID)
		if seen[r.RunID] {
			t.Errorf("run %s listed twice", id)
		}
		seen[r.RunID] = true
		if i > 0 && r.Start.After(runs[i-1].Start) {
			t.Errorf("run %s starts after run %d before it: the feed is not newest first", id, runs[i-1].RunID)
		}
		if r.Start.Before(since) {
			t.Errorf("run %s started at %s, before %s", id, r.Start, since)
		}
		res, ok := want[id]
		if !ok {
			t.Errorf("run %s is not a prod run of the estate", id)
			continue
		}
		// The feed's REST states map back to the timeline's result.
		if got := r.SystemResultState(); got != res {
			t.Errorf("run %s: %s/%s maps to %q, the timeline says %q", id, r.LifeCycleState, r.ResultState, got, res)
		}
		if r.Active() != (res == "") || r.Active() != r.End.IsZero() {
			t.Errorf("run %s: active %v, end %v, result %q", id, r.Active(), r.End, res)
		}
		if r.JobRun(prodWS).Failed() {
			failed++
		}
	}
	if failed == 0 {
		t.Error("no failed run in the last 6 hours of prod: the incident's failing refresh job is missing")
	}
}

func TestActiveRunsAreTheRunsWithoutResult(t *testing.T) {
	c := clientAs(t, oncallToken)
	active, err := c.ActiveRuns(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	n := query(t, func(scan func(...any) error) (int, error) {
		var n int
		return n, scan(&n)
	}, `SELECT count(*) FROM sim.sim_internal.in_flight WHERE workspace_id = ? AND kind = 'job' AND start_time <= ? AND planned_end > ?`, prodWS, fixedNow, fixedNow)[0]
	if n == 0 || len(active) != n {
		t.Fatalf("%d active runs, the estate has %d in flight", len(active), n)
	}
	for _, r := range active {
		if !r.Active() || r.LifeCycleState != "RUNNING" || r.SystemResultState() != "" || !r.End.IsZero() {
			t.Errorf("active run %d: %+v", r.RunID, r)
		}
	}
}

func TestGetRunShowsTasksAndWhyItFailed(t *testing.T) {
	c := clientAs(t, oncallToken)
	runs, err := c.RunsSince(ctx(t), fixedNow.Add(-2*time.Hour), workspace.RunsOptions{CompletedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var failed *workspace.Run
	for i := range runs {
		if runs[i].ResultState == "FAILED" {
			failed = &runs[i]
			break
		}
	}
	if failed == nil {
		t.Fatal("no failed run in the last 2 hours of prod")
	}
	d, err := c.GetRun(ctx(t), failed.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if d.TerminationCode == "" || d.TerminationCode == "SUCCESS" || d.TerminationType != "CLIENT_ERROR" || d.StateMessage == "" {
		t.Errorf("failed run %d: termination %q/%q, message %q", d.RunID, d.TerminationCode, d.TerminationType, d.StateMessage)
	}
	if !strings.HasSuffix(d.RunPageURL, fmt.Sprintf("?o=%s#job/%d/run/%d", prodWS, d.JobID, d.RunID)) {
		t.Errorf("run page URL %q", d.RunPageURL)
	}
	if len(d.Tasks) == 0 {
		t.Fatal("the failed run has no tasks")
	}
	last := d.Tasks[len(d.Tasks)-1]
	if last.SystemResultState() != "FAILED" && last.SystemResultState() != "TIMED_OUT" {
		t.Errorf("last task %s: %s/%s; the run failed in its last task", last.Key, last.LifeCycleState, last.ResultState)
	}
	for _, task := range d.Tasks[:len(d.Tasks)-1] {
		if task.SystemResultState() != "SUCCEEDED" || task.Start.Before(d.Start) || task.End.After(d.End) {
			t.Errorf("task %s: %s from %s to %s, run from %s to %s", task.Key, task.SystemResultState(), task.Start, task.End, d.Start, d.End)
		}
	}
}

func TestGetRunOfAnUnknownRunIsNotFound(t *testing.T) {
	c := clientAs(t, oncallToken)
	_, err := c.GetRun(ctx(t), 12345)
	if !errors.Is(err, workspace.ErrNotFound) || !strings.Contains(err.Error(), "run 12345") {
		t.Errorf("got %v, want ErrNotFound naming the run", err)
	}
}

func TestRunNowWithTheSameTokenStartsOneRun(t *testing.T) {
	c := clientAs(t, oncallToken)
	jobID := prodJob(t)
	params := map[string]string{"version": "2026.1123.7"}
	first, err := c.RunNow(ctx(t), jobID, params, "0193f1a2-7b3c-7d4e-8f5a-6b7c8d9e0f1a")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.RunNow(ctx(t), jobID, params, "0193f1a2-7b3c-7d4e-8f5a-6b7c8d9e0f1a")
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.RunNow(ctx(t), jobID, params, "0193f1a2-7b3c-7d4e-8f5a-000000000002")
	if err != nil {
		t.Fatal(err)
	}
	if again != first || other == first {
		t.Errorf("run ids %d, %d with the same token, %d with another", first, again, other)
	}
	d, err := c.GetRun(ctx(t), first)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Active() || d.JobID != jobID || d.CreatorUserName != "priya.raman@example.com" || d.Trigger != "ONE_TIME" || d.Parameters["version"] != "2026.1123.7" {
		t.Errorf("the new run: %+v", d)
	}
	active, err := c.ActiveRuns(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range active {
		if r.RunID == first || r.RunID == other {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d of the 2 new runs are in the active runs feed", n)
	}
}

func TestRunNowWithoutManageRunIsPermissionDenied(t *testing.T) {
	lead := clientAs(t, leadToken)
	jobID := prodJob(t)
	me, err := lead.Me(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	acl, err := lead.JobPermissions(ctx(t), jobID)
	if err != nil {
		t.Fatal(err)
	}
	if workspace.MayRunJob(me, acl) {
		t.Fatalf("the ACL of job %d lets the lead run it; the test needs a job they may not run", jobID)
	}
	_, err = lead.RunNow(ctx(t), jobID, nil, "lead-attempt-1")
	if !errors.Is(err, workspace.ErrPermissionDenied) {
		t.Errorf("got %v, want ErrPermissionDenied", err)
	}
}

func TestRunNowRefusesAMissingOrLongToken(t *testing.T) {
	c := clientAs(t, oncallToken)
	for _, tok := range []string{"", strings.Repeat("t", 65)} {
		if _, err := c.RunNow(ctx(t), prodJob(t), nil, tok); !errors.Is(err, workspace.ErrInvalidInput) {
			t.Errorf("token of %d characters: got %v, want ErrInvalidInput", len(tok), err)
		}
	}
}

// prodJob is a bundle-managed prod job of the incident's bundle, which on-call may run and
// the lead may not.
func prodJob(t *testing.T) int64 {
	t.Helper()
	ids := query(t, func(scan func(...any) error) (int64, error) {
		var id int64
		return id, scan(&id)
	}, `SELECT CAST(job_id AS BIGINT) FROM sim.lakeflow.jobs
WHERE workspace_id = ? AND deployment.kind = 'BUNDLE' AND name LIKE 'prod-ecommerce-orders-refresh%'
ORDER BY job_id LIMIT 1`, prodWS)
	if len(ids) == 0 {
		t.Fatal("no bundle-managed prod job of ecommerce_orders")
	}
	return ids[0]
}
