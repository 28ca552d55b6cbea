-- The request-related ledger events of every bundle since an instant (requests, approvals,
-- starts and results), oldest first, each event once: where requests left in flight are found.
-- Parameters: since.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM {{release_events}} AS e
WHERE e.at >= CAST(? AS TIMESTAMP)
  AND e.kind IN ('deploy_requested', 'deploy_started', 'deploy_succeeded', 'deploy_failed', 'approved', 'rejected')
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at, e.event_id
