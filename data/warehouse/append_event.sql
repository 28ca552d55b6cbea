-- Appends one ledger event unless an event with the same event_id is already there: the
-- event id is the idempotency key, so a retried write is harmless.
-- Parameters: the 14 columns in order, then event id.
INSERT INTO {{release_events}} (event_id, release_id, bundle, version, git_sha, environment,
  kind, status, actor, {{at}}, ticket, reason, run_id, details)
SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?, CAST(? AS BIGINT), ?
WHERE NOT EXISTS (SELECT 1 FROM {{release_events}} AS e WHERE e.event_id = ?)
