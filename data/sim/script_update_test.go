package sim

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAScriptedUpdateIsInTheTablesAndReachesTheDelayedViewsAfterTheLag: a scripted update
// that ended is in the update timeline and the expectation results at once (what the REST
// API reads), its first expectation failing the ratio asked for, and in the delayed views
// the cockpit reads only once the clock has passed its end by the lag. A bundle, pipeline,
// result or time the estate cannot have is refused, saying which.
func TestAScriptedUpdateIsInTheTablesAndReachesTheDelayedViewsAfterTheLag(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := testNow.Add(10 * time.Minute)
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

	start, end := testNow.Add(time.Minute), testNow.Add(5*time.Minute)
	for _, c := range []struct {
		u    ScriptedUpdate
		want string
	}{
		{ScriptedUpdate{Environment: "qa", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "COMPLETED"}, `no environment "qa"`},
		{ScriptedUpdate{Environment: "prod", Bundle: "nope", Start: start, End: end, Result: "COMPLETED"}, `no bundle "nope"`},
		{ScriptedUpdate{Environment: "prod", Bundle: "ecommerce_ingest", Pipeline: "nope", Start: start, End: end, Result: "COMPLETED"}, `has no pipeline "nope"`},
		{ScriptedUpdate{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "MAYBE"}, `not "MAYBE"`},
		{ScriptedUpdate{Environment: "prod", Bundle: "ecommerce_ingest", Start: end, End: start, Result: "COMPLETED"}, "must end after it starts"},
		{ScriptedUpdate{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: clock().Add(time.Minute), Result: "COMPLETED"}, "must have ended"},
		{ScriptedUpdate{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "COMPLETED", FailureRatio: 2}, "between 0 and 1"},
	} {
		if _, _, err := s.ScriptUpdate(ctx, c.u); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one saying %s", c.u, err, c.want)
		}
	}

	pipeline, update, err := s.ScriptUpdate(ctx, ScriptedUpdate{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "COMPLETED", Rows: 1000, FailureRatio: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	if pipeline != pipelineID("prod", s.gen.e.byName["ecommerce_ingest"].pipes[0].key) {
		t.Errorf("update %s is of pipeline %s, want the bundle's first pipeline", update, pipeline)
	}
	timeline := func(table string) int64 {
		return count(t, s, "SELECT count(*) FROM "+table+" WHERE update_id = ? AND result_state = 'COMPLETED'", update)
	}
	if timeline(Catalog+".lakeflow.pipeline_update_timeline") != 1 || timeline(DelayedSchema+".pipeline_update_timeline") != 0 {
		t.Fatalf("update %s is not in the timeline alone", update)
	}
	if n := count(t, s, "SELECT count(*) FROM "+LedgerSchema+".expectation_results WHERE update_id = ? AND passed_records = 750 AND failed_records = 250", update); n != 1 {
		t.Errorf("update %s: %d expectation results failing 250 of 1,000 records, want its first expectation's", update, n)
	}
	if n := count(t, s, "SELECT count(*) FROM "+DelayedExpectations+" WHERE update_id = ?", update); n != 0 {
		t.Errorf("update %s: %d expectation results in the delayed view before the lag passed", update, n)
	}
	mu.Lock()
	now = end.Add(time.Hour)
	mu.Unlock()
	if err := s.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if timeline(DelayedSchema+".pipeline_update_timeline") != 1 || count(t, s, "SELECT count(*) FROM "+DelayedExpectations+" WHERE update_id = ?", update) == 0 {
		t.Errorf("an hour after it ended, update %s is not in the delayed views", update)
	}
}
