//go:build !nosim

package source

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// A screen asking for a window's deployments is told of them as soon as the page statement
// answers, before their health: the same deployments in the same order, each saying its
// verdict is still being read (never a verdict made from nothing). A listing that filters by
// verdict or continues a previous one, and a workspace whose deployments are discovered,
// wait for the whole answer.
func TestAWindowsDeploymentsArriveBeforeTheirHealth(t *testing.T) {
	ctx := context.Background()
	s, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 3, Now: testNow, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	var early []Listing
	var returned atomic.Bool
	q := Query{Since: 24 * time.Hour, Limit: 10, Early: func(l Listing) {
		if returned.Load() {
			t.Error("told of the early rows after the listing returned")
		}
		early = append(early, l)
	}}
	l, err := s.ListAll(ctx, "prod", q)
	returned.Store(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(early) != 1 {
		t.Fatalf("told of the early rows %d times, want once", len(early))
	}
	if len(l.Deployments) < 2 || l.Next == nil {
		t.Fatalf("want a full first page with more after it, got %d rows, next %v", len(l.Deployments), l.Next)
	}
	got := early[0].Deployments
	if len(got) != len(l.Deployments) {
		t.Fatalf("early rows: %d, the listing: %d", len(got), len(l.Deployments))
	}
	judged := 0
	for i, d := range got {
		want := l.Deployments[i]
		if d.ID != want.ID || d.Release != want.Release || d.DeployedBy != want.DeployedBy || !d.DeployedAt.Equal(want.DeployedAt) {
			t.Errorf("early row %d is %s %s by %s, the listing's is %s %s by %s", i, d.ID, d.Release.ID(), d.DeployedBy, want.ID, want.Release.ID(), want.DeployedBy)
		}
		if !d.Pending || d.Verdict != "" || len(d.Reasons) != 0 {
			t.Errorf("early row %s: pending %v, verdict %q, reasons %v; want pending with no verdict", d.ID, d.Pending, d.Verdict, d.Reasons)
		}
		if want.Pending {
			t.Errorf("the listing's row %s still says pending", want.ID)
		}
		if want.Verdict != "" {
			judged++
		}
	}
	if judged == 0 {
		t.Error("no row of the listing has a verdict: the comparison proves nothing")
	}

	for name, q := range map[string]Query{
		"a verdict filter": {Since: 24 * time.Hour, Status: model.VerdictHealthy},
		"a next page":      {Since: 24 * time.Hour, Limit: 10, After: l.Next},
	} {
		told := false
		q.Early = func(Listing) { told = true }
		if _, err := s.ListAll(ctx, "prod", q); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if told {
			t.Errorf("%s: told of early rows, whose order or window the whole answer decides", name)
		}
	}

	d, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "d.duckdb"), Seed: 3, Now: testNow, Days: 2, NoLedger: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	told := false
	if _, err := d.ListAll(ctx, "prod", Query{Since: 24 * time.Hour, Early: func(Listing) { told = true }}); err != nil {
		t.Fatal(err)
	}
	if told {
		t.Error("discovered deployments were told early, before the REST API completed them")
	}
}
