package sim

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestDelayedViewsHoldRowsBackByTheLag: the views the cockpit reads show a run, update,
// task run, lineage record or expectation result only once the clock has passed its end by
// the lag; the tables behind them (and so the REST API) already hold them. Reopening an
// estate with another lag applies the new one; with the same, the views kept from the last
// open (not made again) hold rows back by it.
func TestDelayedViewsHoldRowsBackByTheLag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lag.duckdb")
	clock := func() time.Time { return testNow }
	for _, lag := range []time.Duration{0, time.Hour, time.Hour, 0} {
		s, err := Open(context.Background(), Options{Path: path, Seed: 7, Clock: clock, Days: 2, Lag: lag})
		if err != nil {
			t.Fatal(err)
		}
		cutoff := testNow.Add(-lag)
		for _, v := range delayedViews {
			all := count(t, s, "SELECT count(*) FROM "+v.from)
			due := count(t, s, "SELECT count(*) FROM "+v.from+" WHERE "+v.until+" <= ?", cutoff)
			shown := count(t, s, "SELECT count(*) FROM "+DelayedSchema+"."+v.name)
			late := count(t, s, "SELECT count(*) FROM "+DelayedSchema+"."+v.name+" WHERE "+v.until+" > ?", cutoff)
			if shown != due || late != 0 {
				t.Errorf("lag %s: %s shows %d rows (%d ending after %s), want the %d ending by then", lag, v.name, shown, late, cutoff.Format(time.RFC3339), due)
			}
			if lag > 0 && due == all {
				t.Errorf("lag %s: %s holds back nothing of its %d rows: the estate has no row of the last hour", lag, v.name, all)
			}
		}
		s.Close()
	}
}

// TestDelayedTablesNameTheDelayedViews: the cockpit reads the timelines and lineage through
// the delayed views and the rest of the system tables as they are.
func TestDelayedTablesNameTheDelayedViews(t *testing.T) {
	m := DelayedTables()
	for key, want := range map[string]string{
		"system.lakeflow.job_run_timeline":         DelayedSchema + ".job_run_timeline",
		"system.lakeflow.job_task_run_timeline":    DelayedSchema + ".job_task_run_timeline",
		"system.lakeflow.pipeline_update_timeline": DelayedSchema + ".pipeline_update_timeline",
		"system.access.table_lineage":              DelayedSchema + ".table_lineage",
		"system.lakeflow.jobs":                     Catalog + ".lakeflow.jobs",
		"system.billing.usage":                     Catalog + ".billing.usage",
	} {
		if m[key] != want {
			t.Errorf("%s is read from %q, want %q", key, m[key], want)
		}
	}
}
