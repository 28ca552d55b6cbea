-- One page of deployments of an environment, newest first, keyset-paged on
-- (deployed_at, event_id), with the facts the tags need, and how many deployments match
-- from the cursor on (the page and those after it: all of the window on the first page).
-- Parameters: the deployments fragment (environment, bundle, bundle); pins: environment;
-- since; release id, release id; deployment id, deployment id;
-- has cursor (0 or 1), cursor at, cursor at, cursor id; limit.
WITH {{deployments}},
pins AS (
  SELECT p.bundle, p.kind
  FROM {{release_events}} AS p
  WHERE p.environment = ? AND p.kind IN ('pinned', 'unpinned')
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.bundle ORDER BY p.at DESC, p.event_id DESC) = 1
),
vetoes AS (
  SELECT DISTINCT v.release_id
  FROM {{release_events}} AS v
  WHERE v.kind = 'vetoed'
)
SELECT w.event_id, w.release_id, w.bundle, w.version, w.git_sha, w.actor, w.ticket,
  w.deployed_at, w.window_end, w.previous_id, w.previous_at,
  COALESCE(p.kind = 'pinned', FALSE) AS pinned,
  vt.release_id IS NOT NULL AS vetoed,
  COUNT(*) OVER () AS matching
FROM windowed AS w
LEFT JOIN pins AS p ON p.bundle = w.bundle
LEFT JOIN vetoes AS vt ON vt.release_id = w.release_id
WHERE w.deployed_at >= CAST(? AS TIMESTAMP)
  AND (? = '' OR w.release_id = ?)
  AND (? = '' OR w.event_id = ?)
  AND (? = 0 OR w.deployed_at < CAST(? AS TIMESTAMP)
    OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id < ?))
ORDER BY w.deployed_at DESC, w.event_id DESC
LIMIT ?
