package sim

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// stageDDL creates the flat staging tables rows are appended to before one transaction moves
// them, with everything derived from them built in SQL, into the estate.
const stageDDL = `
CREATE SCHEMA IF NOT EXISTS sim.sim_stage;
CREATE OR REPLACE TABLE sim.sim_stage.st_runs (workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR, run_name VARCHAR,
  start_ts TIMESTAMP, end_ts TIMESTAMP, result_state VARCHAR, termination_code VARCHAR, trigger_type VARCHAR, version VARCHAR);
CREATE OR REPLACE TABLE sim.sim_stage.st_updates (workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR, update_type VARCHAR,
  trigger_type VARCHAR, job_id VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP, result_state VARCHAR, run_as VARCHAR,
  num_rows BIGINT, first_ratio DOUBLE);
CREATE OR REPLACE TABLE sim.sim_stage.st_events AS SELECT * FROM sim.release_cockpit.release_events LIMIT 0;
CREATE OR REPLACE TABLE sim.sim_stage.st_resources AS SELECT * FROM sim.release_cockpit.release_resources LIMIT 0;
CREATE OR REPLACE TABLE sim.sim_stage.st_flight AS SELECT * FROM sim.sim_internal.in_flight LIMIT 0;
`

// slice expands a staged run (start_ts, end_ts) into the hourly slices of the timeline tables.
const slice = `unnest(generate_series(date_trunc('hour', start_ts), end_ts - INTERVAL 1 MICROSECOND, INTERVAL 1 HOUR)) AS s(h)`

// final is true on the slice a run ends in: only it carries the result (reference §1.0).
const final = `end_ts <= h + INTERVAL 1 HOUR`

