package sim

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The pipeline event log is synthesized from the update timeline, sim_internal.flows and
// release_cockpit.expectation_results, deterministically, so that paging is stable: per
// update, create_update, update_progress INITIALIZING and RUNNING, one flow_progress per
// flow with its metrics and expectations, and a final update_progress (ERROR level, with
// the exception, when the update failed).

// event is one event in the JSON shape of the events API (with `details`, which the real
// API returns and the SDK's typed PipelineEvent drops).
type event struct {
	ID            string         `json:"id"`
	EventType     string         `json:"event_type"`
	Level         string         `json:"level"`
	MaturityLevel string         `json:"maturity_level"`
	Message       string         `json:"message"`
	Timestamp     string         `json:"timestamp"`
	Origin        eventOrigin    `json:"origin"`
	Sequence      eventSequence  `json:"sequence"`
	Error         *eventError    `json:"error,omitempty"`
	Details       map[string]any `json:"details"`

	at time.Time
}

type eventOrigin struct {
	PipelineID   string `json:"pipeline_id"`
	PipelineName string `json:"pipeline_name"`
	UpdateID     string `json:"update_id"`
	FlowName     string `json:"flow_name,omitempty"`
	DatasetName  string `json:"dataset_name,omitempty"`
	FlowID       string `json:"flow_id,omitempty"`
	Cloud        string `json:"cloud"`
	Region       string `json:"region"`
}

type eventSequence struct {
	ControlPlaneSeqNo int64 `json:"control_plane_seq_no"`
}

type eventError struct {
	Fatal      bool             `json:"fatal"`
	Exceptions []eventException `json:"exceptions"`
}

type eventException struct {
	ClassName string `json:"class_name"`
	Message   string `json:"message"`
}

// evKey orders events: by timestamp (ms), then by sequence number.
type evKey struct {
	T int64 `json:"t"`
	S int64 `json:"s"`
}

func (e *event) key() evKey { return evKey{e.at.UnixMilli(), e.Sequence.ControlPlaneSeqNo} }

func (k evKey) less(o evKey) bool { return k.T < o.T || (k.T == o.T && k.S < o.S) }

// eventsToken is the events API's page token: where the last page ended, in which order,
// under which filter.
type eventsToken struct {
	After  evKey  `json:"k"`
	Asc    bool   `json:"a,omitempty"`
	Filter string `json:"f,omitempty"`
}

