package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// boardLoaded and boardFailed answer a board load.
type boardLoaded struct {
	gen    int
	states []model.BundleState
	at     time.Time
}

type boardFailed struct {
	gen int
	err error
}

// boardKeys are the board's own keys (the action keys come from the actions component).
type boardKeys struct {
	Refresh key.Binding
}

// board is the promotion board (:board, B from the home): one row per bundle with its
// current version in each environment, what is verified and waiting for the next
// environment, and what blocks it. The release manager's home.
type board struct {
	c    *Common
	ctx  context.Context
	envs []string

	gen      int
	loading  bool
	loaded   bool
	loadedAt time.Time
	err      error
	states   []model.BundleState
	// budgeting: the budgets of the last load are being read (the status bar says loading).
	budgeting bool
	entries   []boardEntry
	// budgets are the error budgets by bundle and environment, read after each load
	// where each bundle's promotion would be judged (boardBudgets).
	budgets map[string]map[string]model.Budget

	table *Table
	keys  boardKeys
	acts  *actionKeys

	width, height int
}

// newBoard makes the board; its load starts with Init.
func newBoard(c *Common, ctx context.Context) *board {
	envs := policyOf(c).Names()
	if ctx == nil {
		ctx = c.context()
	}
	b := &board{c: c, ctx: ctx, envs: envs, table: NewTable(c, boardColumns(envs)),
		keys: boardKeys{Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now"))}}
	b.acts = newActionKeys(c, ctx)
	b.table.SetEmpty("loading the ledger" + c.Glyphs.Ellipsis)
	return b
}

// Init loads the ledger's state of every bundle.
func (b *board) Init() tea.Cmd { return tea.Batch(b.load(), b.acts.init(b.envs)) }

func (b *board) load() tea.Cmd {
	if b.c.Source == nil {
		return nil
	}
	b.gen++
	b.loading = true
	gen, src, ctx, timeout := b.gen, b.c.Source, b.ctx, b.c.Timeout
	return func() tea.Msg {
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		states, err := src.BundleStates(ctx)
		if err != nil {
			return boardFailed{gen: gen, err: err}
		}
		return boardLoaded{gen: gen, states: states, at: time.Now()}
	}
}

// Update handles the load's answer, the action results (the board reloads after an action)
// and keys.
func (b *board) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case boardLoaded:
		if msg.gen == b.gen {
			b.loading, b.loaded, b.err, b.loadedAt = false, true, nil, msg.at
			b.setStates(msg.states)
			cmd := b.loadBudgets()
			b.budgeting = cmd != nil
			return b, cmd
		}
		return b, nil
	case boardBudgets:
		if msg.gen == b.gen {
			b.budgets, b.budgeting = msg.budgets, false
			b.setStates(b.states)
		}
		return b, nil
	case boardFailed:
		if msg.gen == b.gen {
			b.loading, b.budgeting, b.err = false, false, msg.err
			if !b.loaded {
				b.table.SetEmpty(fmt.Sprintf("could not read the ledger (r retries): %v", msg.err))
			}
		}
		return b, nil
	case actionDone:
		return b, tea.Batch(b.acts.update(msg), b.load())
	case tea.KeyPressMsg:
		if b.table.Update(msg) {
			return b, nil
		}
		if key.Matches(msg, b.keys.Refresh) {
			return b, b.load()
		}
		if cmd, ok := b.acts.key(msg, func(model.Action) *actionTarget { return b.target() }); ok {
			return b, cmd
		}
		return b, nil
	}
	return b, b.acts.update(msg)
}

