-- The check events of a release in an environment reported from a given instant (the
-- previous deployment of the bundle, so that pre-deploy checks are included) up to the
-- release's own next deployment in the environment (a deployment that can be one: with an
-- event id and a bundle), as deployments_checks.sql counts them. Details are JSON, parsed by
-- the caller.
-- Parameters: release id, environment, deployed at, deployed at, deployment id;
-- release id, environment, from.
WITH release_next AS (
  SELECT MIN(n.at) AS next_at
  FROM `main`.`release_cockpit`.`release_events` AS n
  WHERE n.release_id = ? AND n.environment = ? AND n.kind = 'deploy_succeeded'
    AND TRIM(COALESCE(n.event_id, '')) <> '' AND TRIM(COALESCE(n.bundle, '')) <> ''
    AND (n.at > CAST(? AS TIMESTAMP) OR (n.at = CAST(? AS TIMESTAMP) AND n.event_id > ?))
)
SELECT c.event_id, c.status, c.details, c.at AS checked_at
FROM `main`.`release_cockpit`.`release_events` AS c
CROSS JOIN release_next AS x
WHERE c.release_id = ? AND c.environment = ? AND c.kind = 'check'
  AND c.at >= CAST(? AS TIMESTAMP) AND (x.next_at IS NULL OR c.at < x.next_at)
QUALIFY ROW_NUMBER() OVER (PARTITION BY c.event_id ORDER BY c.at) = 1
ORDER BY c.at, c.event_id
