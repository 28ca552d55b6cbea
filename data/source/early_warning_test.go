//go:build !nosim

package source

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// movableClock is a simulated clock a test moves (DemoOptions.Clock).
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// earlyBundle is a bundle whose jobs ran hourly all week without failing much, and none of
// whose runs start between 12:05 and 12:07.
const earlyBundle = "ecommerce_ingest"

// TestAFirstRunFailingAMinuteAfterTheDeployShowsFailingWithinHalfAMinute is issue 10's
// early warning: CI records a deployment now; its first run fails one simulated minute
// later; the system tables are an hour late, so the warehouse holds nothing of it. The
// home's next probe (every 15 s) sees the run end, and the list it triggers shows the
// deployment failing, provisional, on live facts: within 30 s of the run's end.
func TestAFirstRunFailingAMinuteAfterTheDeployShowsFailingWithinHalfAMinute(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 7-day estate")
	}
	ctx := context.Background()
	deployed := testNow.Add(5 * time.Minute)
	clock := &movableClock{now: deployed}
	src, sm, err := openDemoSim(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 1, Clock: clock.Now, Days: 7, Lag: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	id, err := src.DemoRecordDeploy(ctx, "prod", earlyBundle, "9.9.9", deployed)
	if err != nil {
		t.Fatal(err)
	}
	find := func() Deployment {
		t.Helper()
		ds, err := src.List(ctx, "prod", Query{Since: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Release.ID() == id {
				return d
			}
		}
		t.Fatalf("%s is not listed", id)
		return Deployment{}
	}
	// The home lists it and watches its jobs; the first probe learns where things stand.
	if d := find(); !d.Current || !d.Window.Open() || d.Health.HasData() || !d.Provisional {
		t.Fatalf("just recorded, %s is listed as %s (current %v, window %v, provisional %v, %+v)", id, d.Verdict, d.Current, d.Window, d.Provisional, d.Health)
	}
	if _, err := src.Changed(ctx, "prod", false); err != nil {
		t.Fatal(err)
	}

	ended := deployed.Add(time.Minute)
	run, err := src.DemoScriptRun(ctx, "prod", earlyBundle, "", deployed.Add(20*time.Second), ended, "FAILED")
	if err != nil {
		t.Fatal(err)
	}
	clock.Set(deployed.Add(30 * time.Second)) // a probe while it runs
	if _, err := src.Changed(ctx, "prod", false); err != nil {
		t.Fatal(err)
	}
	// Probes every 15 s of simulated time from the run's end: one within 30 s sees it.
	var seen time.Time
	for at := ended; !at.After(ended.Add(30 * time.Second)); at = at.Add(15 * time.Second) {
		clock.Set(at)
		changed, err := src.Changed(ctx, "prod", false)
		if err != nil {
			t.Fatal(err)
		}
		if changed {
			seen = at
			break
		}
	}
	if seen.IsZero() {
		t.Fatalf("no probe within 30 s of the run's end saw run %d end", run)
	}
	// The demo catches the estate up to the clock every few seconds: the run is in the
	// lakeflow timeline now, which the cockpit reads an hour late.
	if err := sm.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	var raw, held int
	if err := sm.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+sim.Catalog+`.lakeflow.job_run_timeline WHERE run_id = ?),
  (SELECT count(*) FROM `+sim.DelayedSchema+`.job_run_timeline WHERE run_id = ?)`, strconv.FormatInt(run, 10), strconv.FormatInt(run, 10)).Scan(&raw, &held); err != nil {
		t.Fatal(err)
	}
	if raw == 0 || held != 0 {
		t.Fatalf("run %d: %d timeline rows, %d of them in the system tables as the cockpit reads them; want some, none", run, raw, held)
	}

	d := find()
	h := d.Health
	if d.Verdict != model.VerdictFailing || !d.Provisional || !d.Live || h.RunsFailed != 1 || h.RunsSucceeded+h.UpdatesOK+h.UpdatesFailed != 0 {
		t.Fatalf("%s after its first run failed (seen at +%s): %s provisional=%v live=%v, %+v, %v; want failing, provisional, live, 1 failed run",
			id, seen.Sub(ended), d.Verdict, d.Provisional, d.Live, h, d.Reasons)
	}
	if f := d.Comparisons[0]; f.Finding != model.FindingEarly || f.BaselineOf < 100 {
		t.Errorf("failures comparison %+v, want failing_early against a week of runs", f)
	}
	t.Logf("%s at +%s after the run's end: %v", id, seen.Sub(ended), d.Reasons)

	// After the bake time, issue 12's rule holds: one failure (and the few runs the
	// schedule added since) cannot condemn it.
	clock.Set(deployed.Add(31 * time.Minute))
	if d := find(); d.Verdict == model.VerdictFailing || d.Provisional {
		t.Errorf("after the bake time %s is %s (provisional %v): %v; want final and not failing", id, d.Verdict, d.Provisional, d.Reasons)
	}
}
