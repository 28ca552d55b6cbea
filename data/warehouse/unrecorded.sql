-- The ledger supplemented by the deployments discovered (discovered.sql, spliced before this)
-- of the bundles it records no deployment of in an environment: CI that was never wired to
-- `cockpit record`. Spliced in front of every read of {{release_events}} and
-- {{release_resources}} when the store discovers the unrecorded (discover.go), which then
-- reads merged_events and merged_resources. A bundle the ledger knows in an environment is
-- the ledger's alone there: no deployment shows twice and the ledger's facts win.
-- Parameters: none (discovered.sql's come first).
merged_events AS (
  SELECT l.event_id, l.release_id, l.bundle, l.version, l.git_sha, l.environment, l.kind,
    l.status, l.actor, l.{{at}}, l.ticket, l.reason, l.run_id, l.details
  FROM {{ledger_events}} AS l
  UNION ALL
  SELECT d.event_id, d.release_id, d.bundle, d.version, d.git_sha, d.environment, d.kind,
    d.status, d.actor, d.{{at}}, d.ticket, d.reason, d.run_id, d.details
  FROM discovered_events AS d
  WHERE NOT EXISTS (
    SELECT 1 FROM {{ledger_events}} AS l
    WHERE l.environment = d.environment AND l.bundle = d.bundle AND l.kind = 'deploy_succeeded'
  )
),
merged_resources AS (
  SELECT r.release_id, r.environment, r.resource_type, r.resource_key, r.resource_id, r.name
  FROM {{ledger_resources}} AS r
  UNION ALL
  SELECT r.release_id, r.environment, r.resource_type, r.resource_key, r.resource_id, r.name
  FROM discovered_resources AS r
  WHERE r.release_id IN (
    SELECT e.release_id FROM merged_events AS e
    WHERE e.environment = r.environment AND e.event_id LIKE 'discovered-%'
  )
)