// moveSQL moves the staged rows into the estate and derives the rest from them: task runs
// from the jobs' task definitions, lineage from what each resource reads and writes,
// expectation results and flow progress from the updates. The one parameter is the
// interval's start, used to find runs whose usage records arrive in it.
var moveSQL = []string{
	`INSERT INTO sim.lakeflow.job_run_timeline
	SELECT '` + AccountID + `', workspace_id, job_id, run_id, greatest(start_ts, h), least(end_ts, h + INTERVAL 1 HOUR),
	  trigger_type, 'JOB_RUN', run_name, ['serverless'],
	  CASE WHEN ` + final + ` THEN result_state END, CASE WHEN ` + final + ` THEN termination_code END,
	  CASE WHEN version IS NULL THEN NULL ELSE MAP {'bundle_version': version} END, NULL, NULL,
	  CASE WHEN NOT ` + final + ` THEN NULL WHEN termination_code = 'SUCCESS' THEN 'SUCCESS' ELSE 'CLIENT_ERROR' END,
	  CASE WHEN ` + final + ` THEN 25 END, CASE WHEN ` + final + ` THEN 0 END,
	  CASE WHEN ` + final + ` THEN CAST(epoch(end_ts) - epoch(start_ts) AS BIGINT) END,
	  CASE WHEN ` + final + ` THEN 5 END,
	  CASE WHEN ` + final + ` THEN CAST(epoch(end_ts) - epoch(start_ts) AS BIGINT) - 30 END
	FROM sim.sim_stage.st_runs, ` + slice,
	`INSERT INTO sim.lakeflow.job_task_run_timeline
	WITH t AS (
	  SELECT r.workspace_id, r.job_id, r.run_id || CAST(d.ordinal + 1 AS VARCHAR) AS task_run_id, r.run_id AS job_run_id, d.task_key,
	    make_timestamp(epoch_us(r.start_ts) + (epoch_us(r.end_ts) - epoch_us(r.start_ts)) * d.ordinal // d.n) AS start_ts,
	    make_timestamp(epoch_us(r.start_ts) + (epoch_us(r.end_ts) - epoch_us(r.start_ts)) * (d.ordinal + 1) // d.n) AS end_ts,
	    CASE WHEN d.ordinal = d.n - 1 THEN r.result_state ELSE 'SUCCEEDED' END AS result_state,
	    CASE WHEN d.ordinal = d.n - 1 THEN r.termination_code ELSE 'SUCCESS' END AS termination_code
	  FROM sim.sim_stage.st_runs r JOIN sim.sim_internal.task_defs d ON d.workspace_id = r.workspace_id AND d.job_id = r.job_id)
	SELECT '` + AccountID + `', workspace_id, job_id, task_run_id, job_run_id, job_run_id, greatest(start_ts, h), least(end_ts, h + INTERVAL 1 HOUR),
	  task_key, [], CASE WHEN ` + final + ` THEN result_state END, CASE WHEN ` + final + ` THEN termination_code END,
	  CASE WHEN NOT ` + final + ` THEN NULL WHEN termination_code = 'SUCCESS' THEN 'SUCCESS' ELSE 'CLIENT_ERROR' END,
	  CASE WHEN ` + final + ` THEN CAST(epoch(end_ts) - epoch(start_ts) AS BIGINT) END
	FROM t, ` + slice,
	`INSERT INTO sim.lakeflow.pipeline_update_timeline
	SELECT '` + AccountID + `', workspace_id, pipeline_id, update_id, update_type, trigger_type,
	  {'job_task': {'job_id': job_id, 'job_task_run_id': NULL, 'performance_target': NULL}},
	  CASE WHEN ` + final + ` THEN result_state END,
	  greatest(start_ts, h), least(end_ts, h + INTERVAL 1 HOUR), [], [], update_id, run_as, {'type': 'SERVERLESS', 'cluster_id': NULL}
	FROM sim.sim_stage.st_updates, ` + slice,
	`INSERT INTO sim.access.table_lineage
	WITH runs AS (
	  SELECT workspace_id, 'JOB' AS entity_type, job_id AS entity_id, run_id, end_ts FROM sim.sim_stage.st_runs
	  UNION ALL
	  SELECT workspace_id, 'PIPELINE', pipeline_id, update_id, end_ts FROM sim.sim_stage.st_updates WHERE result_state = 'COMPLETED')
	SELECT '` + AccountID + `', 'f3a9c1d2-7b54-4e08-9c3a-5d6e7f8a9b0c', r.workspace_id, r.entity_type, r.entity_id, r.run_id,
	  io.source, split_part(io.source, '.', 1), split_part(io.source, '.', 2), split_part(io.source, '.', 3), io.source_path,
	  CASE WHEN io.source IS NULL THEN 'PATH' ELSE 'TABLE' END,
	  io.target, split_part(io.target, '.', 1), split_part(io.target, '.', 2), split_part(io.target, '.', 3), NULL,
	  CASE WHEN io.target IS NULL THEN NULL ELSE 'TABLE' END,
	  '` + ciPrincipal + `', r.end_ts, CAST(r.end_ts AS DATE),
	  md5(r.run_id || coalesce(io.source, io.source_path) || coalesce(io.target, '')), md5(r.run_id), NULL,
	  {'job_info': CASE WHEN r.entity_type = 'JOB' THEN {'job_id': r.entity_id, 'job_run_id': r.run_id} END,
	   'dashboard_id': NULL, 'legacy_dashboard_id': NULL, 'notebook_id': NULL, 'sql_query_id': NULL,
	   'dlt_pipeline_info': CASE WHEN r.entity_type = 'PIPELINE' THEN {'dlt_pipeline_id': r.entity_id, 'dlt_update_id': r.run_id} END},
	  true
	FROM runs r JOIN sim.sim_internal.resource_io io ON io.workspace_id = r.workspace_id AND io.entity_id = r.entity_id`,
	`INSERT INTO sim.release_cockpit.expectation_results
	SELECT workspace_id, pipeline_id, update_id, dataset, expectation,
	  num_rows - CAST(num_rows * ratio AS BIGINT), CAST(num_rows * ratio AS BIGINT), end_ts
	FROM (SELECT u.workspace_id, u.pipeline_id, u.update_id, u.num_rows, u.end_ts, d.dataset, d.expectation,
	        CASE WHEN d.ordinal = 0 THEN u.first_ratio
	        ELSE 0.0005 + 0.003 * (hash(u.update_id || d.expectation) % 1000000) / 1e6 END AS ratio
	      FROM sim.sim_stage.st_updates u JOIN sim.sim_internal.expectation_defs d
	        ON d.workspace_id = u.workspace_id AND d.pipeline_id = u.pipeline_id
	      WHERE u.result_state = 'COMPLETED')`,
	`INSERT INTO sim.sim_internal.flows
	SELECT u.workspace_id, u.pipeline_id, u.update_id, split_part(io.target, '.', 3), io.target, 'COMPLETED', u.num_rows, u.end_ts
	FROM sim.sim_stage.st_updates u JOIN (SELECT DISTINCT workspace_id, entity_id, target FROM sim.sim_internal.resource_io WHERE target IS NOT NULL) io
	  ON io.workspace_id = u.workspace_id AND io.entity_id = u.pipeline_id
	WHERE u.result_state = 'COMPLETED'`,
	`INSERT INTO sim.release_cockpit.release_events SELECT * FROM sim.sim_stage.st_events`,
	`INSERT INTO sim.release_cockpit.release_resources SELECT * FROM sim.sim_stage.st_resources`,
}

