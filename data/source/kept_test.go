//go:build !nosim

package source

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// TestAChangeOnlyTheLiveFeedShowsCostsNoWarehouseStatement is the watching cost of a busy
// workspace (issue 10): runs end every minute, and the system tables hold none of them for
// an hour. A probe that sees a watched job's run end is followed by a list that reads the
// feed again and nothing from the warehouse, and shows what a list reading the warehouse
// shows. A deployment recorded meanwhile moves the ledger: the probe says so, and the list
// reads the warehouse, so the new deployment is listed and owns the runs from then on, and
// the one it replaced keeps the failure only the live feed knows yet.
func TestAChangeOnlyTheLiveFeedShowsCostsNoWarehouseStatement(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 7-day estate")
	}
	ctx := context.Background()
	deployed := testNow.Add(5 * time.Minute)
	clock := &movableClock{now: deployed}
	src, _, err := openDemoSim(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 1, Clock: clock.Now, Days: 7, Lag: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	const env = "prod"
	id, err := src.DemoRecordDeploy(ctx, env, earlyBundle, "9.9.9", deployed)
	if err != nil {
		t.Fatal(err)
	}
	// list lists the last hour and counts its warehouse statements.
	list := func() (map[string]Deployment, int64) {
		t.Helper()
		before := src.Usage()
		ds, err := src.List(ctx, env, Query{Since: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]Deployment{}
		for _, d := range ds {
			byID[d.ID] = d
		}
		return byID, src.Usage().Since(before).Envs[env].Statements
	}
	probe := func() bool {
		t.Helper()
		changed, err := src.Changed(ctx, env, false)
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	ofRelease := func(ds map[string]Deployment, release string) Deployment {
		t.Helper()
		for _, d := range ds {
			if d.Release.ID() == release {
				return d
			}
		}
		t.Fatalf("%s is not listed", release)
		return Deployment{}
	}
	if _, n := list(); n == 0 {
		t.Fatal("the first list sent no statement")
	}
	probe() // learns where things stand

	ended := deployed.Add(time.Minute)
	if _, err := src.DemoScriptRun(ctx, env, earlyBundle, "", deployed.Add(20*time.Second), ended, "FAILED"); err != nil {
		t.Fatal(err)
	}
	clock.Set(ended.Add(15 * time.Second))
	if !probe() {
		t.Fatal("the probe after the run ended saw no change")
	}
	kept, n := list()
	if n != 0 {
		t.Errorf("the list after a change only the live feed shows sent %d warehouse statements, want none", n)
	}
	d := ofRelease(kept, id)
	if d.Verdict != model.VerdictFailing || !d.Provisional || d.Health.RunsFailed != 1 {
		t.Fatalf("from the kept read, %s is %s (provisional %v) with %+v; want failing, provisional, 1 failed run", id, d.Verdict, d.Provisional, d.Health)
	}
	// With no probe since, the next list reads the warehouse, and shows the same.
	read, n := list()
	if n == 0 {
		t.Fatal("a list with no probe before it sent no statement")
	}
	if len(read) != len(kept) {
		t.Fatalf("the warehouse lists %d deployments, the kept read %d", len(read), len(kept))
	}
	for rid, r := range read {
		k := kept[rid]
		if k.Verdict != r.Verdict || !reflect.DeepEqual(k.Health, r.Health) || k.Provisional != r.Provisional || k.Window != r.Window {
			t.Errorf("%s: kept read %s %+v, warehouse %s %+v", rid, k.Verdict, k.Health, r.Verdict, r.Health)
		}
	}

	// CI records the next version, and its first run fails: the ledger moved, so the
	// list reads the warehouse and counts the run on the new deployment.
	probe()
	next := ended.Add(2 * time.Minute)
	clock.Set(next)
	nextID, err := src.DemoRecordDeploy(ctx, env, earlyBundle, "10.0.0", next)
	if err != nil {
		t.Fatal(err)
	}
	nextEnd := next.Add(time.Minute)
	if _, err := src.DemoScriptRun(ctx, env, earlyBundle, "", next.Add(20*time.Second), nextEnd, "FAILED"); err != nil {
		t.Fatal(err)
	}
	clock.Set(nextEnd.Add(15 * time.Second))
	if !probe() {
		t.Fatal("the probe after the new deployment's run ended saw no change")
	}
	after, n := list()
	if n == 0 {
		t.Error("the list after the ledger moved sent no warehouse statement")
	}
	old, cur := ofRelease(after, id), ofRelease(after, nextID)
	// The closed window keeps its own failed run, which only the live feed knows yet (a
	// release rolled back minutes after it began failing must not look clean for an hour).
	if old.Current || old.Window.Open() || !cur.Current || cur.Health.RunsFailed != 1 || old.Health.RunsFailed != 1 || !old.Live {
		t.Errorf("after %s: %s current=%v window %v live=%v failed %d; %s current=%v failed %d; want the new one current with its own failed run, the old one with its own, live",
			nextID, id, old.Current, old.Window, old.Live, old.Health.RunsFailed, nextID, cur.Current, cur.Health.RunsFailed)
	}
}
