package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// refresh lets the refresh interval pass once.
func refresh(t *testing.T, m *root) {
	t.Helper()
	_, cmd := m.Update(refreshDue{})
	settleRoot(t, m, cmd)
}

func TestAnIncrementalRefreshEndsWhereAFullListWould(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	m := startRoot(t, c, rootOptions(), 120, 40)
	e := m.home.activeEnv()
	from := m.home.relistFrom(e)
	if testNow.Sub(from) >= 24*time.Hour {
		t.Fatalf("the refresh would re-list from %s: everything", from)
	}
	refresh(t, m)
	full, err := c.Source.List(context.Background(), e.name, source.Query{Since: 24 * time.Hour, Limit: homePage})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]model.Verdict{}
	for _, d := range full {
		want[d.ID] = d.Verdict
	}
	if len(e.items) != len(want) {
		t.Fatalf("after the refresh prod holds %d deployments, a full list %d", len(e.items), len(want))
	}
	for _, it := range e.items {
		if v, ok := want[it.d.ID]; !ok || v != it.d.Verdict {
			t.Errorf("%s: %s after the refresh, %s in a full list", it.d.Release.ID(), it.d.Verdict, v)
		}
	}
}

func TestARefreshKeepsTheCursorOnTheSameDeployment(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	sendKeys(t, m, "j", "j", "j", "j", "j")
	want := m.home.table.Selected().Key
	refresh(t, m)
	if got := m.home.table.Selected().Key; got != want {
		t.Fatalf("after a refresh the cursor is on %s, want %s", got, want)
	}

	// A new failing deployment lands: it sorts first and pushes every row down one.
	e := m.home.activeEnv()
	fresh := e.items[0].d
	fresh.ID, fresh.DeployedAt = "just-landed", testNow
	fresh.Release.Version = "2026.1123.99"
	fresh.Assessment = model.Assessment{Verdict: model.VerdictFailing, Provisional: true}
	before := m.home.table.Cursor()
	m.Update(deploymentsLoaded{
		req:  loadRequest{env: e.name, gen: e.gen, since: 2 * time.Minute, from: testNow.Add(-time.Minute)},
		rows: []source.Deployment{fresh},
	})
	if got := m.home.table.Selected().Key; got != want {
		t.Fatalf("after a new deployment the cursor is on %s, want %s", got, want)
	}
	if got := m.home.table.Cursor(); got != before+1 {
		t.Fatalf("the cursor row is at %d, want %d (one row arrived above it)", got, before+1)
	}
	if e.items[0].d.ID != "just-landed" || !strings.Contains(ansi.Strip(rootFrame(m)), "2026.1123.99") {
		t.Fatal("the new failing deployment is not at the top")
	}
}

func TestAnswersToAnOldWindowAreDropped(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	e := m.home.activeEnv()
	n := len(e.items)
	old := loadRequest{env: e.name, gen: e.gen}
	m.home.SetSince(2 * time.Hour) // the answers it asks for are not fed back
	m.Update(deploymentsLoaded{req: old, rows: nil})
	if len(e.items) != n {
		t.Fatalf("an answer for the old window replaced the list (%d rows, had %d)", len(e.items), n)
	}
}

func TestAFailedRefreshKeepsTheDataAndSaysHowOldItIs(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	now := testNow
	o := rootOptions()
	o.Clock = func() time.Time { return now }
	m := startRoot(t, c, o, 120, 40)
	rows := m.home.table.Len()

	c.Timeout = time.Nanosecond // the workspace stops answering in time
	now = now.Add(3 * time.Minute)
	refresh(t, m)
	tickAt(m, now)
	f := ansi.Strip(rootFrame(m))
	if !strings.Contains(f, "! not refreshed — showing data from 3m ago") {
		t.Fatalf("no stale banner:\n%s", f)
	}
	if m.home.table.Len() != rows || !strings.Contains(f, "ecommerce_orders") {
		t.Fatal("the data went away with the failure")
	}
	if !strings.Contains(f, "data 3m old") {
		t.Errorf("the status bar does not say how old the data is:\n%s", f)
	}
	assertFills(t, rootFrame(m), 120, 40)
	sendKeys(t, m, "j", "3", "1")
	if m.home.Crumb() != "dev" || m.home.table.Len() == 0 {
		t.Fatal("the UI stopped working while the workspace did not answer")
	}
	sendKeys(t, m, "3")

	c.Timeout = 30 * time.Second
	refresh(t, m)
	if f := ansi.Strip(rootFrame(m)); strings.Contains(f, "not refreshed") || !strings.Contains(f, "data 0s old") {
		t.Fatalf("the banner stayed after the workspace answered again:\n%s", f)
	}
}

