-- DBUs of each job run and pipeline update of a deployment (started inside its window),
-- from billing usage: usage_unit DBU, summed over every record type so that retractions
-- and restatements cancel, cast to DOUBLE (usage_quantity is a DECIMAL).
-- Parameters: release id, environment; the job_runs fragment (workspace, scan start, scan end);
-- window start, window end; the pipeline_updates fragment (workspace, scan start, scan end);
-- window start, window end; workspace, usage from date, usage to date; workspace (job
-- names); workspace (pipeline names).
-- Each row carries its job's or pipeline's name (the latest row of the SCD2 system tables,
-- as names.sql reads it), so the cost needs no second statement for them.
WITH resources AS (
  SELECT DISTINCT r.resource_type, r.resource_id
  FROM "sim"."release_cockpit"."release_resources" AS r
  WHERE r.release_id = ? AND r.environment = ?
),
run_jobs AS (
  SELECT s.resource_id AS job_id FROM resources AS s WHERE s.resource_type = 'job'
),
runs AS (
  SELECT t.workspace_id, t.job_id, t.run_id,
    MAX(t.run_name) AS run_name,
    MIN(t.period_start_time) AS start_time,
    MAX(t.period_end_time) AS end_time,
    MAX_BY(t.result_state, t.period_end_time)
      FILTER (WHERE t.result_state IS NOT NULL) AS result_state,
    MAX_BY(t.termination_code, t.period_end_time)
      FILTER (WHERE t.termination_code IS NOT NULL) AS termination_code
  FROM "sim"."lakeflow"."job_run_timeline" AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.job_id IN (SELECT j.job_id FROM run_jobs AS j)
  GROUP BY t.workspace_id, t.job_id, t.run_id
),
window_runs AS (
  SELECT r.job_id, r.run_id FROM runs AS r
  WHERE r.start_time >= CAST(? AS TIMESTAMP) AND r.start_time < CAST(? AS TIMESTAMP)
),
update_pipelines AS (
  SELECT s.resource_id AS pipeline_id FROM resources AS s WHERE s.resource_type = 'pipeline'
),
updates AS (
  SELECT t.workspace_id, t.pipeline_id, t.update_id,
    MAX(t.update_type) AS update_type,
    MAX(t.trigger_type) AS trigger_type,
    MIN(t.period_start_time) AS start_time,
    MAX(t.period_end_time) AS end_time,
    MAX_BY(t.result_state, t.period_end_time)
      FILTER (WHERE t.result_state IS NOT NULL) AS result_state
  FROM "sim"."lakeflow"."pipeline_update_timeline" AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.pipeline_id IN (SELECT p.pipeline_id FROM update_pipelines AS p)
  GROUP BY t.workspace_id, t.pipeline_id, t.update_id
),
window_updates AS (
  SELECT u.pipeline_id, u.update_id FROM updates AS u
  WHERE u.start_time >= CAST(? AS TIMESTAMP) AND u.start_time < CAST(? AS TIMESTAMP)
),
dbu_usage AS (
  SELECT b.usage_metadata.job_run_id AS job_run_id,
    b.usage_metadata.dlt_update_id AS dlt_update_id,
    b.usage_quantity AS quantity
  FROM "sim"."billing"."usage" AS b
  WHERE b.workspace_id = ? AND b.usage_date >= CAST(? AS DATE) AND b.usage_date <= CAST(? AS DATE)
    AND b.usage_unit = 'DBU'
),
job_names AS (
  SELECT j.job_id AS id, j.name AS name
  FROM "sim"."lakeflow"."jobs" AS j
  WHERE j.workspace_id = ? AND j.job_id IN (SELECT k.job_id FROM run_jobs AS k)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY j.workspace_id, j.job_id ORDER BY j.change_time DESC) = 1
),
pipeline_names AS (
  SELECT p.pipeline_id AS id, p.name AS name
  FROM "sim"."lakeflow"."pipelines" AS p
  WHERE p.workspace_id = ? AND p.pipeline_id IN (SELECT k.pipeline_id FROM update_pipelines AS k)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.workspace_id, p.pipeline_id ORDER BY p.change_time DESC) = 1
),
costs AS (
  SELECT 'job' AS resource_type, r.job_id AS resource_id, r.run_id,
    CAST(COALESCE(SUM(g.quantity), 0) AS DOUBLE) AS dbus
  FROM window_runs AS r
  LEFT JOIN dbu_usage AS g ON g.job_run_id = r.run_id
  GROUP BY r.job_id, r.run_id
  UNION ALL
  SELECT 'pipeline', u.pipeline_id, u.update_id,
    CAST(COALESCE(SUM(g.quantity), 0) AS DOUBLE)
  FROM window_updates AS u
  LEFT JOIN dbu_usage AS g ON g.dlt_update_id = u.update_id
  GROUP BY u.pipeline_id, u.update_id
)
SELECT c.resource_type, c.resource_id, c.run_id, c.dbus, COALESCE(jn.name, pn.name) AS name
FROM costs AS c
LEFT JOIN job_names AS jn ON c.resource_type = 'job' AND jn.id = c.resource_id
LEFT JOIN pipeline_names AS pn ON c.resource_type = 'pipeline' AND pn.id = c.resource_id
ORDER BY 4 DESC, 3
