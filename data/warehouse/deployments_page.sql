-- One page of deployments of an environment, newest first, keyset-paged on
-- (deployed_at, event_id), with the facts the tags need, and how many deployments match
-- from the cursor on (the page and those after it: all of the window on the first page).
-- Parameters: the deployments fragment (deploymentsArgs); pins: environment, environment;
-- since; release id, release id; deployment id, deployment id;
-- has cursor (0 or 1), cursor at, cursor at, cursor id; limit.
WITH {{deployments}},
-- The newest pin or unpin of each bundle, each kind read by an equality of its own: DuckDB
-- takes a kind IN (...) as a hint only and would read the columns of every event of the
-- environment.
pins AS (
  SELECT p.bundle, p.kind
  FROM (
    SELECT e.bundle, e.kind, e.at, e.event_id
    FROM {{release_events}} AS e
    WHERE e.environment = ? AND e.kind = 'pinned'
    UNION ALL
    SELECT e.bundle, e.kind, e.at, e.event_id
    FROM {{release_events}} AS e
    WHERE e.environment = ? AND e.kind = 'unpinned'
  ) AS p
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.bundle ORDER BY p.at DESC, p.event_id DESC) = 1
),
vetoes AS (
  SELECT DISTINCT v.release_id
  FROM {{release_events}} AS v
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
