//go:build !nosim

package source

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/model"
)

// Opening a source asks the warehouse nothing: a workspace with a ledger pays no round trip
// to learn that it has one before its first data. A workspace without one finds out at its
// first read, which then lists the discovered deployments.
func TestOpeningSendsNoStatementAndAMissingLedgerIsFoundAtTheFirstRead(t *testing.T) {
	ctx := context.Background()
	for _, noLedger := range []bool{false, true} {
		s, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 3, Now: testNow, Days: 2, NoLedger: noLedger})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		if n := s.Usage().Total().Statements; n != 0 {
			t.Errorf("no ledger %v: opening sent %d statements, want none", noLedger, n)
		}
		l, err := s.ListAll(ctx, "prod", Query{Since: 24 * time.Hour})
		if err != nil {
			t.Fatalf("no ledger %v: %v", noLedger, err)
		}
		if len(l.Deployments) == 0 {
			t.Fatalf("no ledger %v: no deployments in the last day", noLedger)
		}
		discovered := l.Deployments[0].Source != model.SourceLedger
		if s.Discovers() != noLedger || discovered != noLedger {
			t.Errorf("no ledger %v: after the first read the source says it discovers: %v, and the newest deployment's source is %s",
				noLedger, s.Discovers(), l.Deployments[0].Source)
		}
	}
}
