-- One page of deployments of an environment, newest first, keyset-paged on
-- (deployed_at, event_id), with the facts the tags need, and how many deployments match
-- from the cursor on (the page and those after it: all of the window on the first page).
-- Parameters: the deployments fragment (deploymentsArgs); pins: environment, environment;
-- since; release id, release id; deployment id, deployment id;
-- has cursor (0 or 1), cursor at, cursor at, cursor id; limit.
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
-- The newest pin or unpin of each bundle, each kind read by an equality of its own: DuckDB
-- takes a kind IN (...) as a hint only and would read the columns of every event of the
-- environment.
pins AS (
  SELECT p.bundle, p.kind
  FROM (
    SELECT e.bundle, e.kind, e.at, e.event_id
    FROM "sim"."release_cockpit"."release_events" AS e
    WHERE e.environment = ? AND e.kind = 'pinned'
    UNION ALL
    SELECT e.bundle, e.kind, e.at, e.event_id
    FROM "sim"."release_cockpit"."release_events" AS e
    WHERE e.environment = ? AND e.kind = 'unpinned'
  ) AS p
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.bundle ORDER BY p.at DESC, p.event_id DESC) = 1
),
vetoes AS (
  SELECT DISTINCT v.release_id
  FROM "sim"."release_cockpit"."release_events" AS v
  WHERE v.kind = 'vetoed'
),
-- The deployments the filters and the cursor match, counted once beside them (a scalar
-- count rather than COUNT(*) OVER (), which DuckDB 1.x can fail on with an internal error
-- when a window sink gets no rows).
matched AS (
  SELECT w.*
  FROM windowed AS w
  WHERE w.deployed_at >= CAST(? AS TIMESTAMP)
    AND (? = '' OR w.release_id = ?)
    AND (? = '' OR w.event_id = ?)
    AND (? = 0 OR w.deployed_at < CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id < ?))
)
SELECT m.event_id, m.release_id, m.bundle, m.version, m.git_sha, m.actor, m.ticket,
  m.deployed_at, m.window_end, m.previous_id, m.previous_at,
  COALESCE(p.kind = 'pinned', FALSE) AS pinned,
  vt.release_id IS NOT NULL AS vetoed,
  m.previous_release_id, m.previous_git_sha,
  n.matching
FROM matched AS m
CROSS JOIN (SELECT COUNT(*) AS matching FROM matched) AS n
LEFT JOIN pins AS p ON p.bundle = m.bundle
LEFT JOIN vetoes AS vt ON vt.release_id = m.release_id
ORDER BY m.deployed_at DESC, m.event_id DESC
LIMIT ?
