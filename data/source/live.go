package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// The live path (DESIGN §4): the system tables arrive about an hour late, the REST API at
// once. For the open windows of a listed page, what the API says now is merged into the
// warehouse's health by model.MergeLive: the runs of the workspace listed by start time
// (active and completed, all pages), the latest updates of the pipelines (one listing, by
// page) and, once per ended update, its expectation results from its flow_progress events.

// The live path's calls of one list get half the list's timeout (SetLiveTimeout replaces
// it): the SDK retries 429 and 503 answers for minutes, and a storm must not use up the
// time the warehouse's answer needs.

// SetLiveTimeout bounds the live path's calls of one list (zero restores the default).
func (s *Source) SetLiveTimeout(d time.Duration) { s.liveTimeout = d }

// liveBudget is how long the live path's calls of one read may take.
func (s *Source) liveBudget() time.Duration {
	if s.liveTimeout > 0 {
		return s.liveTimeout
	}
	return s.Timeout() / 2
}

// liveFeed is what the REST API says about the open windows of one page.
type liveFeed struct {
	scope   warehouse.LiveScope
	runs    []model.Run
	updates []model.LiveUpdate
}

// readLive reads the feed for windows opened at or after oldestOpen, of the releases
// named: one warehouse statement for what the system tables hold (liveScope), then side by
// side the runs since then and the releases' pipelines' latest updates.
func (s *Source) readLive(ctx context.Context, e *Environment, oldestOpen time.Time, releaseIDs []string) (liveFeed, error) {
	ctx, cancel := context.WithTimeout(ctx, s.liveBudget())
	defer cancel()
	pipes := readPipelines(ctx, e)
	f, since, err := s.liveScope(ctx, e, oldestOpen, releaseIDs)
	if err != nil {
		return f, err
	}
	return f, s.readFeed(ctx, e, &f, since, pipes)
}

// readFeed reads, side by side, the runs since an instant and the latest updates of the
// scope's pipelines (from pipes, the pipelines list read beside the scope's statement; nil:
// read now).
func (s *Source) readFeed(ctx context.Context, e *Environment, f *liveFeed, since time.Time, pipes *pipelinesRead) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		f.runs, err = e.Workspace.RunsSince(gctx, since, liveRunsOptions(s.clock()))
		return
	})
	g.Go(func() (err error) { f.updates, err = s.liveUpdates(gctx, e, f.scope, since, pipes); return })
	return g.Wait()
}

// pipelinesRead is the workspace's pipelines list read in the background. Which pipelines
// matter is the scope statement's answer, but the list itself depends on nothing a
// statement says: read beside that statement, it costs no round trip of its own after it.
type pipelinesRead struct {
	done chan struct{}
	list []workspace.Pipeline
	err  error
}

// readPipelines starts reading the pipelines list under ctx (the caller's live budget: it
// ends with the read that started it, whether or not it was used).
func readPipelines(ctx context.Context, e *Environment) *pipelinesRead {
	r := &pipelinesRead{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.list, r.err = e.Workspace.Pipelines(ctx)
	}()
	return r
}

