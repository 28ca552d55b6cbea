package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

var errNoSource = errors.New("no data source")

// envState is what the home knows of one environment.
type envState struct {
	name     string
	items    []*item // in the table's order
	byID     map[string]*item
	worst    model.Verdict
	loaded   bool          // at least one answer arrived
	pending  int           // loads in flight
	gen      int           // bumped when the window changes: older answers are dropped
	loadedAt time.Time     // wall clock of the last answer
	problem  error         // the last load failed (cleared by the next success)
	cursor   string        // the deployment the cursor was on when the tab was left
	skipped  model.Skipped // ledger rows the last full load left out
	probing  bool          // a probe of the live feed is in flight
	earlyTop string        // the top row shown before the health was read (home_early.go)
	pages                  // where the window goes on beyond what is loaded (home_pages.go)
}

// homeOptions are the parts of Options the home uses.
type homeOptions struct {
	log     *slog.Logger
	env     string
	since   time.Duration
	refresh time.Duration
	// fullRefresh is how often the home re-reads what can change even when the live feed
	// shows nothing new (see live.go).
	fullRefresh time.Duration
	clock       func() time.Time
}

// home is the first screen: a tab per environment with its count and worst verdict, and
// the deployments of the active one, worst first.
type home struct {
	c       *Common
	ctx     context.Context
	log     *slog.Logger
	clock   func() time.Time
	refresh time.Duration
	// fullEvery is how many refresh ticks make a full refresh; ticks counts them.
	fullEvery, ticks int

	envs   []*envState
	active int  // index into envs; -1 until chosen
	chosen bool // the starting environment is decided
	// restPending: Init loaded only the first environment; the others follow its answer.
	restPending bool
	since       time.Duration
	sort        sortMode

	filter Filter
	input  textinput.Model
	typing bool

	table *Table
	keys  homeKeys
	// acts are the action keys; states the ledger's state of every bundle (pending and
	// in-flight requests, pins: what the actions act on).
	acts   *actionKeys
	states map[string]model.BundleState
	// statesSoon: the bundles' states are to be read again shortly (statesAfterProbes).
	statesSoon bool

	width, height int
	dirty         bool
	frame         string
	tableFrame    string
	theme         *themes.Theme
}

func newHome(c *Common, o homeOptions) *home {
	h := &home{
		c: c, log: o.log, clock: o.clock, refresh: o.refresh, since: o.since,
		active: -1, table: NewTable(c, deploymentColumns()), keys: newHomeKeys(), dirty: true,
		acts: newActionKeys(c, nil), fullEvery: fullEvery(o.refresh, o.fullRefresh),
	}
	h.table.SetSort(h.sort.col, true)
	if c.Source != nil {
		for _, name := range c.Source.Environments() {
			h.envs = append(h.envs, &envState{name: name, byID: map[string]*item{}})
		}
	}
	if i := h.envIndex(o.env); i >= 0 {
		h.active, h.chosen = i, true
	}
	c.judged = h.judgedDeployment
	h.input = textinput.New()
	h.input.Prompt = "/"
	h.input.Placeholder = "words, bundle: status: by: tag: ticket: env: (enter keeps, esc clears)"
	h.syncTable()
	return h
}

// Init loads the environment shown first and starts the refresh clock; the others load
// when it has answered (loadRest), so that the first screen's data does not share the
// warehouse (and, in the demo, two cores) with two other environments' cold queries. Who
// the user is there (the action keys' permissions, two REST calls) is asked as soon as its
// rows are listed, before their health (home_early.go), so that an action key pressed on
// them knows, and it does not take the demo's CPU from the statement that lists them;
// elsewhere, with the rest.
func (h *home) Init() tea.Cmd {
	first := h.firstEnv()
	if first == nil {
		return scheduleRefresh(h.refresh)
	}
	h.restPending = true
	return tea.Batch(h.load(first, true), scheduleRefresh(h.refresh))
}

func (h *home) envNames() []string {
	out := make([]string, len(h.envs))
	for i, e := range h.envs {
		out[i] = e.name
	}
	return out
}

// target is what an action key acts on: the deployment under the cursor.
func (h *home) target(act model.Action) *actionTarget {
	e, it := h.selected()
	if it == nil {
		return nil
	}
	return deploymentTarget(h.c, h.states, e.name, it.d.Deployment, act)
}

// selected is the active environment and the deployment under the cursor (nil when none).
func (h *home) selected() (*envState, *item) {
	e, r := h.activeEnv(), h.table.Selected()
	if e == nil || r == nil {
		return e, nil
	}
	return e, e.byID[r.Key]
}

// firstEnv is the environment loaded first: the one asked for, else the most
// production-like (the last), which is also where the starting tab looks first.
func (h *home) firstEnv() *envState {
	if e := h.activeEnv(); e != nil {
		return e
	}
	if len(h.envs) == 0 {
		return nil
	}
	return h.envs[len(h.envs)-1]
}

