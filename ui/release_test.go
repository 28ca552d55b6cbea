package ui

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/data/warehouse"
	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// The incident of the simulated estate (DESIGN §7): ecommerce_orders in prod, deployed at
// 11:25, its valid_client_id expectation failing for ~18% of records.
const (
	incidentBundle      = "ecommerce_orders"
	incidentExpectation = "valid_client_id"
	incidentGoldTable   = "ecommerce.gold.daily_revenue"
)

// relCommon is a Common over the shared simulated workspace with the frozen clock.
func relCommon(t testing.TB, th *themes.Theme, g Glyphs) *Common {
	return &Common{Theme: th, Glyphs: g, Source: testSource(t), Now: func() time.Time { return testNow }, Timeout: 2 * time.Minute}
}

var incident struct {
	once sync.Once
	d    source.Deployment
	err  error
}

// incidentDeployment is the incident's deployment as the home lists it.
func incidentDeployment(t testing.TB) source.Deployment {
	t.Helper()
	needSim(t)
	incident.once.Do(func() {
		ds, err := testSource(t).List(context.Background(), "prod", source.Query{Since: 2 * time.Hour})
		if err != nil {
			incident.err = err
			return
		}
		for _, d := range ds {
			if d.Release.Bundle == incidentBundle && d.Current {
				incident.d = d
				return
			}
		}
		incident.err = fmt.Errorf("no current %s deployment in prod's last 2 hours", incidentBundle)
	})
	if incident.err != nil {
		t.Fatal(incident.err)
	}
	return incident.d
}

// tabLoads caches each tab's load of the incident (the data does not depend on the theme).
var tabLoads sync.Map // relTab → releaseTabLoaded

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "ctrl+d":
		return tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

// openIncident opens the incident's release screen at a size, on a tab, loaded.
func openIncident(t testing.TB, c *Common, tab relTab, w, h int) *ReleaseScreen {
	t.Helper()
	s := NewReleaseScreen(c, "prod", incidentDeployment(t)).(*ReleaseScreen)
	s.SetSize(w, h)
	cmd := s.Init()
	if tab != tabRuns {
		cmd = s.key(keyPress(strconv.Itoa(int(tab) + 1)))
	}
	if cmd == nil {
		t.Fatalf("showing %s started no load", tab)
	}
	msg, ok := tabLoads.Load(tab)
	if !ok {
		msg = cmd()
		tabLoads.Store(tab, msg)
	}
	if m := msg.(releaseTabLoaded); m.err != nil {
		t.Fatalf("loading %s: %v", tab, m.err)
	}
	s.Update(msg)
	return s
}

var goldenThemes = []struct {
	name  string
	theme func() *themes.Theme
}{{"dark", themes.Dark}, {"mono", themes.Mono}}

// checkFrame asserts a view is exactly w x h cells, and colourless in the mono theme.
func checkFrame(t *testing.T, view, theme string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
	if theme == "mono" && hasColour(view) {
		t.Error("the mono theme drew colour")
	}
	if theme == "dark" && !hasColour(view) {
		t.Error("the dark theme drew no colour")
	}
}

func TestReleaseScreenGolden(t *testing.T) {
	slugs := map[relTab]string{tabRuns: "runs", tabChecks: "checks", tabQuality: "quality", tabLineage: "lineage", tabAudit: "audit", tabCost: "cost", tabChanges: "changes"}
	for tab := range relTabCount {
		for _, th := range goldenThemes {
			for _, sz := range sizes {
				name := fmt.Sprintf("release_%s_%s_%dx%d", slugs[tab], th.name, sz.w, sz.h)
				t.Run(name, func(t *testing.T) {
					s := openIncident(t, relCommon(t, th.theme(), UnicodeGlyphs), tab, sz.w, sz.h)
					v := s.View()
					checkFrame(t, v, th.name, sz.w, sz.h)
					golden(t, name, v)
				})
			}
		}
	}
}

