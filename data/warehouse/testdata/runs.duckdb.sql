-- The job runs of a deployment: runs of the release's jobs in the environment's workspace
-- whose first slice starts inside the window, newest first.
-- Parameters: release id, environment; the job_runs fragment (workspace, scan start, scan end);
-- window start, window end.
WITH run_jobs AS (
  SELECT DISTINCT r.resource_id AS job_id
  FROM "sim"."release_cockpit"."release_resources" AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = 'job'
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
)
SELECT r.workspace_id, r.job_id, r.run_id, r.run_name, r.start_time, r.end_time,
  r.result_state, r.termination_code
FROM runs AS r
WHERE r.start_time >= CAST(? AS TIMESTAMP) AND r.start_time < CAST(? AS TIMESTAMP)
ORDER BY r.start_time DESC, r.run_id DESC