// loadRest loads the environments Init left for later, once, with the bundle states and
// the requests left in flight (two reads of the whole ledger) and who the user is in the
// other environments: none is on the first screen, and the simulation's engine runs two
// statements at a time.
func (h *home) loadRest() tea.Cmd {
	if !h.restPending {
		return nil
	}
	h.restPending = false
	cmds := []tea.Cmd{loadStates(h.c, h.c.context()), reconcileOnStart(h.c, h.c.context()), h.acts.init(h.envNames())}
	for _, e := range h.envs {
		if !e.loaded && e.pending == 0 && e.problem == nil {
			cmds = append(cmds, h.load(e, true))
		}
	}
	return tea.Batch(cmds...)
}

// Update handles loads, the refresh clock and keys.
func (h *home) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case deploymentsLoaded:
		h.loaded(msg)
		return h, h.loadRest()
	case deploymentsFailedToLoad:
		h.failed(msg)
		return h, h.loadRest()
	case deploymentsEarly:
		h.early(msg)
		return h, tea.Batch(msg.rest, h.acts.init([]string{msg.req.env}))
	case refreshDue:
		return h, tea.Batch(h.refreshed(), scheduleRefresh(h.refresh))
	case probed:
		return h, h.probed(msg)
	case statesDue:
		h.statesSoon = false
		return h, loadStates(h.c, h.c.context())
	case statesLoaded:
		if msg.err == nil {
			h.states, h.dirty = msg.states, true
		}
		return h, nil
	case reconciled:
		switch {
		case msg.err != nil:
			return h, notify("could not read the requests left in flight: "+msg.err.Error(), true)
		case msg.text != "":
			return h, tea.Batch(notify(msg.text, false), h.loadAll(true), loadStates(h.c, h.c.context()))
		}
		return h, nil
	case actionDone:
		return h, tea.Batch(h.loadAll(true), loadStates(h.c, h.c.context()))
	case tea.KeyPressMsg:
		return h, h.key(msg)
	case tea.PasteMsg:
		if h.typing {
			return h, h.edit(msg)
		}
	}
	return h, h.acts.update(msg)
}

func (h *home) key(msg tea.KeyPressMsg) tea.Cmd {
	if h.typing {
		switch {
		case key.Matches(msg, h.keys.Accept):
			h.typing = false
			h.input.Blur()
		case key.Matches(msg, h.keys.Cancel):
			h.typing = false
			h.input.Blur()
			h.setFilter("")
		case msg.String() == "up" || msg.String() == "down":
			h.table.Update(msg)
			h.dirty = true
			return h.loadMoreAtTheEnd()
		default:
			return h.edit(msg)
		}
		h.dirty = true
		return nil
	}
	if h.table.Update(msg) {
		return h.loadMoreAtTheEnd()
	}
	if cmd, ok := h.acts.key(msg, h.target); ok {
		return cmd
	}
	if cmd, ok := h.copyKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, h.keys.Open):
		return h.open()
	case key.Matches(msg, h.keys.Filter):
		h.typing, h.dirty = true, true
		return h.input.Focus()
	case key.Matches(msg, h.keys.Sort):
		h.setSort(h.sort.next())
	case key.Matches(msg, h.keys.Reverse):
		h.setSort(sortMode{col: h.sort.col, reverse: !h.sort.reverse})
	case key.Matches(msg, h.keys.Refresh):
		return h.loadAll(true)
	case key.Matches(msg, h.keys.NextTab):
		h.switchTo(h.active + 1)
	case key.Matches(msg, h.keys.PrevTab):
		h.switchTo(h.active - 1 + len(h.envs))
	case key.Matches(msg, h.keys.PickTab):
		if n := int(msg.String()[0] - '1'); n < len(h.envs) {
			h.switchTo(n)
		}
	case key.Matches(msg, h.keys.Cancel):
		h.setFilter("")
	case key.Matches(msg, h.keys.Board):
		return push(newBoard(h.c, h.c.Ctx))
	}
	return nil
}

// setSort orders every environment's deployments and marks the column in the header.
func (h *home) setSort(m sortMode) {
	h.sort = m
	for _, e := range h.envs {
		sortItems(e.items, h.sort)
	}
	h.table.SetSort(m.col, !m.reverse)
	h.syncTable()
}

// edit passes a keystroke to the filter line and filters again when the text changed.
func (h *home) edit(msg tea.Msg) tea.Cmd {
	before := h.input.Value()
	var cmd tea.Cmd
	h.input, cmd = h.input.Update(msg)
	if h.input.Value() != before {
		h.applyFilter()
	}
	h.dirty = true
	return cmd
}

// open pushes the release screen of the deployment under the cursor.
func (h *home) open() tea.Cmd {
	e, it := h.selected()
	if it == nil {
		return nil
	}
	if openRelease == nil {
		return notify("release view not available", true)
	}
	return push(openRelease(h.c, e.name, it.d))
}

// SetEnv switches to the named environment; the error lists the known ones.
func (h *home) SetEnv(name string) error {
	i := h.envIndex(name)
	if i < 0 {
		names := make([]string, len(h.envs))
		for j, e := range h.envs {
			names[j] = e.name
		}
		return fmt.Errorf("no environment %q: use %s", name, strings.Join(names, ", "))
	}
	h.switchTo(i)
	return nil
}

