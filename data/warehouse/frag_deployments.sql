-- Fragment {{deployments}} (this header is not sent): the deployments of one environment
-- and their windows. Parameters: deploymentsArgs (previous, environment, bundle, bundle
-- ('' for every bundle), from, near, in the order of the scans below).
-- A deployment is a deploy_succeeded event, deduplicated on event_id: writers may retry, and
-- copies of an event are equal, so MIN picks the one value (GROUP BY is cheaper than
-- ROW_NUMBER here, which DuckDB plans as a second scan of the ledger).
-- A row without an event id, release id, bundle or time cannot be a deployment: it is left
-- out here (so that it cuts no window) and counted by not_deployments.sql.
-- Its window runs from deployed_at (inclusive) to the next deployment of the same bundle in
-- the same environment (exclusive), in the order (deployed_at, event_id): model.Windows.
-- Only what a statement reads is windowed: the deployments at or after `from` (its own
-- lower bound: it reads no row of `windowed` before it) and, for the LAG of the first of each
-- bundle, the newest of each bundle before it (last_before: its time, then its rows; several
-- at that instant are all taken, and ordered by event_id as ever). That time is looked for
-- in the week before `from` (near_before, a scan that skips by time), and over the whole
-- history only for the bundles deployed since `from` that the week did not hold: when there
-- are none, DuckDB skips that scan. Windowing the whole
-- history and filtering after would cost a scan, a grouping and a sort of every deployment of
-- the environment: DuckDB cannot push a filter through LAG and LEAD. A row of `windowed`
-- before `from` has no LAG of its own; a reader filters it out by its bound. A statement
-- that reads no previous_* column passes previous = 0 and skips last_before (its first
-- deployments then have no LAG).
recent_bundles AS (
  SELECT DISTINCT e.bundle
  FROM {{release_events}} AS e
  WHERE ? = 1 AND e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at >= CAST(? AS TIMESTAMP)
),
near_before AS (
  SELECT e.bundle, MAX(e.at) AS at
  FROM {{release_events}} AS e
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
  FROM {{release_events}} AS e
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
    FROM {{release_events}} AS r
    WHERE r.environment = ? AND r.kind = 'deploy_succeeded' AND (? = '' OR r.bundle = ?)
      AND TRIM(COALESCE(r.event_id, '')) <> '' AND TRIM(COALESCE(r.release_id, '')) <> ''
      AND TRIM(COALESCE(r.bundle, '')) <> '' AND r.at >= CAST(? AS TIMESTAMP)
    UNION ALL
    SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.actor, r.ticket, r.at
    FROM {{release_events}} AS r
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
)
