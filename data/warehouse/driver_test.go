package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	dbsql "github.com/databricks/databricks-sql-go"
	dbsqllog "github.com/databricks/databricks-sql-go/logger"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/sim/sqlwire"
	"github.com/release-cockpit/cockpit/model"
)

// The Databricks path under test: databricks-sql-go, the driver production uses, against
// the simulation's SQL endpoint (Thrift over HTTP over the same DuckDB), with the statements
// in the Databricks dialect. Every read must give what the same Store method gives on DuckDB
// directly; writes through the driver must read back the same on both.

var driver struct {
	once  sync.Once
	srv   *sim.Server
	db    *sql.DB
	store *Store
	err   error
}

// driverStore is a Store over databricks-sql-go on the shared test estate.
func driverStore(t testing.TB) *Store {
	t.Helper()
	testStore(t)
	driver.once.Do(func() {
		driver.srv, driver.err = estate.sim.Serve(context.Background(), sim.WorkspaceID("prod"))
		if driver.err != nil {
			return
		}
		oncall, _ := sim.UserFor("oncall")
		driver.db, driver.err = openDriver(driver.srv.URL(), oncall.Token)
		if driver.err != nil {
			return
		}
		driver.store, driver.err = NewStore(driver.db, simTables(t), Databricks)
	})
	if driver.err != nil {
		t.Fatal(driver.err)
	}
	return driver.store
}

// openDriver connects databricks-sql-go to the simulated warehouse at a server's URL, as
// data/source does for a real one.
func openDriver(base, token string) (*sql.DB, error) {
	dbsqllog.SetLogOutput(io.Discard)
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	port, _ := strconv.Atoi(u.Port())
	connector, err := dbsql.NewConnector(
		dbsql.WithServerHostname(u.Scheme+"://"+u.Hostname()),
		dbsql.WithPort(port),
		dbsql.WithHTTPPath(sim.WarehousePath),
		dbsql.WithAccessToken(token),
		dbsql.WithTimeout(time.Minute),
		dbsql.WithRetries(-1, 0, 0),
		dbsql.WithSessionParams(map[string]string{"timezone": "UTC", "ansi_mode": "true"}),
	)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector), nil
}

// same fails unless two results are equal (compared as JSON, which names the difference).
func same(t *testing.T, what string, duck, drv any) {
	t.Helper()
	if reflect.DeepEqual(duck, drv) {
		return
	}
	a, _ := json.Marshal(duck)
	b, _ := json.Marshal(drv)
	if string(a) != string(b) {
		t.Errorf("%s differs through the driver:\nduckdb: %.600s\ndriver: %.600s", what, a, b)
	}
}

// storeRead is one of a deployment's reads, the same on any Store.
type storeRead struct {
	what string
	read func(*Store) (any, error)
}

// deploymentReads are the reads of a deployment's tabs.
func deploymentReads(ctx context.Context, env Env, d model.Deployment) []storeRead {
	return []storeRead{
		{"runs of " + d.ID, func(s *Store) (any, error) { return withLeftOut(s.DeploymentRuns(ctx, env, d)) }},
		{"updates of " + d.ID, func(s *Store) (any, error) { return withLeftOut(s.DeploymentUpdates(ctx, env, d)) }},
		{"expectations of " + d.ID, func(s *Store) (any, error) { return withLeftOut(s.DeploymentExpectations(ctx, env, d)) }},
		{"checks of " + d.ID, func(s *Store) (any, error) { return s.DeploymentChecks(ctx, env, d) }},
		{"events of " + d.ID, func(s *Store) (any, error) { return s.DeploymentEvents(ctx, env, d) }},
		{"lineage of " + d.ID, func(s *Store) (any, error) { return withLeftOut(s.DeploymentLineage(ctx, env, d)) }},
		{"cost of " + d.ID, func(s *Store) (any, error) { return s.DeploymentCost(ctx, env, d) }},
		{"settings of " + d.ID, func(s *Store) (any, error) { return s.DeploymentSettings(ctx, env, d) }},
	}
}

// compareReads runs each read on DuckDB and through the driver and fails where they differ;
// nonEmpty also fails where a list read finds nothing to compare.
func compareReads(t *testing.T, duck, drv *Store, reads []storeRead, nonEmpty bool) {
	t.Helper()
	for _, c := range reads {
		a, errA := c.read(duck)
		b, errB := c.read(drv)
		if errA != nil || errB != nil {
			t.Errorf("%s: DuckDB %v, driver %v", c.what, errA, errB)
			continue
		}
		if v := reflect.ValueOf(a); nonEmpty && v.Kind() == reflect.Slice && v.Len() == 0 {
			t.Errorf("%s: nothing to compare", c.what)
		}
		same(t, c.what, a, b)
	}
}

