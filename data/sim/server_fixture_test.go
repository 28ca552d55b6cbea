package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// The server tests run against a small hand-made estate rather than a generated one, so
// that every count and state they assert is visible here.

var fixtureNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const (
	fxWS        = "7064161269292651" // prod
	fxOtherWS   = "6051921418418893" // dev and staging
	fxJob       = "1000000000101"
	fxDeployer  = "1000000000102"
	fxDeleted   = "1000000000103"
	fxDevJob    = "1000000000201"
	fxP1        = "0a1b2c3d-0000-4000-8000-000000000001" // prod-orders-dlt
	fxP2        = "0a1b2c3d-0000-4000-8000-000000000002" // prod-clicks-dlt
	fxP3        = "0a1b2c3d-0000-4000-8000-000000000003" // deleted
	fxU1        = "11111111-0000-4000-8000-000000000001" // completed, two slices
	fxU2        = "11111111-0000-4000-8000-000000000002" // failed on valid_client_id
	fxU3        = "11111111-0000-4000-8000-000000000003" // in flight
	fxMetaPath  = "/Workspace/Users/7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13/.bundle/ecommerce_orders/prod/state/metadata.json"
	fxMeta      = `{"version":1,"config":{"bundle":{"name":"ecommerce_orders","target":"prod","mode":"production","git":{"commit":"abc123","branch":"main","origin_url":"https://git.example.com/ecommerce.git"}},"resources":{"jobs":{"ecommerce_orders_refresh_job":{"id":"1000000000101"}},"pipelines":{"ecommerce_orders_dlt":{"id":"0a1b2c3d-0000-4000-8000-000000000001"}}}}}`
	fxHourly    = 30 // completed hourly runs of fxJob
	fxP2Updates = 40 // hourly updates of fxP2
)

// fxRunID is the run id of the i-th hourly run (i hours before now, plus 7 minutes).
func fxRunID(i int) string {
	return fmt.Sprint(fixtureNow.Add(-time.Duration(i)*time.Hour).Unix()/60*1000 + 1)
}

// fxLongRun started 40 h ago, ran in three hourly slices and failed with a driver error.
var fxLongRun = fmt.Sprint(fixtureNow.Add(-40*time.Hour).Unix()/60*1000 + 2)

const (
	fxActiveRun   = "29712345001" // in flight, running
	fxFinishedRun = "29712345002" // in flight, past its planned end (FAILED)
)

type fixture struct {
	sim *Sim
	srv *Server
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "ATTACH ':memory:' AS "+Catalog); err != nil {
		t.Fatal(err)
	}
	if err := createSchema(ctx, db, true); err != nil {
		t.Fatal(err)
	}
	s := &Sim{db: db, opts: Options{Clock: func() time.Time { return fixtureNow }}}
	fx := &fixture{sim: s}
	fx.seed(t)
	srv, err := s.Serve(ctx, fxWS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	fx.srv = srv
	return fx
}

func (fx *fixture) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := fx.sim.db.Exec(q, args...); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

