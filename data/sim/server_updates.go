package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// pipeUpdate is one pipeline update: folded from pipeline_update_timeline, or from in_flight.
type pipeUpdate struct {
	pipelineID, updateID string
	start, end           time.Time // end is the planned end while active
	result               string    // COMPLETED, FAILED, CANCELED; empty while active
	updateType, trigger  string
	refreshSel, fullSel  []string
	clusterID, runAs     string
	flying               bool
}

func (u pipeUpdate) active() bool { return u.result == "" }

// runningAt is when an update leaves INITIALIZING: after a tenth of its run, at least 2 s.
func (u pipeUpdate) runningAt() time.Time {
	d := max(u.end.Sub(u.start)/10, 2*time.Second)
	if t := u.start.Add(d); t.Before(u.end) {
		return t
	}
	return u.end
}

// state is the REST UpdateInfo state at now.
func (u pipeUpdate) state(now time.Time) string {
	switch {
	case !u.active():
		return u.result
	case now.Before(u.runningAt()):
		return "INITIALIZING"
	}
	return "RUNNING"
}

// updKey orders updates newest first: by start, then by update id.
type updKey struct {
	Start int64  `json:"s"`
	ID    string `json:"u"`
}

func (u pipeUpdate) key() updKey { return updKey{u.start.UnixMilli(), u.updateID} }

func (k updKey) after(c updKey) bool { return k.Start < c.Start || (k.Start == c.Start && k.ID < c.ID) }

// newestFirst sorts a list of runs or updates newest first: by key, where a key after
// another is older.
func newestFirst[T interface{ key() K }, K interface {
	comparable
	after(K) bool
}](list []T) {
	slices.SortFunc(list, func(a, b T) int {
		ka, kb := a.key(), b.key()
		switch {
		case ka == kb:
			return 0
		case ka.after(kb):
			return 1
		}
		return -1
	})
}

type updateQuery struct {
	pipelineID, updateID string
	cursor, until        *updKey
	limit                int
}

// bounds are the query's cursor and until, or the keys before and after every update.
func (q updateQuery) bounds() (cur, until updKey) {
	cur, until = updKey{Start: 1<<63 - 1, ID: "\U0010FFFF"}, updKey{Start: -1 << 62}
	if q.cursor != nil {
		cur = *q.cursor
	}
	if q.until != nil {
		until = *q.until
	}
	return cur, until
}

// selects reports whether the query selects u among the updates of its pipelines (as the
// statement below does, but for the start bound).
func (q updateQuery) selects(u pipeUpdate) bool {
	cur, until := q.bounds()
	return (q.updateID == "" || u.updateID == q.updateID) && u.key().after(cur) && !u.key().after(until)
}

// updateColumns fold an update's slices of pipeline_update_timeline into one row.
const updateColumns = `pipeline_id, update_id, MIN(period_start_time) AS start_time, MAX(period_end_time) AS end_time,
       COALESCE(MAX_BY(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL), ''),
       COALESCE(ANY_VALUE(update_type), ''), COALESCE(ANY_VALUE(trigger_type), ''),
       COALESCE(CAST(to_json(ANY_VALUE(refresh_selection)) AS VARCHAR), '[]'),
       COALESCE(CAST(to_json(ANY_VALUE(full_refresh_selection)) AS VARCHAR), '[]'),
       COALESCE(ANY_VALUE(compute.cluster_id), ''), COALESCE(ANY_VALUE(run_as_user_name), '')`

const foldedUpdates = `
SELECT ` + updateColumns + `
FROM sim.lakeflow.pipeline_update_timeline
WHERE workspace_id = ? AND pipeline_id IN (%s) AND (? = '' OR update_id = ?) AND period_start_time >= ?
GROUP BY pipeline_id, update_id
HAVING MIN(period_start_time) <= ? AND MIN(period_start_time) >= ?
   AND (epoch_ms(MIN(period_start_time)) < ? OR (epoch_ms(MIN(period_start_time)) = ? AND update_id < ?))
   AND (epoch_ms(MIN(period_start_time)) > ? OR (epoch_ms(MIN(period_start_time)) = ? AND update_id >= ?))
QUALIFY ROW_NUMBER() OVER (PARTITION BY pipeline_id ORDER BY epoch_ms(MIN(period_start_time)) DESC, update_id DESC) <= ?
ORDER BY pipeline_id, epoch_ms(start_time) DESC, update_id DESC`

// scanUpdate scans a row of updateColumns, after the columns lead.
func scanUpdate(rows *sql.Rows, lead ...any) (pipeUpdate, error) {
	var u pipeUpdate
	var rs, fs string
	if err := rows.Scan(append(lead, &u.pipelineID, &u.updateID, &u.start, &u.end, &u.result, &u.updateType, &u.trigger, &rs, &fs, &u.clusterID, &u.runAs)...); err != nil {
		return u, fmt.Errorf("reading pipeline updates: %w", err)
	}
	u.start, u.end = u.start.UTC(), u.end.UTC()
	// Nearly every update refreshes all: its selections are empty lists, as nil is.
	if rs != "[]" {
		_ = json.Unmarshal([]byte(rs), &u.refreshSel)
	}
	if fs != "[]" {
		_ = json.Unmarshal([]byte(fs), &u.fullSel)
	}
	return u, nil
}

