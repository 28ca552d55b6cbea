package ui

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// TestTheHomeShowsAFirstRunFailingWithinHalfAMinute is issue 10's early warning on screen:
// CI records a release of a bundle whose jobs rarely fail into prod; its first run fails a
// simulated minute later, and the system tables are an hour late. On-call watching the
// home sees the row turn failing and provisional (✗ failing~) within 30 s of the clock
// passing the run's end: the home's probe of the live feed sees the run end and re-lists.
func TestTheHomeShowsAFirstRunFailingWithinHalfAMinute(t *testing.T) {
	needSim(t)
	if testing.Short() {
		t.Skip("generates a 7-day estate")
	}
	ctx := context.Background()
	deployed := testNow.Add(5 * time.Minute)
	var mu sync.Mutex
	now := deployed
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	src, err := source.OpenDemo(ctx, config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "early.duckdb"), Seed: 1, Clock: clock, Days: 7, Lag: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	// ecommerce_ingest's jobs ran hourly all week and rarely failed; none starts 12:05-12:07.
	if _, err := src.DemoRecordDeploy(ctx, "prod", "ecommerce_ingest", "9.9.9", deployed); err != nil {
		t.Fatal(err)
	}
	ended := deployed.Add(time.Minute)
	if _, err := src.DemoScriptRun(ctx, "prod", "ecommerce_ingest", "", deployed.Add(20*time.Second), ended, "FAILED"); err != nil {
		t.Fatal(err)
	}

	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: time.Minute}
	o := rootOptions()
	o.Env, o.Clock, o.Refresh = "prod", clock, time.Second
	f := newFramed(New(c, o))
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(160, 40))
	home := waitFrameWithin(t, f, time.Minute, "the release on prod's home", func(s string) bool { return strings.Contains(s, "9.9.9") })
	if row := line(home, "9.9.9"); strings.Contains(row, "failing") {
		t.Fatalf("before its run ended the release is already failing:\n%s", row)
	}

	mu.Lock()
	now = ended.Add(time.Second)
	mu.Unlock()
	start := time.Now()
	frame := waitFrameWithin(t, f, 30*time.Second, "the release failing and provisional", func(s string) bool {
		return strings.Contains(line(s, "9.9.9"), "✗ failing~")
	})
	t.Logf("failing~ %s after the clock passed the run's end:\n%s", time.Since(start).Round(time.Millisecond), line(frame, "9.9.9"))
	tm.Send(pressKey("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
