package sim

import "strings"

// The task runs, the lineage and the usage records follow from the finished runs and
// updates (sim_internal.job_runs and pipeline_updates, one row each) and from the jobs'
// definitions. The simulation keeps them as views over those rows rather than as tables:
// they hold the same rows with the reference §1 columns and types, and the first start
// neither computes nor compresses the million rows they would take.

// derivedViews creates the derived system tables; it runs on every open, after schema.sql.
var derivedViews = []string{
	`CREATE VIEW IF NOT EXISTS sim.lakeflow.job_task_run_timeline (account_id, workspace_id, job_id, run_id, job_run_id,
	  parent_run_id, period_start_time, period_end_time, task_key, compute_ids, result_state, termination_code,
	  termination_type, execution_duration_seconds) AS
	WITH t AS (
	  SELECT r.workspace_id, r.job_id, r.run_id || CAST(d.ordinal + 1 AS VARCHAR) AS task_run_id, r.run_id AS job_run_id, d.task_key,
	    make_timestamp(epoch_us(r.start_ts) + (epoch_us(r.end_ts) - epoch_us(r.start_ts)) * d.ordinal // d.n) AS start_ts,
	    make_timestamp(epoch_us(r.start_ts) + (epoch_us(r.end_ts) - epoch_us(r.start_ts)) * (d.ordinal + 1) // d.n) AS end_ts,
	    CASE WHEN d.ordinal = d.n - 1 THEN r.result_state ELSE 'SUCCEEDED' END AS result_state,
	    CASE WHEN d.ordinal = d.n - 1 THEN r.termination_code ELSE 'SUCCESS' END AS termination_code
	  FROM sim.sim_internal.job_runs r JOIN sim.sim_internal.task_defs d ON d.workspace_id = r.workspace_id AND d.job_id = r.job_id)
	` + sliced(`'`+AccountID+`', workspace_id, job_id, task_run_id, job_run_id, job_run_id, {start}, {end},
	  task_key, CAST([] AS VARCHAR[]), CASE WHEN {final} THEN result_state END, CASE WHEN {final} THEN termination_code END,
	  CASE WHEN NOT {final} THEN NULL WHEN termination_code = 'SUCCESS' THEN 'SUCCESS' ELSE 'CLIENT_ERROR' END,
	  CASE WHEN {final} THEN CAST(epoch(end_ts) - epoch(start_ts) AS BIGINT) END`, `t`),

	// What each resource reads and writes, split as table_lineage spells it; every run of
	// a job and every completed update of a pipeline records it once.
	`CREATE VIEW IF NOT EXISTS sim.access.table_lineage (account_id, metastore_id, workspace_id, entity_type, entity_id,
	  entity_run_id, source_table_full_name, source_table_catalog, source_table_schema, source_table_name, source_path,
	  source_type, target_table_full_name, target_table_catalog, target_table_schema, target_table_name, target_path,
	  target_type, created_by, event_time, event_date, record_id, event_id, statement_id, entity_metadata, direct_access) AS
	WITH runs AS (
	  SELECT workspace_id, 'JOB' AS entity_type, job_id AS entity_id, run_id, end_ts FROM sim.sim_internal.job_runs
	  UNION ALL
	  SELECT workspace_id, 'PIPELINE', pipeline_id, update_id, end_ts FROM sim.sim_internal.pipeline_updates WHERE result_state = 'COMPLETED'),
	io AS (
	  SELECT workspace_id, entity_id, source, split_part(source, '.', 1) AS source_catalog, split_part(source, '.', 2) AS source_schema,
	    split_part(source, '.', 3) AS source_name, source_path, CASE WHEN source IS NULL THEN 'PATH' ELSE 'TABLE' END AS source_type,
	    target, split_part(target, '.', 1) AS target_catalog, split_part(target, '.', 2) AS target_schema, split_part(target, '.', 3) AS target_name,
	    CASE WHEN target IS NULL THEN NULL ELSE 'TABLE' END AS target_type,
	    CAST(row_number() OVER (PARTITION BY workspace_id, entity_id ORDER BY source, target) AS VARCHAR) AS ordinal
	  FROM sim.sim_internal.resource_io)
	SELECT '` + AccountID + `', 'f3a9c1d2-7b54-4e08-9c3a-5d6e7f8a9b0c', r.workspace_id, r.entity_type, r.entity_id, r.run_id,
	  io.source, io.source_catalog, io.source_schema, io.source_name, io.source_path, io.source_type,
	  io.target, io.target_catalog, io.target_schema, io.target_name, CAST(NULL AS VARCHAR), io.target_type,
	  '` + ciPrincipal + `', r.end_ts, CAST(r.end_ts AS DATE), r.run_id || '-' || io.ordinal, 'lineage-' || r.run_id, CAST(NULL AS VARCHAR),
	  CAST({'job_info': CASE WHEN r.entity_type = 'JOB' THEN {'job_id': r.entity_id, 'job_run_id': r.run_id} END,
	   'dashboard_id': NULL, 'legacy_dashboard_id': NULL, 'notebook_id': NULL, 'sql_query_id': NULL,
	   'dlt_pipeline_info': CASE WHEN r.entity_type = 'PIPELINE' THEN {'dlt_pipeline_id': r.entity_id, 'dlt_update_id': r.run_id} END}
	   AS STRUCT(job_info STRUCT(job_id VARCHAR, job_run_id VARCHAR), dashboard_id VARCHAR, legacy_dashboard_id VARCHAR,
	     notebook_id VARCHAR, sql_query_id VARCHAR, dlt_pipeline_info STRUCT(dlt_pipeline_id VARCHAR, dlt_update_id VARCHAR))),
	  true
	FROM runs r JOIN io ON io.workspace_id = r.workspace_id AND io.entity_id = r.entity_id`,

	// One usage record per run and update: DBUs from the duration and a per-resource rate,
	// arriving 6 to 12 hours after the run ends (reference §1.11), so a record shows once
	// the estate's clock has passed its arrival.
	`CREATE VIEW IF NOT EXISTS sim.billing.usage (account_id, workspace_id, record_id, sku_name, cloud, usage_start_time,
	  usage_end_time, usage_date, custom_tags, usage_unit, usage_quantity, usage_metadata, identity_metadata, record_type,
	  ingestion_date, billing_origin_product, product_features, usage_type) AS
	WITH runs AS (
	  SELECT r.workspace_id, r.job_id AS object_id, r.run_id, r.run_name, 'JOBS' AS product, r.start_ts, r.end_ts, j.tags['team'] AS team, j.name AS object_name
	  FROM sim.sim_internal.job_runs r LEFT JOIN (SELECT * FROM sim.lakeflow.jobs
	    QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1) j
	    ON j.workspace_id = r.workspace_id AND j.job_id = r.job_id
	  UNION ALL
	  SELECT u.workspace_id, u.pipeline_id, u.update_id, NULL, 'DLT', u.start_ts, u.end_ts, p.tags['team'], p.name
	  FROM sim.sim_internal.pipeline_updates u LEFT JOIN (SELECT * FROM sim.lakeflow.pipelines
	    QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, pipeline_id ORDER BY change_time DESC) = 1) p
	    ON p.workspace_id = u.workspace_id AND p.pipeline_id = u.pipeline_id),
	arrivals AS (SELECT *, end_ts + to_minutes(CAST(360 + hash(run_id) % 361 AS BIGINT)) AS arrives FROM runs)
	SELECT '` + AccountID + `', workspace_id, 'usage-' || run_id, 'PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA', 'AWS',
	  date_trunc('hour', start_ts), date_trunc('hour', start_ts) + INTERVAL 1 HOUR, CAST(start_ts AS DATE),
	  MAP {'team': team}, 'DBU', CAST((epoch(end_ts) - epoch(start_ts)) / 3600.0 * (2 + hash(object_id) % 15) AS DECIMAL(38, 18)),
	  CAST({'cluster_id': NULL, 'job_id': CASE WHEN product = 'JOBS' THEN object_id END, 'warehouse_id': NULL,
	   'job_run_id': CASE WHEN product = 'JOBS' THEN run_id END,
	   'dlt_pipeline_id': CASE WHEN product = 'DLT' THEN object_id END, 'dlt_update_id': CASE WHEN product = 'DLT' THEN run_id END,
	   'run_name': run_name, 'job_name': object_name}
	   AS STRUCT(cluster_id VARCHAR, job_id VARCHAR, warehouse_id VARCHAR, job_run_id VARCHAR, dlt_pipeline_id VARCHAR,
	     dlt_update_id VARCHAR, run_name VARCHAR, job_name VARCHAR)),
	  CAST({'run_as': '` + ciPrincipal + `', 'created_by': NULL, 'owned_by': NULL, 'run_by': NULL}
	   AS STRUCT(run_as VARCHAR, created_by VARCHAR, owned_by VARCHAR, run_by VARCHAR)),
	  'ORIGINAL', CAST(arrives AS DATE), product,
	  CAST({'jobs_tier': 'PREMIUM', 'dlt_tier': CASE WHEN product = 'DLT' THEN 'ADVANCED' END, 'is_serverless': true, 'is_photon': true}
	   AS STRUCT(jobs_tier VARCHAR, dlt_tier VARCHAR, is_serverless BOOLEAN, is_photon BOOLEAN)),
	  'COMPUTE_TIME'
	FROM arrivals
	WHERE arrives <= (SELECT CAST(value AS TIMESTAMP) FROM sim.sim_internal.meta WHERE key = 'through')`,
}

// viewsSQL is derivedViews as one script.
var viewsSQL = strings.Join(derivedViews, ";\n")
