package ui

import (
	"context"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// TestARESTStormKeepsTheLiveFactsOnScreenAndRecovers: with the system tables an hour late
// the incident is failing on live facts alone. A 503 storm whose retries the SDK exhausts
// does not take them off the screen (the warehouse alone would show the incident without
// its failed run): the rows stay, the stale banner says the live facts are missing, keys
// are answered while the refresh waits on the storm, and the next refresh after the storm
// clears the banner.
func TestARESTStormKeepsTheLiveFactsOnScreenAndRecovers(t *testing.T) {
	needSim(t)
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "lag.duckdb"), Seed: 1, Now: testNow, Days: 2, Lag: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: time.Minute}
	m := startRoot(t, c, rootOptions(), 160, 40)
	e := m.home.env("prod")
	incident := func() model.AssessedDeployment {
		t.Helper()
		for _, it := range e.items {
			if it.d.Release.Bundle == "ecommerce_orders" && it.d.Current {
				return it.d
			}
		}
		t.Fatal("the incident is not on the home")
		return model.AssessedDeployment{}
	}
	before := incident()
	if before.Verdict != model.VerdictFailing || !before.Live || before.Health.RunsFailed < 1 {
		t.Fatalf("before the storm the incident is %s (live %v, %+v, %v), want failing on live facts (problem %v)", before.Verdict, before.Live, before.Health, before.Reasons, e.problem)
	}

	// The SDK retries the storm until the live path's budget ends: a short one here.
	src.SetLiveTimeout(5 * time.Second)
	if err := src.DemoRESTFault(http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	// The refresh waits on the storm in its command; the screen answers keys meanwhile.
	load := m.home.load(e, false)
	answered := make(chan tea.Msg, 1)
	go func() { answered <- load() }()
	cursor := m.home.table.Cursor()
	start := time.Now()
	m.Update(pressKey("j"))
	_ = rootFrame(m)
	if took := time.Since(start); took > time.Second || m.home.table.Cursor() != cursor+1 {
		t.Errorf("during the storm a key took %s and moved the cursor from %d to %d", took, cursor, m.home.table.Cursor())
	}
	select {
	case <-answered:
		t.Fatal("the refresh answered at once: the storm did not reach it")
	default:
	}
	var msg tea.Msg
	select {
	case msg = <-answered:
	case <-time.After(time.Minute):
		t.Fatal("the refresh still waits on the storm after a minute: the SDK's retries are not bounded")
	}
	_, cmd := m.Update(msg)
	settleRoot(t, m, cmd)
	frame := ansi.Strip(rootFrame(m))
	if !strings.Contains(frame, "not refreshed") || !strings.Contains(frame, "live facts missing") {
		t.Errorf("during the storm the frame has no stale banner naming the missing live facts:\n%s", frame)
	}
	if during := incident(); during.Verdict != model.VerdictFailing || !reflect.DeepEqual(during.Health, before.Health) {
		t.Errorf("during the storm the incident shows %s %+v, want the last good %s %+v", during.Verdict, during.Health, before.Verdict, before.Health)
	}

	if err := src.DemoRESTFault(0); err != nil {
		t.Fatal(err)
	}
	src.SetLiveTimeout(0)
	refresh(t, m)
	frame = ansi.Strip(rootFrame(m))
	if strings.Contains(frame, "not refreshed") || e.problem != nil {
		t.Errorf("after the storm the banner stays (%v):\n%s", e.problem, frame)
	}
	if after := incident(); after.Verdict != model.VerdictFailing || !after.Live || after.Health.RunsFailed != before.Health.RunsFailed {
		t.Errorf("after the storm the incident shows %s (live %v) %+v, want failing on live facts", after.Verdict, after.Live, after.Health)
	}
}
