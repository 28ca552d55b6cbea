package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// The root opens the release screen through openRelease (declared in app.go).
func init() { openRelease = NewReleaseScreen }

// relTab is one of the release screen's tabs.
type relTab int

// The tabs, in the order tab cycles through them and 1..7 pick them.
const (
	tabRuns relTab = iota
	tabChecks
	tabQuality
	tabLineage
	tabAudit
	tabCost
	tabChanges
	relTabCount
)

var relTabNames = [relTabCount]string{"Runs", "Checks", "Data quality", "Lineage", "Audit", "Cost", "Changes"}

func (t relTab) String() string { return relTabNames[t] }

// relTabState is what a tab has loaded and where it is scrolled. The table is built from
// the data when first drawn and rebuilt when the minute changes (it shows ages).
type relTabState struct {
	gen     int // the load in flight or done; older results are dropped
	started bool
	loaded  bool
	data    any
	skipped domain.Skipped // rows the load left out: a line above the table
	err     error
	table   *relTable
	builtAt time.Time
	view    tabView // the table drawing it; its position survives rebuilds
}

// scrollBy says how a table key (TableKeys, shared by every list of the cockpit) moves a
// list whose visible part holds page rows; ok is false for a key that does not scroll.
func scrollBy(k TableKeys, msg tea.KeyPressMsg, page int) (delta int, top, bottom, ok bool) {
	page = max(page, 1)
	half := max(page/2, 1)
	switch {
	case key.Matches(msg, k.Down):
		return 1, false, false, true
	case key.Matches(msg, k.Up):
		return -1, false, false, true
	case key.Matches(msg, k.Top):
		return 0, true, false, true
	case key.Matches(msg, k.Bottom):
		return 0, false, true, true
	case key.Matches(msg, k.HalfDown):
		return half, false, false, true
	case key.Matches(msg, k.HalfUp):
		return -half, false, false, true
	case key.Matches(msg, k.PageDown):
		return page, false, false, true
	case key.Matches(msg, k.PageUp):
		return -page, false, false, true
	}
	return 0, false, false, false
}

// releaseKeys are the release screen's bindings.
type releaseKeys struct {
	TableKeys
	NextTab, PrevTab, GoTab, Open, Reload key.Binding
}

func newReleaseKeys() releaseKeys {
	return releaseKeys{
		TableKeys: NewTableKeys(),
		NextTab:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		GoTab:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1-7", "go to tab")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open run or update")),
		Reload:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload tab")),
	}
}

// ReleaseScreen is one deployment of a release: a header with its verdict, and tabs for
// its runs, checks, data quality, lineage, audit trail and cost, each loaded when first
// shown.
type ReleaseScreen struct {
	c    *Common
	env  string
	d    domain.AssessedDeployment
	keys releaseKeys
	tab  relTab
	tabs [relTabCount]relTabState

	width, height int

	view       string // the last drawing, reused while nothing changed
	viewValid  bool
	viewMinute time.Time
	viewTheme  *themes.Theme // the tables hold its styles: a new theme rebuilds them

	// acts are the action keys; state the ledger's state of the bundle (pins, vetoes,
	// rollbacks: the header's state line), once loaded.
	acts       *actionKeys
	state      *domain.BundleState
	stateAsked bool

	// judgeErr says why the health of a deployment opened before it was read (d.Pending)
	// will not come: the home's load failed (home_early.go).
	judgeErr error

	search tabSearch // / within the current tab, n/N
	// copy are y and Y (copy.go).
	copy copyKeys
}

// NewReleaseScreen opens a deployment of env. Nothing loads until Init.
func NewReleaseScreen(c *Common, env string, d domain.AssessedDeployment) Screen {
	return &ReleaseScreen{c: c, env: env, d: d, keys: newReleaseKeys(), acts: newActionKeys(c, nil), search: newTabSearch(), copy: newCopyKeys("URL, table name or release id")}
}

// Init loads the first tab. The bundle's ledger state (the header's state line) and the
// user's rights (the action keys) load after its answer, so that the first tab's query
// does not share the warehouse with them.
func (s *ReleaseScreen) Init() tea.Cmd {
	s.catchUp()
	return s.show(tabRuns)
}

// Crumb is the release id.
func (s *ReleaseScreen) Crumb() string { return Clean(s.d.Release.ID()) }

