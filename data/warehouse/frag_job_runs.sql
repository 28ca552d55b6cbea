-- Fragment {{job_runs}} (this header is not sent): job runs folded from their hourly
-- slices, for the jobs listed in a preceding CTE run_jobs(job_id). result_state is set on
-- the final slice only, so a run without one is still active.
-- Parameters: workspace id, slice scan start, slice scan end.
runs AS (
  SELECT t.workspace_id, t.job_id, t.run_id,
    MAX(t.run_name) AS run_name,
    MIN(t.period_start_time) AS start_time,
    MAX(t.period_end_time) AS end_time,
    MAX_BY(t.result_state, t.period_end_time)
      FILTER (WHERE t.result_state IS NOT NULL) AS result_state,
    MAX_BY(t.termination_code, t.period_end_time)
      FILTER (WHERE t.termination_code IS NOT NULL) AS termination_code
  FROM {{job_run_timeline}} AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.job_id IN (SELECT j.job_id FROM run_jobs AS j)
  GROUP BY t.workspace_id, t.job_id, t.run_id
)