// updatesOf lists the updates of pipelines newest first, at most limit+1 per pipeline,
// after the cursor and not after until. A finished update still in in_flight shows its
// planned outcome.
//
// The timeline's part comes from the kept fold of the workspace's recent updates for every
// pipeline it answers alone (recentFold); the others' is read whatever the clock (an update
// reaches the timeline once it has ended, so none there starts after now), kept and carried
// through catch-ups; only if the timeline holds an update that starts after now (a
// scripted one) is it read as of now. The work in flight is merged in on every call.
func (srv *Server) updatesOf(ctx context.Context, ids []string, q updateQuery) (map[string][]pipeUpdate, error) {
	now := srv.sim.Now()
	recent, err := srv.recentFold(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]pipeUpdate, len(ids))
	var rest []string
	for _, id := range ids {
		if list, ok := recent.answer(id, q, now); ok {
			out[id] = list
		} else {
			rest = append(rest, id)
		}
	}
	if len(rest) > 0 {
		cur, until := q.bounds()
		key := memoKey("updates", srv.wsid, rest, q.updateID, q.cursor != nil, cur.Start, cur.ID, q.until != nil, until.Start, until.ID, q.limit)
		read := func(asOf time.Time) func() (*updateFold, error) {
			return func() (*updateFold, error) { return srv.readUpdatesOf(ctx, rest, q, now, asOf, recent.from) }
		}
		f, err := cached(srv.sim, key, read(endOfTime))
		if err == nil && f.startsAfter(now) {
			f, err = cached(srv.sim, memoKey(key, now), read(now))
		}
		if err != nil {
			return nil, err
		}
		for id, list := range f.byPipe {
			out[id] = slices.Clone(list)
		}
	}
	flying, err := srv.flyingUpdates(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, list := range out {
		for _, u := range list {
			if u.result != "" {
				seen[u.updateID] = true
			}
		}
	}
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	for _, fl := range flying {
		u := fl.update
		if !wanted[u.pipelineID] || u.start.After(now) || seen[u.updateID] {
			continue
		}
		if !u.end.After(now) {
			u.result = fl.result
		}
		if !q.selects(u) {
			continue
		}
		list := slices.DeleteFunc(out[u.pipelineID], func(x pipeUpdate) bool { return x.updateID == u.updateID })
		out[u.pipelineID] = append(list, u)
	}
	// The lists are the caller's: answer makes new ones, the others are copies.
	for id, list := range out {
		newestFirst(list)
		if len(list) > q.limit+1 {
			list = list[:q.limit+1]
		}
		out[id] = list
	}
	return out, nil
}

// updateFold is the timeline's part of an updatesOf answer: the updates of the pipelines
// ids that q selects, started by asOf, at most q.limit+1 per pipeline, newest first. It is
// shared: callers must not modify it.
type updateFold struct {
	ws     string
	ids    []string
	q      updateQuery
	asOf   time.Time
	byPipe map[string][]pipeUpdate
}

// startsAfter reports whether an update of the fold starts after t.
func (f *updateFold) startsAfter(t time.Time) bool {
	for _, list := range f.byPipe {
		for _, u := range list {
			if u.start.After(t) {
				return true
			}
		}
	}
	return false
}

// carry adds the updates catch-up moved into the timeline: the q.limit+1 newest of the
// pipeline's kept ones and the new ones are its q.limit+1 newest of the whole timeline
// (each kept one was among them before, and what is not kept was beaten by them).
func (f *updateFold) carry(d *catchDelta) (any, bool) {
	if !f.asOf.Equal(endOfTime) {
		return nil, false
	}
	added := d.updates[f.ws]
	if len(added) == 0 {
		return f, true
	}
	next := *f
	next.byPipe = make(map[string][]pipeUpdate, len(f.byPipe))
	for id, list := range f.byPipe {
		next.byPipe[id] = list
	}
	wanted := make(map[string]bool, len(f.ids))
	for _, id := range f.ids {
		wanted[id] = true
	}
	changed := map[string]bool{}
	for _, u := range added {
		list := next.byPipe[u.pipelineID]
		if !wanted[u.pipelineID] || !f.q.selects(u) || slices.ContainsFunc(list, func(x pipeUpdate) bool { return x.updateID == u.updateID }) {
			continue
		}
		if !changed[u.pipelineID] {
			list, changed[u.pipelineID] = slices.Clone(list), true
		}
		next.byPipe[u.pipelineID] = append(list, u)
	}
	for id := range changed {
		list := next.byPipe[id]
		newestFirst(list)
		if len(list) > f.q.limit+1 {
			list = list[:f.q.limit+1]
		}
		next.byPipe[id] = list
	}
	return &next, true
}

