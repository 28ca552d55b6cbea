-- The jobs and pipelines a release deploys in an environment, recorded when it landed.
-- Parameters: release id, environment.
SELECT DISTINCT r.release_id, r.environment, r.resource_type, r.resource_key, r.resource_id, r.name
FROM {{release_resources}} AS r
WHERE r.release_id = ? AND r.environment = ?
ORDER BY r.resource_type, r.resource_key