// billSQL decides the usage records of the staged runs and updates: DBUs from the duration
// and a per-resource rate, arriving 6 to 12 hours after the run ends (reference §1.11).
// They wait in billing_pending until catch-up reaches their arrival.
const billSQL = `INSERT INTO sim.sim_internal.billing_pending
	WITH runs AS (
	  SELECT r.workspace_id, r.job_id AS object_id, r.run_id, r.run_name, 'JOBS' AS product, r.start_ts, r.end_ts, j.tags['team'] AS team, j.name AS object_name
	  FROM sim.sim_stage.st_runs r LEFT JOIN sim.lakeflow.jobs j ON j.workspace_id = r.workspace_id AND j.job_id = r.job_id
	  UNION ALL
	  SELECT u.workspace_id, u.pipeline_id, u.update_id, NULL, 'DLT', u.start_ts, u.end_ts, p.tags['team'], p.name
	  FROM sim.sim_stage.st_updates u LEFT JOIN sim.lakeflow.pipelines p ON p.workspace_id = u.workspace_id AND p.pipeline_id = u.pipeline_id)
	SELECT '` + AccountID + `', workspace_id, md5('usage' || run_id), 'PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA', 'AWS',
	  date_trunc('hour', start_ts), date_trunc('hour', start_ts) + INTERVAL 1 HOUR, CAST(start_ts AS DATE),
	  MAP {'team': team}, 'DBU', CAST((epoch(end_ts) - epoch(start_ts)) / 3600.0 * (2 + hash(object_id) % 15) AS DECIMAL(38, 18)),
	  {'cluster_id': NULL, 'job_id': CASE WHEN product = 'JOBS' THEN object_id END, 'warehouse_id': NULL,
	   'job_run_id': CASE WHEN product = 'JOBS' THEN run_id END,
	   'dlt_pipeline_id': CASE WHEN product = 'DLT' THEN object_id END, 'dlt_update_id': CASE WHEN product = 'DLT' THEN run_id END,
	   'run_name': run_name, 'job_name': object_name},
	  {'run_as': '` + ciPrincipal + `', 'created_by': NULL, 'owned_by': NULL, 'run_by': NULL},
	  'ORIGINAL', CAST(end_ts + to_minutes(CAST(360 + hash(run_id) % 361 AS BIGINT)) AS DATE), product,
	  {'jobs_tier': 'PREMIUM', 'dlt_tier': CASE WHEN product = 'DLT' THEN 'ADVANCED' END, 'is_serverless': true, 'is_photon': true},
	  'COMPUTE_TIME', end_ts + to_minutes(CAST(360 + hash(run_id) % 361 AS BIGINT))
	FROM runs`

