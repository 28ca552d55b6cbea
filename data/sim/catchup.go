package sim

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// stageDDL creates the flat staging tables rows are appended to before one transaction moves
// them, with everything derived from them built in SQL, into the estate.
var stageDDL = `
CREATE OR REPLACE TABLE memory.main.st_runs (workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR, run_name VARCHAR,
  start_ts TIMESTAMP, end_ts TIMESTAMP, result_state VARCHAR, termination_code VARCHAR, trigger_type VARCHAR, version VARCHAR);
CREATE OR REPLACE TABLE memory.main.st_updates (workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR, update_type VARCHAR,
  trigger_type VARCHAR, job_id VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP, result_state VARCHAR, run_as VARCHAR,
  num_rows BIGINT, first_ratio DOUBLE);
CREATE OR REPLACE TABLE memory.main.st_releases (rel BIGINT, release_id VARCHAR, bundle VARCHAR, version VARCHAR, git_sha VARCHAR,
  environment VARCHAR, actor VARCHAR, ticket VARCHAR);
CREATE OR REPLACE TABLE memory.main.st_events (event_id VARCHAR, rel BIGINT, kind VARCHAR, status VARCHAR, "at" TIMESTAMP,
  reason VARCHAR, run_id BIGINT, details VARCHAR);
CREATE OR REPLACE TABLE memory.main.st_landed (release_id VARCHAR, environment VARCHAR, bundle VARCHAR);
CREATE OR REPLACE TABLE memory.main.st_deploys AS SELECT * FROM sim.sim_internal.bundle_deploys LIMIT 0;
CREATE OR REPLACE TABLE memory.main.st_flight AS SELECT * FROM sim.sim_internal.in_flight LIMIT 0;
` + changeTablesDDL

// slice expands a staged run (start_ts, end_ts) into the hourly slices of the timeline tables.
const slice = `unnest(generate_series(date_trunc('hour', start_ts), end_ts - INTERVAL 1 MICROSECOND, INTERVAL 1 HOUR)) AS s(h)`

// oneSlice is true of a run that lies within one hour: its only slice is the run itself.
const oneSlice = `(end_ts > date_trunc('hour', start_ts) AND end_ts <= date_trunc('hour', start_ts) + INTERVAL 1 HOUR)`

// sliced selects cols (in which {start} and {end} are a slice's bounds and {final} is true on
// the slice a run ends in, the only one that carries the result, reference §1.0) for every
// hourly slice of the runs in from. Most runs lie within one hour: they are selected as they
// are, and only the others are expanded into slices.
func sliced(cols, from string) string {
	one := strings.NewReplacer("{start}", "start_ts", "{end}", "end_ts", "{final}", "true").Replace(cols)
	many := strings.NewReplacer("{start}", "greatest(start_ts, h)", "{end}", "least(end_ts, h + INTERVAL 1 HOUR)",
		"{final}", "end_ts <= h + INTERVAL 1 HOUR").Replace(cols)
	return "SELECT " + one + " FROM " + from + " WHERE " + oneSlice +
		"\n\tUNION ALL\n\tSELECT " + many + " FROM " + from + ", " + slice + " WHERE NOT " + oneSlice
}

