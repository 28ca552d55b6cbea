-- Finished runs of a bundle's jobs in an environment, counted per hour of their end: the
-- error budget's input. The bundle's jobs are those any of its releases recorded there.
-- Parameters: environment, bundle, environment; the job_runs fragment (workspace, scan
-- start, scan end); from, to.
WITH run_jobs AS (
  SELECT DISTINCT r.resource_id AS job_id
  FROM {{release_resources}} AS r
  WHERE r.environment = ? AND r.resource_type = 'job' AND r.release_id IN (
    SELECT e.release_id FROM {{release_events}} AS e
    WHERE e.bundle = ? AND e.environment = ? AND e.kind = 'deploy_succeeded')
),
{{job_runs}}
SELECT date_trunc('hour', r.end_time) AS hour,
  CAST(COUNT(*) FILTER (WHERE r.result_state = 'SUCCEEDED') AS BIGINT) AS good,
  CAST(COUNT(*) FILTER (WHERE r.result_state IN ('FAILED', 'ERROR', 'TIMED_OUT', 'CANCELLED')) AS BIGINT) AS bad
FROM runs AS r
WHERE r.result_state IS NOT NULL AND r.end_time >= CAST(? AS TIMESTAMP) AND r.end_time < CAST(? AS TIMESTAMP)
GROUP BY date_trunc('hour', r.end_time)
ORDER BY hour
