package sim

import (
	"strings"
	"testing"
	"time"
)

// referenceShapes are the columns and types of the system tables the simulation keeps as
// views, as shared/reference/databricks.md §1 gives them (nested types in DuckDB's terms).
var referenceShapes = map[string]string{
	"job_task_run_timeline": `account_id VARCHAR, workspace_id VARCHAR, job_id VARCHAR, run_id VARCHAR, job_run_id VARCHAR,
	  parent_run_id VARCHAR, period_start_time TIMESTAMP, period_end_time TIMESTAMP, task_key VARCHAR,
	  compute_ids VARCHAR[], result_state VARCHAR, termination_code VARCHAR, termination_type VARCHAR,
	  execution_duration_seconds BIGINT`,
	"table_lineage": `account_id VARCHAR, metastore_id VARCHAR, workspace_id VARCHAR, entity_type VARCHAR,
	  entity_id VARCHAR, entity_run_id VARCHAR,
	  source_table_full_name VARCHAR, source_table_catalog VARCHAR, source_table_schema VARCHAR,
	  source_table_name VARCHAR, source_path VARCHAR, source_type VARCHAR,
	  target_table_full_name VARCHAR, target_table_catalog VARCHAR, target_table_schema VARCHAR,
	  target_table_name VARCHAR, target_path VARCHAR, target_type VARCHAR,
	  created_by VARCHAR, event_time TIMESTAMP, event_date DATE, record_id VARCHAR, event_id VARCHAR,
	  statement_id VARCHAR,
	  entity_metadata STRUCT(job_info STRUCT(job_id VARCHAR, job_run_id VARCHAR), dashboard_id VARCHAR,
	    legacy_dashboard_id VARCHAR, notebook_id VARCHAR, sql_query_id VARCHAR,
	    dlt_pipeline_info STRUCT(dlt_pipeline_id VARCHAR, dlt_update_id VARCHAR)),
	  direct_access BOOLEAN`,
	"usage": `account_id VARCHAR, workspace_id VARCHAR, record_id VARCHAR, sku_name VARCHAR, cloud VARCHAR,
	  usage_start_time TIMESTAMP, usage_end_time TIMESTAMP, usage_date DATE,
	  custom_tags MAP(VARCHAR, VARCHAR), usage_unit VARCHAR, usage_quantity DECIMAL(38,18),
	  usage_metadata STRUCT(cluster_id VARCHAR, job_id VARCHAR, warehouse_id VARCHAR, job_run_id VARCHAR,
	    dlt_pipeline_id VARCHAR, dlt_update_id VARCHAR, run_name VARCHAR, job_name VARCHAR),
	  identity_metadata STRUCT(run_as VARCHAR, created_by VARCHAR, owned_by VARCHAR, run_by VARCHAR),
	  record_type VARCHAR, ingestion_date DATE, billing_origin_product VARCHAR,
	  product_features STRUCT(jobs_tier VARCHAR, dlt_tier VARCHAR, is_serverless BOOLEAN, is_photon BOOLEAN),
	  usage_type VARCHAR`,
}

// TestDerivedViewsHaveTheReferenceColumns: the cockpit's SQL and anyone querying the demo
// see task runs, lineage and usage with the real tables' columns and types, although the
// simulation computes them.
func TestDerivedViewsHaveTheReferenceColumns(t *testing.T) {
	s := sharedEstate(t)
	for view, want := range referenceShapes {
		// A view may be served twice: as the system table and, with --demo-lag, as its
		// delayed copy in sim.delayed; each must have the reference's shape.
		rows, err := s.DB().Query(`SELECT schema_name, string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index)
			FROM duckdb_columns() WHERE database_name = 'sim' AND table_name = ? GROUP BY schema_name`, view)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		seen := 0
		for rows.Next() {
			var schema, got string
			if err := rows.Scan(&schema, &got); err != nil {
				t.Fatalf("%s: %v", view, err)
			}
			seen++
			if norm := strings.Join(strings.Fields(want), " "); got != norm {
				t.Errorf("%s.%s has columns\n  %s\nwant\n  %s", schema, view, got, norm)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		if seen == 0 {
			t.Errorf("no view named %s in the estate", view)
		}
	}
}

// TestUsageArrivesWithTheClock: a usage record shows 6 to 12 hours after its run ends,
// when the estate's clock has passed its arrival, never before (reference §1.11).
func TestUsageArrivesWithTheClock(t *testing.T) {
	s := sharedEstate(t)
	if n := count(t, s, `SELECT count(*) FROM sim.billing.usage WHERE usage_end_time > ?`, testNow.Add(-5*time.Hour)); n != 0 {
		t.Errorf("%d usage records of runs that started in the last 5 hours: none has arrived yet", n)
	}
	late := count(t, s, `SELECT count(*) FROM sim.sim_internal.job_runs WHERE end_ts <= ? AND end_ts > ?`, testNow.Add(-12*time.Hour), testNow.Add(-24*time.Hour))
	arrived := count(t, s, `SELECT count(*) FROM sim.billing.usage u JOIN sim.sim_internal.job_runs r ON u.usage_metadata.job_run_id = r.run_id AND u.workspace_id = r.workspace_id
		WHERE r.end_ts <= ? AND r.end_ts > ?`, testNow.Add(-12*time.Hour), testNow.Add(-24*time.Hour))
	if late == 0 || arrived != late {
		t.Errorf("%d of %d runs that ended 12-24 hours ago have their usage; want all of them", arrived, late)
	}
}
