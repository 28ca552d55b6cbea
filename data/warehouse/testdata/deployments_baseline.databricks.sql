-- Pre-deploy baseline of the deployments of one page (DESIGN §5, "against its own
-- baseline"): per deployment, the runs and updates of its jobs and pipelines that started in
-- the 7 days before it and finished, and how many of them failed; and, for each successful
-- run and update inside its window, how many successful ones of the same job or pipeline
-- in those 7 days lasted at least as long (a running count over the durations, longest
-- first, whose default frame takes in the equally long: no join of runs with runs): one row per (deployment, job or pipeline) with
-- how many successful runs it had in the window, how many it had in the 7 days (N), and
-- how many window runs were slower than the p95, i.e. at most floor(5% of N) of the N
-- lasted as long (model.DurationSample says what chance gives), and that p95 itself for
-- every job or pipeline with successful runs before the deploy, window runs or not (a row
-- with timed 0). Durations are compared as
-- intervals (end - start), which both engines order. A deployment without durations has
-- one row with a NULL resource_id.
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment (6 keys);
-- resources: environment; the job_runs fragment (workspace, scan start, scan end);
-- the pipeline_updates fragment (workspace, scan start, scan end).
WITH recent_bundles AS (
  SELECT DISTINCT e.bundle
  FROM `main`.`release_cockpit`.`release_events` AS e
  WHERE ? = 1 AND e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at >= CAST(? AS TIMESTAMP)
),
near_before AS (
  SELECT e.bundle, MAX(e.at) AS at
  FROM `main`.`release_cockpit`.`release_events` AS e
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
  FROM `main`.`release_cockpit`.`release_events` AS e
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
    FROM `main`.`release_cockpit`.`release_events` AS r
    WHERE r.environment = ? AND r.kind = 'deploy_succeeded' AND (? = '' OR r.bundle = ?)
      AND TRIM(COALESCE(r.event_id, '')) <> '' AND TRIM(COALESCE(r.release_id, '')) <> ''
      AND TRIM(COALESCE(r.bundle, '')) <> '' AND r.at >= CAST(? AS TIMESTAMP)
    UNION ALL
    SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.actor, r.ticket, r.at
    FROM `main`.`release_cockpit`.`release_events` AS r
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
  WHERE (w.deployed_at > CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id >= ?))
    AND (w.deployed_at < CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id <= ?))
),
resources AS (
  SELECT DISTINCT p.event_id AS window_id, p.deployed_at AS window_start, p.window_end,
    r.resource_type, r.resource_id
  FROM page AS p
  JOIN `main`.`release_cockpit`.`release_resources` AS r ON r.release_id = p.release_id
  WHERE r.environment = ?
),
run_jobs AS (
  SELECT DISTINCT s.resource_id AS job_id FROM resources AS s WHERE s.resource_type = 'job'
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
  FROM `system`.`lakeflow`.`job_run_timeline` AS t
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
  FROM `system`.`lakeflow`.`pipeline_update_timeline` AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.pipeline_id IN (SELECT p.pipeline_id FROM update_pipelines AS p)
  GROUP BY t.workspace_id, t.pipeline_id, t.update_id
),
finished AS (
  SELECT 'job' AS resource_type, r.job_id AS resource_id, r.start_time,
    r.end_time, r.result_state <> 'SUCCEEDED' AS failed
  FROM runs AS r
  WHERE r.result_state IN ('SUCCEEDED', 'FAILED', 'ERROR', 'TIMED_OUT', 'CANCELLED')
  UNION ALL
  SELECT 'pipeline', u.pipeline_id, u.start_time, u.end_time,
    u.result_state = 'FAILED'
  FROM updates AS u
  WHERE u.result_state IN ('COMPLETED', 'FAILED')
),
placed AS (
  SELECT s.window_id, s.resource_type, s.resource_id, f.start_time, f.end_time, f.failed,
    f.start_time >= s.window_start AS inside
  FROM resources AS s
  JOIN finished AS f ON f.resource_type = s.resource_type AND f.resource_id = s.resource_id
  WHERE f.start_time >= s.window_start - INTERVAL 7 DAYS
    AND (s.window_end IS NULL OR f.start_time < s.window_end)
),
failures AS (
  SELECT b.window_id,
    CAST(COUNT(*) AS BIGINT) AS finished,
    CAST(COUNT(*) FILTER (WHERE b.failed) AS BIGINT) AS failed
  FROM placed AS b
  WHERE NOT b.inside
  GROUP BY b.window_id
),
ranked AS (
  SELECT pl.window_id, pl.resource_type, pl.resource_id, pl.inside,
    SUM(CASE WHEN pl.inside THEN 0 ELSE 1 END) OVER (
      PARTITION BY pl.window_id, pl.resource_type, pl.resource_id) AS earlier,
    SUM(CASE WHEN pl.inside THEN 0 ELSE 1 END) OVER (
      PARTITION BY pl.window_id, pl.resource_type, pl.resource_id
      ORDER BY pl.end_time - pl.start_time DESC) AS as_long
  FROM placed AS pl
  WHERE NOT pl.failed
),
durations AS (
  SELECT k.window_id, k.resource_type, k.resource_id,
    CAST(COUNT(*) AS BIGINT) AS timed,
    CAST(MAX(k.earlier) AS BIGINT) AS earlier,
    CAST(COUNT(*) FILTER (WHERE k.as_long <= FLOOR(k.earlier * 0.05)) AS BIGINT) AS slower
  FROM ranked AS k
  WHERE k.inside
  GROUP BY k.window_id, k.resource_type, k.resource_id
),
-- The p95 itself, per job or pipeline with successful runs before the deploy: the
-- floor(5% of N) + 1-th longest of them (a window run is slower exactly when it lasted
-- longer), as its start and end, so that runs only the REST API knows yet are held against
-- it as these are (model.MergeLive).
earlier_ranked AS (
  SELECT pl.window_id, pl.resource_type, pl.resource_id, pl.start_time, pl.end_time,
    COUNT(*) OVER (PARTITION BY pl.window_id, pl.resource_type, pl.resource_id) AS n,
    ROW_NUMBER() OVER (PARTITION BY pl.window_id, pl.resource_type, pl.resource_id
      ORDER BY pl.end_time - pl.start_time DESC, pl.start_time) AS rn
  FROM placed AS pl
  WHERE NOT pl.inside AND NOT pl.failed
),
thresholds AS (
  SELECT e.window_id, e.resource_type, e.resource_id, e.n, e.start_time AS p95_start,
    e.end_time AS p95_end
  FROM earlier_ranked AS e
  WHERE e.rn = FLOOR(e.n * 0.05) + 1
),
samples AS (
  SELECT COALESCE(d.window_id, t.window_id) AS window_id,
    COALESCE(d.resource_type, t.resource_type) AS resource_type,
    COALESCE(d.resource_id, t.resource_id) AS resource_id,
    COALESCE(d.timed, 0) AS timed, COALESCE(d.earlier, t.n, 0) AS earlier,
    COALESCE(d.slower, 0) AS slower, t.p95_start, t.p95_end
  FROM durations AS d
  FULL OUTER JOIN thresholds AS t ON t.window_id = d.window_id
    AND t.resource_type = d.resource_type AND t.resource_id = d.resource_id
)
SELECT p.event_id AS deployment_id,
  COALESCE(f.finished, 0) AS finished_before,
  COALESCE(f.failed, 0) AS failed_before,
  s.resource_id,
  CAST(COALESCE(s.timed, 0) AS BIGINT) AS timed,
  CAST(COALESCE(s.earlier, 0) AS BIGINT) AS earlier,
  CAST(COALESCE(s.slower, 0) AS BIGINT) AS slower,
  s.resource_type, s.p95_start, s.p95_end
FROM page AS p
LEFT JOIN failures AS f ON f.window_id = p.event_id
LEFT JOIN samples AS s ON s.window_id = p.event_id
ORDER BY p.event_id, s.resource_type, s.resource_id
