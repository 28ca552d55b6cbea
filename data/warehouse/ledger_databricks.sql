-- The release ledger on Databricks: append-only Delta tables, and expectation_results as a
-- view over the pipeline event log system table that explodes
-- details:flow_progress.data_quality.expectations (reference §2.3). `details` is a VARIANT
-- there and a JSON string in published event logs; casting the path to STRING before
-- from_json reads both.
-- Statements are separated by a line holding only a semicolon.
CREATE SCHEMA IF NOT EXISTS {{ledger}}
;
CREATE TABLE IF NOT EXISTS {{release_events}} (
  event_id STRING, release_id STRING, bundle STRING, version STRING, git_sha STRING,
  environment STRING, kind STRING, status STRING, actor STRING, {{at}} TIMESTAMP,
  ticket STRING, reason STRING, run_id BIGINT, details STRING
)
USING DELTA
TBLPROPERTIES ('delta.appendOnly' = 'true')
;
CREATE TABLE IF NOT EXISTS {{release_resources}} (
  release_id STRING, environment STRING, resource_type STRING, resource_key STRING,
  resource_id STRING, name STRING
)
USING DELTA
TBLPROPERTIES ('delta.appendOnly' = 'true')
;
CREATE VIEW IF NOT EXISTS {{expectation_results}} AS
SELECT f.workspace_id, f.pipeline_id, f.update_id, f.e.dataset AS dataset,
  f.e.name AS expectation, f.e.passed_records AS passed_records,
  f.e.failed_records AS failed_records, f.event_time
FROM (
  SELECT p.workspace_id, p.pipeline_id, p.update_id, p.event_time,
    explode(from_json(CAST(p.details:flow_progress.data_quality.expectations AS STRING),
      'array<struct<name:string,dataset:string,passed_records:bigint,failed_records:bigint>>')) AS e
  FROM {{pipeline_events}} AS p
  WHERE p.event_type = 'flow_progress'
    AND p.details:flow_progress.data_quality.expectations IS NOT NULL
) AS f