// pipelines is the list: r's once it is read, or read now when there is no r.
func (r *pipelinesRead) pipelines(ctx context.Context, e *Environment) ([]workspace.Pipeline, error) {
	if r == nil {
		return e.Workspace.Pipelines(ctx)
	}
	select {
	case <-r.done:
		return r.list, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// liveRunsOptions reads the runs feed in a few slices of start time side by side: the hour
// or so since the system tables' cut is several pages, which one listing reads one after
// another on the first screen's critical path.
func liveRunsOptions(now time.Time) workspace.RunsOptions {
	return workspace.RunsOptions{Slices: 3, Now: now}
}

// liveScope reads one warehouse statement for what the system tables hold and from when
// the feed must read: never before oldestOpen, so the oldest open window bounds it.
func (s *Source) liveScope(ctx context.Context, e *Environment, oldestOpen time.Time, releaseIDs []string) (liveFeed, time.Time, error) {
	var f liveFeed
	scope, err := e.Store.LiveScope(ctx, e.Env, oldestOpen, releaseIDs)
	if err != nil {
		return f, time.Time{}, fmt.Errorf("reading what the system tables hold: %w", err)
	}
	f.scope = scope
	since := oldestOpen
	if scope.Since.After(since) {
		since = scope.Since
	}
	return f, since, nil
}

// liveRead is the live feed of one page's open windows, read in the background: a listing
// starts it as soon as the warehouse has answered with the page (DeploymentQuery.OnPage),
// so that the feed's statement and REST calls overlap the page's follow-up statements
// instead of adding a round trip after them.
type liveRead struct {
	done chan struct{}
	feed liveFeed
	err  error
}

// startLive starts reading the feed for the deployments of page whose windows are live
// (model.Window.Live); nil when there are none (or no workspace to ask).
func (s *Source) startLive(ctx context.Context, e *Environment, page []model.Deployment) *liveRead {
	now := s.clock()
	var oldest time.Time
	seen := map[string]bool{}
	var ids []string
	for _, d := range page {
		if !d.Window.Live(now) {
			continue
		}
		if oldest.IsZero() || d.Window.Start.Before(oldest) {
			oldest = d.Window.Start
		}
		if !seen[d.Release.ID()] {
			seen[d.Release.ID()] = true
			ids = append(ids, d.Release.ID())
		}
	}
	if len(ids) == 0 || e.Workspace == nil {
		return nil
	}
	return s.goLive(e, ids, func() (liveFeed, error) { return s.readLive(ctx, e, oldest, ids) })
}

// goLive runs read in the background and, when it succeeds, tells the probes (watch.go)
// what the windows of releases watch (nil: the open windows the read's scope found).
func (s *Source) goLive(e *Environment, releases []string, read func() (liveFeed, error)) *liveRead {
	r := &liveRead{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.feed, r.err = read()
		if releases == nil {
			releases = r.feed.scope.Open
		}
		if r.err == nil && len(releases) > 0 {
			s.noteLive(e, r.feed.scope, releases, r.feed.runs, r.feed.updates)
		}
	}()
	return r
}

// merge waits for the feed and merges it into the live windows of page at now (the page
// read again with its health). A nil read leaves the page as it is.
func (r *liveRead) merge(page []model.Deployment, now time.Time) ([]model.Deployment, error) {
	if r == nil || !slices.ContainsFunc(page, func(d model.Deployment) bool { return d.Window.Live(now) }) {
		return page, nil
	}
	<-r.done
	if r.err != nil {
		return page, &LiveError{Err: r.err}
	}
	out := append([]model.Deployment(nil), page...)
	for i := range out {
		d := &out[i]
		if d.Window.Live(now) {
			d.Health = model.MergeLive(d.Health, r.feed.scope.Known, liveWindow(d, r.feed.scope), r.feed.runs, r.feed.updates).Health
		}
	}
	return out, nil
}

// liveWindow is a deployment's window with its release's jobs and pipelines.
func liveWindow(d *model.Deployment, scope warehouse.LiveScope) model.LiveWindow {
	w := model.LiveWindow{Window: d.Window, Jobs: map[int64]bool{}, Pipelines: map[string]bool{}}
	for _, j := range scope.Jobs[d.Release.ID()] {
		if id, err := strconv.ParseInt(j, 10, 64); err == nil {
			w.Jobs[id] = true
		}
	}
	for _, p := range scope.Pipelines[d.Release.ID()] {
		w.Pipelines[p] = true
	}
	return w
}

// liveUpdates is the latest updates of the releases' pipelines since since, with the
// expectation results of those that ended and the warehouse does not hold yet (read once
// per update and kept in the source's expectation cache). The pipelines list is pipes's
// (nil: read now); a scope without pipelines does not wait for it.
func (s *Source) liveUpdates(ctx context.Context, e *Environment, scope warehouse.LiveScope, since time.Time, pipes *pipelinesRead) ([]model.LiveUpdate, error) {
	wanted := map[string]bool{}
	for _, ps := range scope.Pipelines {
		for _, p := range ps {
			wanted[p] = true
		}
	}
	s.expectations.evict(e.Env.Name, scope.Since, scope.Known.Expectations)
	if len(wanted) == 0 {
		return nil, nil
	}
	pipelines, err := pipes.pipelines(ctx, e)
	if err != nil {
		return nil, err
	}
	var out []model.LiveUpdate
	var missing []int // indexes in out of the ended updates whose events are to be read
	for _, p := range pipelines {
		if !wanted[p.ID] {
			continue
		}
		ups, err := updatesSince(ctx, e, p, since)
		if err != nil {
			return nil, err
		}
		for _, u := range ups {
			lu := model.LiveUpdate{PipelineID: p.ID, PipelineName: p.Name, UpdateID: u.ID, Start: u.Created, State: u.State}
			if model.UpdateEnded(u.State) && !scope.Known.Expectations[u.ID] {
				if ce, ok := s.expectations.get(e.Env.Name, u.ID); ok {
					lu.Expectations, lu.Passed, lu.Failed, lu.Results, lu.End = true, ce.passed, ce.failed, ce.results, ce.end
				} else {
					missing = append(missing, len(out))
				}
			}
			out = append(out, lu)
		}
	}
	if err := s.readExpectations(ctx, e, out, missing); err != nil {
		return nil, err
	}
	return out, nil
}

// eventReaders is how many updates' events are read at once.
const eventReaders = 8

// readExpectations reads the flow_progress and update_progress events of the updates at
// the indexes given (one listing each: the API cannot filter on the event type), a few at
// a time, fills in their expectation results and their end, and caches them.
func (s *Source) readExpectations(ctx context.Context, e *Environment, ups []model.LiveUpdate, idx []int) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(eventReaders)
	for _, i := range idx {
		lu := &ups[i]
		g.Go(func() error {
			events, err := e.Workspace.UpdateEvents(ctx, lu.PipelineID, lu.UpdateID, "flow_progress", "update_progress")
			if err != nil {
				return err
			}
			ce := cachedExpectations{start: lu.Start}
			for _, ev := range events {
				if ev.EventType == "update_progress" {
					if model.UpdateEnded(ev.UpdateState) {
						ce.end = ev.Timestamp
					}
					continue
				}
				ce.results = append(ce.results, ev.Expectations...)
				for _, x := range ev.Expectations {
					ce.passed += x.PassedRecords
					ce.failed += x.FailedRecords
				}
			}
			s.expectations.put(e.Env.Name, lu.UpdateID, ce)
			lu.Expectations, lu.Passed, lu.Failed, lu.Results, lu.End = true, ce.passed, ce.failed, ce.results, ce.end
			return nil
		})
	}
	return g.Wait()
}

// latestShown is how many updates a pipelines listing's latest_updates carries.
const latestShown = 5

// updatesSince is a pipeline's updates created at or after since: its latest_updates, or,
// when those are all newer and there may be more, its updates listing (newest 100).
func updatesSince(ctx context.Context, e *Environment, p workspace.Pipeline, since time.Time) ([]workspace.UpdateState, error) {
	ups := p.LatestUpdates
	if len(ups) >= latestShown && !ups[len(ups)-1].Created.Before(since) {
		more, err := e.Workspace.Updates(ctx, p.ID, 100)
		if err != nil {
			return nil, err
		}
		ups = ups[:0:0]
		for _, u := range more {
			ups = append(ups, workspace.UpdateState{ID: u.ID, State: u.State, Created: u.Created})
		}
	}
	var out []workspace.UpdateState
	for _, u := range ups {
		if !u.Created.Before(since) {
			out = append(out, u)
		}
	}
	return out, nil
}

// LiveError says that the live facts are missing from a listing and why: what is listed
// is the warehouse's alone, about an hour behind for the open windows.
type LiveError struct{ Err error }

func (e *LiveError) Unwrap() error { return e.Err }

// Is makes a LiveError model.ErrLiveFactsMissing, which readers outside source test for.
func (e *LiveError) Is(target error) bool { return target == model.ErrLiveFactsMissing }

func (e *LiveError) Error() string {
	why := "reading them failed"
	switch {
	case errors.Is(e.Err, workspace.ErrUnavailable), errors.Is(e.Err, context.DeadlineExceeded):
		why = "the workspace's REST API did not answer in time (rate-limited, unavailable or slow)"
	case errors.Is(e.Err, workspace.ErrPermissionDenied):
		why = "the workspace refused to list its runs or pipelines to this user"
	case errors.Is(e.Err, workspace.ErrUnauthenticated):
		why = "not signed in to the workspace"
	}
	return "live facts missing: " + why + " (" + e.Err.Error() + ")"
}
