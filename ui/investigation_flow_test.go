package ui

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/release-cockpit/cockpit/themes"
)

// osc52 is the clipboard sequence the terminal receives: OSC 52, clipboard c, base64, ended
// by BEL or ST.
var osc52 = regexp.MustCompile("\x1b\\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\\\)")

// The 3 a.m. investigation of issue 13, at 80x24, in at most 8 keys: from start the
// cockpit opens on prod with the incident first; enter opens it; on the Lineage tab the
// gold table is marked with its row drop; back on the Runs tab the failed run is the first
// row and y sends its run page URL to the terminal's clipboard: the OSC 52 sequence is in
// the program's output and decodes to the run's page URL.
func TestTheIncidentsCauseAndTheFailedRunsURLInAtMostEightKeys(t *testing.T) {
	failed, _ := incidentRun(t) // the run the flow should copy the URL of
	runID := failed.RunID
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: testSource(t), Now: testSource(t).Now, Timeout: 2 * time.Minute}
	f := newFramed(New(c, Options{Refresh: -1, Clock: func() time.Time { return testNow }}))
	tm := teatest.NewTestModel(t, f, teatest.WithInitialTermSize(80, 24))
	keys := 0
	key := func(k string) {
		keys++
		tm.Send(pressKey(k))
	}

	home := waitFrame(t, f, "prod's deployments", func(s string) bool { return judgedHome(s, "prod") })
	if first := line(home, "▌"); !strings.Contains(first, "ecommerce_orders") {
		t.Fatalf("the first row is not the incident:\n%s", home)
	}

	key("enter")
	waitFrame(t, f, "the release screen", func(s string) bool {
		return strings.Contains(s, "ecommerce_orders@") && strings.Contains(s, "[1 Runs]")
	})

	key("4") // Lineage
	lin := waitFrame(t, f, "the marked gold table", func(s string) bool { return strings.Contains(s, "daily_revenue  -64% rows") })
	if row := line(lin, "ecommerce.gold.daily_revenue  -64% rows"); !strings.Contains(row, UnicodeGlyphs.Failing+" ecommerce.gold.daily_revenue") {
		t.Errorf("the gold table is not marked broken: %q", row)
	}

	key("1") // Runs
	runs := waitFrame(t, f, "the runs", func(s string) bool {
		return strings.Contains(s, "[1 Runs]") && strings.Contains(s, "▌") && strings.Contains(s, "STATE")
	})
	first := line(runs, "▌")
	if !strings.Contains(first, "failed") {
		t.Fatalf("the first run is not the failed one: %q", first)
	}

	key("y")
	var url string
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		m := osc52.FindSubmatch(out)
		if m == nil {
			return false
		}
		b, err := base64.StdEncoding.DecodeString(string(m[1]))
		url = string(b)
		return err == nil
	}, teatest.WithDuration(time.Minute))
	if !strings.Contains(url, "#job/") || !strings.HasSuffix(url, "/run/"+runID) {
		t.Errorf("the clipboard got %q, want the page URL of run %s", url, runID)
	}
	waitFrame(t, f, "the notice", func(s string) bool { return strings.Contains(s, "sent the run page URL to the terminal's clipboard") })
	if keys > 8 {
		t.Errorf("%d keys, want at most 8", keys)
	}

	key("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
