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

// `cockpit show` starts from the release's deployment: a recent one costs one round trip to
// a remote warehouse (its page, its four follow-ups and its bundle's live scope side by
// side, nothing after them) and is the deployment the home lists, live facts and verdict
// included.
func TestARecentReleaseIsReadInOneRoundTrip(t *testing.T) {
	s := openDemo(t)
	ctx := context.Background()
	inc := failingIncident(t, s)
	const late = time.Second
	s.counters.latency = late
	before := s.Usage()
	type result struct {
		d   Deployment
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		d, err := s.Release(ctx, "prod", inc.Release.ID())
		done <- result{d, err}
	}()
	time.Sleep(late*3/4 - time.Since(start))
	first := s.Usage().Since(before).Envs["prod"].Statements
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	all := s.Usage().Since(before).Envs["prod"].Statements
	if first != 6 || all != 6 {
		t.Errorf("%d statements went out in the first round trip and %d in all; want the 6 side by side (page, health, checks, baselines, expectations, live scope)", first, all)
	}
	if r.d.ID != inc.ID || r.d.Verdict != inc.Verdict || !reflect.DeepEqual(r.d.Health, inc.Health) || r.d.Checks != inc.Checks {
		t.Errorf("the release read alone:\n%+v %s\nthe home lists it:\n%+v %s", r.d.Health, r.d.Verdict, inc.Health, inc.Verdict)
	}
}
