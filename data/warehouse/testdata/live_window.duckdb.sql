-- What the warehouse already holds of the open windows of the current deployments of an
-- environment (and bundle) deployed at or after an instant, found by the statement itself:
-- live_known.sql (spliced in below, without its header) with its releases named by
-- open_windows instead of parameters, so that it needs no page read first and goes out
-- beside the page's statements. Its scans start at the instant rather than at the oldest
-- open window. One more row per open window: 'open', its release and its start.
-- Parameters: the deployments fragment (deploymentsArgs); closed after (a
-- window that closed since is live too: model.Window.Live); since; then
-- live_known.sql's: workspace, since (runs); workspace, since (updates); workspace, since
-- (expectations); environment (resources).
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
open_windows AS (
  SELECT w.release_id, w.deployed_at
  FROM windowed AS w
  WHERE (w.window_end IS NULL OR w.window_end > CAST(? AS TIMESTAMP)) AND w.deployed_at >= CAST(? AS TIMESTAMP)
),
runs AS (
  SELECT t.run_id AS id, MIN(t.period_start_time) AS started, MAX(t.period_end_time) AS ended,
    MAX_BY(t.result_state, t.period_end_time) FILTER (WHERE t.result_state IS NOT NULL) AS state
  FROM "sim"."lakeflow"."job_run_timeline" AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
  GROUP BY t.run_id
),
updates AS (
  SELECT u.update_id AS id, MIN(u.period_start_time) AS started, MAX(u.period_end_time) AS ended,
    MAX_BY(u.result_state, u.period_end_time) FILTER (WHERE u.result_state IS NOT NULL) AS state
  FROM "sim"."lakeflow"."pipeline_update_timeline" AS u
  WHERE u.workspace_id = ? AND u.period_start_time >= CAST(? AS TIMESTAMP)
  GROUP BY u.update_id
),
held AS (
  SELECT 'run' AS kind, id, started, ended, state FROM runs
  UNION ALL
  SELECT 'update', id, started, ended, state FROM updates
),
cut AS (
  SELECT LEAST(MAX(ended) - INTERVAL 70 MINUTES, MIN(started) FILTER (WHERE state IS NULL)) AS at FROM held
)
SELECT h.kind, CAST(NULL AS STRING) AS release_id, CAST(NULL AS STRING) AS resource_type, h.id, h.state,
  h.started AS at
FROM held AS h CROSS JOIN cut AS c
WHERE c.at IS NULL OR h.started >= c.at
UNION ALL
SELECT 'cut', CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), c.at
FROM cut AS c
UNION ALL
SELECT DISTINCT 'expectations', CAST(NULL AS STRING), CAST(NULL AS STRING), x.update_id, CAST(NULL AS STRING),
  CAST(NULL AS TIMESTAMP)
FROM "sim"."release_cockpit"."expectation_results" AS x
WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
UNION ALL
SELECT DISTINCT 'resource', r.release_id, r.resource_type, r.resource_id, CAST(NULL AS STRING), CAST(NULL AS TIMESTAMP)
FROM "sim"."release_cockpit"."release_resources" AS r
WHERE r.environment = ? AND r.release_id IN (SELECT o.release_id FROM open_windows AS o)
UNION ALL
SELECT 'open', o.release_id, CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING),
  o.deployed_at
FROM open_windows AS o
