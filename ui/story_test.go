package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// One story (issue 13): the home and the release count the same things, or say what each
// counts. Each test here fails if an inconsistency the on-call engineer met comes back.

// The home's CHECKS column ("4/6 2✗") and the Checks tab count the same checks: the latest
// report of each check since the deploy; the tab names the home's figure and counts the
// pre-deploy ones apart.
func TestTheChecksTabCountsWhatTheHomesChecksColumnCounts(t *testing.T) {
	d := incidentDeployment(t)
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabChecks, 120, 40)
	var since []domain.Check
	for _, k := range s.tabs[tabChecks].data.([]domain.Check) {
		if !k.At.Before(d.DeployedAt) {
			since = append(since, k)
		}
	}
	if got := domain.CountChecks(since); got != d.Checks {
		t.Errorf("the Checks tab counts %+v since the deploy, the home %+v", got, d.Checks)
	}
	home, _ := checksText(UnicodeGlyphs, d.Checks)
	if v := ansi.Strip(s.View()); !strings.Contains(v, "since the deploy (the home's CHECKS "+home+")") || !strings.Contains(v, "before the deploy") {
		t.Errorf("the Checks tab does not name the home's %q or the pre-deploy checks:\n%s", home, v)
	}
}

// The Data quality tab's summary is the home's EXP ratio (failed records over all
// expectations), written the same way, and says that each row is one expectation's.
func TestTheDataQualitySummaryIsTheHomesExpectationRatio(t *testing.T) {
	d := incidentDeployment(t)
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabQuality, 120, 40)
	home, _ := ratioText(d.Health)
	v := ansi.Strip(s.View())
	// Checks' expectations check reports what it measured (18.2%), a row here its own ratio
	// (18.7%): the note says so, or the two figures disagree without a word.
	if !strings.Contains(v, "records failed ("+home+", the home's EXP)") || !strings.Contains(v, "a row is one expectation's ratio; a check's OBSERVED (2 Checks) is its own") {
		t.Errorf("the Data quality summary does not carry the home's EXP %s:\n%s", home, v)
	}
}

// :bundle replaces the filter rather than narrowing it further; :bundle alone clears it.
func TestBundleCommandReplacesTheFilter(t *testing.T) {
	c, _ := fakeCommon(themes.Mono())
	m := startRoot(t, c, rootOptions(), 120, 40)
	m.home.setFilter("status:failing")
	command(t, m, "bundle billing")
	if got := m.home.input.Value(); got != "bundle:billing" {
		t.Errorf("the filter is %q, want bundle:billing alone", got)
	}
	if ds := visible(m); len(ds) != 1 || ds[0].Release.Bundle != "billing" {
		t.Errorf("after :bundle billing the home shows %d rows", len(ds))
	}
	command(t, m, "bundle")
	if got := m.home.input.Value(); got != "" {
		t.Errorf(":bundle alone left the filter %q", got)
	}
}

// A window longer than a day lists newest first (triage order would put last week's
// failures above this morning's deployments); back to a day or less, triage order. The
// "reloading" notice clears once the load is done.
func TestALongWindowListsNewestFirstAndTheReloadingNoticeClears(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	command(t, m, "since 3d")
	if m.home.sort != (sortMode{col: colAge}) {
		t.Fatalf("the 3-day window sorts by %s", m.home.sort)
	}
	ds := visible(m)
	for i := 1; i < len(ds); i++ {
		if ds[i].DeployedAt.After(ds[i-1].DeployedAt) {
			t.Fatalf("row %d (%s) is newer than row %d", i, ds[i].Release.ID(), i-1)
		}
	}
	triage := append([]domain.AssessedDeployment(nil), ds...)
	sortAssessed(triage)
	if len(ds) < 2 || triage[0].ID == ds[0].ID && triage[len(triage)-1].ID == ds[len(ds)-1].ID {
		t.Log("triage and newest orders agree at both ends of this window; the order check is weak")
	}
	if m.note.Text != "" || strings.Contains(ansi.Strip(rootFrame(m)), "reloading") {
		t.Errorf("the notice %q stays after the load", m.note.Text)
	}
	command(t, m, "since 2h")
	if m.home.sort != (sortMode{col: colStatus}) {
		t.Errorf("back to 2h the home sorts by %s", m.home.sort)
	}
	if m.note.Text != "" {
		t.Errorf("the notice %q stays after the load", m.note.Text)
	}
}

// sortAssessed orders deployments in triage order.
func sortAssessed(ds []domain.AssessedDeployment) {
	items := make([]*item, len(ds))
	for i := range ds {
		items[i] = &item{d: ds[i]}
	}
	sortItems(items, sortMode{col: colStatus})
	for i, it := range items {
		ds[i] = it.d
	}
}

// While the notice is up the home is reloading: the notice says so and names the order.
func TestTheSinceNoticeSaysTheOrderWhileItReloads(t *testing.T) {
	c, _ := fakeCommon(themes.Mono())
	m := startRoot(t, c, rootOptions(), 120, 40)
	sendKeys(t, m, ":")
	typeInto(t, m, "since 7d")
	m.Update(pressKey("enter")) // no settling: the load is in flight
	if !m.home.Busy() || m.note.Text != "showing the last 7d, newest first; reloading" {
		t.Errorf("busy %v, notice %q", m.home.Busy(), m.note.Text)
	}
}

// The Cost tab says "not billed yet" rather than a total of 0.00 DBUs, how many of the
// runs a partial total covers, and never "nothing ran" of a deployment whose runs the
// system tables do not list yet (about an hour late) but its health counts.
func TestTheCostSummarySaysNotBilledYetInsteadOfZero(t *testing.T) {
	c := tabCommon()
	item := func(dbus float64) domain.CostItem {
		return domain.CostItem{ResourceType: "job", RunID: "1", DBUs: dbus}
	}
	cases := []struct {
		name    string
		cost    domain.Cost
		started int // the runs and updates the deployment's health counts
		want    string
	}{
		{"nothing ran", domain.Cost{}, 0, "no cost: nothing ran since the deploy"},
		{"ran, not in the system tables yet", domain.Cost{}, 3, "not billed yet: the 3 run(s) and update(s) since the deploy reach the system tables about an hour late"},
		{"nothing billed", domain.Cost{Items: []domain.CostItem{item(0), item(0)}}, 2, "not billed yet: none of the 2 run(s) and update(s) since the deploy"},
		{"some billed", domain.Cost{Items: []domain.CostItem{item(1.5), item(0)}, DBUs: 1.5}, 2, "total 1.50 DBUs billed so far for 1 of 2 run(s) and update(s)"},
		{"all billed", domain.Cost{Items: []domain.CostItem{item(1.5)}, DBUs: 1.5}, 1, "total 1.50 DBUs for 1 run(s) and update(s), all billed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			tb := costTable(c, tc.cost, tc.started)
			for _, s := range tb.Notes[0] {
				got += s.Text
			}
			if got != tc.want {
				t.Errorf("summary %q, want %q", got, tc.want)
			}
			if strings.Contains(got, "0.00") {
				t.Errorf("the summary says 0.00: %q", got)
			}
			if len(tc.cost.Items) == 0 && (tc.started > 0) == strings.Contains(tb.Empty, "no job runs or pipeline updates since the deploy") {
				t.Errorf("%d runs and updates counted, the empty table says %q", tc.started, tb.Empty)
			}
		})
	}
}
