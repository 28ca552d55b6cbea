-- Pre-deploy duration baselines: the last n runs of each of a set of jobs that had finished
-- before an instant (a deployment), folded from their hourly slices, newest first per job.
-- Slices are read up to the instant only, so a run still going then has no final slice (no
-- result_state) and is left out; a run whose first slice precedes the scan is cut off by the
-- lookback bound. The jobs are those of the baseline_jobs fragment: named by id
-- (frag_baseline_jobs_by_id.sql: one comma-separated parameter, as a list cannot be one
-- portable parameter) or a release's (frag_baseline_jobs_of_release.sql).
-- Parameters: those of the baseline_jobs fragment; the job_runs fragment (workspace, scan start,
-- scan end = the instant); lookback start; n.
WITH {{baseline_jobs}},
{{job_runs}}
SELECT r.job_id, r.run_id, r.start_time, r.end_time
FROM runs AS r
WHERE r.result_state IS NOT NULL AND r.start_time >= CAST(? AS TIMESTAMP)
QUALIFY ROW_NUMBER() OVER (PARTITION BY r.job_id ORDER BY r.start_time DESC, r.run_id DESC)
  <= CAST(? AS INT)
ORDER BY r.job_id, r.start_time DESC, r.run_id DESC
