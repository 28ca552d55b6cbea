package ui

import (
	"context"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// How the home stays live. Every Options.Refresh a tick asks each environment again, but
// only for what can still change: deployments at or after the oldest one whose window is
// open or whose verdict is provisional (new runs, checks and bake time change those), and
// anything newer than the newest known (new deployments, which also close the window of the
// bundle's previous one). The answer is merged by deployment ID; rows that did not change
// keep their rendered line, and the cursor stays on the same deployment. A failed refresh
// keeps the data and says how old it is (the stale banner); the next success clears it. An
// answer without the live facts (the REST API failing: a 429 or 503 storm) counts as a
// failed refresh for the deployments on screen: they keep their live facts rather than
// fall back to the warehouse's hour-old health.

// relistMargin widens an incremental window so that a deployment recorded while the
// previous answer was on its way is not missed; merging by ID makes the overlap harmless.
const relistMargin = time.Minute

// loadRequest says what one load of an environment asks for.
type loadRequest struct {
	env   string
	gen   int           // the environment's generation when asked: answers to older ones are dropped
	since time.Duration // model.ListQuery.Since
	// from is zero for a full load (the answer replaces everything); otherwise the answer
	// holds every deployment at or after from, and replaces only those.
	from time.Time
	// after asks for the page after a previous answer's last deployment (home_pages.go):
	// the answer adds to what is known.
	after *model.Cursor
}

func (r loadRequest) full() bool { return r.from.IsZero() && r.after == nil }

// deploymentsLoaded: an environment's deployments arrived, at (wall clock) at.
type deploymentsLoaded struct {
	req  loadRequest
	rows []model.AssessedDeployment
	at   time.Time
	// skipped counts the ledger rows left out of the answer (sources that count them).
	skipped model.Skipped
	// liveErr says why the live facts are missing from the rows (model.Listing.LiveErr):
	// the rows are then the warehouse's alone, about an hour behind.
	liveErr error
	// next and matching say where the window goes on and how many deployments it holds
	// (model.Listing.Next, Matching).
	next     *model.Cursor
	matching int
}

// skippedLister is a Source that also says which ledger rows it left out of a list
// (*source.Source does); the home then shows how many and why.
type skippedLister interface {
	ListAll(ctx context.Context, env string, q model.ListQuery) (model.Listing, error)
}

// deploymentsFailedToLoad: the source did not answer (in time) or refused.
type deploymentsFailedToLoad struct {
	req loadRequest
	err error
}

// refreshDue: the refresh interval has passed.
type refreshDue struct{}

// What a refresh costs (issue 10). A source that can tell whether anything changed
// (watcher: *source.Source asks the REST API's live feed, and knows when a bake time ends)
// is asked on every refresh tick, each environment on its own, and the environment is
// re-listed only when it answers yes. Every fullEvery-th tick (Options.FullRefresh, 5
// minutes) it also asks the warehouse whether anything was recorded in the ledger (one
// small statement per environment: deployments and checks that CI records, approvals),
// and every relistEvery-th of those (30 minutes) re-lists what can change regardless. A
// source that cannot tell is re-listed on every tick.

// relistEvery is how many full refreshes make one re-list that asks nothing first.
const relistEvery = 6

// watcher is a Source that can say whether anything changed in an environment since it
// was last asked, from the live feed alone.
type watcher interface {
	Probe(ctx context.Context, env string, ledger bool) (model.Probe, error)
}

// probed answers a watcher's Changed.
type probed struct {
	env     string
	gen     int
	changed bool
	ledger  bool // the ledger moved: the bundles' states are read again too
	err     error
	at      time.Time // wall clock of the answer
}

// fullEvery is how many refresh ticks make one full refresh (at least 1).
func fullEvery(refresh, full time.Duration) int {
	if refresh <= 0 || full <= refresh {
		return 1
	}
	return int((full + refresh - 1) / refresh)
}

// refreshed answers a refresh tick: a full refresh when due or when the source cannot
// tell what changed, else a probe of each environment that is not loading.
func (h *home) refreshed() tea.Cmd {
	h.ticks++
	full := h.ticks%max(1, h.fullEvery) == 0
	w, ok := h.c.Source.(watcher)
	if !ok || h.ticks%(max(1, h.fullEvery)*relistEvery) == 0 {
		return tea.Batch(h.loadAll(false), loadStates(h.c, h.c.context()))
	}
	var cmds []tea.Cmd
	for _, e := range h.envs {
		if !e.loaded || e.pending > 0 || e.probing {
			continue
		}
		e.probing = true
		cmds = append(cmds, probe(w, h.c, e.name, e.gen, full, h.log, h.clock))
	}
	return tea.Batch(cmds...)
}

// probe asks the watcher about one environment under the program's context.
func probe(w watcher, c *Common, env string, gen int, ledger bool, log *slog.Logger, clock func() time.Time) tea.Cmd {
	parent, timeout := c.context(), loadTimeout(c)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		start := time.Now()
		p, err := w.Probe(ctx, env, ledger)
		if err != nil {
			log.Warn("asking the live feed failed", "env", env, "took", time.Since(start), "err", err)
		} else {
			log.Debug("asked the live feed", "env", env, "ledger", ledger, "changed", p.Changed, "ledger_moved", p.Ledger, "took", time.Since(start))
		}
		return probed{env: env, gen: gen, changed: p.Changed, ledger: p.Ledger, err: err, at: clock()}
	}
}

