-- The check events of each deployment of one page: checks of the deployment's release in
-- the environment reported from its deploy up to the release's own next deployment there
-- (not the bundle's: a check that reports at the instant another release lands is still
-- this release's). Outcome is the status column; the rest is in the details JSON, parsed by
-- the caller (JSON functions differ between engines).
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment
-- (6 keys); environment.
WITH {{deployments}},
{{page}},
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
JOIN {{release_events}} AS c ON c.release_id = p.release_id
WHERE c.environment = ? AND c.kind = 'check' AND c.at >= p.deployed_at
  AND (x.next_at IS NULL OR c.at < x.next_at)
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.event_id, c.event_id ORDER BY c.at) = 1
ORDER BY p.event_id, c.at
