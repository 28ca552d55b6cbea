-- Fragment {{deployments}} (this header is not sent): the deployments of one environment
-- and their windows. Parameters: environment, bundle, bundle ('' for every bundle).
-- A deployment is a deploy_succeeded event, deduplicated on event_id: writers may retry, and
-- copies of an event are equal, so MIN picks the one value (GROUP BY is cheaper than
-- ROW_NUMBER here, which DuckDB plans as a second scan of the ledger).
-- A row without an event id, release id, bundle or time cannot be a deployment: it is left
-- out here (so that it cuts no window) and counted by not_deployments.sql.
-- Its window runs from deployed_at (inclusive) to the next deployment of the same bundle in
-- the same environment (exclusive), in the order (deployed_at, event_id): model.Windows.
deploys AS (
  SELECT e.event_id, MIN(e.release_id) AS release_id, MIN(e.bundle) AS bundle,
    MIN(e.version) AS version, MIN(e.git_sha) AS git_sha, MIN(e.actor) AS actor,
    MIN(e.ticket) AS ticket, MIN(e.at) AS deployed_at
  FROM {{release_events}} AS e
  WHERE e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at IS NOT NULL
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
