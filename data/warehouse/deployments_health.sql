-- Health of the deployments of one page and of the deployment before each (whose
-- expectation failure ratio is the baseline): outcome counts of the job runs and pipeline
-- updates that started in each window, and the expectation records of those updates.
-- Parameters: the deployments fragment (environment, bundle, bundle); the page fragment (6 keys);
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
run_counts AS (
  SELECT w.window_id,
    CAST(COUNT(*) FILTER (WHERE r.result_state = 'SUCCEEDED') AS BIGINT) AS succeeded,
    CAST(COUNT(*) FILTER (
      WHERE r.result_state IN ('FAILED', 'ERROR', 'TIMED_OUT', 'CANCELLED')) AS BIGINT) AS failed,
    CAST(COUNT(*) FILTER (WHERE r.result_state IS NULL) AS BIGINT) AS active
  FROM windows AS w
  JOIN resources AS s ON s.window_id = w.window_id AND s.resource_type = 'job'
  JOIN runs AS r ON r.job_id = s.resource_id
  WHERE w.in_page AND r.start_time >= w.window_start
    AND (w.window_end IS NULL OR r.start_time < w.window_end)
  GROUP BY w.window_id
),
window_updates AS (
  SELECT w.window_id, u.update_id, u.result_state
  FROM windows AS w
  JOIN resources AS s ON s.window_id = w.window_id AND s.resource_type = 'pipeline'
  JOIN updates AS u ON u.pipeline_id = s.resource_id
  WHERE u.start_time >= w.window_start
    AND (w.window_end IS NULL OR u.start_time < w.window_end)
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