// arriveSQL moves the usage records whose time has come into billing.usage.
var arriveSQL = []string{
	`INSERT INTO sim.billing.usage SELECT * EXCLUDE (arrives) FROM sim.sim_internal.billing_pending WHERE arrives <= ?`,
	`DELETE FROM sim.sim_internal.billing_pending WHERE arrives <= ?`,
}

// ciPrincipal is the service principal that runs every job and pipeline.
const ciPrincipal = "7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13"

// stage holds one appender per staging table, all on one connection.
type stage struct {
	conn *sql.Conn
	apps map[string]*duckdb.Appender
}

var stageTables = []string{"st_runs", "st_updates", "st_events", "st_resources", "st_flight"}

func openStage(ctx context.Context, conn *sql.Conn) (*stage, error) {
	if _, err := conn.ExecContext(ctx, stageDDL); err != nil {
		return nil, fmt.Errorf("creating staging tables: %w", err)
	}
	s := &stage{conn: conn, apps: map[string]*duckdb.Appender{}}
	err := conn.Raw(func(dc any) error {
		for _, t := range stageTables {
			a, err := duckdb.NewAppender(dc.(driver.Conn), Catalog, "sim_stage", t)
			if err != nil {
				return fmt.Errorf("appender for %s: %w", t, err)
			}
			s.apps[t] = a
		}
		return nil
	})
	return s, err
}

func (s *stage) add(table string, vals ...driver.Value) error {
	return s.apps[table].AppendRow(vals...)
}

func (s *stage) flush() error {
	for _, t := range stageTables {
		if err := s.apps[t].Flush(); err != nil {
			return fmt.Errorf("staging %s: %w", t, err)
		}
	}
	return nil
}

func (s *stage) close() {
	for _, a := range s.apps {
		a.Close()
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

// stageLedger stages the ledger events in (from, to] and the resources of releases landing then.
func (g *generator) stageLedger(s *stage, from, to time.Time) error {
	for _, d := range g.tl.all {
		if d.at.Before(from.Add(-2*time.Hour)) || d.at.After(to.Add(15*time.Minute)) {
			continue
		}
		for _, r := range deploymentRows(g.seed, d, from, to) {
			if err := stageEvent(s, r); err != nil {
				return err
			}
		}
		if d.failed || !d.firstSeen || !d.at.After(from) || d.at.After(to) {
			continue
		}
		for j, res := range d.bundle.jobs {
			if err := s.add("st_resources", d.releaseID(), d.env, "job", res.key, fmt.Sprint(jobID(d.env, d.bundle.index, j)), resourceName(d.env, res.key)); err != nil {
				return err
			}
		}
		for _, res := range d.bundle.pipes {
			if err := s.add("st_resources", d.releaseID(), d.env, "pipeline", res.key, pipelineID(d.env, res.key), resourceName(d.env, res.key)); err != nil {
				return err
			}
		}
	}
	for _, r := range g.tl.extra {
		if r.at.After(from) && !r.at.After(to) {
			if err := stageEvent(s, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func stageEvent(s *stage, r ledgerRow) error {
	var run driver.Value
	if r.runID != 0 {
		run = r.runID
	}
	return s.add("st_events", r.id, r.releaseID, r.bundle, r.version, r.sha, r.env, r.kind, r.status, r.actor, r.at, nullable(r.ticket), nullable(r.reason), run, nullable(r.details))
}

// stageInterval stages everything that becomes visible in (from, to].
func (g *generator) stageInterval(s *stage, from, to time.Time) error {
	if err := g.stageLedger(s, from, to); err != nil {
		return err
	}
	var err error
	g.activity(from.Add(-maxRunLength), to, func(r *runRec) {
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
		err = s.add("st_flight", r.ws, kind, r.objectID, r.runID, r.name, r.start, r.end, string(b))
	})
	return err
}
