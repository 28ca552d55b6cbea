package ui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// At 80x24 the home shows every visible deployment's bundle and version whole: the sha,
// who and the counts give way first.
func TestAt80x24TheHomeShowsReleaseIDsWhole(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 80, 24)
	frame := ansi.Strip(rootFrame(m))
	e := m.home.activeEnv()
	shown := 0
	for _, it := range e.items[:min(len(e.items), 15)] {
		bundle, version := Clean(it.d.Release.Bundle), Clean(it.d.Release.Version)
		if !strings.Contains(frame, bundle) || !strings.Contains(frame, version) {
			t.Errorf("%s %s is not whole at 80x24:\n%s", bundle, version, frame)
		}
		shown++
	}
	lines := strings.Split(frame, "\n")
	if shown == 0 || strings.Contains(strings.Join(lines[3:len(lines)-1], "\n"), "…") {
		t.Errorf("the header or rows are cut:\n%s", frame)
	}
}

// At 80x24 every release tab shows the names that identify its rows whole or wrapped at a
// word: every word of a run, job, pipeline, check or table name is on the screen.
func TestAt80x24EveryReleaseTabShowsNamesWholeOrWrapped(t *testing.T) {
	c := relCommon(t, themes.Mono(), UnicodeGlyphs)
	for tab, names := range map[relTab]func(s *ReleaseScreen) []string{
		tabRuns: func(s *ReleaseScreen) []string {
			d := s.tabs[tabRuns].data.(runsTabData)
			var out []string
			for _, r := range d.runs {
				out = append(out, r.RunName)
			}
			for _, u := range d.updates {
				out = append(out, updateName(u)+" "+u.UpdateType)
			}
			return out
		},
		tabChecks: func(s *ReleaseScreen) []string {
			var out []string
			for _, k := range s.tabs[tabChecks].data.([]domain.Check) {
				out = append(out, k.Name, k.Observed)
			}
			return out
		},
		tabQuality: func(s *ReleaseScreen) []string {
			var out []string
			for _, e := range s.tabs[tabQuality].data.(qualityTabData).exps {
				out = append(out, e.Dataset, e.Expectation)
			}
			return out
		},
		tabCost: func(s *ReleaseScreen) []string {
			var out []string
			for _, it := range s.tabs[tabCost].data.(domain.Cost).Items {
				out = append(out, it.ResourceName)
			}
			return out
		},
	} {
		s := openIncident(t, c, tab, 80, 24)
		frame := ansi.Strip(s.View())
		words := map[string]bool{}
		for _, f := range strings.Fields(frame) {
			words[f] = true
		}
		for _, n := range names(s) {
			for _, w := range strings.Fields(Clean(n)) {
				if !words[w] {
					t.Errorf("%s: %q of %q is cut at 80x24:\n%s", tab, w, n, frame)
				}
			}
		}
	}
}

// The observation that names a table keeps the table's name at 80 columns (it was
// "-64% rows in ecomme…").
func TestChecksKeepTheObservedTableNameAt80(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabChecks, 80, 24)
	if v := ansi.Strip(s.View()); !strings.Contains(v, "-64% rows in ecommerce.gold.daily_revenue") {
		t.Errorf("the observation lost its table name:\n%s", v)
	}
}

// / on a release tab searches it: typing moves the cursor to the first match, enter
// keeps the search, n and N go to the next and previous match, esc drops it.
func TestSlashSearchesTheReleaseTabWithNextAndPrevious(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabRuns, 80, 24)
	selected := func() string {
		r := s.list().Selected()
		if r == nil {
			return ""
		}
		return r.Cells[1].Text
	}
	first := selected()
	if !s.CapturesKey(keyPress("/")) && s.search.typing {
		t.Fatal("typing before /")
	}
	s.Update(keyPress("/"))
	if !s.CapturesKey(keyPress("n")) {
		t.Fatal("while the search is typed, n is not text")
	}
	for _, r := range "dlt" {
		s.Update(keyPress(string(r)))
	}
	if got := selected(); !strings.Contains(got, "dlt") {
		t.Fatalf("typing dlt put the cursor on %q", got)
	}
	s.Update(keyPress("enter"))
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "/dlt") || !strings.Contains(v, "n next") {
		t.Errorf("the kept search is not on screen:\n%s", v)
	}
	a := selected()
	s.Update(keyPress("n"))
	b := selected()
	if a == b || !strings.Contains(b, "dlt") {
		t.Errorf("n went from %q to %q", a, b)
	}
	s.Update(keyPress("N"))
	if got := selected(); got != a {
		t.Errorf("N went back to %q, want %q", got, a)
	}
	s.Update(keyPress("esc"))
	if s.search.active() || strings.Contains(ansi.Strip(s.View()), "/dlt") {
		t.Error("esc did not drop the search")
	}
	_ = first
	// Another tab, without a cursor: the match is marked and scrolled into view.
	if _, cmd := s.Update(keyPress("4")); cmd != nil {
		s.Update(cmd())
	}
	s.Update(keyPress("/"))
	for _, r := range "exec_kpis" {
		s.Update(keyPress(string(r)))
	}
	s.Update(keyPress("enter"))
	if !s.search.found || !strings.Contains(ansi.Strip(s.View()), "analytics.gold.exec_kpis") {
		t.Errorf("lineage search did not find exec_kpis:\n%s", ansi.Strip(s.View()))
	}
	s.Update(keyPress("esc"))
	s.Update(keyPress("/"))
	for _, r := range "no-such-thing" {
		s.Update(keyPress(string(r)))
	}
	s.Update(keyPress("enter"))
	if !strings.Contains(ansi.Strip(s.View()), "no match in this tab") {
		t.Errorf("a search without a match does not say so:\n%s", ansi.Strip(s.View()))
	}
}

