-- Fragment baseline_jobs of baselines.sql (this header is not sent): the jobs named by
-- id, matched against the jobs system table, which keeps every job's latest row.
-- Parameters: workspace id, job ids joined by commas.
run_jobs AS (
  SELECT DISTINCT j.job_id
  FROM {{jobs}} AS j
  WHERE j.workspace_id = ? AND array_contains(split(CAST(? AS STRING), ','), j.job_id)
)
