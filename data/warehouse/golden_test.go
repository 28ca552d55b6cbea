package warehouse

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/data/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// statements lists every statement the package runs, by golden-file name.
var statements = map[string]string{
	"deployments_page":         deploymentsPageSQL,
	"deployments_health":       deploymentsHealthSQL,
	"deployments_checks":       deploymentsChecksSQL,
	"deployments_baseline":     deploymentsBaselineSQL,
	"deployments_expectations": deploymentsExpectationsSQL,
	// The follow-ups as a page read in one round trip sends them, beside it.
	"deployments_health_one_round":       filterSel{}.sql(deploymentsHealthSQL),
	"deployments_checks_one_round":       filterSel{}.sql(deploymentsChecksSQL),
	"deployments_baseline_one_round":     filterSel{}.sql(deploymentsBaselineSQL),
	"deployments_expectations_one_round": filterSel{}.sql(deploymentsExpectationsSQL),
	"previous_deployment":                previousDeploymentSQL,
	"changes":                            changesSQL,
	"not_deployments":                    notDeploymentsSQL,
	"checks":                             checksSQL,
	"events":                             eventsSQL,
	"append_event":                       appendEventSQL,
	"append_resource":                    appendResourceSQL,
	"runs":                               runsSQL,
	"updates":                            updatesSQL,
	"expectations":                       expectationsSQL,
	"lineage":                            lineageSQL,
	"cost":                               costSQL,
	"billing_freshness":                  billingFreshnessSQL,
	"live_known":                         liveKnownSQL,
	"live_window":                        liveWindowSQL,
	"bundle_metadata_paths":              bundleMetadataPathsSQL,
	"ledger_changes":                     ledgerChangesSQL,
}

// simTables is the configuration the cockpit uses against the simulation.
func simTables(t testing.TB) Tables {
	t.Helper()
	tables, err := DefaultTables().Overrides(sim.Tables())
	if err != nil {
		t.Fatal(err)
	}
	tables.Ledger = sim.LedgerSchema
	if err := tables.Validate(); err != nil {
		t.Fatal(err)
	}
	return tables
}

// targets are the two renderings kept in golden files: the Databricks defaults and the
// simulation's names on DuckDB.
func targets(t testing.TB) []struct {
	suffix  string
	tables  Tables
	dialect Dialect
} {
	return []struct {
		suffix  string
		tables  Tables
		dialect Dialect
	}{
		{"databricks", DefaultTables(), Databricks},
		{"duckdb", simTables(t), DuckDB},
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./data/warehouse -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the statement sent; review the change and run go test ./data/warehouse -update\n--- got ---\n%s", path, got)
	}
}

func TestStatementsMatchTheirGoldenFiles(t *testing.T) {
	names := make([]string, 0, len(statements))
	for n := range statements {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, tg := range targets(t) {
		r := tg.tables.replacer(tg.dialect)
		for _, n := range names {
			text := render(statements[n], r)
			if strings.Contains(text, "{{") {
				t.Errorf("%s (%s): unsubstituted placeholder in\n%s", n, tg.suffix, text)
			}
			golden(t, n+"."+tg.suffix+".sql", text)
		}
		ddl, err := LedgerDDL(tg.dialect, tg.tables)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "ledger_ddl."+tg.suffix+".sql", strings.Join(ddl, ";\n\n"))
	}
}

// The two dialects must differ only in identifier quoting: the same statement text runs on
// both engines.
func TestDialectsDifferOnlyInQuoting(t *testing.T) {
	tables := simTables(t)
	for n, text := range statements {
		bricks := render(text, tables.replacer(Databricks))
		duck := render(text, tables.replacer(DuckDB))
		if strings.ReplaceAll(bricks, "`", `"`) != duck {
			t.Errorf("%s: the Databricks and DuckDB texts differ beyond quoting", n)
		}
		if strings.Contains(duck, "`") {
			t.Errorf("%s: DuckDB text has backticks, which DuckDB rejects", n)
		}
	}
}

func TestTableNamesAreQuotedForTheDialect(t *testing.T) {
	tables, err := DefaultTables().Overrides(map[string]string{"job_run_timeline": "ops_views.lakeflow_runs", "ledger": "cockpit"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		d    Dialect
		want []string
	}{
		{Databricks, []string{"`ops_views`.`lakeflow_runs`", "`cockpit`.`release_events`", "`system`.`lakeflow`.`pipeline_update_timeline`"}},
		{DuckDB, []string{`"ops_views"."lakeflow_runs"`, `"cockpit"."release_events"`, `"system"."lakeflow"."pipeline_update_timeline"`}},
	}
	for _, c := range cases {
		text := render(runsSQL+"\n"+updatesSQL+"\n"+eventsSQL, tables.replacer(c.d))
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%v: %s not in the statement", c.d, w)
			}
		}
	}
}

func TestTableNamesAreValidated(t *testing.T) {
	bad := []struct{ key, value string }{
		{"job_run_timeline", ""},
		{"job_run_timeline", "a.b.c.d"},
		{"system.billing.usage", "billing-usage"},
		{"table_lineage", "x; DROP TABLE y"},
		{"table_lineage", "`quoted`"},
		{"jobs", "1jobs"},
		{"jobs", "a..b"},
		{"jobs", `a"b`},
		{"ledger", "main.release_cockpit.extra"},
		{"no_such_table", "a.b"},
	}
	for _, b := range bad {
		_, err := DefaultTables().Overrides(map[string]string{b.key: b.value})
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s = %q: err %v, want ErrInvalidInput", b.key, b.value, err)
			continue
		}
		if !strings.Contains(err.Error(), b.key) {
			t.Errorf("%s = %q: error %q does not name the key", b.key, b.value, err)
		}
	}
	if _, err := NewStore(nil, Tables{}, DuckDB); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty tables: err %v, want ErrInvalidInput", err)
	}
	if _, err := LedgerDDL(Dialect(7), DefaultTables()); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("unknown dialect: err %v, want ErrInvalidInput", err)
	}
	good, err := DefaultTables().Overrides(map[string]string{"system.lakeflow.jobs": "jobs_view", "billing_usage": "_b.u2"})
	if err != nil || good.Jobs != "jobs_view" || good.BillingUsage != "_b.u2" {
		t.Errorf("valid overrides: %+v, %v", good, err)
	}
}