func TestAFirstLoadThatFailsSaysWhyInTheTable(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	c.Timeout = time.Nanosecond
	m := startRoot(t, c, rootOptions(), 120, 40)
	f := ansi.Strip(rootFrame(m))
	if m.home.Crumb() != "prod" || !strings.Contains(f, "could not load prod") || !strings.Contains(f, "r retries") {
		t.Fatalf("a failed first load is not explained (tab %q):\n%s", m.home.Crumb(), f)
	}
	if strings.Contains(f, "showing data from") {
		t.Error("a banner promises data that was never loaded")
	}
	c.Timeout = 30 * time.Second
	sendKeys(t, m, "r")
	if m.home.table.Len() == 0 {
		t.Fatal("r did not retry")
	}
}

func TestTheSpinnerTurnsOnlyWhileLoading(t *testing.T) {
	m := New(rootCommon(t, themes.Mono()), rootOptions()).(*root)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	cmd := m.Init()
	line := ansi.Strip(m.statusLine())
	if !m.spinning || !strings.Contains(line, "loading") {
		t.Fatalf("no spinner while loading: %q", line)
	}
	settleRoot(t, m, cmd)
	line = ansi.Strip(m.statusLine())
	if !strings.HasPrefix(line, " data 0s old") {
		t.Fatalf("the spinner is still drawn when idle: %q", line)
	}
}

func TestSetSinceDropsRowsOutsideTheWindowOnRefresh(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	settleRoot(t, m, m.home.SetSince(90*time.Minute))
	refresh(t, m)
	e := m.home.activeEnv()
	ids := make([]string, 0, len(e.items))
	for _, it := range e.items {
		ids = append(ids, it.d.ID)
		if testNow.Sub(it.d.DeployedAt) > 90*time.Minute {
			t.Fatalf("%s is outside the window", it.d.Release.ID())
		}
	}
	if len(ids) == 0 {
		t.Fatal("nothing in the last 90m: the test proves nothing")
	}
	if u := slices.Compact(slices.Sorted(slices.Values(ids))); len(u) != len(ids) {
		t.Fatal("a deployment is listed twice")
	}
}

// TestAProbeReadsTheBundlesStatesOnlyWhenTheLedgerMoved: the bundles' states (pins, vetoes,
// requests) are folded from the ledger, a statement over two weeks of it; a probe whose
// live feed alone moved re-lists the environment without reading them, and one that saw
// the ledger move reads them too.
func TestAProbeReadsTheBundlesStatesOnlyWhenTheLedgerMoved(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	src, ok := c.Source.(*source.Source)
	if !ok {
		t.Fatalf("the test needs the real source, not %T", c.Source)
	}
	m := startRoot(t, c, rootOptions(), 120, 40)
	e := m.home.activeEnv()
	var oneRead int64 // the shared statements of one read of the states
	for _, tc := range []struct {
		ledger bool
		want   bool
	}{{false, false}, {true, true}} {
		before := src.Usage()
		_, cmd := m.Update(probed{env: e.name, gen: e.gen, changed: true, ledger: tc.ledger, at: testNow})
		settleRoot(t, m, cmd)
		used := src.Usage().Since(before)
		if read := used.Envs[source.Shared].Statements > 0; read != tc.want {
			t.Errorf("a probe that saw the ledger move=%v: the bundles' states read=%v (%d shared statements), want %v",
				tc.ledger, read, used.Envs[source.Shared].Statements, tc.want)
		}
		if used.Envs[e.name].Statements+used.Envs[e.name].Calls == 0 {
			t.Errorf("a probe that saw the ledger move=%v did not re-list %s", tc.ledger, e.name)
		}
		if tc.ledger {
			oneRead = used.Envs[source.Shared].Statements
		}
	}
	// The probes of one tick (every environment's, the slow full refresh asking the
	// ledger) that saw it move take one read of the states, not one each.
	before := src.Usage()
	var cmds []tea.Cmd
	for _, e := range m.home.envs {
		_, cmd := m.Update(probed{env: e.name, gen: e.gen, changed: true, ledger: true, at: testNow})
		cmds = append(cmds, cmd)
	}
	settleRoot(t, m, tea.Batch(cmds...))
	if n := src.Usage().Since(before).Envs[source.Shared].Statements; n != oneRead {
		t.Errorf("%d probes of one tick saw the ledger move: %d shared statements, want one read of the states (%d)",
			len(m.home.envs), n, oneRead)
	}
}