func TestTheDriverReadsWhatDuckDBReads(t *testing.T) {
	duck, drv := testStore(t), driverStore(t)
	ctx := context.Background()
	for _, env := range []Env{prod, staging} {
		q := DeploymentQuery{Limit: 25, Since: now.Add(-48 * time.Hour)}
		a, b := allDeployments(t, duck, env, q), allDeployments(t, drv, env, q)
		if len(a) == 0 {
			t.Fatalf("%s: no deployments to compare", env.Name)
		}
		same(t, env.Name+" deployments", a, b)
		// The page's follow-ups sent beside it, in the Databricks dialect through the driver.
		q.OneRound = true
		same(t, env.Name+" deployments read in one round trip", a, allDeployments(t, drv, env, q))
	}
	d := incident(t, duck)
	got, err := drv.GetDeployment(ctx, prod, d.Release.ID())
	if err != nil {
		t.Fatal(err)
	}
	same(t, "the incident", d, got)
	compareReads(t, duck, drv, deploymentReads(ctx, prod, d), true)
	runs, _, err := duck.DeploymentRuns(ctx, prod, d)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.JobID)
	}
	a, err := duck.JobDurationBaselines(ctx, prod, ids, d.DeployedAt, 10)
	if err != nil {
		t.Fatal(err)
	}
	b, err := drv.JobDurationBaselines(ctx, prod, ids, d.DeployedAt, 10)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "baselines", a, b)
	na, err := duck.ResourceNames(ctx, prod, ids)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := drv.ResourceNames(ctx, prod, ids)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "names", na, nb)
}

// hostile are strings that must come back byte for byte through parameters and results.
var hostile = []string{
	"", "plain", "it's", `say "hi"`, `back\slash`, `\'`, "`tick`", "-- not a comment", "/* nor this */",
	"?", "semi; DROP TABLE x", "ünïcødé ✓ 漢字 🚀", "tab\tnew\nline\rcr", "bell\x07esc\x1b[31m", "\u2028\u2029",
	strings.Repeat("long ", 2000),
}

