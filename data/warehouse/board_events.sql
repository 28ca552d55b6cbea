-- What the promotion board folds into each bundle's state (model.DeriveState): every bundle's
-- deployments, verdicts, requests and their answers since an instant, and its pins, unpins
-- and vetoes whenever they were given (a pin or a veto holds until undone), oldest first,
-- each event once. Checks are left out.
-- The events since the instant and the older pins, unpins and vetoes are read apart (each
-- row by one branch only): the first scan skips by time what is older, and each of the
-- others finds its few rows by kind alone, so neither reads every event's columns.
-- Parameters: since; since; since; since.
SELECT e.event_id, e.release_id, e.bundle, e.version, e.git_sha, e.environment, e.kind,
  e.status, e.actor, e.at, e.ticket, e.reason, e.run_id, e.details
FROM (
  SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.environment, r.kind,
    r.status, r.actor, r.at, r.ticket, r.reason, r.run_id, r.details
  FROM {{release_events}} AS r
  WHERE r.kind <> 'check' AND r.at >= CAST(? AS TIMESTAMP)
  UNION ALL
  SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.environment, r.kind,
    r.status, r.actor, r.at, r.ticket, r.reason, r.run_id, r.details
  FROM {{release_events}} AS r
  WHERE r.kind = 'pinned' AND (r.at IS NULL OR r.at < CAST(? AS TIMESTAMP))
  UNION ALL
  SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.environment, r.kind,
    r.status, r.actor, r.at, r.ticket, r.reason, r.run_id, r.details
  FROM {{release_events}} AS r
  WHERE r.kind = 'unpinned' AND (r.at IS NULL OR r.at < CAST(? AS TIMESTAMP))
  UNION ALL
  SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.environment, r.kind,
    r.status, r.actor, r.at, r.ticket, r.reason, r.run_id, r.details
  FROM {{release_events}} AS r
  WHERE r.kind = 'vetoed' AND (r.at IS NULL OR r.at < CAST(? AS TIMESTAMP))
) AS e
QUALIFY ROW_NUMBER() OVER (PARTITION BY e.event_id ORDER BY e.at) = 1
ORDER BY e.at, e.event_id
