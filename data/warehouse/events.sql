-- The ledger events of a release in an environment, and its vetoes wherever they were
-- recorded (a veto applies to the release everywhere), oldest first, deduplicated on event_id.
-- Parameters: release id, environment.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM {{release_events}} AS e
WHERE e.release_id = ? AND (e.environment = ? OR e.kind = 'vetoed')
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at, e.event_id