// In ASCII mode every character the screen draws is ASCII: tree branches, sparkline,
// glyphs, rules and ellipses come from the glyph set.
func TestReleaseScreenInASCIIModeDrawsOnlyASCII(t *testing.T) {
	for _, tab := range []relTab{tabRuns, tabQuality, tabLineage, tabAudit, tabCost} {
		s := openIncident(t, relCommon(t, themes.Mono(), ASCIIGlyphs), tab, 80, 24)
		v := s.View()
		checkFrame(t, v, "mono", 80, 24)
		for i, r := range ansi.Strip(v) {
			if r > 0x7e && r != '\n' {
				t.Errorf("%s: non-ASCII %q at %d in\n%s", tab, r, i, ansi.Strip(v))
				break
			}
		}
		if tab == tabRuns || tab == tabLineage {
			golden(t, "release_"+strings.ToLower(tab.String())+"_ascii_80x24", v)
		}
	}
}

func TestIncidentDataQualityLeadsWithTheFailingExpectation(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabQuality, 120, 40)
	var top *relRow
	for i := range s.table().Rows {
		if r := &s.table().Rows[i]; r.Span == nil {
			top = r
			break
		}
	}
	if top == nil {
		t.Fatal("no expectation rows")
	}
	cells := top.Cells
	if cells[1].Text != incidentExpectation {
		t.Fatalf("top row is %q, want %s", cells[1].Text, incidentExpectation)
	}
	ratio, err := strconv.ParseFloat(strings.TrimSuffix(cells[4].Text, "%"), 64)
	if err != nil || ratio < 15 || ratio > 22 {
		t.Errorf("%s failure ratio %q, want about 18%%", incidentExpectation, cells[4].Text)
	}
	if change := cells[6].Text; !strings.HasPrefix(change, "+") || !strings.HasSuffix(change, " pts") {
		t.Errorf("change against the previous deployment %q, want a positive number of points", change)
	}
	if !strings.Contains(cells[0].Text, "regressed") || !strings.HasPrefix(cells[0].Text, UnicodeGlyphs.Failing) {
		t.Errorf("status %q, want the failing glyph and \"regressed\"", cells[0].Text)
	}
	// And on screen: the first expectation the tab draws is the failing one (the header
	// above the tabs may name another failing expectation among the verdict's reasons).
	v := ansi.Strip(s.View())
	if i := strings.Index(v, "Data quality"); i >= 0 {
		v = v[i:]
	}
	first := regexp.MustCompile(`(valid_client_id|valid_status|non_negative_amount|not_null_timestamp)`).FindString(v)
	if first != incidentExpectation {
		t.Errorf("the first expectation on screen is %q, want %s:\n%s", first, incidentExpectation, v)
	}
}

func TestIncidentLineageShowsTheGoldTableAndTheBlastRadius(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabLineage, 200, 60)
	v := ansi.Strip(s.View())
	m := regexp.MustCompile(`blast radius: (\d+) consumer`).FindStringSubmatch(v)
	if m == nil {
		t.Fatalf("no blast radius in\n%s", v)
	}
	if n, _ := strconv.Atoi(m[1]); n < 3 {
		t.Errorf("blast radius %d, want at least 3", n)
	}
	downstream := false
	for _, l := range strings.Split(v, "\n") {
		// A consumer line hangs at least two levels deep, under a written table.
		if strings.Contains(l, incidentGoldTable+"  ") && strings.Contains(l, "  by ") && strings.Index(l, UnicodeGlyphs.TreeLast[:3]) != 0 {
			downstream = true
		}
	}
	if !downstream {
		t.Errorf("%s is not among the downstream consumers:\n%s", incidentGoldTable, v)
	}
}

