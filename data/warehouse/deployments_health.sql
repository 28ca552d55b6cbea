-- Health of the deployments of one page and of the deployment before each (whose
-- expectation failure ratio is the baseline): outcome counts of the job runs and pipeline
-- updates that started in each window, and the expectation records of those updates.
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment (6 keys);
-- resources: environment; the job_runs fragment (workspace, scan start, scan end);
-- the pipeline_updates fragment (workspace, scan start, scan end); records: workspace, scan start.
WITH {{deployments}},
{{page}},
windows AS (
  SELECT p.event_id AS window_id, p.release_id, p.deployed_at AS window_start, p.window_end,
    TRUE AS in_page
  FROM page AS p
  UNION ALL
  SELECT p.previous_id, p.previous_release_id, p.previous_at, p.deployed_at, FALSE
  FROM page AS p
  WHERE p.previous_id IS NOT NULL AND p.previous_id NOT IN (SELECT q.event_id FROM page AS q)
),
resources AS (
  SELECT DISTINCT w.window_id, w.in_page, r.resource_type, r.resource_id
  FROM windows AS w
  JOIN {{release_resources}} AS r ON r.release_id = w.release_id
  WHERE r.environment = ?
),
run_jobs AS (
  SELECT DISTINCT s.resource_id AS job_id FROM resources AS s
  WHERE s.resource_type = 'job' AND s.in_page
),
{{job_runs}},
update_pipelines AS (
  SELECT DISTINCT s.resource_id AS pipeline_id FROM resources AS s
  WHERE s.resource_type = 'pipeline'
),
{{pipeline_updates}},
-- Each run and update belongs to the latest window of its job or pipeline that starts at
-- or before it, if it starts before that window ends. Windows of one job or pipeline never
-- overlap (they are windows of one bundle), so numbering them and counting the windows that
-- precede each run finds its window in one sorted pass; a join of every window of a job
-- with every run of it would grow with their product.
job_windows AS (
  SELECT s.resource_id AS job_id, w.window_id, w.window_start, w.window_end,
    ROW_NUMBER() OVER (PARTITION BY s.resource_id ORDER BY w.window_start, w.window_id) AS n
  FROM windows AS w
  JOIN resources AS s ON s.window_id = w.window_id AND s.resource_type = 'job'
  WHERE w.in_page
),
run_windows AS (
  SELECT x.job_id, x.start_time, x.result_state, x.is_run,
    COUNT(x.window_id) OVER (PARTITION BY x.job_id ORDER BY x.start_time, x.is_run, x.window_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
  FROM (
    SELECT jw.job_id, jw.window_start AS start_time, 0 AS is_run, jw.window_id,
      CAST(NULL AS STRING) AS result_state
    FROM job_windows AS jw
    UNION ALL
    SELECT r.job_id, r.start_time, 1, CAST(NULL AS STRING), r.result_state
    FROM runs AS r
  ) AS x
),
run_counts AS (
  SELECT jw.window_id,
    CAST(COUNT(*) FILTER (WHERE rw.result_state = 'SUCCEEDED') AS BIGINT) AS succeeded,
    CAST(COUNT(*) FILTER (
      WHERE rw.result_state IN ('FAILED', 'ERROR', 'TIMED_OUT', 'CANCELLED')) AS BIGINT) AS failed,
    CAST(COUNT(*) FILTER (WHERE rw.result_state IS NULL) AS BIGINT) AS active
  FROM run_windows AS rw
  JOIN job_windows AS jw ON jw.job_id = rw.job_id AND jw.n = rw.n
  WHERE rw.is_run = 1 AND (jw.window_end IS NULL OR rw.start_time < jw.window_end)
  GROUP BY jw.window_id
),
pipeline_windows AS (
  SELECT s.resource_id AS pipeline_id, w.window_id, w.window_start, w.window_end,
    ROW_NUMBER() OVER (PARTITION BY s.resource_id ORDER BY w.window_start, w.window_id) AS n
  FROM windows AS w
  JOIN resources AS s ON s.window_id = w.window_id AND s.resource_type = 'pipeline'
),
update_windows AS (
  SELECT x.pipeline_id, x.update_id, x.start_time, x.result_state, x.is_update,
    COUNT(x.window_id) OVER (PARTITION BY x.pipeline_id ORDER BY x.start_time, x.is_update, x.window_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
  FROM (
    SELECT pw.pipeline_id, CAST(NULL AS STRING) AS update_id, pw.window_start AS start_time,
      0 AS is_update, pw.window_id, CAST(NULL AS STRING) AS result_state
    FROM pipeline_windows AS pw
    UNION ALL
    SELECT u.pipeline_id, u.update_id, u.start_time, 1, CAST(NULL AS STRING), u.result_state
    FROM updates AS u
  ) AS x
),
window_updates AS (
  SELECT pw.window_id, uw.update_id, uw.result_state
  FROM update_windows AS uw
  JOIN pipeline_windows AS pw ON pw.pipeline_id = uw.pipeline_id AND pw.n = uw.n
  WHERE uw.is_update = 1 AND (pw.window_end IS NULL OR uw.start_time < pw.window_end)
),
update_counts AS (
  SELECT wu.window_id,
    CAST(COUNT(*) FILTER (WHERE wu.result_state = 'COMPLETED') AS BIGINT) AS completed,
    CAST(COUNT(*) FILTER (WHERE wu.result_state = 'FAILED') AS BIGINT) AS failed
  FROM window_updates AS wu
  GROUP BY wu.window_id
),
records AS (
  SELECT wu.window_id,
    CAST(SUM(x.passed_records) AS BIGINT) AS passed,
    CAST(SUM(x.failed_records) AS BIGINT) AS failed
  FROM window_updates AS wu
  JOIN {{expectation_results}} AS x ON x.update_id = wu.update_id
  WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
  GROUP BY wu.window_id
)
SELECT w.window_id, w.in_page,
  COALESCE(rc.succeeded, 0) AS runs_succeeded,
  COALESCE(rc.failed, 0) AS runs_failed,
  COALESCE(rc.active, 0) AS runs_active,
  COALESCE(uc.completed, 0) AS updates_ok,
  COALESCE(uc.failed, 0) AS updates_failed,
  COALESCE(rec.passed, 0) AS records_passed,
  COALESCE(rec.failed, 0) AS records_failed
FROM windows AS w
LEFT JOIN run_counts AS rc ON rc.window_id = w.window_id
LEFT JOIN update_counts AS uc ON uc.window_id = w.window_id
LEFT JOIN records AS rec ON rec.window_id = w.window_id
