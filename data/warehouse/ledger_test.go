package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// scratch is an environment of its own in the shared estate, so the events tests append
// change nothing other tests look at.
var scratch = Env{Name: "warehouse_test", WorkspaceID: sim.WorkspaceID("dev")}

func event(id, bundle, version, kind string, at time.Time) model.LedgerEvent {
	return model.LedgerEvent{
		EventID: id, ReleaseID: model.ReleaseID(bundle, version), Bundle: bundle, Version: version,
		GitSHA: "abc123", Environment: scratch.Name, Kind: model.EventKind(kind), Status: kind,
		Actor: "test@example.com", At: at,
	}
}

func countRows(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAppendEventsTwiceLeavesOneRow(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	e := event("wt-append-1", "wt_append", "1", "approved", now.Add(-time.Hour))
	e.RunID, e.Details, e.Ticket = 42, `{"note":"it's \"quoted\""}`, "CHG-1"
	for i := 0; i < 2; i++ {
		if err := s.AppendEvents(ctx, e, e); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM sim.release_cockpit.release_events WHERE event_id = ?`, e.EventID); n != 1 {
		t.Errorf("%d rows for one event id, want 1", n)
	}
	got, err := s.DeploymentEvents(ctx, scratch, model.Deployment{Release: model.Release{Bundle: "wt_append", Version: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	e.At = e.At.UTC()
	if len(got) != 1 || !reflect.DeepEqual(got[0], e) {
		t.Errorf("read back %+v, want %+v", got, e)
	}
	r := model.ReleaseResource{ReleaseID: e.ReleaseID, Environment: scratch.Name, ResourceType: "job", ResourceKey: "k", ResourceID: "1", Name: "n"}
	for i := 0; i < 2; i++ {
		if err := s.AppendResources(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM sim.release_cockpit.release_resources WHERE release_id = ?`, r.ReleaseID); n != 1 {
		t.Errorf("%d resource rows, want 1", n)
	}
	bad := []model.LedgerEvent{{}, event("", "b", "1", "approved", now), event("x", "b", "1", "", now), event("x", "b", "1", "approved", time.Time{})}
	withBadJSON := event("wt-bad-json", "b", "1", "check", now)
	withBadJSON.Details = "{not json"
	bad = append(bad, withBadJSON)
	for _, b := range bad {
		if err := s.AppendEvents(ctx, b); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("event %+v: err %v, want ErrInvalidInput", b, err)
		}
	}
	if err := s.AppendResources(ctx, model.ReleaseResource{ReleaseID: "b@1", Environment: "x", ResourceType: "cluster", ResourceKey: "k", ResourceID: "1"}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("resource of type cluster: err %v, want ErrInvalidInput", err)
	}
}