// The lineage points: the gold table whose rows dropped is marked with the drop, on the
// first consumer line under the first written table, and the table the regressed
// expectation runs on is marked with its ratio; both come before the clean tables, and
// what the release wrote comes before what it read (nothing it read is broken).
func TestIncidentLineageMarksWhatIsBrokenFirst(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabLineage, 80, 24)
	var lines []string
	for _, r := range s.table().Rows {
		var b strings.Builder
		for _, c := range r.Span {
			b.WriteString(c.Text)
		}
		lines = append(lines, b.String())
	}
	find := func(sub string) int {
		for i, l := range lines {
			if strings.Contains(l, sub) {
				return i
			}
		}
		t.Fatalf("no lineage line has %q:\n%s", sub, strings.Join(lines, "\n"))
		return -1
	}
	gold := find(UnicodeGlyphs.Failing + " " + incidentGoldTable + "  -64% rows (row_count_drift)")
	clean := find("ecommerce.silver.orders_clean ")
	if !strings.Contains(lines[clean], UnicodeGlyphs.Failing+" ecommerce.silver.orders_clean  "+incidentExpectation) {
		t.Errorf("the table of the regressed expectation is not marked with it: %q", lines[clean])
	}
	wrote := find("(its jobs and pipelines) wrote")
	if wrote != 0 || clean != wrote+1 || gold != clean+1 {
		t.Errorf("the broken tables do not come first under the release (wrote %d, orders_clean %d, gold %d):\n%s", wrote, clean, gold, strings.Join(lines, "\n"))
	}
	if ref, ok := s.table().Rows[gold].Ref.(lineageTableRef); !ok || string(ref) != incidentGoldTable {
		t.Errorf("the gold table's line stands for %v, want the table's name", s.table().Rows[gold].Ref)
	}
	v := ansi.Strip(s.View())
	if !strings.Contains(v, incidentGoldTable+"  -64% rows") || !strings.Contains(v, "table(s) broken") {
		t.Errorf("at 80x24 the gold table's drop or the count of broken tables is not on screen:\n%s", v)
	}
}

func TestTabCyclingWrapsBothWays(t *testing.T) {
	s := NewReleaseScreen(relCommon(t, themes.Mono(), UnicodeGlyphs), "prod", incidentDeployment(t)).(*ReleaseScreen)
	s.SetSize(120, 40)
	s.Init()
	for i := 1; i <= int(relTabCount); i++ {
		s.Update(keyPress("tab"))
		if want := relTab(i % int(relTabCount)); s.tab != want {
			t.Fatalf("after %d tabs on %s, want %s", i, s.tab, want)
		}
	}
	s.Update(keyPress("shift+tab"))
	if s.tab != tabChanges {
		t.Errorf("shift+tab from Runs went to %s, want Changes", s.tab)
	}
	if v := ansi.Strip(s.View()); !strings.Contains(v, "[7 Changes]") {
		t.Errorf("the tab bar does not mark Changes:\n%s", v)
	}
	s.Update(keyPress("tab"))
	if s.tab != tabRuns {
		t.Errorf("tab from Changes went to %s, want Runs", s.tab)
	}
	for i, k := range []string{"1", "2", "3", "4", "5", "6"} {
		s.Update(keyPress(k))
		if s.tab != relTab(i) {
			t.Errorf("%s went to %s", k, s.tab)
		}
	}
}

func TestTabsLoadOnFirstViewOnlyAndDropOthersResults(t *testing.T) {
	c := relCommon(t, themes.Mono(), UnicodeGlyphs)
	s := NewReleaseScreen(c, "prod", incidentDeployment(t)).(*ReleaseScreen)
	s.SetSize(120, 40)
	if s.Init() == nil {
		t.Fatal("Init does not load the Runs tab")
	}
	if _, cmd := s.Update(keyPress("2")); cmd == nil {
		t.Fatal("the Checks tab does not load when first shown")
	}
	if !strings.Contains(ansi.Strip(s.View()), "loading checks") {
		t.Errorf("a loading tab does not say so:\n%s", ansi.Strip(s.View()))
	}
	s.Update(keyPress("1"))
	if _, cmd := s.Update(keyPress("2")); cmd != nil {
		t.Error("the Checks tab loads again when shown again")
	}
	// A result for another deployment, or an older load, is not this tab's.
	s.Update(releaseTabLoaded{deployment: "other", env: "prod", tab: tabChecks, gen: 1, err: fmt.Errorf("boom")})
	s.Update(releaseTabLoaded{deployment: s.d.ID, env: "prod", tab: tabChecks, gen: 0, err: fmt.Errorf("boom")})
	if s.tabs[tabChecks].loaded {
		t.Error("a result that is not the tab's own was taken")
	}
	// r reloads the tab.
	if _, cmd := s.Update(keyPress("r")); cmd == nil || s.tabs[tabChecks].gen != 2 {
		t.Error("r does not reload the tab")
	}
}

