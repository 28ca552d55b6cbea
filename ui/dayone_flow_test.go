package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// Day one in the TUI: on a workspace without a ledger the home lists prod's discovered
// deployments with the incident failing first, and its release screen says where the
// deployment is known from and shows its runs.
func TestWithoutALedgerTheTUIShowsDiscoveredDeployments(t *testing.T) {
	needSim(t)
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "noledger.duckdb"), Seed: 1, Now: testNow, Days: 2, NoLedger: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: 30 * time.Second}
	f := newFramed(New(c, Options{Env: "prod", Refresh: -1, Clock: func() time.Time { return testNow }}))
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(160, 40))
	home := waitFrameWithin(t, f, 3*time.Minute, "prod's discovered deployments", func(s string) bool {
		return judgedHome(s, "prod")
	})
	// Whether the ledger exists is found by the first read, not asked at open.
	if !src.Discovers() {
		t.Error("the source of an estate without a ledger does not discover after its first read")
	}
	if strings.Contains(home, "ledger init") {
		t.Errorf("the home asks for a ledger:\n%s", home)
	}
	if row := line(home, "▌"); !strings.Contains(row, "ecommerce_orders") || !strings.Contains(row, "failing") {
		t.Errorf("the incident is not selected first and failing:\n%s", home)
	}
	tm.Send(pressKey("enter"))
	rel := waitFrameWithin(t, f, 3*time.Minute, "the incident's release screen", func(s string) bool {
		return strings.Contains(s, "ecommerce_orders@") && strings.Contains(s, "Runs")
	})
	if !strings.Contains(rel, "discovered (no ledger event)") && !strings.Contains(rel, "from the deployment history") {
		t.Errorf("the release header does not say where the deployment is known from:\n%s", rel)
	}
	tm.Send(pressKey("q"))
	tm.Send(pressKey("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// waitFrameWithin is waitFrame with its own deadline: discovery reads more than the ledger,
// and a loaded machine takes longer than 30 s to list three environments' first pages.
func waitFrameWithin(t *testing.T, f framed, d time.Duration, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.After(d)
	for {
		f.mu.Lock()
		frame := *f.last
		f.mu.Unlock()
		if ok(frame) {
			return frame
		}
		select {
		case <-f.drawn:
		case <-deadline:
			t.Fatalf("no frame shows %s within %s; last frame:\n%s", what, d, frame)
		}
	}
}
