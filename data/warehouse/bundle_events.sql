-- The ledger events of a bundle in every environment, except check events (the actions'
-- state is derived from the rest: model.DeriveState), oldest first, each event once.
-- Parameters: bundle.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM {{release_events}} AS e
WHERE e.bundle = ? AND e.kind <> 'check'
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at, e.event_id