// SetSize gives the screen its area.
func (s *ReleaseScreen) SetSize(width, height int) {
	if width != s.width || height != s.height {
		s.width, s.height = width, height
		s.viewValid = false
		s.clampScroll()
	}
}

// clampScroll keeps the current tab's position inside its rows and the screen.
func (s *ReleaseScreen) clampScroll() { s.list() }

// list is the current tab's Table, fed with its rows and sized to the body; nil until the
// tab has loaded.
func (s *ReleaseScreen) list() *Table {
	tb := s.table()
	if tb == nil {
		return nil
	}
	h := s.height - s.headerHeight()
	if s.search.active() {
		h-- // the search line
	}
	return s.tabs[s.tab].view.show(s.c, tb, s.width, h)
}

// KeyMap lists the bindings; enter is offered only on a job run or a pipeline update.
func (s *ReleaseScreen) KeyMap() []key.Binding {
	k := s.keys
	k.Open.SetEnabled(s.opens() != nil)
	return append(append(append([]key.Binding{k.NextTab, k.PrevTab, k.GoTab, k.Open, s.copy.Copy, s.copy.CopyMore, k.Reload}, s.searchBindings()...), k.list()...), s.acts.bindings(s.env)...)
}

// Update handles keys and the tabs' loads.
func (s *ReleaseScreen) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case releaseTabLoaded:
		st := &s.tabs[msg.tab]
		if msg.deployment != s.d.ID || msg.env != s.env || msg.gen != st.gen {
			return s, nil
		}
		st.loaded, st.data, st.skipped, st.err, st.table = true, msg.data, msg.skipped, msg.err, nil
		s.viewValid = false
		s.clampScroll()
		if !s.stateAsked {
			s.stateAsked = true
			return s, tea.Batch(loadStates(s.c, s.acts.ctx), s.acts.init([]string{s.env}))
		}
	case deploymentsLoaded:
		s.judged(msg)
	case deploymentsFailedToLoad:
		s.notJudged(msg)
	case statesLoaded:
		if st, ok := msg.states[s.d.Release.Bundle]; ok && msg.err == nil {
			s.state, s.viewValid = &st, false
		}
	case actionDone:
		s.tabs[tabAudit].started = false
		return s, loadStates(s.c, s.acts.ctx)
	case tea.KeyPressMsg:
		if cmd, ok := s.searchKey(msg); ok {
			return s, cmd
		}
		if cmd, ok := s.acts.key(msg, s.target); ok {
			return s, cmd
		}
		if cmd, ok := s.copyKey(msg); ok {
			return s, cmd
		}
		cmd := s.key(msg)
		s.clampScroll()
		return s, cmd
	case tea.PasteMsg:
		if s.search.typing {
			return s, s.searchEdit(msg)
		}
	default:
		return s, s.acts.update(msg)
	}
	return s, nil
}

// target is what an action key acts on: this deployment.
func (s *ReleaseScreen) target(act domain.Action) *actionTarget {
	states := map[string]domain.BundleState{}
	if s.state != nil {
		states[s.state.Bundle] = *s.state
	}
	return deploymentTarget(s.c, states, s.env, s.d.Deployment, act)
}

func (s *ReleaseScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	switch {
	case key.Matches(msg, k.NextTab):
		return s.show((s.tab + 1) % relTabCount)
	case key.Matches(msg, k.PrevTab):
		return s.show((s.tab + relTabCount - 1) % relTabCount)
	case key.Matches(msg, k.GoTab):
		return s.show(relTab(msg.String()[0] - '1'))
	case key.Matches(msg, k.Reload):
		s.tabs[s.tab].started = false
		return s.show(s.tab)
	case key.Matches(msg, k.Open):
		if sc := s.opens(); sc != nil {
			return push(sc)
		}
		return nil
	}
	if t := s.list(); t != nil && t.Update(msg) {
		s.viewValid = false
	}
	return nil
}

// show switches to a tab and starts its load the first time.
func (s *ReleaseScreen) show(t relTab) tea.Cmd {
	s.tab = t
	s.viewValid = false
	st := &s.tabs[t]
	if st.started {
		return nil
	}
	st.gen++
	st.started, st.loaded, st.data, st.err, st.table = true, false, nil, nil, nil
	return loadReleaseTab(s.c, s.env, s.d.Deployment, t, st.gen)
}

