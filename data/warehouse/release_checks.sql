-- The check events of a release in every environment, oldest first, each event once: the
-- pre-deploy checks a promotion is gated on.
-- Parameters: release id.
SELECT e.event_id, e.status, e.details, e.at
FROM {{release_events}} AS e
WHERE e.release_id = ? AND e.kind = 'check'
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at, e.event_id