// s cycles the home's sort column (marked in the header), S reverses it.
func TestHomeSortsByAColumnMarkedInTheHeader(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	header := func() string { return strings.Split(ansi.Strip(rootFrame(m)), "\n")[3] }
	if !strings.Contains(header(), "STATUS ↓") {
		t.Fatalf("the triage order is not marked on STATUS: %q", header())
	}
	sendKeys(t, m, "s")
	if !strings.Contains(header(), "AGE ↓") || strings.Contains(header(), "STATUS ↓") {
		t.Fatalf("s did not move the mark to AGE: %q", header())
	}
	items := m.home.activeEnv().items
	for i := 1; i < len(items); i++ {
		if items[i].d.DeployedAt.After(items[i-1].d.DeployedAt) {
			t.Fatalf("sorted by age, %s comes after an older deployment", items[i].d.ID)
		}
	}
	if !strings.Contains(ansi.Strip(rootFrame(m)), "sort: newest") {
		t.Error("the summary does not say the sort")
	}
	sendKeys(t, m, "s")
	sendKeys(t, m, "S")
	if !strings.Contains(header(), "BUNDLE ↑") {
		t.Fatalf("S did not reverse the bundle order: %q", header())
	}
	items = m.home.activeEnv().items
	for i := 1; i < len(items); i++ {
		if items[i].d.Release.Bundle > items[i-1].d.Release.Bundle {
			t.Fatalf("reversed by bundle, %s comes after %s", items[i].d.Release.Bundle, items[i-1].d.Release.Bundle)
		}
	}
}

// The home's filter matches tickets, as a free word and as ticket:.
func TestHomeFilterMatchesTickets(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 120, 40)
	var ticket string
	for _, it := range m.home.activeEnv().items {
		if it.d.Ticket != "" {
			ticket = it.d.Ticket
			break
		}
	}
	if ticket == "" {
		t.Fatal("no deployment with a ticket")
	}
	for _, q := range []string{strings.ToLower(ticket), "ticket:" + ticket} {
		m.home.setFilter(q)
		if m.home.table.Len() == 0 || m.home.table.Len() == m.home.table.Total() {
			t.Errorf("%q keeps %d of %d", q, m.home.table.Len(), m.home.table.Total())
		}
		if r := m.home.table.Selected(); r == nil || !strings.Contains(strings.ToLower(m.home.activeEnv().byID[r.Key].d.Ticket), strings.ToLower(ticket)) {
			t.Errorf("%q selects a row without the ticket", q)
		}
	}
}

// A long list says where the cursor is.
func TestLongListsShowThePosition(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 80, 24)
	sendKeys(t, m, "j", "j")
	n := m.home.table.Len()
	if v := ansi.Strip(rootFrame(m)); !strings.Contains(v, " 3/"+itoa(n)) {
		t.Errorf("no 3/%d on the home:\n%s", n, v)
	}
}

// Help fits 80x24: nothing is cut to …, every key is on one of its pages, and the legend
// explains the home's columns and glyphs.
func TestHelpFitsAt80x24WithALegend(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 80, 24)
	sendKeys(t, m, "?")
	var all strings.Builder
	for page := 0; page < 10; page++ {
		f := ansi.Strip(rootFrame(m))
		assertFills(t, rootFrame(m), 80, 24)
		lines := strings.Split(f, "\n")
		for _, l := range lines[1 : len(lines)-2] { // the body, less the crumb and status lines
			if strings.Contains(strings.ReplaceAll(l, "… reading", ""), "…") { // the legend's own glyph aside
				t.Errorf("help cuts a line at 80x24: %q", l)
			}
		}
		all.WriteString(f)
		if !strings.Contains(f, "page ") || strings.Contains(f, "page "+itoa(page+1)+" of "+itoa(page+1)) {
			break
		}
		sendKeys(t, m, "pgdown")
	}
	text := all.String()
	for _, b := range append(m.home.KeyMap(), m.keys.list()...) {
		if !strings.Contains(text, b.Help().Key) {
			t.Errorf("help does not mention %s", b.Help().Key)
		}
	}
	for _, want := range []string{"RUNS 2/1", "EXP", "CHECKS", "provisional", "a trailing " + UnicodeGlyphs.Provisional + ":", "decision", "PINNED", "12/240", "… reading", "early warning"} {
		if !strings.Contains(text, want) {
			t.Errorf("the legend does not explain %q", want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// The release screen's help explains its tabs' columns, the current tab's first.
func TestReleaseHelpExplainsTheTabsColumns(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabChecks, 80, 24)
	l := s.Legend()
	if len(l) == 0 || l[0].Term != "PHASE" {
		t.Fatalf("the Checks tab's legend does not come first: %v", l)
	}
	var text strings.Builder
	for _, e := range l {
		text.WriteString(e.Term + " " + e.Meaning + "\n")
	}
	for _, want := range []string{"VS BASELINE", "RECENT", "so far", "RATIO", "CHANGE", "n and N", "broken: a failing check", "y copies"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the legend does not explain %q", want)
		}
	}
}
