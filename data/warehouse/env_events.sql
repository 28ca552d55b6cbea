-- The ledger events of an environment, newest first, except checks (each release's Checks
-- tab has them), each event once, at most limit rows: the :audit screen.
-- Parameters: environment, limit.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM {{release_events}} AS e
WHERE e.environment = ? AND e.kind <> 'check'
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at DESC, e.event_id DESC
LIMIT ?