func TestATabThatFailsToLoadSaysWhyAndHowToRetry(t *testing.T) {
	c := relCommon(t, themes.Mono(), UnicodeGlyphs)
	s := NewReleaseScreen(c, "nowhere", incidentDeployment(t)).(*ReleaseScreen)
	s.SetSize(80, 24)
	s.Update(s.Init()())
	v := ansi.Strip(s.View())
	if !strings.Contains(v, "could not load runs:") || !strings.Contains(v, "nowhere") || !strings.Contains(v, "r tries again") {
		t.Errorf("the error state does not say what failed and how to retry:\n%s", v)
	}
	if st := s.Status(); st.Problem == nil || st.Loading {
		t.Errorf("status %+v, want the problem and no load", st)
	}
}

// The Runs tab lists what failed first, then what runs, then the rest; enter opens a job
// run on the run screen and a pipeline update on the update screen.
func TestRunsListFailedFirstAndEnterOpensRunsAndUpdates(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabRuns, 120, 40)
	var jobRow, updateRow = -1, -1
	rank := -1
	for i, r := range s.table().Rows {
		var failed, active bool
		switch ref := r.Ref.(type) {
		case domain.JobRun:
			failed, active = ref.Failed(), ref.Active()
			if jobRow < 0 {
				jobRow = i
			}
		case domain.PipelineUpdate:
			failed, active = ref.Failed(), ref.ResultState == ""
			if updateRow < 0 {
				updateRow = i
			}
		default:
			t.Fatalf("row %d stands for %T", i, r.Ref)
		}
		if k := domain.RunRank(failed, active); k < rank {
			t.Errorf("row %d (%s) comes after a row of a later rank", i, r.Cells[1].Text)
		} else {
			rank = k
		}
	}
	if jobRow < 0 || updateRow < 0 {
		t.Fatalf("want a job run and a pipeline update among the incident's rows")
	}
	if first := s.table().Rows[0].Ref; first.(domain.JobRun).Failed() == false {
		t.Errorf("the first row is not the failed run: %+v", first)
	}
	move := func(to int) {
		s.Update(keyPress("g"))
		for range to {
			s.Update(keyPress("j"))
		}
	}
	open := func(row int) Screen {
		move(row)
		_, cmd := s.Update(keyPress("enter"))
		if cmd == nil {
			t.Fatalf("enter on row %d does nothing", row)
		}
		p, ok := cmd().(Push)
		if !ok {
			t.Fatalf("enter on row %d: %T, want Push", row, cmd())
		}
		return p.Screen
	}
	if r, ok := open(jobRow).(*RunScreen); !ok || r.run.RunID == "" {
		t.Errorf("enter on a job run did not push the run screen")
	}
	if u, ok := open(updateRow).(*UpdateScreen); !ok || u.u.UpdateID == "" {
		t.Errorf("enter on a pipeline update did not push the update screen")
	}
	offered := false
	for _, b := range s.KeyMap() {
		offered = offered || b.Help().Desc == "open run or update" && b.Enabled()
	}
	if !offered {
		t.Error("enter is not offered on a pipeline update")
	}
}

