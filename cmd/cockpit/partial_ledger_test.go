//go:build !nosim

package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/release-cockpit/cockpit/data/sim"
)

// A ledger CI writes for every bundle but a few (--demo-ledger partial): `releases` lists the
// ledger's deployments as the full ledger estate of the same seed and clock does, and the
// unrecorded bundles' deployments too, discovered, each once.
func TestAPartialLedgerIsSupplementedByDiscovery(t *testing.T) {
	list := []string{"releases", "--env", "prod", "-o", "json", "--since", "2d", "--limit", "1000"}
	want := releasesJSON(t, demoArgs(list...))
	path := filepath.Join(filepath.Dir(estatePath), "partial.duckdb")
	got := releasesJSON(t, append([]string{"demo", "--demo-db", path, "--demo-now", testNow, "--demo-days", "3", "--demo-lag", "0", "--demo-ledger", "partial"}, list...))
	ledger, discovered := map[string]bool{}, map[string]int{}
	for _, g := range got {
		unrecorded := slices.Contains(sim.UnrecordedBundles, g.Bundle)
		switch {
		case unrecorded && g.Source == "ledger":
			t.Errorf("%s of an unrecorded bundle came from the ledger", g.ReleaseID)
		case unrecorded:
			discovered[g.Bundle]++
		case g.Source != "ledger":
			t.Errorf("%s of a recorded bundle came from %q", g.ReleaseID, g.Source)
		default:
			if ledger[g.ID] {
				t.Errorf("%s listed twice", g.ID)
			}
			ledger[g.ID] = true
		}
	}
	wantUnrecorded := map[string]int{}
	for _, w := range want {
		if slices.Contains(sim.UnrecordedBundles, w.Bundle) {
			wantUnrecorded[w.Bundle]++
		} else if !ledger[w.ID] {
			t.Errorf("%s (%s) of the ledger is missing", w.ReleaseID, w.ID)
		}
	}
	if len(wantUnrecorded) == 0 {
		t.Fatal("no unrecorded bundle deployed to prod in 2 days: the test proves nothing")
	}
	for b, n := range wantUnrecorded {
		if discovered[b] != n {
			t.Errorf("%s: %d deployments discovered, the full ledger holds %d", b, discovered[b], n)
		}
	}
}
