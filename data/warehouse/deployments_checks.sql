-- The check events of each deployment of one page: checks of the deployment's release in
-- the environment reported inside its window. Outcome is the status column; the rest is in
-- the details JSON, parsed by the caller (JSON functions differ between engines).
-- Parameters: the deployments fragment (environment, bundle, bundle); the page fragment
-- (6 keys); environment.
WITH {{deployments}},
{{page}}
SELECT p.event_id AS deployment_id, c.event_id, c.status, c.details, c.at AS checked_at
FROM page AS p
JOIN {{release_events}} AS c ON c.release_id = p.release_id
WHERE c.environment = ? AND c.kind = 'check' AND c.at >= p.deployed_at
  AND (p.window_end IS NULL OR c.at < p.window_end)
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.event_id, c.event_id ORDER BY c.at) = 1
ORDER BY p.event_id, c.at