func TestScrollingShowsWhichRowsAreVisible(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabLineage, 80, 16)
	n := len(s.table().Rows)
	page := s.list().bodyHeight()
	if n <= page {
		t.Fatalf("lineage has %d rows, all visible: the test needs more", n)
	}
	v := ansi.Strip(s.View())
	if !strings.Contains(v, fmt.Sprintf("1/%d", n)) {
		t.Errorf("want the cursor's position among %d rows on screen:\n%s", n, v)
	}
	s.Update(keyPress("G"))
	if !strings.Contains(ansi.Strip(s.View()), fmt.Sprintf("%d/%d", n, n)) || s.list().Offset() == 0 {
		t.Errorf("G does not show the last rows:\n%s", ansi.Strip(s.View()))
	}
	// The lineage has a cursor (y copies the table under it): ctrl+u moves it half a page.
	s.Update(keyPress("ctrl+u"))
	if got, want := s.list().Cursor(), n-1-max(page/2, 1); got != want {
		t.Errorf("ctrl+u moved the cursor to %d, want %d", got, want)
	}
	s.Update(keyPress("g"))
	if s.list().Offset() != 0 || s.list().Cursor() != 0 {
		t.Errorf("g scrolled to %d, cursor %d", s.list().Offset(), s.list().Cursor())
	}
}

// Text from the ledger and the workspace cannot move the cursor, change colours or reach
// the clipboard: it is cleaned before it is drawn.
func TestReleaseHeaderCleansWhatTheLedgerSays(t *testing.T) {
	d := incidentDeployment(t)
	d.DeployedBy = "mallory\x1b[31m\x1b]52;c;ZXZpbA==\x07"
	d.Ticket = "CHG-1\x1b[2J\r\n"
	d.Reasons = []string{"reason\x1b[1;1H moved"}
	s := NewReleaseScreen(relCommon(t, themes.Mono(), UnicodeGlyphs), "prod", d).(*ReleaseScreen)
	s.SetSize(120, 40)
	v := s.View()
	for _, bad := range []string{"\x1b]52", "\x1b[31m", "\x1b[2J", "\x1b[1;1H", "\r"} {
		if strings.Contains(v, bad) {
			t.Errorf("the view carries %q", bad)
		}
	}
	if p := ansi.Strip(v); !strings.Contains(p, "by mallory") || !strings.Contains(p, "CHG-1") {
		t.Errorf("the cleaned text is missing:\n%s", p)
	}
}

func TestCostSaysBillingIsLate(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabCost, 120, 40)
	cost := s.tabs[tabCost].data.(warehouse.Cost)
	v := ansi.Strip(s.View())
	want := "billing data through " + cost.DataThrough.Format("15:04") + " — late by up to 12 h"
	if cost.DataThrough.IsZero() {
		want = "no billing data since the deploy — late by up to 12 h"
	}
	if !strings.Contains(v, want) {
		t.Errorf("want %q in\n%s", want, v)
	}
}

// The root swaps the theme in place (:theme, or the terminal's background): the next
// drawing uses it, not the styles the tables were built with.
func TestAThemeChangeRedrawsWithTheNewTheme(t *testing.T) {
	c := relCommon(t, themes.Dark(), UnicodeGlyphs)
	s := openIncident(t, c, tabQuality, 120, 40)
	if !hasColour(s.View()) {
		t.Fatal("the dark theme drew no colour")
	}
	c.Theme = themes.Mono()
	if hasColour(s.View()) {
		t.Error("after switching to mono the screen still draws colour")
	}
	r := openRun(t, c, 120, 40)
	if hasColour(r.View()) {
		t.Fatal("the mono theme drew colour")
	}
	c.Theme = themes.Dark()
	if !hasColour(r.View()) {
		t.Error("after switching to dark the run screen draws no colour")
	}
}

// Below the sizes of the golden files (the root's minimum is 60x16) and far above them,
// every tab and the run screen still fill exactly their area.
func TestScreensFillAnySizeExactly(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{60, 14}, {33, 8}, {1, 1}, {300, 90}} {
		for tab := range relTabCount {
			s := openIncident(t, relCommon(t, themes.Mono(), ASCIIGlyphs), tab, sz.w, sz.h)
			for _, k := range []string{"j", "G", "ctrl+d"} {
				s.Update(keyPress(k))
			}
			checkFrame(t, s.View(), "mono", sz.w, sz.h)
		}
		r := openRun(t, relCommon(t, themes.Mono(), UnicodeGlyphs), sz.w, sz.h)
		r.Update(keyPress("y"))
		checkFrame(t, r.View(), "mono", sz.w, sz.h)
	}
}
