-- The job runs of a deployment: runs of the release's jobs in the environment's workspace
-- whose first slice starts inside the window, newest first.
-- Parameters: release id, environment; the job_runs fragment (workspace, scan start, scan end);
-- window start, window end.
WITH run_jobs AS (
  SELECT DISTINCT r.resource_id AS job_id
  FROM {{release_resources}} AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = 'job'
),
{{job_runs}}
SELECT r.workspace_id, r.job_id, r.run_id, r.run_name, r.start_time, r.end_time,
  r.result_state, r.termination_code
FROM runs AS r
WHERE r.start_time >= CAST(? AS TIMESTAMP) AND r.start_time < CAST(? AS TIMESTAMP)
ORDER BY r.start_time DESC, r.run_id DESC