// moveSQL moves the staged rows into the estate and derives the timeline slices, expectation
// results and flow progress from them. The finished runs and updates are kept too, one row
// each: the task runs, lineage and usage are views over them (views.go).
var moveSQL = []string{
	`INSERT INTO sim.lakeflow.job_run_timeline
	` + sliced(`'`+AccountID+`', workspace_id, job_id, run_id, {start}, {end},
	  trigger_type, 'JOB_RUN', run_name, ['serverless'],
	  CASE WHEN {final} THEN result_state END, CASE WHEN {final} THEN termination_code END,
	  CASE WHEN version IS NULL THEN NULL ELSE MAP {'bundle_version': version} END, NULL, NULL,
	  CASE WHEN NOT {final} THEN NULL WHEN termination_code = 'SUCCESS' THEN 'SUCCESS' ELSE 'CLIENT_ERROR' END,
	  CASE WHEN {final} THEN 25 END, CASE WHEN {final} THEN 0 END,
	  CASE WHEN {final} THEN CAST(epoch(end_ts) - epoch(start_ts) AS BIGINT) END,
	  CASE WHEN {final} THEN 5 END,
	  CASE WHEN {final} THEN CAST(epoch(end_ts) - epoch(start_ts) AS BIGINT) - 30 END`, `memory.main.st_runs`),
	`INSERT INTO sim.sim_internal.job_runs SELECT * FROM memory.main.st_runs`,
	`INSERT INTO sim.lakeflow.pipeline_update_timeline
	` + sliced(`'`+AccountID+`', workspace_id, pipeline_id, update_id, update_type, trigger_type,
	  {'job_task': {'job_id': job_id, 'job_task_run_id': NULL, 'performance_target': NULL}},
	  CASE WHEN {final} THEN result_state END,
	  {start}, {end}, [], [], update_id, run_as, {'type': 'SERVERLESS', 'cluster_id': NULL}`, `memory.main.st_updates`),
	`INSERT INTO sim.sim_internal.pipeline_updates SELECT * FROM memory.main.st_updates`,
	`INSERT INTO sim.sim_internal.bundle_deploys SELECT * FROM memory.main.st_deploys`,
	auditSQL,
	// A deploy rewrites its jobs, tasks and pipelines: SCD2 change rows (changerows.go).
	jobRowsSQL("memory.main.st_jobs"),
	pipeRowsSQL("memory.main.st_pipes"),
	taskRowsSQL("memory.main.st_tasks"),
	`INSERT INTO sim.release_cockpit.expectation_results
	SELECT workspace_id, pipeline_id, update_id, dataset, expectation,
	  num_rows - CAST(num_rows * ratio AS BIGINT), CAST(num_rows * ratio AS BIGINT), end_ts
	FROM (SELECT u.workspace_id, u.pipeline_id, u.update_id, u.num_rows, u.end_ts, d.dataset, d.expectation,
	        CASE WHEN d.ordinal = 0 THEN u.first_ratio
	        ELSE 0.0005 + 0.003 * (hash(u.update_id || d.expectation) % 1000000) / 1e6 END AS ratio
	      FROM memory.main.st_updates u JOIN sim.sim_internal.expectation_defs d
	        ON d.workspace_id = u.workspace_id AND d.pipeline_id = u.pipeline_id
	      WHERE u.result_state = 'COMPLETED')`,
	`INSERT INTO sim.sim_internal.flows
	SELECT u.workspace_id, u.pipeline_id, u.update_id, split_part(io.target, '.', 3), io.target, 'COMPLETED', u.num_rows, u.end_ts
	FROM memory.main.st_updates u JOIN (SELECT DISTINCT workspace_id, entity_id, target FROM sim.sim_internal.resource_io WHERE target IS NOT NULL) io
	  ON io.workspace_id = u.workspace_id AND io.entity_id = u.pipeline_id
	WHERE u.result_state = 'COMPLETED'`,
}

// moveLedgerSQL moves the staged ledger events and the resources of the releases that
// landed into the ledger; an estate without one (Options.NoLedger) skips it.
var moveLedgerSQL = []string{
	`INSERT INTO sim.release_cockpit.release_events
	SELECT e.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.environment, e.kind, e.status, r.actor, e."at", r.ticket,
	  e.reason, e.run_id, e.details
	FROM memory.main.st_events e JOIN memory.main.st_releases r ON r.rel = e.rel`,
	`INSERT INTO sim.release_cockpit.release_resources
	SELECT l.release_id, l.environment, r.resource_type, r.resource_key, r.resource_id, r.name
	FROM memory.main.st_landed l JOIN sim.sim_internal.bundle_resources r ON r.bundle = l.bundle AND r.environment = l.environment`,
}

// ciPrincipal is the service principal that runs every job and pipeline.
const ciPrincipal = "7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13"

// stage holds one appender per staging table, all on one connection.
type stage struct {
	conn      *sql.Conn
	apps      map[string]*duckdb.Appender
	rows      map[string]int
	flightSum uint64 // sums the work in flight staged (stageInFlight)
}

var stageTables = []string{"st_runs", "st_updates", "st_releases", "st_events", "st_landed", "st_flight", "st_deploys", "st_jobs", "st_pipes", "st_tasks"}

// createStage (re)creates the staging tables in DuckDB's in-memory catalog: staging writes
// stay out of the estate's transaction, which may write only to the estate.
func createStage(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, stageDDL); err != nil {
		return fmt.Errorf("creating staging tables: %w", err)
	}
	return nil
}

// dropStage drops the staging tables.
func dropStage(ctx context.Context, conn *sql.Conn) {
	for _, t := range stageTables {
		conn.ExecContext(ctx, "DROP TABLE IF EXISTS memory.main."+t)
	}
}

// openStage opens appenders on one connection; each worker has its own.
func openStage(conn *sql.Conn) (*stage, error) {
	s := &stage{conn: conn, apps: map[string]*duckdb.Appender{}, rows: map[string]int{}}
	err := conn.Raw(func(dc any) error {
		for _, t := range stageTables {
			a, err := duckdb.NewAppender(dc.(driver.Conn), "memory", "main", t)
			if err != nil {
				return fmt.Errorf("appender for %s: %w", t, err)
			}
			s.apps[t] = a
		}
		return nil
	})
	if err != nil {
		s.close()
	}
	return s, err
}

func (s *stage) add(table string, vals ...driver.Value) error {
	a := s.apps[table]
	if err := a.AppendRow(vals...); err != nil {
		return err
	}
	// DuckDB's appenders hold up to 204,800 rows each before they write them to the table;
	// flushing sooner bounds the memory the concurrent stagers hold twice.
	if s.rows[table]++; s.rows[table]%stageFlushRows == 0 {
		if err := a.Flush(); err != nil {
			return fmt.Errorf("staging %s: %w", table, err)
		}
	}
	return nil
}

// stageFlushRows is how many rows a stage appends between flushes.
const stageFlushRows = 40_960

