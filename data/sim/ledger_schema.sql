-- The ledger (DESIGN §4), as `cockpit ledger init` creates it on DuckDB. An estate opened
-- with Options.NoLedger (--demo-ledger none) never creates it: its workspace has no ledger.
CREATE TABLE IF NOT EXISTS sim.release_cockpit.release_events (
  event_id VARCHAR, release_id VARCHAR, bundle VARCHAR, version VARCHAR, git_sha VARCHAR,
  environment VARCHAR, kind VARCHAR, status VARCHAR, actor VARCHAR, "at" TIMESTAMP,
  ticket VARCHAR, reason VARCHAR, run_id BIGINT, details VARCHAR
);
CREATE TABLE IF NOT EXISTS sim.release_cockpit.release_resources (
  release_id VARCHAR, environment VARCHAR, resource_type VARCHAR, resource_key VARCHAR,
  resource_id VARCHAR, name VARCHAR
)
