-- What the promotion board folds into each bundle's state (model.DeriveState): every bundle's
-- deployments, verdicts, requests and their answers since an instant, and its pins, unpins
-- and vetoes whenever they were given (a pin or a veto holds until undone), oldest first,
-- each event once. Checks are left out.
-- Parameters: since.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM {{release_events}} AS e
WHERE e.kind <> 'check'
  AND (e.at >= CAST(? AS TIMESTAMP) OR e.kind IN ('pinned', 'unpinned', 'vetoed'))
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at, e.event_id
