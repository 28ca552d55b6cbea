package source

import (
	"context"
	"testing"
	"time"
)

// TestAProbeFindsWhatChangedAPageAtATime: on staging (whose workspace it shares with dev:
// more than a page of active runs and of pipelines), with nothing new every probe costs at
// most three REST calls and finds nothing, through whole passes over both lists; a watched
// run that was active before the feed's reach and has ended is found when a pass over the
// active runs ends, and a watched pipeline whose latest update moved when its page comes
// round. (The clock stands still, so nothing ends by itself: the probe's memory is made to
// say that the run was active and that the update was running.)
func TestAProbeFindsWhatChangedAPageAtATime(t *testing.T) {
	s := openDemo(t)
	ctx := context.Background()
	const env = "staging"
	if _, err := s.List(ctx, env, Query{Since: 24 * time.Hour, Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Environment(env)
	if err != nil {
		t.Fatal(err)
	}
	active, err := e.Workspace.ActiveRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pipes, err := e.Workspace.Pipelines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	runPages, pipePages := (len(active)+24)/25, (len(pipes)+99)/100
	if runPages < 2 || pipePages < 2 {
		t.Fatalf("%d pages of active runs and %d of pipelines: the test needs more than one of each", runPages, pipePages)
	}
	probe := func() bool {
		t.Helper()
		before := s.Usage()
		changed, err := s.Changed(ctx, env, false)
		if err != nil {
			t.Fatal(err)
		}
		if calls := s.Usage().Since(before).Envs[env].Calls; calls > 3 {
			t.Fatalf("a probe made %d REST calls, want at most 3 (runs since the last probe, a page of active runs, a page of pipelines)", calls)
		}
		return changed
	}
	for i := range 2*max(runPages, pipePages) + 1 {
		if probe() {
			t.Fatalf("probe %d found a change with nothing new", i+1)
		}
	}
	// probesUntil counts the probes until one finds a change (at most limit).
	probesUntil := func(limit int) int {
		t.Helper()
		for n := 1; n <= limit; n++ {
			if probe() {
				return n
			}
		}
		t.Fatalf("no probe of %d found the change", limit)
		return 0
	}
	w := s.watchOf(env)
	w.mu.Lock()
	w.runs[42] = "RUNNING/" // a run that no longer is
	w.mu.Unlock()
	if n := probesUntil(2 * runPages); n < 2 {
		t.Errorf("the ended run was found by probe %d: a pass over %d pages takes as many probes", n, runPages)
	}
	if probe() {
		t.Error("the ended run was found twice")
	}
	w.mu.Lock()
	var moved string
	for p := range w.pipelines {
		if u, ok := w.updates[p]; ok && u.state != "RUNNING" {
			u.state, moved = "RUNNING", p
			w.updates[p] = u
			break
		}
	}
	w.mu.Unlock()
	if moved == "" {
		t.Fatal("no watched pipeline with an ended latest update")
	}
	probesUntil(pipePages)
}
