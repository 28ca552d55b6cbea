-- The expectation of each deployment of one page whose failed-record ratio rose most
-- against the same expectation (dataset, name) before the deploy: its ratio over the
-- window's updates, the median of its per-update ratios over the updates of the same
-- pipelines in the 7 days before the deploy (NULL when none checked it: a median is not
-- moved by one bad release, so a second bad release in a row still stands out), and how
-- many records it checked. Deployments whose updates checked no records have no row.
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment (6 keys);
-- resources: environment; the pipeline_updates fragment (workspace, scan start, scan end);
-- records: workspace, scan start.
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
resources AS (
  SELECT DISTINCT p.event_id AS window_id, p.deployed_at AS window_start, p.window_end,
    r.resource_id AS pipeline_id
  FROM page AS p
  JOIN "sim"."release_cockpit"."release_resources" AS r ON r.release_id = p.release_id
  WHERE r.environment = ? AND r.resource_type = 'pipeline'
),
update_pipelines AS (
  SELECT DISTINCT s.pipeline_id FROM resources AS s
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
placed AS (
  SELECT s.window_id, u.update_id, u.start_time >= s.window_start AS inside
  FROM resources AS s
  JOIN updates AS u ON u.pipeline_id = s.pipeline_id
  WHERE u.start_time >= s.window_start - INTERVAL 7 DAYS
    AND (s.window_end IS NULL OR u.start_time < s.window_end)
),
checked AS (
  SELECT pl.window_id, pl.inside, x.update_id, x.dataset, x.expectation,
    CAST(SUM(x.passed_records) AS BIGINT) AS passed,
    CAST(SUM(x.failed_records) AS BIGINT) AS failed
  FROM placed AS pl
  JOIN "sim"."release_cockpit"."expectation_results" AS x ON x.update_id = pl.update_id
  WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
  GROUP BY pl.window_id, pl.inside, x.update_id, x.dataset, x.expectation
),
window_ratios AS (
  SELECT c.window_id, c.dataset, c.expectation,
    CAST(SUM(c.passed + c.failed) AS BIGINT) AS records,
    CAST(SUM(c.failed) AS DOUBLE) / CAST(SUM(c.passed + c.failed) AS DOUBLE) AS ratio
  FROM checked AS c
  WHERE c.inside AND c.passed + c.failed > 0
  GROUP BY c.window_id, c.dataset, c.expectation
),
earlier_ratios AS (
  SELECT c.window_id, c.dataset, c.expectation,
    CAST(MEDIAN(CAST(c.failed AS DOUBLE) / CAST(c.passed + c.failed AS DOUBLE)) AS DOUBLE) AS ratio
  FROM checked AS c
  WHERE NOT c.inside AND c.passed + c.failed > 0
  GROUP BY c.window_id, c.dataset, c.expectation
)
SELECT cur.window_id AS deployment_id, cur.dataset, cur.expectation, cur.ratio,
  b.ratio AS previous_ratio, cur.records
FROM window_ratios AS cur
LEFT JOIN earlier_ratios AS b ON b.window_id = cur.window_id AND b.dataset = cur.dataset
  AND b.expectation = cur.expectation
QUALIFY ROW_NUMBER() OVER (PARTITION BY cur.window_id
  ORDER BY cur.ratio - COALESCE(b.ratio, 0) DESC, cur.dataset, cur.expectation) = 1
