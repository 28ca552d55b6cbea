package sim

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// What the cockpit asks of a workspace's pipelines is nearly always about the last days: the
// listing's latest updates of every pipeline, then, at start, the events of the dozen or two
// updates that ended since the system tables' cut, each asked for by its own request. Read
// one query per request (an update's fold, its flows), those cost a scan of the timeline
// each. So the server keeps, per generation of the estate and carried through catch-ups,
// the fold of every update of the workspace that started in the last week (recentFold)
// and the flows of the last day's (recentFlows), and answers from them whatever they answer
// alone; anything older is read as before. The answers are the same either way.

// recentFor is how far back the kept fold of a workspace's updates reaches when read: far
// enough to hold the latest five of a daily pipeline.
const recentFor = 7 * 24 * time.Hour

// recentFlowsFor is how far back the kept flows of a workspace's updates reach when read.
const recentFlowsFor = 24 * time.Hour

// recentFold is the fold of every update of a workspace's timeline that starts at or
// after from (whatever the clock), by pipeline, newest first. It is shared: callers must
// not modify it.
type recentFold struct {
	ws     string
	from   time.Time
	byPipe map[string][]pipeUpdate
}

// recentFold reads the fold of the workspace's recent updates, or returns the kept one.
func (srv *Server) recentFold(ctx context.Context) (*recentFold, error) {
	return cached(srv.sim, memoKey("recent updates", srv.wsid), func() (*recentFold, error) {
		return srv.readRecentUpdates(ctx, srv.sim.Now().Add(-recentFor).Truncate(time.Hour))
	})
}

// recentFoldSQL folds the updates of a workspace that start at or after a time, reading the
// timeline's slices from a day before it (see foldUpdates).
const recentFoldSQL = `
SELECT ` + updateColumns + `
FROM sim.lakeflow.pipeline_update_timeline
WHERE workspace_id = ? AND period_start_time >= ?
GROUP BY pipeline_id, update_id
HAVING MIN(period_start_time) >= ?`

func (srv *Server) readRecentUpdates(ctx context.Context, from time.Time) (*recentFold, error) {
	f := &recentFold{ws: srv.wsid, from: from, byPipe: map[string][]pipeUpdate{}}
	rows, err := srv.sim.db.QueryContext(ctx, recentFoldSQL, srv.wsid, from.Add(-24*time.Hour), from)
	if err != nil {
		return nil, fmt.Errorf("listing pipeline updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUpdate(rows)
		if err != nil {
			return nil, err
		}
		f.byPipe[u.pipelineID] = append(f.byPipe[u.pipelineID], u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading pipeline updates: %w", err)
	}
	for _, list := range f.byPipe {
		newestFirst(list)
	}
	return f, nil
}

// answer is the timeline's part of what updatesOf answers for the pipeline id (the updates
// q selects that start by now, at most q.limit+1, newest first), if the fold holds all of
// it: when more than q.limit of them start at or after from, or the one update asked for
// by id does. Every update it lacks starts before from, so before all that it holds (from
// is a whole millisecond, as keys are).
func (f *recentFold) answer(id string, q updateQuery, now time.Time) ([]pipeUpdate, bool) {
	list := f.byPipe[id]
	var out []pipeUpdate
	for i, u := range list {
		if u.start.After(now) || !q.selects(u) {
			continue
		}
		if out == nil {
			out = make([]pipeUpdate, 0, min(q.limit+1, len(list)-i))
		}
		if out = append(out, u); len(out) > q.limit {
			return out, true
		}
	}
	return out, q.updateID != "" && len(out) > 0
}

// carry adds the updates catch-up moved into the timeline that start at or after from.
func (f *recentFold) carry(d *catchDelta) (any, bool) {
	var next *recentFold
	changed := map[string]bool{}
	for _, u := range d.updates[f.ws] {
		if u.start.Before(f.from) || slices.ContainsFunc(f.byPipe[u.pipelineID], func(x pipeUpdate) bool { return x.updateID == u.updateID }) {
			continue
		}
		if next == nil {
			next = &recentFold{ws: f.ws, from: f.from, byPipe: maps.Clone(f.byPipe)}
		}
		list := next.byPipe[u.pipelineID]
		if !changed[u.pipelineID] {
			list, changed[u.pipelineID] = slices.Clone(list), true
		}
		next.byPipe[u.pipelineID] = append(list, u)
	}
	if next == nil {
		return f, true
	}
	for id := range changed {
		newestFirst(next.byPipe[id])
	}
	return next, true
}

// flowKey names an update of a pipeline.
type flowKey struct{ pipelineID, updateID string }

// recentFlows are the flows, with their expectation results, of every update of a
// workspace's timeline that starts at or after from, as of the generation they were read
// in; moved lists the updates that catch-ups moved into the timeline since, whose flows
// were not read. It is shared: callers must not modify it.
type recentFlows struct {
	ws       string
	from     time.Time
	byUpdate map[flowKey][]flowRow
	moved    map[string]bool
}

// recentFlows reads the flows of the workspace's recent updates, or returns the kept ones.
func (srv *Server) recentFlows(ctx context.Context) (*recentFlows, error) {
	return cached(srv.sim, memoKey("recent flows", srv.wsid), func() (*recentFlows, error) {
		from := srv.sim.Now().Add(-recentFlowsFor).Truncate(time.Hour)
		// An update's flows and expectation results are stamped with its end: those of the
		// updates that start at or after from are all at or after it.
		byUpdate, err := srv.scanFlows(ctx, fmt.Sprintf(flowsOf, "", ""), []any{srv.wsid, from, srv.wsid, from})
		if err != nil {
			return nil, fmt.Errorf("reading the flows of recent updates: %w", err)
		}
		return &recentFlows{ws: srv.wsid, from: from, byUpdate: byUpdate, moved: map[string]bool{}}, nil
	})
}

// of returns what readFlows reads for the updates ups of a pipeline, if they start at or
// after from and were in the timeline (or not yet ended) when the flows were read.
func (f *recentFlows) of(pipelineID string, ups []pipeUpdate) (map[string][]flowRow, bool) {
	from := earliestStart(ups)
	if from.Before(f.from) {
		return nil, false
	}
	for _, u := range ups {
		if f.moved[u.updateID] {
			return nil, false
		}
	}
	out := make(map[string][]flowRow, len(ups))
	for _, u := range ups {
		list := f.byUpdate[flowKey{pipelineID, u.updateID}]
		// readFlows reads the flows stamped at or after the earliest start among ups (an
		// update's are all stamped after its start).
		if slices.ContainsFunc(list, func(fl flowRow) bool { return fl.at.Before(from) }) {
			list = slices.DeleteFunc(slices.Clone(list), func(fl flowRow) bool { return fl.at.Before(from) })
		}
		if len(list) > 0 {
			out[u.updateID] = list
		}
	}
	return out, true
}

// carry notes the updates catch-up moved into the timeline: their flows are read apart.
func (f *recentFlows) carry(d *catchDelta) (any, bool) {
	added := d.updates[f.ws]
	if len(added) == 0 {
		return f, true
	}
	next := *f
	next.moved = maps.Clone(f.moved)
	for _, u := range added {
		next.moved[u.updateID] = true
	}
	return &next, true
}

// earliestStart is the earliest start among ups (not empty).
func earliestStart(ups []pipeUpdate) time.Time {
	from := ups[0].start
	for _, u := range ups {
		if u.start.Before(from) {
			from = u.start
		}
	}
	return from
}
