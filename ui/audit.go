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

// auditLimit is how many of an environment's newest ledger events :audit lists.
const auditLimit = 500

type auditLoaded struct {
	gen    int
	events []model.LedgerEvent
	at     time.Time
	err    error
}

// audit is the :audit screen: an environment's ledger events, newest first (who, what,
// when, ticket, reason, from and to versions, gates); enter opens one in full.
type audit struct {
	c   *Common
	ctx context.Context
	env string

	gen      int
	loading  bool
	loaded   bool
	loadedAt time.Time
	err      error
	events   []model.LedgerEvent
	byID     map[string]model.LedgerEvent

	table *Table
	keys  struct{ Open, Refresh key.Binding }

	width, height int
}

func newAudit(c *Common, ctx context.Context, env string) *audit {
	if ctx == nil {
		ctx = c.context()
	}
	a := &audit{c: c, ctx: ctx, env: env, table: NewTable(c, auditColumns())}
	a.keys.Open = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the event in full"))
	a.keys.Refresh = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now"))
	a.table.SetEmpty("loading " + env + "'s ledger" + c.Glyphs.Ellipsis)
	return a
}

const (
	auditColWhen = iota
	auditColKind
	auditColStatus
	auditColRelease
	auditColWho
	auditColGates
	auditColDetails
)

func auditColumns() []Column {
	return []Column{
		auditColWhen:    {Title: "WHEN", Min: 11},
		auditColKind:    {Title: "WHAT", Min: 16},
		auditColStatus:  {Title: "STATUS", Min: 11, Max: 19, Flex: true, Priority: 2},
		auditColRelease: {Title: "RELEASE", Min: 20, Max: 36, Flex: true},
		auditColWho:     {Title: "WHO", Min: 12, Max: 18, Flex: true},
		auditColGates:   {Title: "GATES", Min: 8, Priority: 1},
		auditColDetails: {Title: "TICKET, REASON, VERSIONS", Min: 16, Max: 400, Flex: true},
	}
}

func (a *audit) Init() tea.Cmd { return a.load() }

func (a *audit) load() tea.Cmd {
	if a.c.Source == nil {
		return nil
	}
	a.gen++
	a.loading = true
	gen, src, ctx, env, timeout := a.gen, a.c.Source, a.ctx, a.env, a.c.Timeout
	return func() tea.Msg {
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		evs, err := src.AuditEvents(ctx, env, auditLimit)
		return auditLoaded{gen: gen, events: evs, at: time.Now(), err: err}
	}
}

func (a *audit) Update(msg tea.Msg) (Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case auditLoaded:
		if msg.gen != a.gen {
			return a, nil
		}
		a.loading = false
		if msg.err != nil {
			a.err = msg.err
			if !a.loaded {
				a.table.SetEmpty(fmt.Sprintf("could not read %s's ledger (r retries): %v", a.env, msg.err))
			}
			return a, nil
		}
		a.loaded, a.err, a.loadedAt = true, nil, msg.at
		a.setEvents(msg.events)
	case actionDone:
		if msg.Env == a.env {
			return a, a.load()
		}
	case tea.KeyPressMsg:
		if a.table.Update(msg) {
			return a, nil
		}
		switch {
		case key.Matches(msg, a.keys.Refresh):
			return a, a.load()
		case key.Matches(msg, a.keys.Open):
			if r := a.table.Selected(); r != nil {
				if e, ok := a.byID[r.Key]; ok {
					return a, Open(newEventView(a.c, e))
				}
			}
		}
	}
	return a, nil
}

func (a *audit) setEvents(evs []model.LedgerEvent) {
	a.events = evs
	a.byID = make(map[string]model.LedgerEvent, len(evs))
	now := a.now()
	rows := make([]*Row, 0, len(evs))
	for _, e := range evs {
		if _, dup := a.byID[e.EventID]; dup {
			continue
		}
		a.byID[e.EventID] = e
		rows = append(rows, auditRow(a.c, a.env, e, now))
	}
	a.table.SetRows(rows)
	a.table.SetEmpty("no ledger events in " + a.env)
}

func (a *audit) now() time.Time {
	if t := a.c.Time(); !t.IsZero() {
		return t // the last tick's reading: no clock is read in Update or View
	}
	return time.Now()
}

