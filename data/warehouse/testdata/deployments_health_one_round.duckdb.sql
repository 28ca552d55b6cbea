-- Health of the deployments of one page and of the deployment before each (whose
-- expectation failure ratio is the baseline): outcome counts of the job runs and pipeline
-- updates that started in each window, and the expectation records of those updates.
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment (6 keys);
-- resources: environment; the job_runs fragment (workspace, scan start, scan end);
-- the pipeline_updates fragment (workspace, scan start, scan end); records: workspace, scan start.
WITH recent_bundles AS (
  SELECT DISTINCT e.bundle
  FROM "sim"."release_cockpit"."release_events" AS e
  WHERE ? = 1 AND e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at >= CAST(? AS TIMESTAMP)
),
near_before AS (
  SELECT e.bundle, MAX(e.at) AS at
  FROM "sim"."release_cockpit"."release_events" AS e
  WHERE ? = 1 AND e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at >= CAST(? AS TIMESTAMP)
    AND e.at < CAST(? AS TIMESTAMP)
  GROUP BY e.bundle
),
last_before AS (
  SELECT n.bundle, n.at FROM near_before AS n
  UNION ALL
  SELECT e.bundle, MAX(e.at) AS at
  FROM "sim"."release_cockpit"."release_events" AS e
  WHERE e.environment = ? AND e.kind = 'deploy_succeeded'
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND e.at < CAST(? AS TIMESTAMP)
    AND e.bundle IN (SELECT r.bundle FROM recent_bundles AS r
      WHERE r.bundle NOT IN (SELECT n.bundle FROM near_before AS n))
  GROUP BY e.bundle
),
deploys AS (
  SELECT e.event_id, MIN(e.release_id) AS release_id, MIN(e.bundle) AS bundle,
    MIN(e.version) AS version, MIN(e.git_sha) AS git_sha, MIN(e.actor) AS actor,
    MIN(e.ticket) AS ticket, MIN(e.at) AS deployed_at
  FROM (
    SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.actor, r.ticket, r.at
    FROM "sim"."release_cockpit"."release_events" AS r
    WHERE r.environment = ? AND r.kind = 'deploy_succeeded' AND (? = '' OR r.bundle = ?)
      AND TRIM(COALESCE(r.event_id, '')) <> '' AND TRIM(COALESCE(r.release_id, '')) <> ''
      AND TRIM(COALESCE(r.bundle, '')) <> '' AND r.at >= CAST(? AS TIMESTAMP)
    UNION ALL
    SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.actor, r.ticket, r.at
    FROM "sim"."release_cockpit"."release_events" AS r
    JOIN last_before AS b ON b.bundle = r.bundle AND b.at = r.at
    WHERE r.environment = ? AND r.kind = 'deploy_succeeded'
      AND TRIM(COALESCE(r.event_id, '')) <> '' AND TRIM(COALESCE(r.release_id, '')) <> ''
  ) AS e
  GROUP BY e.event_id
),
windowed AS (
  SELECT d.event_id, d.release_id, d.bundle, d.version, d.git_sha, d.actor, d.ticket,
    d.deployed_at,
    LEAD(d.deployed_at) OVER bundle_order AS window_end,
    LAG(d.event_id) OVER bundle_order AS previous_id,
    LAG(d.release_id) OVER bundle_order AS previous_release_id,
    LAG(d.deployed_at) OVER bundle_order AS previous_at,
    LAG(d.git_sha) OVER bundle_order AS previous_git_sha
  FROM deploys AS d
  WINDOW bundle_order AS (PARTITION BY d.bundle ORDER BY d.deployed_at, d.event_id)
),
page AS (
  SELECT w.event_id, w.release_id, w.bundle, w.deployed_at, w.window_end, w.previous_id,
    w.previous_release_id, w.previous_at
  FROM windowed AS w
  WHERE w.deployed_at >= CAST(? AS TIMESTAMP)
    AND (? = 0 OR w.deployed_at < CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id < ?))
    AND (? = '' OR w.release_id = ?)
  ORDER BY w.deployed_at DESC, w.event_id DESC
  LIMIT ?
),
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
  JOIN "sim"."release_cockpit"."release_resources" AS r ON r.release_id = w.release_id
  WHERE r.environment = ?
),
run_jobs AS (
  SELECT DISTINCT s.resource_id AS job_id FROM resources AS s
  WHERE s.resource_type = 'job' AND s.in_page
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
update_pipelines AS (
  SELECT DISTINCT s.resource_id AS pipeline_id FROM resources AS s
  WHERE s.resource_type = 'pipeline'
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
  JOIN "sim"."release_cockpit"."expectation_results" AS x ON x.update_id = wu.update_id
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