// SetFilterTerm replaces the filter's key: words with key:value (none when value is empty).
func (h *home) SetFilterTerm(key, value string) { h.setFilter(withTerm(h.input.Value(), key, value)) }

// SetSince changes the time window and reloads every environment.
func (h *home) SetSince(d time.Duration) tea.Cmd {
	h.since = d
	for _, e := range h.envs {
		e.gen++
	}
	h.dirty = true
	return h.loadAll(true)
}

// Busy reports whether a load (or a probe of the live feed) is in flight, or a read of
// the bundles' states is due (statesAfterProbes).
func (h *home) Busy() bool {
	if h.statesSoon {
		return true
	}
	for _, e := range h.envs {
		if e.pending > 0 || e.probing {
			return true
		}
	}
	return false
}

// loading reports whether a load is in flight (the spinner turns; a probe does not turn it).
func (h *home) loading() bool {
	for _, e := range h.envs {
		if e.pending > 0 {
			return true
		}
	}
	return false
}

func (h *home) setFilter(s string) {
	h.input.SetValue(s)
	h.input.CursorEnd()
	h.applyFilter()
}

func (h *home) applyFilter() {
	f := ParseFilter(h.input.Value())
	if f.Env != "" {
		if i := h.envIndex(f.Env); i >= 0 && i != h.active {
			h.switchTo(i)
		}
	}
	prev := h.filter
	h.filter = f
	switch {
	case f.Empty():
		h.table.SetFilter(nil)
	case f.Narrows(prev):
		h.table.NarrowFilter(f.Match)
	default:
		h.table.SetFilter(f.Match)
	}
	if e := h.activeEnv(); e != nil {
		h.table.SetEmpty(h.emptyText(e))
	}
	h.dirty = true
}

func (h *home) switchTo(i int) {
	if len(h.envs) == 0 {
		return
	}
	i = (i%len(h.envs) + len(h.envs)) % len(h.envs)
	if old := h.activeEnv(); old != nil {
		if r := h.table.Selected(); r != nil {
			old.cursor = r.Key
		}
	}
	h.active, h.chosen = i, true
	h.syncTable()
	if !h.table.Select(h.envs[i].cursor) {
		h.table.MoveTo(0)
	}
}

// settleDefaultEnv picks the starting tab when none was given: the environment nearest
// production (the end of the promotion chain) with a failing deployment, else the last.
// It decides as soon as it can: environments nearer production must have answered first.
func (h *home) settleDefaultEnv() {
	if h.chosen || len(h.envs) == 0 {
		return
	}
	for i := len(h.envs) - 1; i >= 0; i-- {
		e := h.envs[i]
		if !e.loaded && e.problem == nil {
			return // not known yet: wait
		}
		if e.worst == model.VerdictFailing && len(e.items) > 0 {
			h.switchTo(i)
			return
		}
	}
	h.switchTo(len(h.envs) - 1)
}

func (h *home) envIndex(name string) int {
	for i, e := range h.envs {
		if name != "" && strings.EqualFold(e.name, name) {
			return i
		}
	}
	return -1
}

func (h *home) env(name string) *envState {
	if i := h.envIndex(name); i >= 0 {
		return h.envs[i]
	}
	return nil
}

func (h *home) activeEnv() *envState {
	if h.active < 0 || h.active >= len(h.envs) {
		return nil
	}
	return h.envs[h.active]
}

// SetSize gives the home its area: tabs, the summary line, then the table.
func (h *home) SetSize(width, height int) {
	h.width, h.height = width, height
	h.table.SetSize(width, max(0, height-2))
	h.input.SetWidth(max(1, width-24))
	h.dirty = true
}

func (h *home) KeyMap() []key.Binding {
	k := h.keys
	env := ""
	if e := h.activeEnv(); e != nil {
		env = e.name
	}
	return append(append(h.table.Keys(), k.Open, k.Filter, k.Sort, k.Reverse, k.Refresh, k.NextTab, k.PrevTab, k.PickTab, k.Board, homeCopyKeys.Copy, homeCopyKeys.CopyMore), h.acts.bindings(env)...)
}

// ShortHelp is what the status bar suggests.
func (h *home) ShortHelp() []key.Binding {
	if h.typing {
		return []key.Binding{h.keys.Accept, h.keys.Cancel}
	}
	return []key.Binding{h.keys.Open, h.keys.Filter, h.keys.Sort, h.keys.NextTab}
}

// Crumb is the active environment.
func (h *home) Crumb() string {
	if e := h.activeEnv(); e != nil {
		return e.name
	}
	return ""
}

// Status tells the status bar about the active environment's data.
func (h *home) Status() Status {
	st := Status{Loading: h.loading()}
	if e := h.activeEnv(); e != nil {
		if e.loaded {
			st.LoadedAt = e.loadedAt
		}
		st.Problem = e.problem
	}
	return st
}

// CapturesKey: while the filter is typed every key is text; esc clears a filter first.
func (h *home) CapturesKey(k tea.KeyPressMsg) bool {
	return h.typing || (key.Matches(k, h.keys.Cancel) && h.input.Value() != "")
}