// auditRow is one event: when, what, status in words, the release, who, the gates it was
// judged by (requests), and its ticket, reason and versions.
func auditRow(c *Common, env string, e model.LedgerEvent, now time.Time) *Row {
	status, tone := auditStatus(c.Glyphs, e.Status)
	details := auditDetails(c.Glyphs, env, e)
	gates := gatesSummary(c.Glyphs, model.ParseRequestDetails(e.Details).Gates)
	who := Clean(ShortUser(e.Actor))
	rel := Clean(e.ReleaseID)
	r := &Row{Key: e.EventID, Cells: []Cell{
		auditColWhen:    {clockText(now, e.At, false), ToneMuted},
		auditColKind:    {Clean(string(e.Kind)), ToneBase},
		auditColStatus:  {status, tone},
		auditColRelease: {rel, ToneBase},
		auditColWho:     {who, ToneBase},
		auditColGates:   {gates, ToneMuted},
		auditColDetails: {Clean(details), ToneBase},
	}}
	r.Find = Fields{Bundle: strings.ToLower(Clean(e.Bundle)), Version: strings.ToLower(Clean(e.Version)), By: strings.ToLower(who), Status: strings.ToLower(Clean(e.Status))}
	r.Find.All = strings.ToLower(rel + " " + who + " " + string(e.Kind) + " " + Clean(details))
	return r
}

// gatesSummary counts a request's gates: "11 ok", "9 ok 2 ✗", "10 ok 1 bg" (overridden by
// break-glass); "-" for events without gates.
func gatesSummary(g Glyphs, gates []model.Gate) string {
	if len(gates) == 0 {
		return "-"
	}
	ok, blocked, over := 0, 0, 0
	for _, gt := range gates {
		switch {
		case gt.Overridden:
			over++
		case gt.OK:
			ok++
		default:
			blocked++
		}
	}
	s := fmt.Sprintf("%d ok", ok)
	if blocked > 0 {
		s += fmt.Sprintf(" %d%s", blocked, g.Failing)
	}
	if over > 0 {
		s += fmt.Sprintf(" %d bg", over)
	}
	return s
}

func (a *audit) SetSize(width, height int) {
	a.width, a.height = width, height
	a.table.SetSize(width, max(0, height-1))
}

func (a *audit) View() string {
	summary := "loading" + a.c.Glyphs.Ellipsis
	if a.loaded {
		summary = fmt.Sprintf("%d ledger events in %s, newest first (checks are in each release's Checks tab)", a.table.Total(), a.env)
		if a.table.Total() >= auditLimit {
			summary = fmt.Sprintf("the newest %d ledger events in %s (checks are in each release's Checks tab)", auditLimit, a.env)
		}
	}
	head := a.c.Theme.Muted.Render(padRight(FitWith(" "+summary, a.width, a.c.Glyphs.Ellipsis), a.width))
	return head + "\n" + a.table.View()
}

func (a *audit) KeyMap() []key.Binding {
	return append(a.table.Keys(), a.keys.Open, a.keys.Refresh)
}

func (a *audit) ShortHelp() []key.Binding { return []key.Binding{a.keys.Open, a.keys.Refresh} }

func (a *audit) Crumb() string { return "audit " + a.env }

func (a *audit) Status() Status {
	return Status{Loading: a.loading, LoadedAt: a.loadedAt, Problem: a.err}
}

// auditStatus is an event's status as a glyph and a word (the Audit tab's words).
func auditStatus(g Glyphs, status string) (string, Tone) {
	s := strings.ToLower(Clean(status))
	switch s {
	case "succeeded", "pass", "healthy", "approved":
		return g.Healthy + " " + s, ToneHealthy
	case "failed", "fail", "failing", "rejected", "vetoed":
		return g.Failing + " " + s, ToneFailing
	case "degraded", "inconclusive", "pinned", "awaiting_approval":
		return g.Degraded + " " + strings.ReplaceAll(s, "_", " "), ToneDegraded
	case "":
		return "-", ToneMuted
	}
	return "  " + s, ToneBase
}

// openAudit goes to an environment's ledger (:audit [ENV]; the home's environment when
// none is named).
func (m *root) openAudit(env string) tea.Cmd {
	if env == "" {
		e := m.home.activeEnv()
		if e == nil {
			return m.fail(":audit needs an environment, e.g. :audit prod")
		}
		env = e.name
	} else if i := m.home.envIndex(env); i >= 0 {
		env = m.home.envs[i].name
	} else {
		return m.fail(m.home.SetEnv(env).Error())
	}
	m.toHome()
	return push(newAudit(m.c, m.c.Ctx, env))
}

// auditDetails: the ticket, the reason, the action and its versions, the deployer run, and
// the environment when it is another (a veto applies everywhere).
func auditDetails(g Glyphs, env string, e model.LedgerEvent) string {
	var parts []string
	if e.Ticket != "" {
		parts = append(parts, e.Ticket)
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	d := model.ParseRequestDetails(e.Details)
	if d.Action != "" {
		a := string(d.Action)
		if d.From != "" || d.To != "" {
			a += " " + orDash(d.From) + " " + g.Arrow + " " + orDash(d.To)
		}
		parts = append(parts, a)
	}
	if e.Environment != "" && e.Environment != env {
		parts = append(parts, "in "+e.Environment)
	}
	if e.RunID != 0 {
		parts = append(parts, fmt.Sprintf("run %d", e.RunID))
	}
	return strings.Join(parts, "; ")
}
