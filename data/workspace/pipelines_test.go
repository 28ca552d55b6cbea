package workspace_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/client"

	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

func TestPipelinesListsEveryPipelineWithItsNewestUpdate(t *testing.T) {
	c := clientAs(t, oncallToken)
	ps, err := c.Pipelines(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	newest := map[string]string{}
	for _, r := range query(t, func(scan func(...any) error) ([2]string, error) {
		var r [2]string
		return r, scan(&r[0], &r[1])
	}, `SELECT pipeline_id, update_id FROM (
  SELECT pipeline_id, update_id, MIN(period_start_time) AS s FROM sim.lakeflow.pipeline_update_timeline
  WHERE workspace_id = ? GROUP BY ALL
  UNION ALL
  SELECT object_id, run_id, start_time FROM sim.sim_internal.in_flight WHERE workspace_id = ? AND kind = 'pipeline' AND start_time <= ?
) QUALIFY ROW_NUMBER() OVER (PARTITION BY pipeline_id ORDER BY epoch_ms(s) DESC, update_id DESC) = 1`, prodWS, prodWS, fixedNow) {
		newest[r[0]] = r[1]
	}
	running := map[string]bool{}
	for _, id := range query(t, func(scan func(...any) error) (string, error) {
		var id string
		return id, scan(&id)
	}, `SELECT object_id FROM sim.sim_internal.in_flight WHERE workspace_id = ? AND kind = 'pipeline' AND start_time <= ? AND planned_end > ?`, prodWS, fixedNow, fixedNow) {
		running[id] = true
	}
	live := query(t, func(scan func(...any) error) (int, error) {
		var n int
		return n, scan(&n)
	}, `SELECT count(*) FROM (SELECT * FROM sim.lakeflow.pipelines WHERE workspace_id = ?
  QUALIFY ROW_NUMBER() OVER (PARTITION BY pipeline_id ORDER BY change_time DESC) = 1) WHERE delete_time IS NULL`, prodWS)[0]
	if len(ps) != live {
		t.Fatalf("%d pipelines listed, the workspace has %d", len(ps), live)
	}
	if len(running) == 0 {
		t.Fatal("no pipeline update in flight in the estate; the test needs one")
	}
	for _, p := range ps {
		if newest[p.ID] == "" { // never run (the incident's backfill pipeline, new with its release)
			if len(p.LatestUpdates) != 0 {
				t.Errorf("pipeline %s was never run, yet lists updates %+v", p.Name, p.LatestUpdates)
			}
			continue
		}
		if len(p.LatestUpdates) == 0 || p.LatestUpdates[0].ID != newest[p.ID] {
			t.Errorf("pipeline %s: latest updates %+v, newest is %s", p.Name, p.LatestUpdates, newest[p.ID])
			continue
		}
		if (p.State == "RUNNING") != running[p.ID] {
			t.Errorf("pipeline %s is %s; an update in flight: %v", p.Name, p.State, running[p.ID])
		}
		if p.LatestUpdates[0].Created.IsZero() || p.LatestUpdates[0].Created.After(fixedNow) {
			t.Errorf("pipeline %s: newest update created at %v", p.Name, p.LatestUpdates[0].Created)
		}
	}
}

func TestUpdatesListsAPipelinesUpdatesNewestFirst(t *testing.T) {
	c := clientAs(t, oncallToken)
	pid := incidentPipeline(t)
	ups, err := c.Updates(ctx(t), pid, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := query(t, func(scan func(...any) error) ([2]string, error) {
		var r [2]string
		return r, scan(&r[0], &r[1])
	}, `SELECT update_id, state FROM (
  SELECT update_id, MIN(period_start_time) AS s,
         MAX_BY(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS state
  FROM sim.lakeflow.pipeline_update_timeline WHERE workspace_id = ? AND pipeline_id = ? GROUP BY ALL
  UNION ALL
  SELECT run_id, start_time, CASE WHEN planned_end <= ? THEN json_extract_string(payload, '$.result_state') END
  FROM sim.sim_internal.in_flight WHERE workspace_id = ? AND kind = 'pipeline' AND object_id = ? AND start_time <= ?
) ORDER BY epoch_ms(s) DESC, update_id DESC LIMIT 10`, prodWS, pid, fixedNow, prodWS, pid, fixedNow)
	if len(ups) != len(want) || len(ups) != 10 {
		t.Fatalf("%d updates, want %d (10)", len(ups), len(want))
	}
	for i, u := range ups {
		if u.ID != want[i][0] || u.SystemResultState() != want[i][1] {
			t.Errorf("update %d: %s %s (%s), want %s %s", i, u.ID, u.State, u.SystemResultState(), want[i][0], want[i][1])
		}
		if i > 0 && u.Created.After(ups[i-1].Created) {
			t.Errorf("update %s was created after the update before it", u.ID)
		}
		if u.PipelineID != pid || u.Cause == "" {
			t.Errorf("update %s: pipeline %s cause %q", u.ID, u.PipelineID, u.Cause)
		}
	}
	if _, err := c.Updates(ctx(t), pid, 101); !errors.Is(err, workspace.ErrInvalidInput) {
		t.Errorf("101 updates: got %v, want ErrInvalidInput", err)
	}
}

func TestUpdateEventsCarryTheIncidentsFailingExpectation(t *testing.T) {
	c := clientAs(t, oncallToken)
	// The incident: in the last hour, the expectation of the incident bundle's pipeline with
	// the worst failure ratio.
	type result struct {
		pipeline, update, dataset, expectation string
		passed, failed                         int64
	}
	rs := query(t, func(scan func(...any) error) (result, error) {
		var r result
		return r, scan(&r.pipeline, &r.update, &r.dataset, &r.expectation, &r.passed, &r.failed)
	}, `SELECT pipeline_id, update_id, dataset, expectation, passed_records, failed_records
FROM sim.release_cockpit.expectation_results
WHERE workspace_id = ? AND event_time >= ? AND pipeline_id = ?
ORDER BY failed_records / (passed_records + failed_records) DESC LIMIT 1`, prodWS, fixedNow.Add(-time.Hour), incidentPipeline(t))
	if len(rs) == 0 {
		t.Fatal("the estate has no incident update")
	}
	want := rs[0]
	events, err := c.UpdateEvents(ctx(t), want.pipeline, want.update)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) < 4 || events[0].EventType != "create_update" || events[len(events)-1].UpdateState != "COMPLETED" {
		t.Fatalf("events oldest first should run from create_update to COMPLETED: %+v", events)
	}
	for i, e := range events {
		if e.UpdateID != want.update || e.PipelineID != want.pipeline {
			t.Errorf("event %s belongs to update %s", e.ID, e.UpdateID)
		}
		if i > 0 && e.Timestamp.Before(events[i-1].Timestamp) {
			t.Errorf("event %s is older than the event before it", e.ID)
		}
	}
	var got *model.ExpectationResult
	for _, x := range workspace.Expectations(events) {
		if x.Dataset == want.dataset && x.Expectation == want.expectation {
			got = &x
		}
	}
	if got == nil || got.PassedRecords != want.passed || got.FailedRecords != want.failed || got.UpdateID != want.update {
		t.Fatalf("expectation %s on %s: got %+v, want %d passed, %d failed", want.expectation, want.dataset, got, want.passed, want.failed)
	}
	if got.FailureRatio() < 0.1 {
		t.Errorf("the incident's failure ratio is %.3f; the story has it jump to about 18%%", got.FailureRatio())
	}

	flows, err := c.UpdateEvents(ctx(t), want.pipeline, want.update, "flow_progress")
	if err != nil {
		t.Fatal(err)
	}
	type flow struct {
		name string
		rows int64
	}
	wantFlows := query(t, func(scan func(...any) error) (flow, error) {
		var f flow
		return f, scan(&f.name, &f.rows)
	}, `SELECT flow_name, num_output_rows FROM sim.sim_internal.flows WHERE workspace_id = ? AND update_id = ? ORDER BY event_time`, prodWS, want.update)
	if len(flows) != len(wantFlows) || len(flows) == 0 {
		t.Fatalf("%d flow_progress events, %d flows", len(flows), len(wantFlows))
	}
	for i, e := range flows {
		if e.EventType != "flow_progress" || e.FlowName != wantFlows[i].name || !e.HasMetrics || e.NumOutputRows != wantFlows[i].rows {
			t.Errorf("flow event %d: %s %s rows %d (metrics %v), want %s rows %d", i, e.EventType, e.FlowName, e.NumOutputRows, e.HasMetrics, wantFlows[i].name, wantFlows[i].rows)
		}
	}
}

func TestUpdateEventsFollowPagesWithTheSameFilter(t *testing.T) {
	c := clientAs(t, oncallToken)
	pid := incidentPipeline(t)
	ups, err := c.Updates(ctx(t), pid, 5)
	if err != nil {
		t.Fatal(err)
	}
	var done workspace.Update
	for _, u := range ups {
		if !u.Active() {
			done = u
			break
		}
	}
	onePage, err := c.UpdateEvents(ctx(t), pid, done.ID)
	if err != nil {
		t.Fatal(err)
	}
	restore := workspace.SetEventsPageSize(2)
	defer restore()
	paged, err := c.UpdateEvents(ctx(t), pid, done.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(onePage) < 5 || len(paged) != len(onePage) {
		t.Fatalf("%d events in pages of 2, %d in one page", len(paged), len(onePage))
	}
	for i := range paged {
		if paged[i].ID != onePage[i].ID {
			t.Errorf("event %d: %s in pages of 2, %s in one page", i, paged[i].ID, onePage[i].ID)
		}
	}
}

func TestTheEventsAPIRefusesEventTypeFiltersSoWeFilterOurselves(t *testing.T) {
	c := clientAs(t, oncallToken)
	raw, err := client.New(c.Config())
	if err != nil {
		t.Fatal(err)
	}
	var resp map[string]any
	err = raw.Do(ctx(t), http.MethodGet, "/api/2.0/pipelines/"+incidentPipeline(t)+"/events", nil,
		map[string]any{"filter": "event_type = 'flow_progress'"}, nil, &resp)
	if !errors.Is(err, apierr.ErrInvalidParameterValue) {
		t.Errorf("an event_type filter got %v, want 400 INVALID_PARAMETER_VALUE", err)
	}
}

func TestUpdateEventsRefuseIdsThatWouldChangeTheFilter(t *testing.T) {
	c := clientAs(t, oncallToken)
	for _, id := range []string{"x' OR level = 'ERROR", "", "a b"} {
		if _, err := c.UpdateEvents(ctx(t), incidentPipeline(t), id); !errors.Is(err, workspace.ErrInvalidInput) {
			t.Errorf("update id %q: got %v, want ErrInvalidInput", id, err)
		}
	}
	if _, err := c.UpdateEvents(ctx(t), "../jobs/list", "abc"); !errors.Is(err, workspace.ErrInvalidInput) {
		t.Errorf("pipeline id with a path: got %v, want ErrInvalidInput", err)
	}
}

func TestEventsOfAFailedUpdateCarryItsException(t *testing.T) {
	c := clientAs(t, oncallToken)
	failed := [][2]string{newestFailedUpdate(t)}
	events, err := c.UpdateEvents(ctx(t), failed[0][0], failed[0][1])
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(events, func(e workspace.PipelineEvent) bool { return e.Level == "ERROR" && len(e.Exceptions) > 0 })
	if i < 0 || events[len(events)-1].UpdateState != "FAILED" || !events[i].Fatal || events[i].Exceptions[0].Message == "" {
		t.Errorf("events of failed update %s: %+v", failed[0][1], events)
	}
}

// newestFailedUpdate is prod's newest failed pipeline update: its pipeline and update ids.
func newestFailedUpdate(t *testing.T) [2]string {
	t.Helper()
	failed := query(t, func(scan func(...any) error) ([2]string, error) {
		var r [2]string
		return r, scan(&r[0], &r[1])
	}, `SELECT pipeline_id, update_id FROM sim.lakeflow.pipeline_update_timeline
WHERE workspace_id = ? AND result_state = 'FAILED' ORDER BY period_end_time DESC LIMIT 1`, prodWS)
	if len(failed) == 0 {
		t.Fatal("no failed pipeline update in prod")
	}
	return failed[0]
}

// incidentPipeline is the prod pipeline of the incident's bundle.
func incidentPipeline(t *testing.T) string {
	t.Helper()
	ids := query(t, func(scan func(...any) error) (string, error) {
		var id string
		return id, scan(&id)
	}, `SELECT DISTINCT pipeline_id FROM sim.lakeflow.pipelines WHERE workspace_id = ? AND name = 'prod-ecommerce-orders-dlt'`, prodWS)
	if len(ids) != 1 {
		t.Fatalf("%d prod pipelines named prod-ecommerce-orders-dlt", len(ids))
	}
	return ids[0]
}