// probed re-lists an environment whose live feed shows something new, or that could not
// be refreshed before (and reads the bundles' states again when the ledger moved). Nothing new confirms the data on screen: its age starts again. A
// failed probe keeps the data and says so (the stale banner), as a failed load does.
func (h *home) probed(msg probed) tea.Cmd {
	e := h.env(msg.env)
	if e == nil {
		return nil
	}
	e.probing = false
	if msg.gen != e.gen || e.pending > 0 {
		return nil
	}
	switch {
	case msg.err != nil:
		e.problem, h.dirty = msg.err, true
		if h.activeEnv() == e {
			h.syncTable()
		}
		return nil
	case msg.ledger || e.problem != nil:
		return tea.Batch(h.load(e, false), h.statesAfterProbes())
	case msg.changed:
		return h.load(e, false) // the bundles' states are folded from the ledger alone
	}
	e.loadedAt, h.dirty = msg.at, true
	return nil
}

// statesGather is how long the home waits, after a probe saw the ledger move, for the other
// environments' probes of the same tick: the bundles' states are one read of the whole
// ledger, so the moves the probes of one tick see take one read, not one each.
const statesGather = 500 * time.Millisecond

// statesDue: the probes of a tick have had time to answer; the bundles' states are read.
type statesDue struct{}

// statesAfterProbes reads the bundles' states once the other probes of this tick have
// answered (statesGather): nil when such a read is already due.
func (h *home) statesAfterProbes() tea.Cmd {
	if h.statesSoon {
		return nil
	}
	h.statesSoon = true
	return tea.Tick(statesGather, func(time.Time) tea.Msg { return statesDue{} })
}

// loadDeployments lists an environment's deployments under the program's context and the
// load timeout; clock stamps the answer. Asked early (an environment's first load), its
// first message may be the deployments before their health (deploymentsEarly), whose rest
// waits for the whole answer.
func loadDeployments(c *Common, req loadRequest, early bool, log *slog.Logger, clock func() time.Time) tea.Cmd {
	src, parent, timeout := c.Source, c.context(), loadTimeout(c)
	list := func(onEarly func(model.Listing)) tea.Msg {
		if src == nil {
			return deploymentsFailedToLoad{req: req, err: errNoSource}
		}
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		start := time.Now()
		q := model.ListQuery{Since: req.since, Limit: homePage, After: req.after, Early: onEarly}
		var l model.Listing
		var err error
		if sl, ok := src.(skippedLister); ok {
			l, err = sl.ListAll(ctx, req.env, q)
		} else {
			l.Deployments, err = src.List(ctx, req.env, q)
		}
		rows := l.Deployments
		if err != nil {
			log.Warn("listing deployments failed", "env", req.env, "full", req.full(), "since", req.since, "took", time.Since(start), "err", err)
			return deploymentsFailedToLoad{req: req, err: err}
		}
		log.Debug("listed deployments", "env", req.env, "full", req.full(), "since", req.since, "rows", len(rows), "took", time.Since(start))
		if l.LiveErr != nil {
			log.Warn("live facts missing", "env", req.env, "err", l.LiveErr)
		}
		return deploymentsLoaded{req: req, rows: rows, at: clock(), skipped: l.Skipped, liveErr: l.LiveErr, next: l.Next, matching: l.Matching}
	}
	if !early {
		return func() tea.Msg { return list(nil) }
	}
	return func() tea.Msg {
		// Room for both messages: neither send waits for the program to take the first.
		msgs := make(chan tea.Msg, 2)
		go func() {
			msgs <- list(func(l model.Listing) {
				log.Debug("listed deployments before their health", "env", req.env, "rows", len(l.Deployments))
				msgs <- deploymentsEarly{req: req, rows: l.Deployments}
			})
		}()
		first := <-msgs
		if e, ok := first.(deploymentsEarly); ok {
			e.rest = func() tea.Msg { return <-msgs }
			return e
		}
		return first
	}
}

// scheduleRefresh asks for the next refresh after d.
func scheduleRefresh(d time.Duration) tea.Cmd {
	if d <= 0 {
		return nil
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return refreshDue{} })
}

// loadTimeout bounds one load: the Common's, else the source's, else 30s.
func loadTimeout(c *Common) time.Duration {
	switch {
	case c.Timeout > 0:
		return c.Timeout
	case c.Source != nil && c.Source.Timeout() > 0:
		return c.Source.Timeout()
	}
	return 30 * time.Second
}