// Parameters of every type the cockpit binds go through the driver as Databricks types and
// come back as the same values, the same as DuckDB gives them; NULLs stay NULL.
func TestTheDriverBindsAndQuotes(t *testing.T) {
	drv := driverStore(t)
	duck := testStore(t)
	ctx := context.Background()
	for _, s := range hostile {
		var got string
		if err := drv.db.QueryRowContext(ctx, "SELECT ?", s).Scan(&got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got != s {
			t.Errorf("sent %q, got %q", s, got)
		}
	}
	at := time.Date(2026, 11, 23, 11, 59, 58, 123456000, time.UTC)
	const q = "SELECT CAST(? AS BIGINT), CAST(? AS DOUBLE), CAST(? AS BOOLEAN), CAST(? AS TIMESTAMP), CAST(? AS DATE), " +
		"CAST(NULL AS STRING), CAST(NULL AS BIGINT), CAST(NULL AS TIMESTAMP), CAST(? AS INT), 'it\\'s', `x`.`y` " +
		"FROM (SELECT 1 AS `y`) AS `x`"
	args := []any{int64(-9007199254740993), 2.5e-7, true, ts(at), date(at), int64(7)}
	type row struct {
		Big     int64
		Dbl     float64
		Bool    bool
		At      time.Time
		Day     time.Time
		NullS   sql.NullString
		NullI   sql.NullInt64
		NullT   sql.NullTime
		Int     int64
		Literal string
		Quoted  int64
	}
	read := func(db *sql.DB, text string) row {
		var r row
		if err := db.QueryRowContext(ctx, text, args...).Scan(&r.Big, &r.Dbl, &r.Bool, &r.At, &r.Day, &r.NullS, &r.NullI, &r.NullT, &r.Int, &r.Literal, &r.Quoted); err != nil {
			t.Fatal(err)
		}
		r.At, r.Day = r.At.UTC(), r.Day.UTC()
		return r
	}
	duckText, err := sqlwire.Translate(strings.ReplaceAll(q, "STRING", "VARCHAR"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := read(duck.db, duckText), read(drv.db, q)
	want := row{Big: -9007199254740993, Dbl: 2.5e-7, Bool: true, At: at, Day: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Int: 7, Literal: "it's", Quoted: 1}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("through the driver\n got %+v\nwant %+v", b, want)
	}
	same(t, "typed values", a, b)
	var null sql.NullString
	if err := drv.db.QueryRowContext(ctx, "SELECT ?", nil).Scan(&null); err != nil || null.Valid {
		t.Errorf("a NULL parameter came back as %+v, %v", null, err)
	}
}

// A ledger event written through the driver, with hostile text in every free-text column,
// reads back the same through DuckDB and through the driver, once however often it is sent.
func TestTheDriverAppendsToTheLedger(t *testing.T) {
	drv, duck := driverStore(t), testStore(t)
	ctx := context.Background()
	env := Env{Name: "driver_test", WorkspaceID: sim.WorkspaceID("prod")}
	var sent []model.LedgerEvent
	for i, s := range hostile[:len(hostile)-1] {
		e := event("wt-driver-"+strconv.Itoa(i), "wt_driver", "1", "approved", now.Add(-time.Duration(i+1)*time.Minute))
		e.Environment, e.Ticket, e.Reason, e.Actor = env.Name, s, s, s
		details, _ := json.Marshal(map[string]string{"note": s})
		e.Details = string(details)
		if i%2 == 0 {
			e.RunID = int64(i) + 1<<40
		}
		sent = append(sent, e)
	}
	for range 2 {
		if err := drv.AppendEvents(ctx, sent...); err != nil {
			t.Fatal(err)
		}
	}
	d := model.Deployment{Release: model.Release{Bundle: "wt_driver", Version: "1"}}
	a, err := duck.DeploymentEvents(ctx, env, d)
	if err != nil {
		t.Fatal(err)
	}
	b, err := drv.DeploymentEvents(ctx, env, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(sent) {
		t.Fatalf("%d events read back, %d sent", len(a), len(sent))
	}
	byID := map[string]model.LedgerEvent{}
	for _, e := range a {
		byID[e.EventID] = e
	}
	for _, e := range sent {
		e.At = e.At.UTC()
		if got := byID[e.EventID]; !reflect.DeepEqual(got, e) {
			t.Errorf("sent %+v\nread %+v", e, got)
		}
	}
	same(t, "events", a, b)
}

// A statement the warehouse rejects fails with the engine's message, and a token the
// workspace does not know is refused before any statement runs.
func TestTheDriverReportsErrors(t *testing.T) {
	drv := driverStore(t)
	_, err := drv.db.QueryContext(context.Background(), "SELECT * FROM `sim`.`nowhere`.`nothing`")
	t.Logf("a missing table: %v", err)
	if err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("a missing table: %v, want an error naming it", err)
	}
	db, err := openDriver(driver.srv.URL(), "dapi-not-a-token")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(context.Background()); err == nil {
		t.Error("a bad token was let in")
	}
}

// The hostile estate (malformed ledger rows, escape sequences, absurd values) reads the same
// through the driver as on DuckDB: the same deployments, the same rows left out and why,
// and the same runs and events of the hostile bundles.
func TestTheDriverReadsTheHostileEstateAsDuckDBDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates an estate of its own")
	}
	ctx := context.Background()
	s, err := sim.Open(ctx, sim.Options{Seed: 11, Clock: func() time.Time { return now }, Days: 1, Hostile: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	duck, err := NewStore(s.DB(), simTables(t), DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := s.Serve(ctx, sim.WorkspaceID("prod"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ci, _ := sim.UserFor("ci")
	db, err := openDriver(srv.URL(), ci.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	drv, err := NewStore(db, simTables(t), Databricks)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []Env{prod, staging} {
		q := DeploymentQuery{Limit: 40, Since: now.Add(-24 * time.Hour)}
		var hostileSeen int
		for pages := 0; pages < 100; pages++ {
			a, err := duck.ListDeployments(ctx, env, q)
			if err != nil {
				t.Fatal(err)
			}
			b, err := drv.ListDeployments(ctx, env, q)
			if err != nil {
				t.Fatalf("%s through the driver: %v", env.Name, err)
			}
			same(t, env.Name+" page", a, b)
			for _, d := range a.Deployments {
				if !strings.HasPrefix(d.Release.Bundle, "hostile_") {
					continue
				}
				hostileSeen++
				compareReads(t, duck, drv, deploymentReads(ctx, env, d), false)
				if d.Release.Bundle == sim.HostileBundles[0] {
					_, skipped, err := drv.DeploymentRuns(ctx, env, d)
					if err != nil || skipped.Line() != "1 row left out: no run id" {
						t.Errorf("%s: the runs of the escapes release left out %q (%v), want the run slice without a run id", env.Name, skipped.Line(), err)
					}
				}
			}
			if a.Next == nil {
				break
			}
			q.After = a.Next
		}
		if hostileSeen == 0 {
			t.Errorf("%s: no hostile deployment compared", env.Name)
		}
	}
}

// withLeftOut keeps a counting reader's rows and what it left out, to compare both.
func withLeftOut[T any](rows T, skipped model.Skipped, err error) (any, error) {
	return struct {
		Rows    T
		Skipped model.Skipped
	}{rows, skipped}, err
}
