package source

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// Watching at a cost a warehouse budget carries (issue 10): between the home's slow
// re-reads, Changed asks the REST API alone whether anything that can change an open
// window has happened, and the home re-reads the warehouse only when it has. What is
// watched comes from the last list of the environment (startLive, startLiveWindow): the jobs and pipelines
// of the releases whose windows are open, and the environment's deployer job.
//
// One probe costs the same few REST calls whatever the size of the estate, none of them
// per job or pipeline:
//   - the runs feed: the runs started since the previous probe (jobs/runs/list by start
//     time, one page of 25 unless more runs started: it grows with what is new, not with
//     the estate);
//   - one page (25) of the active runs, while a watched run that started before the feed's
//     reach was active: the pages are read one per probe, each continuing where the last
//     stopped, and when a pass over the list ends, a watched run that was active when the
//     pass began and was not in it has ended;
//   - one page (100) of the pipelines list, while open windows have pipelines, continuing
//     the same way: each page's watched pipelines' latest updates are compared with what
//     was last seen of them.
// The Jobs and Pipelines APIs have no list of what changed across a workspace other than
// the runs by start time, and asking for each watched run or pipeline instead costs a call
// per open window's job or pipeline: on the home, whose open windows are nearly every
// bundle's current deployment, that is the estate again. So a bigger estate costs the same
// per probe and takes more probes to go round its lists: a long run's end is seen within
// two passes over the active runs, a pipeline's new update within one pass over the
// pipelines (one or two pages each on the simulated estate, four to seven at four times
// its size: README, Watching cost).

// probeMargin is how far before the previous probe the runs feed is read again, so that a
// run that started while the previous answer was on its way is not missed.
const probeMargin = time.Minute

// watchState is what the probes of one environment remember.
type watchState struct {
	mu sync.Mutex
	at time.Time // the source's clock at the last probe; zero: none yet
	// jobs and pipelines are watched (the open windows' releases'); next collects them
	// during a list and replaces them when it ends.
	jobs      map[int64]bool
	pipelines map[string]bool
	next      *watchSet
	// runs are the watched runs last seen, with their state ("" while unknown).
	runs map[int64]string
	// listed is the source's clock when the last list began: a watched pipeline's update
	// the list did not see is new if it started after.
	listed time.Time
	// active and pipes are the passes over the active runs and the pipelines list.
	active, pipes sweep
	// updates are the watched pipelines' latest updates.
	updates map[string]latestUpdate
	// bakeEnds is the earliest end of a bake time of the last list still ahead (a verdict
	// turns final then); zero: none.
	bakeEnds time.Time
	// ledgerFrom and ledger are the ledger fingerprint's instant and its last value.
	ledgerFrom time.Time
	ledger     string
	// kept is the last list's warehouse read, and feedOnly says that the last probe saw
	// only what the live feed alone shows: the next list may use kept (kept.go).
	kept     *keptRead
	feedOnly bool
}

// ledgerReach is how far before the first probe the ledger's fingerprint counts events.
const ledgerReach = 24 * time.Hour

// noteBake records when the first provisional verdict of a list turns final.
func (w *watchState) noteBake(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.next != nil && (w.next.bakeEnds.IsZero() || at.Before(w.next.bakeEnds)) {
		w.next.bakeEnds = at
	}
}

type watchSet struct {
	jobs      map[int64]bool
	pipelines map[string]bool
	bakeEnds  time.Time
	at        time.Time // when the list began
}

// watchOf is an environment's watch state.
func (s *Source) watchOf(env string) *watchState {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.watches == nil {
		s.watches = map[string]*watchState{}
	}
	w := s.watches[env]
	if w == nil {
		w = &watchState{jobs: map[int64]bool{}, pipelines: map[string]bool{}, runs: map[int64]string{}, updates: map[string]latestUpdate{}}
		s.watches[env] = w
	}
	return w
}

// beginList starts collecting what a list of the environment watches; at is the clock.
func (w *watchState) beginList(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next = &watchSet{jobs: map[int64]bool{}, pipelines: map[string]bool{}, at: at}
}

// endList makes what the list collected the watched set (a failed list keeps the old one).
func (w *watchState) endList(ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ok && w.next != nil {
		w.jobs, w.pipelines, w.bakeEnds, w.listed = w.next.jobs, w.next.pipelines, w.next.bakeEnds, w.next.at
	}
	w.next = nil
}