// table is the current tab's table, built from its data; nil until it has loaded.
func (s *ReleaseScreen) table() *relTable {
	st := &s.tabs[s.tab]
	if !st.loaded || st.err != nil {
		return nil
	}
	minute := s.c.Time().Truncate(time.Minute)
	if st.table == nil || !st.builtAt.Equal(minute) {
		st.table, st.builtAt = withLeftOut(s.c, s.build(s.tab, st.data), st.skipped), minute
	}
	return st.table
}

// opens is the screen enter opens from the row under the cursor: a job run's or a
// pipeline update's; nil on anything else.
func (s *ReleaseScreen) opens() Screen {
	switch r := s.selectedRef().(type) {
	case domain.JobRun:
		return NewRunScreen(s.c, s.env, r)
	case domain.PipelineUpdate:
		return NewUpdateScreen(s.c, s.env, r)
	}
	return nil
}

// selectedRef is what the row under the current tab's cursor stands for (Row.Ref), nil
// when none.
func (s *ReleaseScreen) selectedRef() any {
	t := s.list()
	if t == nil {
		return nil
	}
	if r := t.Selected(); r != nil {
		return r.Ref
	}
	return nil
}

// headerHeight is the lines above a tab's body: 4, the verdict's lines, and the state's
// lines when the release is pinned, vetoed or rolled back.
func (s *ReleaseScreen) headerHeight() int {
	return 4 + len(s.verdictLines()) + len(s.stateLines())
}

// verdictLinesMax is the most lines the release header gives the verdict and its reasons;
// what does not fit is cut on the last with an ellipsis.
const verdictLinesMax = 3

// verdictLines are the verdict, its marks (provisional, awaiting a decision, on live facts)
// and its reasons, wrapped between words to the width rather than cut, so the expectation
// or table a reason names is read whole at 80 columns; further lines are indented as the
// state's are.
func (s *ReleaseScreen) verdictLines() []string {
	c, t, d := s.c, s.c.Theme, s.d
	if d.Pending {
		return []string{s.pendingLine()}
	}
	v := verdictStatus(c, d.Verdict)
	verdict := []relCell{v.cell()}
	if d.Provisional {
		verdict = append(verdict, relCell{" " + c.Glyphs.Provisional + "provisional", t.Warning})
	}
	if d.NeedsDecision {
		verdict = append(verdict, relCell{" awaiting a decision", t.Warning})
	}
	if d.Live {
		verdict = append(verdict, relCell{" on live facts", t.Tag})
	}
	if len(d.Reasons) > 0 {
		verdict = append(verdict, relCell{"  " + strings.Join(d.Reasons, "; "), t.Base})
	}
	lines := wrapCells(verdict, s.width, 2)
	if len(lines) <= 1 {
		return []string{drawLine(c, s.width, verdict...)}
	}
	if len(lines) > verdictLinesMax {
		last := lines[verdictLinesMax-1]
		for _, l := range lines[verdictLinesMax:] {
			if strings.TrimSpace(l[0].Text) == "" {
				l = l[1:] // the indent
			}
			last = append(append(last, relCell{Text: " "}), l...)
		}
		lines = append(lines[:verdictLinesMax-1], last)
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = drawLine(c, s.width, l...)
	}
	return out
}

// stateLines say whether the release is pinned, vetoed or rolled back, by whom, when, why
// and with which ticket, wrapped to the width.
func (s *ReleaseScreen) stateLines() []string {
	if s.state == nil {
		return nil
	}
	return wrapState(s.c.Glyphs, stateLine(s.c.Glyphs, *s.state, s.env, s.d.Release.Version, s.c.Now()), s.width)
}

// View draws the header, the tab bar and the visible part of the current tab.
func (s *ReleaseScreen) View() string {
	if s.width <= 0 || s.height <= 0 {
		return ""
	}
	if s.c.Theme != s.viewTheme {
		for i := range s.tabs {
			s.tabs[i].table = nil
		}
		s.viewValid, s.viewTheme = false, s.c.Theme
	}
	minute := s.c.Time().Truncate(time.Minute)
	if s.viewValid && minute.Equal(s.viewMinute) {
		return s.view
	}
	lines := s.header()
	lines = append(lines, s.body(s.height-len(lines))...)
	for len(lines) < s.height {
		lines = append(lines, strings.Repeat(" ", s.width))
	}
	s.view, s.viewValid, s.viewMinute = strings.Join(lines[:s.height], "\n"), true, minute
	return s.view
}