// target is what the action keys act on: the row's waiting version into the environment it
// waits for; without one, the bundle's current deployment in the last environment.
func (b *board) target() *actionTarget {
	r := b.table.Selected()
	if r == nil {
		return nil
	}
	for _, e := range b.entries {
		if e.Bundle != r.Key {
			continue
		}
		t := &actionTarget{Bundle: e.Bundle}
		if w := e.Wait; w != nil {
			t.Env, t.Version, t.From = w.To, w.Version, w.From
			if w.Request != nil {
				t.RequestID = w.Request.ID
			}
		} else if len(b.envs) > 0 {
			t.Env = b.envs[len(b.envs)-1]
			t.Version = e.Cells[len(e.Cells)-1].Current.Release.Version
		}
		if i := indexOf(b.envs, t.Env); i >= 0 && i < len(e.Cells) {
			t.Current = e.Cells[i].Current.Release.Version
			t.Pinned = e.Cells[i].Pin != nil
		}
		if r, ok := newestFailed(e.State.Env(t.Env)); ok {
			t.FailedRequest = r.ID // R retries it (a failed promotion of what waits, mostly)
		}
		return t
	}
	return nil
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func (b *board) setStates(states []model.BundleState) {
	b.states = states
	in := boardInput{States: states, Policy: b.acts.policy(), Budgets: b.budgets, Now: b.now()}
	b.entries = buildBoard(in)
	rows := make([]*Row, len(b.entries))
	for i, e := range b.entries {
		rows[i] = boardRow(b.c.Glyphs, e, b.budgets[e.Bundle])
	}
	b.table.SetRows(rows)
	b.table.SetEmpty("no bundle has a deployment in the ledger's last 14 days")
}

func (b *board) now() time.Time {
	if t := b.c.Time(); !t.IsZero() {
		return t // the last tick's reading: no clock is read in Update or View
	}
	return time.Now()
}

// SetSize: the summary line, the freeze banners, then the table.
func (b *board) SetSize(width, height int) {
	b.width, b.height = width, height
	b.table.SetSize(width, max(0, height-1-len(b.banners())))
}

// View draws the summary, a banner per environment with an active or upcoming freeze, and
// the table.
func (b *board) View() string {
	th := b.c.Theme
	waiting, blocked := 0, 0
	for _, e := range b.entries {
		if e.Wait != nil {
			waiting++
			if len(e.Wait.Blocks) > 0 {
				blocked++
			}
		}
	}
	summary := "loading" + b.c.Glyphs.Ellipsis
	if b.loaded {
		summary = fmt.Sprintf("%d bundles%s%d verified and waiting for the next environment, %d of them blocked",
			len(b.entries), b.c.Glyphs.Dot, waiting, blocked)
	}
	lines := []string{th.Muted.Render(padRight(FitWith(" "+summary, b.width, b.c.Glyphs.Ellipsis), b.width))}
	for _, bl := range b.banners() {
		lines = append(lines, th.Banner.Render(padRight(FitWith(" "+bl, b.width, b.c.Glyphs.Ellipsis), b.width)))
	}
	b.table.SetSize(b.width, max(0, b.height-len(lines)))
	return strings.Join(append(lines, b.table.View()), "\n")
}

// banners are the freeze windows active now or starting within two days, per environment.
func (b *board) banners() []string {
	return freezeBanners(b.acts.policy(), b.envs, b.now(), b.c.Glyphs)
}

// freezeBanners says, per environment, which freeze window is active or starts within two
// days (DESIGN §5: a freeze refuses promotions except break-glass).
func freezeBanners(p model.Policy, envs []string, now time.Time, g Glyphs) []string {
	var out []string
	for _, env := range envs {
		ep, ok := p.Env(env)
		if !ok {
			continue
		}
		if f := ep.FreezeAt(now); f.Frozen {
			out = append(out, fmt.Sprintf("%s %s frozen now: %s", g.Degraded, env, f.Reason))
			continue
		}
		if f, ok := ep.UpcomingFreeze(now, 48*time.Hour); ok {
			text := fmt.Sprintf("%s %s freeze in %s (from %s to %s UTC)", g.Degraded, env, Age(f.Start.Sub(now)),
				f.Start.UTC().Format("Jan 2 15:04"), f.End.UTC().Format("Jan 2 15:04"))
			if f.Window != nil && f.Window.Reason != "" {
				text += ": " + f.Window.Reason
			}
			out = append(out, text)
		}
	}
	return out
}

// KeyMap: the table's keys, refresh, and the action keys in force (disabled ones with
// their reason; none in read-only mode).
func (b *board) KeyMap() []key.Binding {
	return append(append(b.table.Keys(), b.keys.Refresh), b.acts.bindings(b.targetEnv())...)
}

// ShortHelp is what the status bar suggests.
func (b *board) ShortHelp() []key.Binding {
	return append([]key.Binding{b.keys.Refresh}, b.acts.short(b.targetEnv())...)
}

func (b *board) targetEnv() string {
	if t := b.target(); t != nil {
		return t.Env
	}
	return ""
}

// Crumb names the board.
func (b *board) Crumb() string { return "board" }

// Status tells the status bar about the ledger's data.
func (b *board) Status() Status {
	return Status{Loading: b.loading || b.budgeting, LoadedAt: b.loadedAt, Problem: b.err}
}

// openBoard goes to the promotion board (:board): from the home, like every : command.
func (m *root) openBoard() tea.Cmd {
	m.toHome()
	return push(newBoard(m.c, m.c.Ctx))
}