// noteLive records, from the live path of one listed page, the jobs and pipelines of its
// open windows' releases and the states the feed showed them in.
func (s *Source) noteLive(e *Environment, scope warehouse.LiveScope, releases []string, runs []model.Run, updates []model.LiveUpdate) {
	w := s.watchOf(e.Env.Name)
	w.mu.Lock()
	defer w.mu.Unlock()
	set := w.next
	if set == nil {
		set = &watchSet{jobs: w.jobs, pipelines: w.pipelines}
	}
	for _, r := range releases {
		for _, j := range scope.Jobs[r] {
			if id, err := strconv.ParseInt(j, 10, 64); err == nil {
				set.jobs[id] = true
			}
		}
		for _, p := range scope.Pipelines[r] {
			set.pipelines[p] = true
		}
	}
	for _, r := range runs {
		if set.jobs[r.JobID] {
			w.runs[r.RunID] = runState(r)
		}
	}
	for _, u := range updates {
		if cur, ok := w.updates[u.PipelineID]; !ok || u.Start.After(cur.start) || (u.Start.Equal(cur.start) && u.UpdateID == cur.id) {
			w.updates[u.PipelineID] = latestUpdate{id: u.UpdateID, state: u.State, start: u.Start}
		}
	}
}

// latestUpdate is a pipeline's latest update as last seen.
type latestUpdate struct {
	id, state string
	start     time.Time
}

func runState(r model.Run) string { return r.LifeCycleState + "/" + r.ResultState }

// runEnded: the run's life cycle is over (its state will not change again).
func runEnded(state string) bool {
	for _, ls := range []string{"TERMINATED/", "SKIPPED/", "INTERNAL_ERROR/"} {
		if strings.HasPrefix(state, ls) {
			return true
		}
	}
	return false
}

// Changed asks the live feed whether anything happened since the last probe that can
// change the open windows of env: a run of a watched job (or of the deployer job) that is
// new or in a new state, or a watched pipeline's latest update that is new or in a new
// state; or whether a provisional verdict's bake time has ended. With ledger, it also
// asks the warehouse, in one statement, whether anything was recorded in the
// environment's ledger (deployments and checks that CI records, approvals, pins): the
// slow refresh. The first probe of an environment only learns where things stand.
func (s *Source) Changed(ctx context.Context, env string, ledger bool) (bool, error) {
	p, err := s.Probe(ctx, env, ledger)
	return p.Changed, err
}

// Probe is Changed, saying too whether the ledger moved.
func (s *Source) Probe(ctx context.Context, env string, ledger bool) (model.Probe, error) {
	e, err := s.Environment(env)
	if err != nil {
		return model.Probe{}, err
	}
	if e.Workspace == nil {
		return model.Probe{}, nil
	}
	ctx, cancel := context.WithTimeout(withEnv(ctx, env), s.Timeout())
	defer cancel()
	w := s.watchOf(env)
	w.mu.Lock()
	learnt := w.ledger != ""
	w.feedOnly = false
	w.mu.Unlock()
	askedLedger := ledger || !learnt
	if askedLedger {
		moved, err := s.ledgerMoved(ctx, e, w)
		if err != nil {
			return model.Probe{}, s.warehouseProblem(e, err)
		}
		if moved {
			return model.Probe{Changed: true, Ledger: true}, nil
		}
	}
	w.mu.Lock()
	at, deployer, bake, listed := w.at, e.Config.DeployerJobID, w.bakeEnds, w.listed
	jobs, pipelines := w.jobs, w.pipelines
	known := make(map[int64]string, len(w.runs))
	for id, st := range w.runs {
		known[id] = st
	}
	// The passes are this probe's until it ends: a failed one leaves none, and the next
	// starts afresh (a page token may have expired).
	active, pipes := w.active, w.pipes
	w.active, w.pipes = sweep{}, sweep{}
	w.mu.Unlock()

	now := s.clock()
	since := at.Add(-probeMargin)
	if at.IsZero() {
		since = now.Add(-probeMargin)
	}
	feed, err := e.Workspace.RunsSince(ctx, since, workspace.RunsOptions{})
	if err != nil {
		return model.Probe{}, err
	}
	// A bake time's end needs no warehouse read: the verdict is assessed again at the new now.
	changed := !bake.IsZero() && !now.Before(bake)
	// due: what changed is more than the live feed and the clock show, and the warehouse
	// is to be read again.
	due := false
	// The runs kept are the watched runs the feed shows, and those that were active and
	// started before its reach until a pass over the active runs says that they ended.
	runs := map[int64]string{}
	inFeed := map[int64]bool{}
	for _, r := range feed {
		inFeed[r.RunID] = true
		if !jobs[r.JobID] && (deployer == 0 || r.JobID != deployer) {
			continue
		}
		st := runState(r)
		if old, ok := known[r.RunID]; !ok || old != st {
			changed = true
			due = due || (deployer != 0 && r.JobID == deployer)
		}
		runs[r.RunID] = st
	}
	var earlier []int64
	for id, st := range known {
		if !inFeed[id] && !runEnded(st) {
			runs[id] = st
			earlier = append(earlier, id)
		}
	}
	if len(earlier) == 0 {
		active = sweep{} // nothing to look for: a pass under way is dropped
	} else {
		err := active.step(func(token string) ([]int64, string, error) {
			page, next, err := e.Workspace.ActiveRunsPage(ctx, token)
			ids := make([]int64, 0, len(page))
			for _, r := range page {
				ids = append(ids, r.RunID)
				if st, ok := runs[r.RunID]; ok && !inFeed[r.RunID] && st != runState(r) {
					runs[r.RunID] = runState(r)
					changed = true
				}
			}
			return ids, next, err
		}, earlier)
		if err != nil {
			return model.Probe{}, err
		}
		for _, id := range active.ended {
			if _, ok := runs[id]; ok && !inFeed[id] {
				delete(runs, id) // it ended: the next list reads how
				changed = true
			}
		}
		active.ended = nil
	}
	updates := map[string]latestUpdate{}
	if len(pipelines) == 0 {
		pipes = sweep{}
	} else {
		if err := pipes.step(func(token string) ([]int64, string, error) {
			page, next, err := e.Workspace.PipelinesPage(ctx, token)
			for _, p := range page {
				if pipelines[p.ID] && len(p.LatestUpdates) > 0 {
					u := p.LatestUpdates[0]
					updates[p.ID] = latestUpdate{id: u.ID, state: u.State, start: u.Created}
				}
			}
			return nil, next, err
		}, nil); err != nil {
			return model.Probe{}, err
		}
	}
	// A pipeline not seen before is new only if its latest update started after the list
	// began (the list saw every update since then of the watched pipelines).
	fresh := listed.Add(-probeMargin)
	if listed.IsZero() {
		fresh = since
	}
	w.mu.Lock()
	for p, u := range updates {
		old, ok := w.updates[p]
		if (ok && (old.id != u.id || old.state != u.state)) || (!ok && !u.start.Before(fresh)) {
			changed = true
		}
		w.updates[p] = u
	}
	w.runs, w.at, w.active, w.pipes = runs, now, active, pipes
	if changed {
		w.bakeEnds = time.Time{}
	}
	w.mu.Unlock()
	// A change the feed alone shows is shown without reading the windows again, unless the
	// ledger moved too (a deployment recorded since closes its bundle's previous window
	// and owns the runs from then on): one small statement, unless this probe asked it. If
	// it fails, the warehouse is read again, and that read says what is wrong.
	moved := false
	if changed && !due && !askedLedger {
		var err error
		moved, err = s.ledgerMoved(ctx, e, w)
		due = moved || err != nil
	}
	w.mu.Lock()
	w.feedOnly = changed && !due
	w.mu.Unlock()
	return model.Probe{Changed: changed, Ledger: moved}, nil
}