// header is the release line, the deployment line, the verdict, the tab bar and a rule.
func (s *ReleaseScreen) header() []string {
	c, t, w, d := s.c, s.c.Theme, s.width, s.d
	now := c.Time()
	sha := d.Release.GitSHA
	if len(sha) > 7 {
		sha = sha[:7]
	}
	ticket := relCell{"  " + d.Ticket, t.Base}
	if d.Ticket == "" {
		ticket = relCell{"  no ticket", t.Muted}
	}
	lines := []string{
		drawLine(c, w, relCell{d.Release.ID(), t.Title}, relCell{"  " + sha, t.Muted}, relCell{"  " + s.env, t.Tag}, ticket),
		drawLine(c, w,
			relCell{"deployed " + FormatAge(now, d.DeployedAt), t.Base},
			relCell{" (" + d.DeployedAt.In(now.Location()).Format("2006-01-02 15:04 MST") + ")", t.Muted},
			relCell{" by " + d.DeployedBy, t.Base}, sourceCell(c, d.Source)),
	}
	lines = append(lines, s.verdictLines()...)
	for _, st := range s.stateLines() {
		lines = append(lines, drawLine(c, w, relCell{st, t.Warning}))
	}
	return append(lines,
		s.tabBar(),
		padCut(t.Border.Render(strings.Repeat(c.Glyphs.Rule, w)), w),
	)
}

// sourceCell says where a deployment not in the ledger is known from; nothing for the ledger's.
func sourceCell(c *Common, source string) relCell {
	switch source {
	case domain.SourceDiscovered:
		return relCell{"  discovered (no ledger event)", c.Theme.Warning}
	case domain.SourceHistory:
		return relCell{"  from the deployment history", c.Theme.Muted}
	}
	return relCell{}
}

// tabBar names the tabs with their keys; the current one is bracketed (and styled), so it
// reads without colour.
func (s *ReleaseScreen) tabBar() string {
	t := s.c.Theme
	var segs []relCell
	for i := range relTabCount {
		label := fmt.Sprintf("%d %s", i+1, relTabNames[i])
		if i == s.tab {
			segs = append(segs, relCell{"[" + label + "]", t.TabActive})
		} else {
			segs = append(segs, relCell{" " + label + " ", t.TabInactive})
		}
		segs = append(segs, relCell{" ", t.Base})
	}
	return drawLine(s.c, s.width, segs...)
}

// body draws the current tab in height lines: loading, its error, or its table.
func (s *ReleaseScreen) body(height int) []string {
	st := &s.tabs[s.tab]
	t := s.c.Theme
	name := strings.ToLower(s.tab.String())
	switch {
	case !st.loaded:
		return []string{drawLine(s.c, s.width, relCell{"loading " + name + s.c.Glyphs.Ellipsis + " (r reloads)", t.Muted})}
	case st.err != nil:
		return errorLines(s.c, "could not load "+name+":", st.err, s.width)
	}
	out := drawTab(s.c, s.table(), s.list(), s.width, height)
	if s.search.active() {
		out = append(out[:min(len(out), max(0, height-1))], s.searchLine())
	}
	return out
}

// errorLines say what failed to load, the error wrapped to the width, and how to retry.
func errorLines(c *Common, what string, err error, width int) []string {
	out := []string{drawLine(c, width, relCell{what, c.Theme.Error})}
	for _, l := range wrapWords(err.Error(), width, c.Glyphs.Ellipsis) {
		out = append(out, drawLine(c, width, relCell{l, c.Theme.Error}))
	}
	return append(out, drawLine(c, width, relCell{"r tries again", c.Theme.Muted}))
}

// ShortHelp is what the status bar suggests.
func (s *ReleaseScreen) ShortHelp() []key.Binding {
	k := s.keys
	out := []key.Binding{k.NextTab}
	if s.opens() != nil {
		out = append(out, k.Open)
	}
	return append(out, s.copy.Copy, k.Reload)
}

// Status tells the root whether the current tab is loading (the spinner turns) or failed.
func (s *ReleaseScreen) Status() Status {
	st := s.tabs[s.tab]
	return Status{Loading: st.started && !st.loaded, Problem: st.err}
}
