-- The check events of a release in an environment reported from a given instant (the
-- previous deployment of the bundle, so that pre-deploy checks are included) to the end of
-- the deployment's window. Details are JSON, parsed by the caller.
-- Parameters: release id, environment, from, window end.
SELECT c.event_id, c.status, c.details, c.at AS checked_at
FROM {{release_events}} AS c
WHERE c.release_id = ? AND c.environment = ? AND c.kind = 'check'
  AND c.at >= CAST(? AS TIMESTAMP) AND c.at < CAST(? AS TIMESTAMP)
QUALIFY ROW_NUMBER() OVER (PARTITION BY c.event_id ORDER BY c.at) = 1
ORDER BY c.at, c.event_id
