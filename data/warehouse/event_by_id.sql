-- One ledger event by its id (the first copy, should a writer have retried).
-- Parameters: event id.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM {{release_events}} AS e
WHERE e.event_id = ?
ORDER BY e.at
LIMIT 1
