-- The deployment of the same bundle in the same environment just before a deployment, in
-- the window order (deployed_at, event_id).
-- Parameters: environment, bundle, deployed at, deployed at, deployment id.
SELECT e.event_id, e.release_id, e.at AS deployed_at, e.git_sha
FROM "sim"."release_cockpit"."release_events" AS e
WHERE e.environment = ? AND e.bundle = ? AND e.kind = 'deploy_succeeded'
  AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
  AND (e.at < CAST(? AS TIMESTAMP) OR (e.at = CAST(? AS TIMESTAMP) AND e.event_id < ?))
ORDER BY e.at DESC, e.event_id DESC
LIMIT 1
