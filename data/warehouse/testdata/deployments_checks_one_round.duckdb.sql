-- The check events of each deployment of one page: checks of the deployment's release in
-- the environment reported from its deploy up to the release's own next deployment there
-- (not the bundle's: a check that reports at the instant another release lands is still
-- this release's). Outcome is the status column; the rest is in the details JSON, parsed by
-- the caller (JSON functions differ between engines).
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment
-- (6 keys); environment.
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
release_next AS (
  SELECT p.event_id, MIN(n.deployed_at) AS next_at
  FROM page AS p
  JOIN deploys AS n ON n.release_id = p.release_id
    AND (n.deployed_at > p.deployed_at
      OR (n.deployed_at = p.deployed_at AND n.event_id > p.event_id))
  GROUP BY p.event_id
)
SELECT p.event_id AS deployment_id, c.event_id, c.status, c.details, c.at AS checked_at
FROM page AS p
LEFT JOIN release_next AS x ON x.event_id = p.event_id
JOIN "sim"."release_cockpit"."release_events" AS c ON c.release_id = p.release_id
WHERE c.environment = ? AND c.kind = 'check' AND c.at >= p.deployed_at
  AND (x.next_at IS NULL OR c.at < x.next_at)
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.event_id, c.event_id ORDER BY c.at) = 1
ORDER BY p.event_id, c.at
