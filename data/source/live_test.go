package source

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// openLagged opens the demo estate of openDemo with the system tables lag behind.
func openLagged(t *testing.T, lag time.Duration) *Source {
	t.Helper()
	s, err := OpenDemo(context.Background(), config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 3, Now: testNow, Days: 2, Lag: lag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestLiveFeedReachesBackToTheOldestOpenWindow: with the system tables six hours late
// (beyond the three hours the feed used to stop at), every current deployment's health is
// what the warehouse says without delay: the feed reads from where the tables stop (within
// the oldest open window), through all its pages, and nothing is counted twice.
func TestLiveFeedReachesBackToTheOldestOpenWindow(t *testing.T) {
	ctx := context.Background()
	lag := 6 * time.Hour
	health := func(s *Source) (map[string]model.AssessedDeployment, model.Listing) {
		t.Helper()
		l, err := s.ListAll(ctx, "prod", Query{Since: 24 * time.Hour})
		if err != nil || l.LiveErr != nil {
			t.Fatalf("list: %v, live: %v", err, l.LiveErr)
		}
		m := map[string]model.AssessedDeployment{}
		for _, d := range l.Deployments {
			if d.Current && d.Window.Open() {
				m[d.ID] = d
			}
		}
		return m, l
	}
	late, _ := health(openLagged(t, lag))
	now, _ := health(openLagged(t, 0))
	if len(now) == 0 {
		t.Fatal("no current deployment with an open window in the last day")
	}
	beyond := 0
	for id, want := range now {
		got, ok := late[id]
		if !ok {
			t.Errorf("%s (%s) is listed without delay, not with the tables %s late", id, want.Release.ID(), lag)
			continue
		}
		if got.Health.LiveFacts > 0 && got.DeployedAt.Before(testNow.Add(-3*time.Hour)) {
			beyond++
		}
		// The counts and the durations held against the p95 before the deploy are the live
		// path's to merge; the per-expectation baselines are read from the warehouse alone.
		gh, wh := counts(got.Health), counts(want.Health)
		if gh != wh || got.Verdict != want.Verdict {
			t.Errorf("%s deployed %s: with the tables %s late %s %+v, without delay %s %+v", want.Release.ID(), want.DeployedAt.Format(time.RFC3339),
				lag, got.Verdict, gh, want.Verdict, wh)
		}
	}
	if beyond == 0 {
		t.Errorf("no deployment older than 3 hours got live facts: the feed does not reach back to the oldest open window")
	}
}

// counts are the facts of a health the live path merges: the runs and updates by outcome,
// the expectation records, and the successful runs and updates held against their p95
// before the deploy with how many of them were slower.
func counts(h model.Health) [9]int64 {
	timed, slower, _ := h.Baseline.Timed()
	return [9]int64{int64(h.RunsSucceeded), int64(h.RunsFailed), int64(h.RunsActive), int64(h.UpdatesOK), int64(h.UpdatesFailed), h.RecordsPassed, h.RecordsFailed,
		int64(timed), int64(slower)}
}

// TestExpectationCacheForgetsWhatTheWindowsNoLongerNeed: the expectation results of an
// ended update are kept until the system tables hold them or the feed no longer reads
// from before the update started, and never more than maxCachedUpdates of them.
func TestExpectationCacheForgetsWhatTheWindowsNoLongerNeed(t *testing.T) {
	var c expectationCache
	t0 := testNow.Add(-2 * time.Hour)
	for i := range 4 {
		c.put("prod", fmt.Sprint("u", i), cachedExpectations{start: t0.Add(time.Duration(i) * 30 * time.Minute), passed: 10})
	}
	c.put("dev", "u0", cachedExpectations{start: t0})
	c.evict("prod", time.Time{}, map[string]bool{"u3": true})
	if _, ok := c.get("prod", "u3"); ok || c.len() != 4 {
		t.Errorf("held by the system tables: u3 still cached (%d entries)", c.len())
	}
	c.evict("prod", t0.Add(45*time.Minute), nil)
	for id, want := range map[string]bool{"u0": false, "u1": false, "u2": true} {
		if _, ok := c.get("prod", id); ok != want {
			t.Errorf("feed from +45m: %s cached %v, want %v", id, ok, want)
		}
	}
	if _, ok := c.get("dev", "u0"); !ok {
		t.Error("evicting prod's updates forgot dev's")
	}
	for i := range maxCachedUpdates + 10 {
		c.put("prod", fmt.Sprint("n", i), cachedExpectations{start: testNow.Add(time.Duration(i) * time.Second)})
	}
	if c.len() != maxCachedUpdates {
		t.Errorf("the cache holds %d updates, want at most %d", c.len(), maxCachedUpdates)
	}
	if _, ok := c.get("prod", "n0"); ok {
		t.Error("past the bound the oldest update is kept")
	}
	if _, ok := c.get("prod", fmt.Sprint("n", maxCachedUpdates+9)); !ok {
		t.Error("past the bound the newest update is forgotten")
	}
}
