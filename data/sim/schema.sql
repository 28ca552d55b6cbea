-- The simulated workspace's tables. Catalog `sim` stands in for Databricks' `system`
-- catalog (DuckDB reserves that name) and for the ledger's `main` catalog. Column names
-- and types follow shared/reference/databricks.md §1; nested types are DuckDB's STRUCT and
-- MAP so that the same SQL (struct field access, map subscripts) runs on both engines.

CREATE SCHEMA IF NOT EXISTS sim.lakeflow;
CREATE SCHEMA IF NOT EXISTS sim.access;
CREATE SCHEMA IF NOT EXISTS sim.billing;
CREATE SCHEMA IF NOT EXISTS sim.release_cockpit;
CREATE SCHEMA IF NOT EXISTS sim.sim_internal;

CREATE TABLE IF NOT EXISTS sim.lakeflow.jobs (
  account_id VARCHAR, workspace_id VARCHAR, job_id VARCHAR, name VARCHAR, description VARCHAR,
  creator_id VARCHAR, tags MAP(VARCHAR, VARCHAR), change_time TIMESTAMP, delete_time TIMESTAMP,
  run_as VARCHAR,
  "trigger" STRUCT(file_arrival STRUCT(url VARCHAR, min_time_between_triggers_seconds INTEGER, wait_after_last_change_seconds INTEGER),
    periodic STRUCT("interval" INTEGER, units VARCHAR), continuous STRUCT(enabled BOOLEAN),
    table_update STRUCT(table_names VARCHAR[], min_time_between_triggers_seconds BIGINT, wait_after_last_change_seconds BIGINT, "condition" VARCHAR),
    schedule STRUCT(quartz_cron_expression VARCHAR, timezone_id VARCHAR)),
  trigger_type VARCHAR, run_as_user_name VARCHAR, creator_user_name VARCHAR,
  paused BOOLEAN, timeout_seconds BIGINT,
  health_rules STRUCT(metric VARCHAR, operator VARCHAR, value BIGINT)[],
  deployment STRUCT(kind VARCHAR, metadata_file_path VARCHAR),
  create_time TIMESTAMP
);

CREATE TABLE IF NOT EXISTS sim.lakeflow.job_tasks (
  account_id VARCHAR, workspace_id VARCHAR, job_id VARCHAR, task_key VARCHAR,
  depends_on_keys VARCHAR[], change_time TIMESTAMP, delete_time TIMESTAMP, timeout_seconds BIGINT
);

CREATE TABLE IF NOT EXISTS sim.lakeflow.job_run_timeline (
  account_id VARCHAR, workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR,
  period_start_time TIMESTAMP, period_end_time TIMESTAMP, trigger_type VARCHAR, run_type VARCHAR,
  run_name VARCHAR, compute_ids VARCHAR[], result_state VARCHAR, termination_code VARCHAR,
  job_parameters MAP(VARCHAR, VARCHAR), source_task_run_id VARCHAR, root_task_run_id VARCHAR,
  termination_type VARCHAR, setup_duration_seconds BIGINT, queue_duration_seconds BIGINT,
  run_duration_seconds BIGINT, cleanup_duration_seconds BIGINT, execution_duration_seconds BIGINT
);


CREATE TABLE IF NOT EXISTS sim.lakeflow.pipelines (
  account_id VARCHAR, workspace_id VARCHAR, pipeline_id VARCHAR, pipeline_type VARCHAR, name VARCHAR,
  created_by VARCHAR, run_as VARCHAR, tags MAP(VARCHAR, VARCHAR),
  settings STRUCT(photon BOOLEAN, development BOOLEAN, continuous BOOLEAN, serverless BOOLEAN, edition VARCHAR, channel VARCHAR),
  configuration MAP(VARCHAR, VARCHAR), create_time TIMESTAMP, change_time TIMESTAMP, delete_time TIMESTAMP
);

CREATE TABLE IF NOT EXISTS sim.lakeflow.pipeline_update_timeline (
  account_id VARCHAR, workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR,
  update_type VARCHAR, trigger_type VARCHAR,
  trigger_details STRUCT(job_task STRUCT(job_id VARCHAR, job_task_run_id VARCHAR, performance_target VARCHAR)),
  result_state VARCHAR, period_start_time TIMESTAMP, period_end_time TIMESTAMP,
  refresh_selection VARCHAR[], full_refresh_selection VARCHAR[], request_id VARCHAR,
  run_as_user_name VARCHAR, compute STRUCT(type VARCHAR, cluster_id VARCHAR)
);



-- The audit log (reference §1.10): the simulation writes what a bundle deploy leaves there,
-- one row per job reset and pipeline edit (generator_audit.go).
CREATE TABLE IF NOT EXISTS sim.access.audit (
  account_id VARCHAR, workspace_id VARCHAR, version VARCHAR, event_time TIMESTAMP, event_date DATE,
  source_ip_address VARCHAR, user_agent VARCHAR, session_id VARCHAR,
  user_identity STRUCT(email VARCHAR, subject_name VARCHAR),
  service_name VARCHAR, action_name VARCHAR, request_id VARCHAR, request_params MAP(VARCHAR, VARCHAR),
  response STRUCT(status_code INTEGER, error_message VARCHAR, result VARCHAR),
  audit_level VARCHAR, event_id VARCHAR,
  identity_metadata STRUCT(run_by VARCHAR, run_as VARCHAR, acting_resource VARCHAR, run_by_display_name VARCHAR, run_as_display_name VARCHAR)
);
-- Expectation results flattened to one row per (update, dataset, expectation). On Databricks
-- `cockpit ledger init` creates this as a view over the pipeline event log system table
-- (details:flow_progress.data_quality.expectations); the simulation fills it directly.
CREATE TABLE IF NOT EXISTS sim.release_cockpit.expectation_results (
  workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR, dataset VARCHAR,
  expectation VARCHAR, passed_records BIGINT, failed_records BIGINT, event_time TIMESTAMP
);