func (s *stage) flush() error {
	for _, t := range stageTables {
		if err := s.apps[t].Flush(); err != nil {
			return fmt.Errorf("staging %s: %w", t, err)
		}
	}
	return nil
}

func (s *stage) close() {
	for t, a := range s.apps {
		a.Close()
		delete(s.apps, t)
	}
}

func nullable(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// materialize stages a finished run or update; moveSQL derives the rest from it.
func (g *generator) materialize(s *stage, r *runRec) error {
	if r.pipeline {
		var rows, ratio driver.Value
		if r.result == "COMPLETED" {
			rows, ratio = r.rows, r.firstRatio
		}
		return s.add("st_updates", r.ws, r.objectID, r.runID, r.updateType, r.trigger, fmt.Sprint(jobID(r.env, r.bundle.index, 0)), r.start, r.end, r.result, r.runAs, rows, ratio)
	}
	version := ""
	if d := g.tl.at(r.bundle.name, r.env, r.start); d != nil {
		version = d.version
	}
	return s.add("st_runs", r.ws, r.objectID, r.runID, r.name, r.start, r.end, r.result, r.termCode, r.trigger, nullable(version))
}

// stageLedger stages part of the ledger (of ledgerParts, by deployment): the events in
// (from, to] and the releases landing then, whose resources SQL adds. The stories' events
// are in part 0.
func (g *generator) stageLedger(s *stage, part int, from, to time.Time) error {
	for i, d := range g.tl.all {
		if i%ledgerParts != part || d.at.Before(from.Add(-2*time.Hour)) || d.at.After(to.Add(15*time.Minute)) {
			continue
		}
		recorded := !g.unrecorded[d.bundle.name]
		if recorded {
			if err := stageEvents(s, int64(i), deploymentRows(g.seed, d, g.exercise(d), from, to)); err != nil {
				return err
			}
		}
		if err := stageDeploy(s, d, from, to); err != nil {
			return err
		}
		if err := g.stageChanges(s, d, from, to); err != nil {
			return err
		}
		if !recorded || d.failed || !d.firstSeen || !d.at.After(from) || d.at.After(to) {
			continue
		}
		// A release's resources are those of its bundle in the environment (bundle_resources).
		if err := s.add("st_landed", d.releaseID(), d.env, d.bundle.name); err != nil {
			return err
		}
	}
	if part != 0 {
		return nil
	}
	for j, r := range g.tl.extra {
		if r.at.After(from) && !r.at.After(to) && !g.unrecorded[r.bundle] {
			if err := stageEvents(s, int64(len(g.tl.all)+j), []ledgerRow{r}); err != nil {
				return err
			}
		}
	}
	return nil
}

// stageEvents stages ledger rows that share their release, bundle, version, sha,
// environment, actor and ticket (those of rows[0]) under rel, a number of their own: the
// shared columns are staged once, in st_releases.
func stageEvents(s *stage, rel int64, rows []ledgerRow) error {
	if len(rows) == 0 {
		return nil
	}
	r := rows[0]
	if err := s.add("st_releases", rel, r.releaseID, r.bundle, r.version, r.sha, r.env, r.actor, nullable(r.ticket)); err != nil {
		return err
	}
	for _, r := range rows {
		var run driver.Value
		if r.runID != 0 {
			run = r.runID
		}
		if err := s.add("st_events", r.id, rel, r.kind, r.status, r.at, nullable(r.reason), run, nullable(r.details)); err != nil {
			return err
		}
	}
	return nil
}

// stageRuns stages the runs and updates of one environment that end in (from, to].
func (g *generator) stageRuns(s *stage, env string, from, to time.Time) error {
	var err error
	g.activityIn(env, from.Add(-maxRunLength), to, func(r *runRec) {
		if err == nil && r.end.After(from) && !r.end.After(to) {
			err = g.materialize(s, r)
		}
	})
	return err
}

// stageInFlight stages the runs and updates that have started but not ended at now.
func (g *generator) stageInFlight(s *stage, now time.Time) error {
	var err error
	g.activity(now.Add(-maxRunLength), now.Add(time.Nanosecond), func(r *runRec) {
		if err != nil || r.start.After(now) || !r.end.After(now) {
			return
		}
		plan := FlightPlan{ResultState: r.result, TerminationCode: r.termCode, TriggerType: r.trigger, RunType: "JOB_RUN",
			CreatorUserName: r.runAs, UpdateType: r.updateType}
		if !r.pipeline {
			plan.Tasks = planTasks(r.runID, r.res.tasks, r.start, r.end, r.result)
		}
		kind := FlightJob
		if r.pipeline {
			kind = FlightPipeline
		}
		b, _ := json.Marshal(plan)
		h := fnv.New64a()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%d\x00%s", r.ws, kind, r.objectID, r.runID, r.name, r.start.UnixNano(), r.end.UnixNano(), b)
		s.flightSum += h.Sum64() // a sum: the order of the work does not matter
		err = s.add("st_flight", r.ws, kind, r.objectID, r.runID, r.name, r.start, r.end, string(b))
	})
	return err
}
