-- Fragment baseline_jobs of baselines.sql (this header is not sent): the jobs of a
-- release in an environment, as runs.sql selects them, so that the baselines need no read
-- of the runs first and go out beside it.
-- Parameters: release id, environment.
run_jobs AS (
  SELECT DISTINCT r.resource_id AS job_id
  FROM {{release_resources}} AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = 'job'
)
