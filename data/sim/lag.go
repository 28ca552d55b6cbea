package sim

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// On Databricks the lakeflow system tables, lineage and the pipeline event log behind the
// expectation results arrive about an hour after what they describe (reference §1.0), while
// the REST API answers at once. The simulation keeps writing its tables as runs end; the
// cockpit reads them through the views of schema sim.delayed, which show a row only once the
// estate's clock has passed the end of the period it describes (the run's or update's end
// for its last row) by Options.Lag. Billing keeps its own 6-12 hours (views.go).

// DelayedSchema holds the views the cockpit reads in place of the system tables.
const DelayedSchema = Catalog + ".delayed"

// delayedViews are the views of DelayedSchema: the view name, the table it delays and the
// column holding the instant a row describes up to.
var delayedViews = []struct{ name, from, until string }{
	{"job_run_timeline", Catalog + ".lakeflow.job_run_timeline", "period_end_time"},
	{"job_task_run_timeline", Catalog + ".lakeflow.job_task_run_timeline", "period_end_time"},
	{"pipeline_update_timeline", Catalog + ".lakeflow.pipeline_update_timeline", "period_end_time"},
	{"table_lineage", Catalog + ".access.table_lineage", "event_time"},
	{"expectation_results", LedgerSchema + ".expectation_results", "event_time"},
}

// DelayedExpectations is the delayed view of the ledger's expectation_results.
const DelayedExpectations = DelayedSchema + ".expectation_results"

// createDelayed (re)creates the delayed views with this process's lag: the last process to
// open an estate file sets the delay; those joining it read through its views.
func createDelayed(ctx context.Context, db *sql.DB, lag time.Duration) error {
	if lag < 0 {
		return fmt.Errorf("the system tables' delay %s is negative", lag)
	}
	cutoff := "(SELECT CAST(value AS TIMESTAMP) FROM " + Catalog + ".sim_internal.meta WHERE key = 'through') - to_microseconds(CAST(" +
		strconv.FormatInt(lag.Microseconds(), 10) + " AS BIGINT))"
	stmts := []string{"CREATE SCHEMA IF NOT EXISTS " + DelayedSchema}
	for _, v := range delayedViews {
		stmts = append(stmts, "CREATE OR REPLACE VIEW "+DelayedSchema+"."+v.name+" AS SELECT * FROM "+v.from+" WHERE "+v.until+" <= "+cutoff)
	}
	return runOnce(ctx, db, "delayed_views", strings.Join(stmts, ";\n"))
}

// DelayedTables names the tables as the cockpit reads them from the simulation, the system
// tables of Tables with the lakeflow timelines and lineage replaced by their delayed views.
// The ledger's expectation results are delayed too: point warehouse.Tables'
// ExpectationResults at DelayedExpectations.
func DelayedTables() map[string]string {
	m := Tables()
	for _, v := range delayedViews {
		key := "system.lakeflow." + v.name
		if v.name == "table_lineage" {
			key = "system.access.table_lineage"
		}
		if _, ok := m[key]; ok {
			m[key] = DelayedSchema + "." + v.name
		}
	}
	return m
}