-- What only the simulation needs: its own state, people, ACLs, and work in progress.
CREATE TABLE IF NOT EXISTS sim.sim_internal.meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS sim.sim_internal.workspaces (
  workspace_id VARCHAR, environment VARCHAR, host_label VARCHAR
);
CREATE TABLE IF NOT EXISTS sim.sim_internal.users (
  user_name VARCHAR, display_name VARCHAR, user_id VARCHAR, token VARCHAR, groups VARCHAR, role VARCHAR
);
-- One row per principal and object; principal_type is user, group or service_principal.
CREATE TABLE IF NOT EXISTS sim.sim_internal.acls (
  workspace_id VARCHAR, object_type VARCHAR, object_id VARCHAR, principal_type VARCHAR,
  principal VARCHAR, permission_level VARCHAR, inherited BOOLEAN
);
-- Every bundle deploy (succeeded or failed) of the estate: what the bundle deployment
-- metadata service answers for the bundles that record their deployment history.
CREATE TABLE IF NOT EXISTS sim.sim_internal.bundle_deploys (
  workspace_id VARCHAR, bundle VARCHAR, environment VARCHAR, deployed_at TIMESTAMP, actor VARCHAR,
  version VARCHAR, git_sha VARCHAR, failed BOOLEAN
);
-- Bundle metadata.json documents, as `bundle deploy` leaves them in the workspace.
CREATE TABLE IF NOT EXISTS sim.sim_internal.workspace_files (
  workspace_id VARCHAR, path VARCHAR, content VARCHAR, modified_at TIMESTAMP
);
-- Flow progress of pipeline updates: the rows the events API turns into flow_progress events.
CREATE TABLE IF NOT EXISTS sim.sim_internal.flows (
  workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR, flow_name VARCHAR, dataset VARCHAR,
  status VARCHAR, num_output_rows BIGINT, event_time TIMESTAMP
);
-- Runs and updates that have started but not ended at the simulation's "now". They move into
-- the timeline tables when their planned end passes; until then the REST API shows them active.
CREATE TABLE IF NOT EXISTS sim.sim_internal.in_flight (
  workspace_id VARCHAR, kind VARCHAR, object_id VARCHAR, run_id VARCHAR, run_name VARCHAR,
  start_time TIMESTAMP, planned_end TIMESTAMP, payload VARCHAR
);
-- run-now requests by idempotency token, so a retried request returns the same run.
CREATE TABLE IF NOT EXISTS sim.sim_internal.run_requests (
  idempotency_token VARCHAR, workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR,
  requested_by VARCHAR, requested_at TIMESTAMP, job_parameters VARCHAR
);
-- Runs of the deployer jobs: they progress on the wall clock (deployer.go). gate is '', ok or
-- blocked; result_state is '' until the run ends; duration_ms is its length once ended;
-- step_ms is the length of one of its steps.
CREATE TABLE IF NOT EXISTS sim.sim_internal.deployer_runs (
  workspace_id VARCHAR, run_id VARCHAR, job_id VARCHAR, environment VARCHAR, run_name VARCHAR,
  creator VARCHAR, job_parameters VARCHAR, start_time TIMESTAMP, wall_start TIMESTAMP,
  gate VARCHAR, result_state VARCHAR, message VARCHAR, failed_task VARCHAR, duration_ms BIGINT, step_ms BIGINT
);
-- Definitions the generator derives rows from in SQL: what each resource reads and writes,
-- the expectations of each pipeline's datasets, and the tasks of each job.
CREATE TABLE IF NOT EXISTS sim.sim_internal.resource_io (
  workspace_id VARCHAR, entity_type VARCHAR, entity_id VARCHAR, source VARCHAR, target VARCHAR, source_path VARCHAR
);
CREATE TABLE IF NOT EXISTS sim.sim_internal.expectation_defs (
  workspace_id VARCHAR, pipeline_id VARCHAR, dataset VARCHAR, expectation VARCHAR, ordinal INTEGER
);
CREATE TABLE IF NOT EXISTS sim.sim_internal.task_defs (
  workspace_id VARCHAR, job_id VARCHAR, task_key VARCHAR, ordinal INTEGER, n INTEGER
);
-- The jobs and pipelines of each bundle in each environment: what a release deploys.
CREATE TABLE IF NOT EXISTS sim.sim_internal.bundle_resources (
  bundle VARCHAR, environment VARCHAR, resource_type VARCHAR, resource_key VARCHAR, resource_id VARCHAR, name VARCHAR
);
-- Every finished run and update, one row each: job_task_run_timeline, table_lineage and
-- billing.usage are views over them (views.go).
CREATE TABLE IF NOT EXISTS sim.sim_internal.job_runs (
  workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR, run_name VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP,
  result_state VARCHAR, termination_code VARCHAR, trigger_type VARCHAR, version VARCHAR
);
CREATE TABLE IF NOT EXISTS sim.sim_internal.pipeline_updates (
  workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR, update_type VARCHAR, trigger_type VARCHAR, job_id VARCHAR,
  start_ts TIMESTAMP, end_ts TIMESTAMP, result_state VARCHAR, run_as VARCHAR, num_rows BIGINT, first_ratio DOUBLE
);
