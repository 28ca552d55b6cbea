package source

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// The live path (DESIGN §4): the system tables arrive about an hour late, the REST API at
// once. For the open windows of a listed page, what the API says now is merged into the
// warehouse's health by model.MergeLive: the runs of the workspace listed by start time
// (active and completed, all pages), the latest updates of the pipelines (one listing, by
// page) and, once per ended update, its expectation results from its flow_progress events.

// liveHorizon bounds how far back the live feed reads: what ended earlier than this is in
// the system tables already (their delay is about an hour), and a window opened earlier is
// merged with what started within the horizon only.
const liveHorizon = 3 * time.Hour

// expectationCache keeps the expectation results of ended updates, read once per update
// (workspace id + update id): an ended update's events do not change.
var expectationCache sync.Map

type cachedExpectations struct{ passed, failed int64 }

// mergeLive merges the live feed into the health of the page's open windows and assesses
// them again. A failing API or warehouse leaves the page as the warehouse has it: the live
// path adds to the health, it never takes the listing down.
func (s *Source) mergeLive(ctx context.Context, e *Environment, page []model.Deployment, now time.Time) []model.Deployment {
	var open []int
	since := now
	releases := map[string]bool{}
	var ids []string
	for i, d := range page {
		if !d.Window.Open() || !d.Current {
			continue
		}
		open = append(open, i)
		if d.Window.Start.Before(since) {
			since = d.Window.Start
		}
		if !releases[d.Release.ID()] {
			releases[d.Release.ID()] = true
			ids = append(ids, d.Release.ID())
		}
	}
	if len(open) == 0 || e.Workspace == nil {
		return page
	}
	if h := now.Add(-liveHorizon); since.Before(h) {
		since = h
	}
	scope, err := e.Store.LiveScope(ctx, e.Env, since, ids)
	if err != nil {
		return page
	}
	runs, err := e.Workspace.RunsSince(ctx, since, workspace.RunsOptions{})
	if err != nil {
		return page
	}
	updates, err := s.liveUpdates(ctx, e, scope, since)
	if err != nil {
		return page
	}
	out := append([]model.Deployment(nil), page...)
	for _, i := range open {
		d := &out[i]
		w := model.LiveWindow{Window: d.Window, Jobs: map[int64]bool{}, Pipelines: map[string]bool{}}
		for _, j := range scope.Jobs[d.Release.ID()] {
			if id, err := strconv.ParseInt(j, 10, 64); err == nil {
				w.Jobs[id] = true
			}
		}
		for _, p := range scope.Pipelines[d.Release.ID()] {
			w.Pipelines[p] = true
		}
		d.Health = model.MergeLive(d.Health, scope.Known, w, runs, updates).Health
	}
	return out
}

// liveUpdates is the latest updates of the releases' pipelines since since, with the
// expectation results of those that ended and the warehouse does not hold yet.
func (s *Source) liveUpdates(ctx context.Context, e *Environment, scope warehouse.LiveScope, since time.Time) ([]model.LiveUpdate, error) {
	wanted := map[string]bool{}
	for _, ps := range scope.Pipelines {
		for _, p := range ps {
			wanted[p] = true
		}
	}
	if len(wanted) == 0 {
		return nil, nil
	}
	pipelines, err := e.Workspace.Pipelines(ctx)
	if err != nil {
		return nil, err
	}
	var out []model.LiveUpdate
	for _, p := range pipelines {
		if !wanted[p.ID] {
			continue
		}
		for _, u := range p.LatestUpdates {
			if u.Created.Before(since) {
				continue
			}
			lu := model.LiveUpdate{PipelineID: p.ID, UpdateID: u.ID, Start: u.Created, State: u.State}
			ended := u.State == "COMPLETED" || u.State == "FAILED" || u.State == "CANCELED"
			if ended && !scope.Known.Expectations[u.ID] {
				key := e.Env.WorkspaceID + "/" + u.ID
				c, ok := expectationCache.Load(key)
				if !ok {
					events, err := e.Workspace.UpdateEvents(ctx, p.ID, u.ID, "flow_progress")
					if err != nil {
						return nil, err
					}
					var ce cachedExpectations
					for _, ev := range events {
						for _, x := range ev.Expectations {
							ce.passed += x.PassedRecords
							ce.failed += x.FailedRecords
						}
					}
					expectationCache.Store(key, ce)
					c = ce
				}
				ce := c.(cachedExpectations)
				lu.Expectations, lu.Passed, lu.Failed = true, ce.passed, ce.failed
			}
			out = append(out, lu)
		}
	}
	return out, nil
}