// Deployments written through the package read back with the window rule, deduplication
// on event_id, and the tags derived from pin, unpin and veto events.
func TestLedgerEventsDriveWindowsAndTags(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	t0 := now.Add(-3 * time.Hour)
	evs := []model.LedgerEvent{
		event("wt-dep-1", "wt_tags", "1", "deploy_succeeded", t0),
		event("wt-dep-2", "wt_tags", "2", "deploy_succeeded", t0.Add(time.Hour)),
		event("wt-pin", "wt_tags", "2", "pinned", t0.Add(61*time.Minute)),
		event("wt-veto", "wt_tags", "1", "vetoed", t0.Add(30*time.Minute)),
		// Two deployments at the same instant: the one with the smaller id gets an empty window.
		event("wt-tie-b", "wt_tie", "1", "deploy_succeeded", t0),
		event("wt-tie-a", "wt_tie", "2", "deploy_succeeded", t0),
		event("wt-check", "wt_tags", "2", "check", t0.Add(90*time.Minute)),
	}
	evs[3].Environment = "staging" // a veto counts wherever it was recorded
	evs[6].Status, evs[6].Details = "fail", `{"name":"sla","phase":"post","observed":71,"threshold":"p95 ≤ 20m"}`
	if err := s.AppendEvents(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	// A writer that retried without the NOT EXISTS guard: readers must still see one deployment.
	if _, err := s.db.Exec(`INSERT INTO sim.release_cockpit.release_events SELECT * FROM sim.release_cockpit.release_events WHERE event_id = 'wt-dep-2'`); err != nil {
		t.Fatal(err)
	}
	ds := allDeployments(t, s, scratch, DeploymentQuery{Limit: 2})
	if len(ds) != 4 {
		t.Fatalf("%d deployments, want 4: %+v", len(ds), ds)
	}
	ls := make([]model.Landing, len(ds))
	byID := map[string]model.Deployment{}
	for i, d := range ds {
		ls[i] = model.Landing{Bundle: d.Release.Bundle, Environment: d.Environment, At: d.DeployedAt, ID: d.ID}
		byID[d.ID] = d
	}
	for i, w := range model.Windows(ls) {
		if ds[i].Window != w {
			t.Errorf("%s: window %+v, model %+v", ds[i].ID, ds[i].Window, w)
		}
	}
	if w := byID["wt-tie-a"].Window; !w.End.Equal(w.Start) {
		t.Errorf("the earlier of two simultaneous deployments should have an empty window: %+v", w)
	}
	tags := func(id string) []string { return byID[id].Tags }
	if got := tags("wt-dep-2"); !reflect.DeepEqual(got, []string{model.TagCurrent, model.TagPinned}) {
		t.Errorf("pinned current deployment tags %v", got)
	}
	if got := tags("wt-dep-1"); !reflect.DeepEqual(got, []string{model.TagVetoed}) {
		t.Errorf("vetoed older deployment tags %v", got)
	}
	if c := byID["wt-dep-2"].Checks; c.Fail != 1 || c.Total() != 1 {
		t.Errorf("checks of wt_tags@2: %+v", c)
	}
	checks, err := s.DeploymentChecks(ctx, scratch, byID["wt-dep-2"])
	if err != nil {
		t.Fatal(err)
	}
	want := model.Check{Name: "sla", Phase: model.PhasePost, Outcome: model.OutcomeFail, Observed: "71", Threshold: "p95 ≤ 20m", At: t0.Add(90 * time.Minute), EventID: "wt-check"}
	if len(checks) != 1 || checks[0] != want {
		t.Errorf("checks %+v, want %+v", checks, want)
	}

	if err := s.AppendEvents(ctx, event("wt-unpin", "wt_tags", "2", "unpinned", t0.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	cur, err := s.GetDeployment(ctx, scratch, "wt_tags@2")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cur.Tags, []string{model.TagCurrent}) {
		t.Errorf("after unpinning, tags %v", cur.Tags)
	}
}

// The DuckDB DDL creates, on an empty database, the ledger the simulation has; running it
// twice is harmless, and the store reads and writes the new ledger.
func TestLedgerDDLCreatesTheSimulationsLedger(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ATTACH ':memory:' AS fresh`); err != nil {
		t.Fatal(err)
	}
	// The run and update timelines, empty, with the columns the statements read.
	for _, stmt := range []string{
		`CREATE SCHEMA fresh.lakeflow`,
		`CREATE TABLE fresh.lakeflow.job_run_timeline (workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR,
			run_name VARCHAR, period_start_time TIMESTAMP, period_end_time TIMESTAMP, result_state VARCHAR,
			termination_code VARCHAR)`,
		`CREATE TABLE fresh.lakeflow.pipeline_update_timeline (workspace_id VARCHAR, pipeline_id VARCHAR,
			update_id VARCHAR, update_type VARCHAR, trigger_type VARCHAR, period_start_time TIMESTAMP,
			period_end_time TIMESTAMP, result_state VARCHAR)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	tables, err := DefaultTables().Overrides(map[string]string{
		"job_run_timeline":         "fresh.lakeflow.job_run_timeline",
		"pipeline_update_timeline": "fresh.lakeflow.pipeline_update_timeline",
		"ledger":                   "fresh.release_cockpit",
	})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := NewStore(db, tables, DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := fresh.InitLedger(ctx); err != nil {
			t.Fatal(err)
		}
	}
	columns := func(db *sql.DB, catalog string) string {
		rows, err := db.Query(`SELECT table_name, column_name, data_type FROM information_schema.columns
			WHERE table_catalog = ? AND table_schema = 'release_cockpit' ORDER BY table_name, ordinal_position`, catalog)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out string
		for rows.Next() {
			var table, column, typ string
			if err := rows.Scan(&table, &column, &typ); err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s.%s %s\n", table, column, typ)
		}
		return out
	}
	if got, want := columns(db, "fresh"), columns(s.db, "sim"); got != want || got == "" {
		t.Errorf("ledger DDL columns:\n%s\nsimulation's ledger:\n%s", got, want)
	}
	e := event("fresh-1", "fresh", "1", "deploy_succeeded", now)
	e.Environment = prod.Name
	if err := fresh.AppendEvents(ctx, e); err != nil {
		t.Fatal(err)
	}
	d, err := fresh.GetDeployment(ctx, prod, "fresh@1")
	if err != nil || d.ID != "fresh-1" || !d.Current || d.Health.BaselineRatio != -1 || d.Health.HasData() {
		t.Errorf("deployment on the fresh ledger: %+v, %v", d, err)
	}
}

// TestMalformedLedgerRowsAreLeftOutAndCounted: deploy_succeeded rows without a release id,
// bundle or time, written by some other tool, neither fail the list nor cut the windows of
// the good deployments; they are counted with their event ids. A check whose details are not
// JSON keeps its status.
func TestMalformedLedgerRowsAreLeftOutAndCounted(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	env := Env{Name: "warehouse_malformed", WorkspaceID: sim.WorkspaceID("dev")}
	t0 := now.Add(-6 * time.Hour)
	good := []model.LedgerEvent{event("wm-1", "wm_orders", "1", "deploy_succeeded", t0), event("wm-2", "wm_orders", "2", "deploy_succeeded", t0.Add(2*time.Hour))}
	for i := range good {
		good[i].Environment = env.Name
	}
	if err := s.AppendEvents(ctx, good...); err != nil {
		t.Fatal(err)
	}
	before := allDeployments(t, s, env, DeploymentQuery{})
	insert := `INSERT INTO sim.release_cockpit.release_events (event_id, release_id, bundle, version, environment, kind, status, "at", details)
VALUES (?, ?, ?, ?, 'warehouse_malformed', ?, ?, CAST(? AS TIMESTAMP), ?)`
	at := ts(t0.Add(time.Hour))
	for _, r := range [][]any{
		{"wm-bad-release", nil, "wm_orders", nil, "deploy_succeeded", "succeeded", at, nil},
		{"wm-bad-bundle", "wm_orders@9", nil, "9", "deploy_succeeded", "succeeded", at, nil},
		{"wm-bad-time", "wm_orders@8", "wm_orders", "8", "deploy_succeeded", "succeeded", nil, nil},
		{nil, "wm_orders@7", "wm_orders", "7", "deploy_succeeded", "succeeded", at, nil},
		{"wm-bad-check", "wm_orders@2", "wm_orders", "2", "check", "fail", ts(t0.Add(3 * time.Hour)), "{not json"},
	} {
		if _, err := s.db.ExecContext(ctx, insert, r...); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListDeployments(ctx, env, DeploymentQuery{})
	if err != nil {
		t.Fatalf("one malformed row fails the whole list: %v", err)
	}
	after := page.Deployments
	if len(after) != len(before) || len(after) != 2 {
		t.Fatalf("%d deployments with the malformed rows, %d without", len(after), len(before))
	}
	for i := range after {
		b := before[i]
		b.Checks = after[i].Checks
		if !reflect.DeepEqual(after[i], b) {
			t.Errorf("good deployment changed by the malformed rows:\n got %+v\nwant %+v", after[i], b)
		}
	}
	sk := page.Skipped
	want := map[string]int{model.SkipNoReleaseID: 1, model.SkipNoBundle: 1, model.SkipNoTime: 1, model.SkipNoEventID: 1}
	if !reflect.DeepEqual(sk.ByReason, want) {
		t.Errorf("skipped %v, want %v", sk.ByReason, want)
	}
	if ids := fmt.Sprint(sk.EventIDs); ids != "[wm-bad-bundle wm-bad-release wm-bad-time]" {
		t.Errorf("offending event ids %s", ids)
	}
	if c := after[0].Checks; c.Fail != 1 {
		t.Errorf("the check with unreadable details is not counted: %+v", c)
	}
	checks, err := s.DeploymentChecks(ctx, env, after[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 1 || !checks[0].DetailsUnreadable || checks[0].Outcome != model.OutcomeFail {
		t.Errorf("checks %+v: want the failed check, details unreadable", checks)
	}
}

// A release's checks belong to its deployment up to the release's own next deployment in
// the environment, not only inside the bundle's window: a post-deploy check that reports at
// the instant (or after) another release of the bundle lands is still counted, by the list
// and by the deployment's Checks; a redeploy of the same release takes the checks after it.
func TestChecksBelongToTheReleaseUpToItsOwnNextDeployment(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	t0 := now.Add(-3 * time.Hour)
	check := func(id, version, status string, at time.Time) model.LedgerEvent {
		e := event(id, "wt_edge", version, "check", at)
		e.Status, e.Details = status, `{"name":"`+id+`","phase":"post"}`
		return e
	}
	evs := []model.LedgerEvent{
		event("edge-1", "wt_edge", "1", "deploy_succeeded", t0),
		event("edge-2", "wt_edge", "2", "deploy_succeeded", t0.Add(10*time.Minute)),
		check("at-next", "1", "fail", t0.Add(10*time.Minute)),    // at the instant 2 lands
		check("after-next", "1", "fail", t0.Add(15*time.Minute)), // after it
		event("edge-1-again", "wt_edge", "1", "deploy_succeeded", t0.Add(30*time.Minute)),
		check("after-redeploy", "1", "pass", t0.Add(40*time.Minute)),
	}
	if err := s.AppendEvents(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	byID := map[string]model.Deployment{}
	for _, d := range allDeployments(t, s, scratch, DeploymentQuery{Bundle: "wt_edge", Limit: 10}) {
		byID[d.ID] = d
	}
	first, again := byID["edge-1"], byID["edge-1-again"]
	if c := first.Checks; c.Fail != 2 || c.Total() != 2 {
		t.Errorf("the list counts %+v for the first deployment of wt_edge@1, want the 2 failed checks reported before its redeploy", c)
	}
	if c := again.Checks; c.Pass != 1 || c.Total() != 1 {
		t.Errorf("the list counts %+v for the redeploy, want the 1 check after it", c)
	}
	checks, err := s.DeploymentChecks(ctx, scratch, first)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range checks {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "at-next,after-next" {
		t.Errorf("the Checks of the first deployment: %v, want at-next,after-next", names)
	}
}

// The home's slow refresh asks the ledger for a fingerprint and re-lists only when it
// moved: it must move when anything is recorded in the environment from the instant on,
// and only then.
func TestLedgerFingerprintMovesWhenSomethingIsRecorded(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	const env = "fingerprint"
	since := now.Add(-time.Hour)
	at := func(id string, when time.Time) model.LedgerEvent {
		e := event(id, "fp_bundle", "1", "pinned", when)
		e.Environment = env
		return e
	}
	fp := func() string {
		t.Helper()
		f, err := s.LedgerFingerprint(ctx, env, since)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	before := fp()
	if again := fp(); again != before {
		t.Fatalf("nothing recorded, yet the fingerprint moved: %q then %q", before, again)
	}
	if err := s.AppendEvents(ctx, at("fp-new", now.Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	after := fp()
	if after == before {
		t.Fatalf("an event was recorded, yet the fingerprint stayed %q", after)
	}
	if err := s.AppendEvents(ctx, at("fp-old", since.Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	if got := fp(); got != after {
		t.Errorf("an event before the instant moved the fingerprint: %q then %q", after, got)
	}
	if _, err := s.LedgerFingerprint(ctx, "", since); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("an empty environment: %v, want invalid input", err)
	}
}