// listEvents is GET /api/2.0/pipelines/{id}/events.
func (srv *Server) listEvents(w http.ResponseWriter, r *http.Request, _ User) error {
	ctx := r.Context()
	p, err := srv.pipelineParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := queryInt(r, "max_results", 100)
	if err != nil {
		return err
	}
	if limit <= 0 || limit > 1000 {
		return badRequest("max_results must be between 1 and 1000, got %d.", limit)
	}
	filter, orderBy := q.Get("filter"), q["order_by"]
	var tok *eventsToken
	if t := q.Get("page_token"); t != "" {
		if len(orderBy) > 0 {
			return badRequest("You can provide a page token or specify an ordering, but not both")
		}
		tok = &eventsToken{}
		if err := decodeToken(t, tok); err != nil {
			return badRequest("Invalid page_token.")
		}
		if filter != "" && filter != tok.Filter {
			return badRequest("When providing a page token and a filter, the filter must match the filter represented by the page token")
		}
		filter = tok.Filter
	}
	asc := tok != nil && tok.Asc
	for _, o := range orderBy {
		switch strings.Join(strings.Fields(strings.ToLower(o)), " ") {
		case "timestamp asc":
			asc = true
		case "timestamp desc", "timestamp":
			asc = false
		default:
			return badRequest("Invalid order_by %q: use 'timestamp asc' or 'timestamp desc'.", o)
		}
	}
	f, err := parseEventFilter(filter)
	if filter == "" {
		f, err = eventFilter{}, nil
	}
	if err != nil {
		return badRequest("Invalid filter %q: %v", filter, err)
	}
	evs, err := srv.events(ctx, p, f, tok, asc, int(limit))
	if err != nil {
		return err
	}
	resp := struct {
		Events        []*event `json:"events"`
		NextPageToken string   `json:"next_page_token,omitempty"`
	}{Events: evs}
	if len(evs) > int(limit) {
		resp.Events = evs[:limit]
		resp.NextPageToken = encodeToken(eventsToken{After: resp.Events[limit-1].key(), Asc: asc, Filter: filter})
	}
	if resp.Events == nil {
		resp.Events = []*event{}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// events collects up to limit+1 events of a pipeline matching f, after the token's
// position, in the order asked. It synthesizes the events of as few updates as it can:
// updates are visited from the near end of the order and visiting stops once no event of
// the remaining updates can be among the first limit+1.
func (srv *Server) events(ctx context.Context, p pipeline, f eventFilter, tok *eventsToken, asc bool, limit int) ([]*event, error) {
	ups, err := srv.eventUpdates(ctx, p.id, f)
	if err != nil {
		return nil, err
	}
	// Visit order: by end descending (newest events first), or by start ascending.
	slices.SortFunc(ups, func(a, b pipeUpdate) int {
		if asc {
			return a.start.Compare(b.start)
		}
		return b.end.Compare(a.end)
	})
	var got []*event
	inOrder := func(a, b *event) int {
		ka, kb := a.key(), b.key()
		switch {
		case ka == kb:
			return 0
		case ka.less(kb) == asc:
			return -1
		}
		return 1
	}
	const batch = 16
	for i := 0; i < len(ups); i += batch {
		part := ups[i:min(i+batch, len(ups))]
		evs, err := srv.synthesize(ctx, p, part)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if !f.match(e) {
				continue
			}
			if tok != nil && !(asc && tok.After.less(e.key()) || !asc && e.key().less(tok.After)) {
				continue
			}
			got = append(got, e)
		}
		slices.SortFunc(got, inOrder)
		if len(got) > limit+1 {
			got = got[:limit+1]
		}
		if len(got) == limit+1 && i+batch < len(ups) {
			next, last := ups[i+batch], got[limit].at
			// Event times are whole milliseconds: compare with the next update's start
			// rounded down the same way.
			if (!asc && last.After(next.end)) || (asc && last.Before(next.start.Truncate(time.Millisecond))) {
				break
			}
		}
	}
	return got, nil
}

// eventUpdates lists the updates whose events the filter can select.
func (srv *Server) eventUpdates(ctx context.Context, pipelineID string, f eventFilter) ([]pipeUpdate, error) {
	ids, restricted := f.updateIDs()
	var ups []pipeUpdate
	if restricted {
		for _, id := range ids {
			u, err := srv.updates(ctx, updateQuery{pipelineID: pipelineID, updateID: id, limit: 1})
			if err != nil {
				return nil, err
			}
			ups = append(ups, u...)
		}
	} else {
		all, err := srv.updates(ctx, updateQuery{pipelineID: pipelineID, limit: 1 << 30})
		if err != nil {
			return nil, err
		}
		ups = all
	}
	from, to := f.bounds()
	now := srv.sim.Now()
	return slices.DeleteFunc(ups, func(u pipeUpdate) bool {
		end := u.end
		if u.active() || end.After(now) {
			end = now
		}
		return (!from.IsZero() && end.Before(from)) || (!to.IsZero() && u.start.After(to))
	}), nil
}

// flowRow is one row of sim_internal.flows with its expectation results.
type flowRow struct {
	updateID, flow, dataset, status string
	rows                            int64
	at                              time.Time
	expectations                    []map[string]any
	failed                          int64
	failedNames                     []string
}

// synthesize makes the events of updates, as far as they have happened by now.
func (srv *Server) synthesize(ctx context.Context, p pipeline, ups []pipeUpdate) ([]*event, error) {
	if len(ups) == 0 {
		return nil, nil
	}
	flows, err := srv.flows(ctx, p.id, ups)
	if err != nil {
		return nil, err
	}
	now := srv.sim.Now()
	var out []*event
	for _, u := range ups {
		end := u.end
		idx := int64(0)
		emit := func(at time.Time, typ, level, msg string, details map[string]any, origin eventOrigin) *event {
			if at.After(end) {
				at = end
			}
			idx++
			if at.After(now) {
				return nil
			}
			origin.PipelineID, origin.PipelineName, origin.UpdateID = p.id, p.name, u.updateID
			origin.Cloud, origin.Region = "AWS", "us-west-2"
			e := &event{
				ID: uuidOf("event", p.id, u.updateID, idx), EventType: typ, Level: level, MaturityLevel: "STABLE",
				Message: msg, Timestamp: rfc3339ms(at), Origin: origin,
				Sequence: eventSequence{u.start.UnixMilli()*1000 + idx}, Details: details, at: at.Truncate(time.Millisecond),
			}
			out = append(out, e)
			return e
		}
		short := u.updateID
		if len(short) > 6 {
			short = short[:6]
		}
		progress := func(at time.Time, state string) *event {
			return emit(at, "update_progress", "INFO", fmt.Sprintf("Update %s is %s.", short, state),
				map[string]any{"update_progress": map[string]any{"state": state}}, eventOrigin{})
		}
		cause := updateCause(u.trigger)
		emit(u.start, "create_update", "INFO", fmt.Sprintf("Update %s started by %s.", short, cause),
			map[string]any{"create_update": map[string]any{"cause": cause, "full_refresh": u.updateType == "FULL_REFRESH", "validate_only": u.updateType == "VALIDATE"}}, eventOrigin{})
		progress(u.start.Add(time.Second), "INITIALIZING")
		running := u.runningAt()
		progress(running, "RUNNING")
		var failed []flowRow
		for _, fl := range flows[u.updateID] {
			at := fl.at
			if at.Before(running) {
				at = running
			}
			level := "INFO"
			if fl.status == "FAILED" {
				level = "ERROR"
			}
			fp := map[string]any{"status": fl.status, "metrics": map[string]any{"num_output_rows": fl.rows}}
			if len(fl.expectations) > 0 {
				fp["data_quality"] = map[string]any{"dropped_records": fl.failed, "expectations": fl.expectations}
			}
			emit(at, "flow_progress", level, fmt.Sprintf("Flow '%s' has %s.", fl.flow, fl.status),
				map[string]any{"flow_progress": fp}, eventOrigin{FlowName: fl.flow, DatasetName: fl.dataset, FlowID: uuidOf("flow", p.id, fl.flow)})
			if fl.failed > 0 {
				failed = append(failed, fl)
			}
		}
		if u.active() {
			continue
		}
		final := progress(end, u.result)
		if final != nil && u.result == "FAILED" {
			final.Level = "ERROR"
			ex := eventException{
				ClassName: "org.apache.spark.SparkException",
				Message:   "Job aborted due to stage failure: Task 3 in stage 12.0 failed 4 times, most recent failure: Lost task 3.3 (executor 2): java.lang.OutOfMemoryError: GC overhead limit exceeded",
			}
			if len(failed) > 0 {
				ex = eventException{
					ClassName: "com.databricks.pipelines.common.errors.DLTSparkException",
					Message: fmt.Sprintf("[EXPECTATIONS_VIOLATION] Flow '%s' failed to meet the expectation. Violated expectations: '%s'.",
						failed[0].flow, strings.Join(failed[0].failedNames, "', '")),
				}
			}
			final.Error = &eventError{Fatal: true, Exceptions: []eventException{ex}}
		}
	}
	return out, nil
}

// flows reads the flows of updates of a pipeline with their expectation results, by update
// id: those of recent updates from the workspace's kept flows (recentFlows), others apart.
// The answer is shared: callers must not modify it.
func (srv *Server) flows(ctx context.Context, pipelineID string, ups []pipeUpdate) (map[string][]flowRow, error) {
	if !earliestStart(ups).Before(srv.sim.Now().Add(-recentFlowsFor)) {
		rf, err := srv.recentFlows(ctx)
		if err != nil {
			return nil, err
		}
		if m, ok := rf.of(pipelineID, ups); ok {
			return m, nil
		}
	}
	ids := make([]string, len(ups))
	for i, u := range ups {
		ids[i] = u.updateID
	}
	return cached(srv.sim, memoKey("flows", srv.wsid, pipelineID, ids), func() (map[string][]flowRow, error) {
		return srv.readFlows(ctx, pipelineID, ups)
	})
}

// flowsOf reads flows stamped at or after a time with their expectation results (stamped
// so too), in the order events show them; each %s adds conditions to the expectation
// results' scan and the flows'.
const flowsOf = `
SELECT f.pipeline_id, f.update_id, COALESCE(f.flow_name, ''), COALESCE(f.dataset, ''), COALESCE(f.status, 'COMPLETED'),
       COALESCE(f.num_output_rows, 0), f.event_time,
       COALESCE(e.expectation, ''), COALESCE(e.passed_records, 0), COALESCE(e.failed_records, 0)
FROM sim.sim_internal.flows f
LEFT JOIN (
  SELECT workspace_id, pipeline_id, update_id, dataset, expectation, passed_records, failed_records
  FROM sim.release_cockpit.expectation_results
  WHERE workspace_id = ? AND event_time >= ?%s
) e ON e.workspace_id = f.workspace_id AND e.pipeline_id = f.pipeline_id AND e.update_id = f.update_id AND e.dataset = f.dataset
WHERE f.workspace_id = ? AND f.event_time >= ?%s
ORDER BY f.pipeline_id, f.update_id, f.event_time, f.flow_name, f.dataset, e.expectation`

func (srv *Server) readFlows(ctx context.Context, pipelineID string, ups []pipeUpdate) (map[string][]flowRow, error) {
	// An update's flows and expectation results are written when it ends, stamped with its
	// end: none is older than the earliest start among ups, and a scan bounded by it skips
	// the history before it.
	from := earliestStart(ups)
	keys := []any{srv.wsid, from, pipelineID}
	for _, u := range ups {
		keys = append(keys, u.updateID)
	}
	in := placeholders(len(ups))
	stmt := fmt.Sprintf(flowsOf, " AND pipeline_id = ? AND update_id IN ("+in+")", " AND f.pipeline_id = ? AND f.update_id IN ("+in+")")
	m, err := srv.scanFlows(ctx, stmt, append(keys, keys...))
	if err != nil {
		return nil, fmt.Errorf("reading the flows of pipeline %s: %w", pipelineID, err)
	}
	out := make(map[string][]flowRow, len(m))
	for k, list := range m {
		out[k.updateID] = list
	}
	return out, nil
}

// scanFlows runs a statement of flowsOf and folds each flow's expectation results into it.
func (srv *Server) scanFlows(ctx context.Context, stmt string, args []any) (map[flowKey][]flowRow, error) {
	rows, err := srv.sim.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[flowKey][]flowRow{}
	var k flowKey
	var list []flowRow
	for rows.Next() {
		var fl flowRow
		var pipelineID, exp string
		var passed, failed int64
		if err := rows.Scan(&pipelineID, &fl.updateID, &fl.flow, &fl.dataset, &fl.status, &fl.rows, &fl.at, &exp, &passed, &failed); err != nil {
			return nil, err
		}
		fl.at = fl.at.UTC()
		if next := (flowKey{pipelineID, fl.updateID}); next != k {
			if list != nil {
				out[k] = list
			}
			k, list = next, out[next]
		}
		if n := len(list); n > 0 && list[n-1].flow == fl.flow && list[n-1].dataset == fl.dataset && list[n-1].at.Equal(fl.at) {
			fl = list[n-1]
			list = list[:n-1]
		}
		if exp != "" {
			fl.expectations = append(fl.expectations, map[string]any{"name": exp, "dataset": fl.dataset, "passed_records": passed, "failed_records": failed})
			fl.failed += failed
			if failed > 0 {
				fl.failedNames = append(fl.failedNames, exp)
			}
		}
		list = append(list, fl)
	}
	if list != nil {
		out[k] = list
	}
	return out, rows.Err()
}