// load starts a load of one environment: full, or only what can change.
func (h *home) load(e *envState, full bool) tea.Cmd {
	req := loadRequest{env: e.name, gen: e.gen, since: h.since}
	if !full && len(e.items) > 0 {
		from := h.relistFrom(e).Add(-relistMargin)
		if since := h.c.Time().Sub(from); h.since <= 0 || since < h.since {
			req.since, req.from = since, from
		}
	}
	e.pending++
	return loadDeployments(h.c, req, req.full() && !e.loaded, h.log, h.clock)
}

// relistFrom is the instant from which an environment's deployments can still change: the
// oldest deployment with an open window or a provisional verdict, or else the newest known.
func (h *home) relistFrom(e *envState) time.Time {
	var newest, oldestLive time.Time
	for _, it := range e.items {
		at := it.d.DeployedAt
		if at.After(newest) {
			newest = at
		}
		if (it.d.Window.Open() || it.d.Provisional) && (oldestLive.IsZero() || at.Before(oldestLive)) {
			oldestLive = at
		}
	}
	if !oldestLive.IsZero() && oldestLive.Before(newest) {
		return oldestLive
	}
	return newest
}

// loadAll loads every environment; incremental loads skip those already loading.
func (h *home) loadAll(full bool) tea.Cmd {
	var cmds []tea.Cmd
	for _, e := range h.envs {
		if !full && e.pending > 0 {
			continue
		}
		cmds = append(cmds, h.load(e, full))
	}
	return tea.Batch(cmds...)
}

// loaded merges an answer into its environment.
func (h *home) loaded(msg deploymentsLoaded) {
	e := h.env(msg.req.env)
	if e == nil {
		return
	}
	e.pending = max(0, e.pending-1)
	if msg.req.after != nil {
		e.moreLoading = false
	}
	if msg.req.gen != e.gen {
		return
	}
	// Without the live facts the rows are the warehouse's alone, an hour behind: with data
	// on screen, keep it (adding only deployments not known yet) and let the stale banner
	// say why it was not refreshed.
	stale := msg.liveErr != nil && e.loaded
	if msg.req.full() && !stale {
		e.skipped = msg.skipped
		e.byID = make(map[string]*item, len(msg.rows))
	}
	e.pagesLoaded(msg)
	for i := range msg.rows {
		d := msg.rows[i]
		if it, ok := e.byID[d.ID]; ok {
			if !stale {
				it.d = d
			}
			continue
		}
		e.byID[d.ID] = &item{d: d}
	}
	if h.since > 0 {
		cut := h.c.Time().Add(-h.since)
		for id, it := range e.byID {
			if it.d.DeployedAt.Before(cut) {
				delete(e.byID, id)
			}
		}
	}
	if stale {
		e.problem = msg.liveErr
	} else {
		e.loaded, e.problem, e.loadedAt = true, msg.liveErr, msg.at
	}
	h.rebuild(e)
	h.settleEarly(e)
	h.settleDefaultEnv()
}

// failed keeps an environment's data and records the problem: with data, the stale banner
// shows it; without, the table says it.
func (h *home) failed(msg deploymentsFailedToLoad) {
	e := h.env(msg.req.env)
	if e == nil {
		return
	}
	e.pending = max(0, e.pending-1)
	if msg.req.after != nil {
		e.moreLoading = false
	}
	if msg.req.gen != e.gen {
		return
	}
	e.problem = msg.err
	if !e.loaded {
		h.dropEarly(e)
	}
	h.settleDefaultEnv()
	h.dirty = true
	if h.activeEnv() == e {
		h.syncTable()
	}
}

// rebuild renders each deployment's row again (the ages move with the clock), keeps the old
// row where nothing changed so its rendered line is reused, sorts, and judges the tab.
func (h *home) rebuild(e *envState) {
	now := h.c.Time()
	e.items = e.items[:0]
	worst := model.Verdict("")
	for _, it := range e.byID {
		r := deploymentRow(h.c.Glyphs, &it.d, now)
		if it.row == nil || !sameRow(it.row, r) {
			it.row = r
		}
		e.items = append(e.items, it)
		if worst == "" || it.d.Verdict.Severity() > worst.Severity() {
			worst = it.d.Verdict
		}
	}
	e.worst = worst
	sortItems(e.items, h.sort)
	h.dirty = true
	if h.activeEnv() == e {
		h.syncTable()
	}
}

// syncTable hands the active environment's rows to the table.
func (h *home) syncTable() {
	e := h.activeEnv()
	if e == nil {
		h.table.SetRows(nil)
		h.table.SetEmpty("loading deployments" + h.c.Glyphs.Ellipsis)
		return
	}
	rows := make([]*Row, len(e.items))
	for i, it := range e.items {
		rows[i] = it.row
	}
	h.table.SetRows(rows)
	h.table.SetEmpty(h.emptyText(e))
	h.dirty = true
}
