-- Appends one resource of a release in an environment unless it is already recorded.
-- Parameters: the 6 columns in order, then release id, environment, resource type, key.
INSERT INTO {{release_resources}} (release_id, environment, resource_type, resource_key,
  resource_id, name)
SELECT ?, ?, ?, ?, ?, ?
WHERE NOT EXISTS (
  SELECT 1 FROM {{release_resources}} AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = ? AND r.resource_key = ?
)
