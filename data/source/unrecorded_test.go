package source

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// discover_unrecorded: with a ledger that CI wrote for every bundle but one, that bundle's
// deployments are discovered (source "discovered", completed from the deployment history or
// metadata.json where Databricks keeps them) and every other one is the ledger's.
func TestDiscoverUnrecordedListsTheBundlesCINeverRecorded(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DiscoverUnrecorded = true
	src, sm, err := openDemoSim(ctx, cfg, DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 3, Now: testNow, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Discovers() {
		t.Fatal("a workspace with a ledger says it has none")
	}
	const unwired = "ecommerce_orders"
	if _, err := sm.DB().ExecContext(ctx, `DELETE FROM sim.release_cockpit.release_events WHERE environment = 'prod' AND bundle = ?`, unwired); err != nil {
		t.Fatal(err)
	}
	ds, err := src.List(ctx, "prod", Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	found, ledger := 0, 0
	for _, d := range ds {
		switch {
		case d.Release.Bundle == unwired:
			found++
			if d.Source == model.SourceLedger || d.Source == "" {
				t.Errorf("%s of the unrecorded bundle says it came from the ledger", d.Release.ID())
			}
		case d.Source != model.SourceLedger && d.Source != "":
			t.Errorf("%s (%s) of a recorded bundle came from %q", d.Release.ID(), d.ID, d.Source)
		default:
			ledger++
		}
	}
	if found == 0 || ledger == 0 {
		t.Errorf("%d deployments of %s discovered, %d from the ledger", found, unwired, ledger)
	}
}