// sweep is a pass over a paged list, one page per probe.
type sweep struct {
	next string // the next page's token; "" starts a pass
	// looking are the ids the pass under way looks for (those it began with), and whether
	// it found them; ended, once a pass is over, those it did not find.
	looking map[int64]bool
	ended   []int64
}

// step reads one page through read (which returns the ids of what it lists and the next
// page's token), beginning a pass looking for want when none is under way. When the page is
// the pass's last, ended lists what the pass looked for and did not find.
// A token the API refuses (one that expired between two probes) begins a new pass at once.
func (sw *sweep) step(read func(token string) ([]int64, string, error), want []int64) error {
	if sw.next == "" {
		sw.begin(want)
	}
	ids, next, err := read(sw.next)
	if err != nil && sw.next != "" && errors.Is(err, workspace.ErrInvalidInput) {
		sw.begin(want)
		ids, next, err = read("")
	}
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := sw.looking[id]; ok {
			sw.looking[id] = true
		}
	}
	sw.next = next
	if next == "" {
		for id, found := range sw.looking {
			if !found {
				sw.ended = append(sw.ended, id)
			}
		}
		sw.looking = nil
	}
	return nil
}

// begin begins a pass looking for want.
func (sw *sweep) begin(want []int64) {
	sw.next = ""
	sw.looking = make(map[int64]bool, len(want))
	for _, id := range want {
		sw.looking[id] = false
	}
}

// ledgerMoved reads the ledger's fingerprint of the environment and says whether it moved
// since the last one (the first only learns it).
func (s *Source) ledgerMoved(ctx context.Context, e *Environment, w *watchState) (bool, error) {
	w.mu.Lock()
	if w.ledgerFrom.IsZero() {
		w.ledgerFrom = s.clock().Add(-ledgerReach)
	}
	from, last := w.ledgerFrom, w.ledger
	w.mu.Unlock()
	fp, err := e.Store.LedgerFingerprint(ctx, e.Env.Name, from)
	if err != nil {
		return false, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ledger = fp
	return last != "" && fp != last, nil
}