func (fx *fixture) seed(t testing.TB) {
	now := fixtureNow
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	sp := people[3].UserName
	// Jobs: an older definition of fxJob (renamed since), a deployer, a deleted job and a
	// job of the other workspace.
	job := `INSERT INTO sim.lakeflow.jobs (workspace_id, job_id, name, tags, change_time, delete_time, run_as_user_name,
  creator_user_name, timeout_seconds, health_rules, deployment, create_time) VALUES (?, ?, ?, MAP {'team': 'orders'}, ?, ?, ?, ?, 3600,
  [{'metric': 'RUN_DURATION_SECONDS', 'operator': 'GREATER_THAN', 'value': 1800}], {'kind': 'BUNDLE', 'metadata_file_path': ?}, ?)`
	fx.exec(t, job, fxWS, fxJob, "prod-orders-refresh-old", ago(30*24*time.Hour), nil, sp, sp, fxMetaPath, ago(60*24*time.Hour))
	fx.exec(t, job, fxWS, fxJob, "prod-ecommerce-orders-refresh", ago(24*time.Hour), nil, sp, sp, fxMetaPath, ago(60*24*time.Hour))
	fx.exec(t, job, fxWS, fxDeployer, "prod-deployer", ago(24*time.Hour), nil, sp, sp, fxMetaPath, ago(60*24*time.Hour))
	fx.exec(t, job, fxWS, fxDeleted, "prod-gone", ago(24*time.Hour), ago(2*time.Hour), sp, sp, fxMetaPath, ago(60*24*time.Hour))
	fx.exec(t, job, fxOtherWS, fxDevJob, "dev-orders-refresh", ago(24*time.Hour), nil, sp, sp, fxMetaPath, ago(60*24*time.Hour))
	task := `INSERT INTO sim.lakeflow.job_tasks (workspace_id, job_id, task_key, depends_on_keys, change_time) VALUES (?, ?, ?, ?, ?)`
	fx.exec(t, task, fxWS, fxJob, "ingest", []string{}, ago(24*time.Hour))
	fx.exec(t, task, fxWS, fxJob, "transform", []string{"ingest"}, ago(24*time.Hour))
	fx.exec(t, task, fxWS, fxJob, "publish", []string{"transform"}, ago(24*time.Hour))
	for k, key := range []string{"ingest", "transform", "publish"} {
		fx.exec(t, `INSERT INTO sim.sim_internal.task_defs VALUES (?, ?, ?, ?, 3)`, fxWS, fxJob, key, k)
	}
	finished := `INSERT INTO sim.sim_internal.job_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`
	// Completed runs: hourly runs of fxJob, one long failing run in three slices, and a run
	// of the other workspace at the same time as the newest one.
	slice := `INSERT INTO sim.lakeflow.job_run_timeline (workspace_id, job_id, run_id, period_start_time, period_end_time,
  trigger_type, run_type, run_name, result_state, termination_code, job_parameters) VALUES (?, ?, ?, ?, ?, ?, 'JOB_RUN', ?, ?, ?, MAP {'env': 'prod'})`
	for i := 1; i <= fxHourly; i++ {
		start := ago(time.Duration(i)*time.Hour - 7*time.Minute)
		result, code := "SUCCEEDED", "SUCCESS"
		if i == 3 {
			result, code = "CANCELLED", "CANCELLED"
		}
		fx.exec(t, slice, fxWS, fxJob, fxRunID(i), start, start.Add(12*time.Minute), "CRON", "prod-ecommerce-orders-refresh", result, code)
		// The finished run, from which the task runs view derives ingest, transform and
		// publish, four minutes each, the last one carrying the run's result.
		fx.exec(t, finished, fxWS, fxJob, fxRunID(i), "prod-ecommerce-orders-refresh", start, start.Add(12*time.Minute), result, code, "CRON")
	}
	long := ago(40 * time.Hour)
	fx.exec(t, slice, fxWS, fxJob, fxLongRun, long, long.Truncate(time.Hour).Add(time.Hour), "ONETIME", "prod-ecommerce-orders-refresh", nil, nil)
	fx.exec(t, slice, fxWS, fxJob, fxLongRun, long.Truncate(time.Hour).Add(time.Hour), long.Truncate(time.Hour).Add(2*time.Hour), "ONETIME", "prod-ecommerce-orders-refresh", nil, nil)
	fx.exec(t, slice, fxWS, fxJob, fxLongRun, long.Truncate(time.Hour).Add(2*time.Hour), long.Truncate(time.Hour).Add(2*time.Hour+25*time.Minute), "ONETIME", "prod-ecommerce-orders-refresh", "FAILED", "DRIVER_ERROR")
	fx.exec(t, slice, fxOtherWS, fxDevJob, "29700000009", ago(53*time.Minute), ago(40*time.Minute), "CRON", "dev-orders-refresh", "SUCCEEDED", "SUCCESS")
	fx.exec(t, `INSERT INTO sim.sim_internal.run_requests VALUES ('tok-long', ?, ?, ?, 'dana.okafor@example.com', ?, '{}')`, fxWS, fxJob, fxLongRun, long)
	// In flight: a running run and one past its planned end that catch-up has not moved yet.
	plan := func(result string, start, end time.Time) string {
		p := FlightPlan{ResultState: result, TriggerType: "ONETIME", RunType: "JOB_RUN", CreatorUserName: "priya.raman@example.com",
			JobParameters: map[string]string{"bundle": "ecommerce_orders"},
			Tasks: []TaskPlan{
				{TaskKey: "ingest", RunID: "1", Start: start, End: start.Add(end.Sub(start) / 2), ResultState: "SUCCEEDED"},
				{TaskKey: "publish", RunID: "2", Start: start.Add(end.Sub(start) / 2), End: end, ResultState: result},
			}}
		b, _ := json.Marshal(p)
		return string(b)
	}
	flight := `INSERT INTO sim.sim_internal.in_flight VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	fx.exec(t, flight, fxWS, FlightJob, fxJob, fxActiveRun, "prod-ecommerce-orders-refresh", ago(5*time.Minute), now.Add(20*time.Minute), plan("SUCCEEDED", ago(5*time.Minute), now.Add(20*time.Minute)))
	fx.exec(t, flight, fxWS, FlightJob, fxJob, fxFinishedRun, "prod-ecommerce-orders-refresh", ago(4*time.Minute), ago(time.Minute), plan("FAILED", ago(4*time.Minute), ago(time.Minute)))
	// ACLs.
	acl := `INSERT INTO sim.sim_internal.acls VALUES (?, ?, ?, ?, ?, ?, ?)`
	for _, a := range [][]any{
		{fxWS, "job", fxJob, "service_principal", sp, "IS_OWNER", false},
		{fxWS, "job", fxJob, "group", "oncall", "CAN_MANAGE_RUN", false},
		{fxWS, "job", fxJob, "user", "dana.okafor@example.com", "CAN_VIEW", false},
		{fxWS, "job", fxJob, "group", "admins", "CAN_MANAGE", true},
		{fxWS, "pipeline", fxP1, "service_principal", sp, "IS_OWNER", false},
		{fxWS, "pipeline", fxP1, "group", "data-eng", "CAN_VIEW", false},
	} {
		fx.exec(t, acl, a...)
	}
	// Pipelines.
	pipe := `INSERT INTO sim.lakeflow.pipelines (workspace_id, pipeline_id, pipeline_type, name, created_by, run_as, tags,
  settings, change_time, delete_time) VALUES (?, ?, 'ETL_PIPELINE', ?, ?, ?, MAP {'team': 'orders'},
  {'photon': true, 'development': false, 'continuous': false, 'serverless': true, 'edition': 'ADVANCED', 'channel': 'CURRENT'}, ?, ?)`
	fx.exec(t, pipe, fxWS, fxP1, "prod-ecommerce-orders-dlt", sp, sp, ago(24*time.Hour), nil)
	fx.exec(t, pipe, fxWS, fxP2, "prod-clickstream-dlt", sp, sp, ago(24*time.Hour), nil)
	fx.exec(t, pipe, fxWS, fxP3, "prod-abandoned-dlt", sp, sp, ago(2*time.Hour), ago(2*time.Hour))
	upd := `INSERT INTO sim.lakeflow.pipeline_update_timeline (workspace_id, pipeline_id, update_id, update_type, trigger_type,
  result_state, period_start_time, period_end_time, run_as_user_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	u1 := ago(3 * time.Hour).Add(-50 * time.Minute) // 08:10, two slices until 09:05
	fx.exec(t, upd, fxWS, fxP1, fxU1, "REFRESH", "JOB_TASK", nil, u1, u1.Truncate(time.Hour).Add(time.Hour), sp)
	fx.exec(t, upd, fxWS, fxP1, fxU1, "REFRESH", "JOB_TASK", "COMPLETED", u1.Truncate(time.Hour).Add(time.Hour), u1.Add(55*time.Minute), sp)
	u2 := ago(90 * time.Minute)
	fx.exec(t, upd, fxWS, fxP1, fxU2, "FULL_REFRESH", "API_CALL", "FAILED", u2, u2.Add(11*time.Minute), sp)
	fx.exec(t, flight, fxWS, FlightPipeline, fxP1, fxU3, "", ago(2*time.Minute), now.Add(10*time.Minute), `{"result_state":"COMPLETED","trigger_type":"JOB_TASK","update_type":"REFRESH"}`)
	flow := `INSERT INTO sim.sim_internal.flows VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	fx.exec(t, flow, fxWS, fxP1, fxU1, "orders", "ecommerce.silver.orders", "COMPLETED", 1000, u1.Add(50*time.Minute))
	fx.exec(t, flow, fxWS, fxP1, fxU1, "customers", "ecommerce.silver.customers", "COMPLETED", 250, u1.Add(52*time.Minute))
	fx.exec(t, flow, fxWS, fxP1, fxU2, "orders", "ecommerce.silver.orders", "FAILED", 0, u2.Add(10*time.Minute))
	// fxP2 has a long history: hourly updates of 8 minutes, one flow each.
	for i := 1; i <= fxP2Updates; i++ {
		start := ago(time.Duration(i)*time.Hour - 3*time.Minute)
		id := fmt.Sprintf("22222222-0000-4000-8000-%012d", i)
		fx.exec(t, upd, fxWS, fxP2, id, "REFRESH", "JOB_TASK", "COMPLETED", start, start.Add(8*time.Minute), sp)
		fx.exec(t, flow, fxWS, fxP2, id, "clicks", "marketing.bronze.clicks", "COMPLETED", 100+i, start.Add(7*time.Minute))
	}
	exp := `INSERT INTO sim.release_cockpit.expectation_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	fx.exec(t, exp, fxWS, fxP1, fxU1, "ecommerce.silver.orders", "valid_client_id", 900, 100, u1.Add(50*time.Minute))
	fx.exec(t, exp, fxWS, fxP1, fxU1, "ecommerce.silver.orders", "not_null_timestamp", 1000, 0, u1.Add(50*time.Minute))
	fx.exec(t, exp, fxWS, fxP1, fxU2, "ecommerce.silver.orders", "valid_client_id", 500, 500, u2.Add(10*time.Minute))
	fx.exec(t, `INSERT INTO sim.sim_internal.workspace_files VALUES (?, ?, ?, ?)`, fxWS, fxMetaPath, fxMeta, ago(24*time.Hour))
}

// get calls the server as the user with token and decodes a JSON answer into out (if not
// nil); it returns the status.
func (fx *fixture) call(t testing.TB, method, path, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, fx.srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func (fx *fixture) get(t testing.TB, path string, q url.Values, out any) int {
	t.Helper()
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return fx.call(t, http.MethodGet, path, "dapi-sim-oncall", "", out)
}

// apiErr is the error body of the REST API.
type apiErr struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
}
