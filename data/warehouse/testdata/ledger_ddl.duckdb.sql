CREATE SCHEMA IF NOT EXISTS "sim"."release_cockpit"
;

CREATE TABLE IF NOT EXISTS "sim"."release_cockpit"."release_events" (
  event_id VARCHAR, release_id VARCHAR, bundle VARCHAR, version VARCHAR, git_sha VARCHAR,
  environment VARCHAR, kind VARCHAR, status VARCHAR, actor VARCHAR, "at" TIMESTAMP,
  ticket VARCHAR, reason VARCHAR, run_id BIGINT, details VARCHAR
)
;

CREATE TABLE IF NOT EXISTS "sim"."release_cockpit"."release_resources" (
  release_id VARCHAR, environment VARCHAR, resource_type VARCHAR, resource_key VARCHAR,
  resource_id VARCHAR, name VARCHAR
)
;

CREATE TABLE IF NOT EXISTS "sim"."release_cockpit"."expectation_results" (
  workspace_id VARCHAR, pipeline_id VARCHAR, update_id VARCHAR, dataset VARCHAR,
  expectation VARCHAR, passed_records BIGINT, failed_records BIGINT, event_time TIMESTAMP
)
