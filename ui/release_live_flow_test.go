//go:build !nosim

package ui

import (
	"context"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// TestTheReleaseScreenShowsTheUpdateAndExpectationOnlyTheAPIKnowsYet: CI records a release
// into prod; minutes later its pipeline completes an update whose first expectation fails a
// fifth of the records; the system tables are an hour late, so the warehouse holds nothing
// of it. On-call opens the release: the Runs tab lists the update, marked ~ as only the
// REST API knows it, and the Data quality tab the failing expectation, marked the same,
// with its ratio, as the home counts it.
func TestTheReleaseScreenShowsTheUpdateAndExpectationOnlyTheAPIKnowsYet(t *testing.T) {
	needSim(t)
	ctx := context.Background()
	deployed := testNow.Add(5 * time.Minute)
	var mu sync.Mutex
	now := deployed.Add(6 * time.Minute)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	src, err := source.OpenDemo(ctx, config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "live.duckdb"), Seed: 1, Clock: clock, Days: 2, Lag: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	if _, err := src.DemoRecordDeploy(ctx, "prod", "ecommerce_ingest", "9.9.9", deployed); err != nil {
		t.Fatal(err)
	}
	_, update, err := src.DemoScriptUpdate(ctx, "prod", "ecommerce_ingest", "", deployed.Add(time.Minute), deployed.Add(5*time.Minute), "COMPLETED", 0.2)
	if err != nil {
		t.Fatal(err)
	}

	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: time.Minute}
	o := rootOptions()
	o.Env, o.Clock = "prod", clock
	f := newFramed(New(c, o))
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(160, 40))
	key := func(k string) { tm.Send(pressKey(k)) }
	waitFrameWithin(t, f, time.Minute, "the release on prod's home", func(s string) bool { return strings.Contains(s, "9.9.9") })
	key("/")
	for _, r := range "9.9.9" {
		key(string(r))
	}
	key("enter")
	waitFrameWithin(t, f, time.Minute, "the release under the cursor", func(s string) bool { return strings.Contains(line(s, "▌"), "9.9.9") })
	key("enter")
	marked := "~" + update[:8]
	runs := waitFrameWithin(t, f, time.Minute, "the Runs tab with the live update", func(s string) bool {
		// Opened before the home read its health, the header takes the verdict when it comes.
		return strings.Contains(s, "ecommerce_ingest@9.9.9") && strings.Contains(s, marked) && strings.Contains(s, "expectation failure ratio")
	})
	if row := line(runs, marked); !strings.Contains(row, "completed") {
		t.Errorf("the live update's row does not say it completed:\n%s", row)
	}
	if !strings.Contains(runs, "~ 1 pipeline update(s) only the REST API knows yet") {
		t.Errorf("the Runs tab does not say an update is live:\n%s", runs)
	}

	key("3") // Data quality
	dq := waitFrameWithin(t, f, time.Minute, "the live expectation failing a fifth of the records", func(s string) bool {
		return strings.Contains(s, "20.0%") && strings.Contains(s, "only the REST API knows yet")
	})
	row := line(dq, "20.0%")
	if !strings.Contains(row, "~") {
		t.Errorf("the failing expectation is not marked live:\n%s", row)
	}
	if !strings.Contains(dq, "expectation(s) count records only the REST API knows yet") || strings.Contains(dq, "no expectation results") {
		t.Errorf("the Data quality tab does not list the live results as such:\n%s", dq)
	}
	// The tab counts what the verdict counted: the header's ratio over every expectation
	// (one decimal) is the summary's (two).
	header := regexp.MustCompile(`expectation failure ratio (\d+\.\d)%`).FindStringSubmatch(runs)
	summary := regexp.MustCompile(`records failed \((\d+\.\d\d)%`).FindStringSubmatch(dq)
	if header == nil || summary == nil {
		t.Fatalf("no ratio in the header (%q) or the Data quality tab's summary (%q):\n%s\n%s", header, summary, runs, dq)
	}
	if h, q := parseFloat(t, header[1]), parseFloat(t, summary[1]); math.Abs(h-q) > 0.05 {
		t.Errorf("the header's ratio %s%% is not the Data quality tab's %s%%:\n%s", header[1], summary[1], dq)
	}
	key("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
