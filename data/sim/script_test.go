package sim

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAScriptedRunEndsInTheTimelinesAfterTheLag: a scripted run waits in in_flight until it
// ends; catch-up then moves it into job_run_timeline with its result, and the delayed view
// the cockpit reads shows it only once the clock has passed its end by the lag. A bundle,
// job, environment or result the estate does not have is refused, saying which.
func TestAScriptedRunEndsInTheTimelinesAfterTheLag(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	s, err := Open(ctx, Options{Seed: 7, Clock: clock, Days: 1, Lag: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	start, end := testNow.Add(10*time.Second), testNow.Add(time.Minute)
	for _, c := range []struct {
		r    ScriptedRun
		want string
	}{
		{ScriptedRun{Environment: "qa", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "FAILED"}, `no environment "qa"`},
		{ScriptedRun{Environment: "prod", Bundle: "nope", Start: start, End: end, Result: "FAILED"}, `no bundle "nope"`},
		{ScriptedRun{Environment: "prod", Bundle: "ecommerce_ingest", Job: "nope", Start: start, End: end, Result: "FAILED"}, `has no job "nope"`},
		{ScriptedRun{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "MAYBE"}, `not "MAYBE"`},
		{ScriptedRun{Environment: "prod", Bundle: "ecommerce_ingest", Start: end, End: start, Result: "FAILED"}, "must end after it starts"},
	} {
		if _, _, err := s.ScriptRun(ctx, c.r); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one saying %s", c.r, err, c.want)
		}
	}

	run, job, err := s.ScriptRun(ctx, ScriptedRun{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "FAILED"})
	if err != nil {
		t.Fatal(err)
	}
	if job != jobID("prod", s.gen.e.byName["ecommerce_ingest"].index, 0) {
		t.Errorf("run %d is of job %d, want the bundle's first job", run, job)
	}
	id := strconv.FormatInt(run, 10)
	timeline := func(table string) int64 {
		return count(t, s, "SELECT count(*) FROM "+table+" WHERE run_id = ? AND result_state = 'FAILED'", id)
	}
	moveTo := func(at time.Time) {
		mu.Lock()
		now = at
		mu.Unlock()
		if err := s.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	moveTo(start.Add(5 * time.Second)) // running
	if n := count(t, s, "SELECT count(*) FROM sim.sim_internal.in_flight WHERE run_id = ?", id); n != 1 || timeline(Catalog+".lakeflow.job_run_timeline") != 0 {
		t.Fatalf("while it runs, run %d: %d in_flight rows, %d timeline rows; want 1, 0", run, n, timeline(Catalog+".lakeflow.job_run_timeline"))
	}
	moveTo(end.Add(time.Second)) // ended: in the timeline, not yet in the system tables as the cockpit reads them
	if timeline(Catalog+".lakeflow.job_run_timeline") != 1 || timeline(DelayedSchema+".job_run_timeline") != 0 ||
		count(t, s, "SELECT count(*) FROM sim.sim_internal.in_flight WHERE run_id = ?", id) != 0 {
		t.Fatalf("after it ended, run %d is not in the timeline alone", run)
	}
	moveTo(end.Add(time.Hour)) // the lag has passed
	if timeline(DelayedSchema+".job_run_timeline") != 1 {
		t.Fatalf("an hour after it ended, run %d is not in the delayed timeline", run)
	}
}
