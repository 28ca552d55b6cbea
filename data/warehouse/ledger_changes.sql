-- What changed in an environment's ledger since an instant, as a fingerprint: how many
-- events were recorded at or after it and the greatest event id among them (the cockpit
-- re-reads the environment when either moves). One small scan of the ledger.
-- Parameters: environment, since.
SELECT CAST(COUNT(*) AS BIGINT) AS events, MAX(e.event_id) AS last_event_id
FROM {{release_events}} AS e
WHERE e.environment = ? AND e.at >= CAST(? AS TIMESTAMP)
