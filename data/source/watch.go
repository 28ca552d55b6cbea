package source

import (
	"context"
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
// watched comes from the last list of the environment (mergeLive): the jobs and pipelines
// of the releases whose windows are open, and the environment's deployer job.
//
// One probe costs a few REST calls, none of them per job: the runs feed listed by start
// time since the previous probe (jobs/runs/list, one page of 25 unless more runs started),
// the active runs by pages of 25 while a watched run that started earlier was active, and
// the pipelines list by pages of 100 while open windows have pipelines.

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
	// updates are the watched pipelines' latest updates.
	updates map[string]latestUpdate
	// bakeEnds is the earliest end of a bake time of the last list still ahead (a verdict
	// turns final then); zero: none.
	bakeEnds time.Time
	// ledgerFrom and ledger are the ledger fingerprint's instant and its last value.
	ledgerFrom time.Time
	ledger     string
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

// beginList starts collecting what a list of the environment watches.
func (w *watchState) beginList() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next = &watchSet{jobs: map[int64]bool{}, pipelines: map[string]bool{}}
}

// endList makes what the list collected the watched set (a failed list keeps the old one).
func (w *watchState) endList(ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ok && w.next != nil {
		w.jobs, w.pipelines, w.bakeEnds = w.next.jobs, w.next.pipelines, w.next.bakeEnds
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
	e, err := s.Environment(env)
	if err != nil {
		return false, err
	}
	if e.Workspace == nil {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(withEnv(ctx, env), s.Timeout())
	defer cancel()
	w := s.watchOf(env)
	w.mu.Lock()
	learnt := w.ledger != ""
	w.mu.Unlock()
	if ledger || !learnt {
		moved, err := s.ledgerMoved(ctx, e, w)
		if err != nil {
			return false, s.warehouseProblem(e, err)
		}
		if moved {
			return true, nil
		}
	}
	w.mu.Lock()
	at, deployer, bake := w.at, e.Config.DeployerJobID, w.bakeEnds
	jobs, pipelines := w.jobs, w.pipelines
	known := make(map[int64]string, len(w.runs))
	for id, st := range w.runs {
		known[id] = st
	}
	w.mu.Unlock()

	now := s.clock()
	since := at.Add(-probeMargin)
	if at.IsZero() {
		since = now.Add(-probeMargin)
	}
	feed, err := e.Workspace.RunsSince(ctx, since, workspace.RunsOptions{})
	if err != nil {
		return false, err
	}
	changed := !bake.IsZero() && !now.Before(bake)
	seen := map[int64]string{}
	for _, r := range feed {
		if !jobs[r.JobID] && (deployer == 0 || r.JobID != deployer) {
			continue
		}
		st := runState(r)
		seen[r.RunID] = st
		if old, ok := known[r.RunID]; !ok || old != st {
			changed = true
		}
	}
	// Watched runs that were active and started before the feed's reach: the active runs
	// (listed by page, all jobs) say which still run; the others ended.
	var stillActive []model.Run
	for id, st := range known {
		if _, ok := seen[id]; !ok && !runEnded(st) {
			if stillActive == nil {
				if stillActive, err = e.Workspace.ActiveRuns(ctx); err != nil {
					return false, err
				}
			}
			break
		}
	}
	active := map[int64]string{}
	for _, r := range stillActive {
		active[r.RunID] = runState(r)
	}
	for id, st := range known {
		if _, ok := seen[id]; ok || runEnded(st) {
			continue
		}
		now, ok := active[id]
		if !ok {
			changed = true // it ended: the next list reads how
			continue
		}
		if now != st {
			changed = true
		}
		seen[id] = now
	}
	updates := map[string]latestUpdate{}
	if len(pipelines) > 0 {
		ps, err := e.Workspace.Pipelines(ctx)
		if err != nil {
			return false, err
		}
		for _, p := range ps {
			if !pipelines[p.ID] || len(p.LatestUpdates) == 0 {
				continue
			}
			u := p.LatestUpdates[0]
			updates[p.ID] = latestUpdate{id: u.ID, state: u.State, start: u.Created}
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for p, u := range updates {
		old, ok := w.updates[p]
		// A pipeline not seen before changes nothing unless its latest update is recent.
		if (ok && (old.id != u.id || old.state != u.state)) || (!ok && !u.start.Before(since)) {
			changed = true
		}
		w.updates[p] = u
	}
	w.runs, w.at = seen, now
	if changed {
		w.bakeEnds = time.Time{}
	}
	return changed, nil
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