// readUpdatesOf folds the timeline's part of updatesOf, the updates started by asOf, for
// pipelines known to have too few of them since known (see recentFold.answer): no window
// that starts at or after it is read.
func (srv *Server) readUpdatesOf(ctx context.Context, ids []string, q updateQuery, now, asOf, known time.Time) (*updateFold, error) {
	f := &updateFold{ws: srv.wsid, ids: slices.Clone(ids), q: q, asOf: asOf, byPipe: map[string][]pipeUpdate{}}
	if q.cursor != nil {
		c := *q.cursor
		f.q.cursor = &c
	}
	if q.until != nil {
		u := *q.until
		f.q.until = &u
	}
	if len(ids) == 0 {
		return f, nil
	}
	cur, until := q.bounds()
	out := f.byPipe
	// The newest updates are nearly always of the last days: those are read first, a scan
	// of a few days' slices instead of the whole history's; only the pipelines with too few
	// updates there are read again, over two weeks, then over all of it. An answer is the
	// same either way (and whatever the clock that places the windows).
	newest := now
	if q.cursor != nil && time.UnixMilli(cur.Start).Before(newest) {
		newest = time.UnixMilli(cur.Start)
	}
	todo := ids
	for _, back := range recentUpdates {
		from := time.Time{}
		if back > 0 {
			if from = newest.Add(-back); !from.Before(known) {
				continue
			}
		}
		if err := srv.foldUpdates(ctx, todo, q, asOf, cur, until, from, out); err != nil {
			return nil, err
		}
		var short []string
		for _, id := range todo {
			// One update asked for by id is complete once found.
			found := q.updateID != "" && len(out[id]) > 0
			if len(out[id]) <= q.limit && !found && back > 0 {
				short = append(short, id)
				delete(out, id)
			}
		}
		if todo = short; len(todo) == 0 {
			break
		}
	}
	return f, nil
}

// flyingUpdate is a pipeline update of in_flight, with its planned result.
type flyingUpdate struct {
	update pipeUpdate
	result string
}

// flyingUpdates are the pipeline updates of the workspace in in_flight (active, or past
// their planned end but not yet moved into the timeline), kept until the next write.
func (srv *Server) flyingUpdates(ctx context.Context) ([]flyingUpdate, error) {
	return cached(srv.sim, memoKey("flying updates", srv.wsid), func() ([]flyingUpdate, error) {
		rows, err := srv.sim.db.QueryContext(ctx, `SELECT object_id, run_id, start_time, planned_end, COALESCE(payload, '')
FROM sim.sim_internal.in_flight WHERE workspace_id = ? AND kind = 'pipeline'`, srv.wsid)
		if err != nil {
			return nil, fmt.Errorf("listing active pipeline updates: %w", err)
		}
		defer rows.Close()
		var out []flyingUpdate
		for rows.Next() {
			u := pipeUpdate{flying: true}
			var payload string
			if err := rows.Scan(&u.pipelineID, &u.updateID, &u.start, &u.end, &payload); err != nil {
				return nil, fmt.Errorf("reading active pipeline updates: %w", err)
			}
			u.start, u.end = u.start.UTC(), u.end.UTC()
			var plan FlightPlan
			_ = json.Unmarshal([]byte(payload), &plan)
			u.updateType, u.trigger = plan.UpdateType, plan.TriggerType
			out = append(out, flyingUpdate{u, plan.ResultState})
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading active pipeline updates: %w", err)
		}
		return out, nil
	})
}

// recentUpdates are how far back updatesOf looks for a pipeline's newest updates, in turn
// (zero: all of its history).
var recentUpdates = []time.Duration{48 * time.Hour, 14 * 24 * time.Hour, 0}

// foldUpdates adds to out the updates of the pipelines ids (as updatesOf selects them) that
// started at or after from and by asOf, reading the timeline's slices from a day before
// from (an update's slices are contiguous and at most an hour long, so its start is never
// cut off). A zero from reads everything.
func (srv *Server) foldUpdates(ctx context.Context, ids []string, q updateQuery, asOf time.Time, cur, until updKey, from time.Time, out map[string][]pipeUpdate) error {
	scanFrom := time.Time{}
	if !from.IsZero() {
		scanFrom = from.Add(-24 * time.Hour)
	}
	args := []any{srv.wsid}
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, q.updateID, q.updateID, scanFrom, asOf, from, cur.Start, cur.Start, cur.ID, until.Start, until.Start, until.ID, q.limit+1)
	rows, err := srv.sim.db.QueryContext(ctx, fmt.Sprintf(foldedUpdates, placeholders(len(ids))), args...)
	if err != nil {
		return fmt.Errorf("listing pipeline updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUpdate(rows)
		if err != nil {
			return err
		}
		out[u.pipelineID] = append(out[u.pipelineID], u)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading pipeline updates: %w", err)
	}
	return nil
}

// updates lists the updates of one pipeline (see updatesOf).
func (srv *Server) updates(ctx context.Context, q updateQuery) ([]pipeUpdate, error) {
	m, err := srv.updatesOf(ctx, []string{q.pipelineID}, q)
	return m[q.pipelineID], err
}

// latestUpdates are the five newest updates of each pipeline (updatesOf returns limit+1).
func (srv *Server) latestUpdates(ctx context.Context, ids []string) (map[string][]pipeUpdate, error) {
	return srv.updatesOf(ctx, ids, updateQuery{limit: 4})
}
