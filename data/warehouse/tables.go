package warehouse

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Dialect is the SQL engine a Store talks to. The queries are the same text on both; only
// identifier quoting and the ledger's DDL differ.
type Dialect int

// Dialects.
const (
	// Databricks is a Databricks SQL warehouse (databricks-sql-go): identifiers in backticks.
	Databricks Dialect = iota
	// DuckDB is the embedded engine of the simulation: identifiers in double quotes, because
	// DuckDB rejects backticks.
	DuckDB
)

// String names the dialect.
func (d Dialect) String() string {
	switch d {
	case Databricks:
		return "databricks"
	case DuckDB:
		return "duckdb"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// quote quotes one identifier that has already been validated by identRE.
func (d Dialect) quote(ident string) string {
	if d == DuckDB {
		return `"` + ident + `"`
	}
	return "`" + ident + "`"
}

// quoteName quotes every part of a dotted name: `a`.`b`.`c` or "a"."b"."c".
func (d Dialect) quoteName(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = d.quote(p)
	}
	return strings.Join(parts, ".")
}

// Tables names the tables the warehouse reads and the schema of the release ledger. The
// defaults are Databricks' system tables; organisations that expose them through views in
// another catalog, and the simulation (DuckDB reserves the catalog name `system`), override
// them by their default names.
type Tables struct {
	Jobs                   string
	JobTasks               string
	JobRunTimeline         string
	JobTaskRunTimeline     string
	Pipelines              string
	PipelineUpdateTimeline string
	// PipelineEvents is read only by the Databricks ledger DDL (the expectation_results view).
	PipelineEvents string
	TableLineage   string
	BillingUsage   string
	// Audit is the audit log, read to discover deployments where there is no ledger.
	Audit string
	// Ledger is the schema (catalog.schema) holding release_events, release_resources and
	// expectation_results.
	Ledger string
	// ExpectationResults, when set, is read in place of the ledger's expectation_results
	// (the simulation's delayed view of it); it is not configurable.
	ExpectationResults string
}

// Ledger table names inside Tables.Ledger.
const (
	ledgerEvents       = "release_events"
	ledgerResources    = "release_resources"
	ledgerExpectations = "expectation_results"
)

// DefaultTables are the Databricks names.
func DefaultTables() Tables {
	return Tables{
		Jobs:                   "system.lakeflow.jobs",
		JobTasks:               "system.lakeflow.job_tasks",
		JobRunTimeline:         "system.lakeflow.job_run_timeline",
		JobTaskRunTimeline:     "system.lakeflow.job_task_run_timeline",
		Pipelines:              "system.lakeflow.pipelines",
		PipelineUpdateTimeline: "system.lakeflow.pipeline_update_timeline",
		PipelineEvents:         "system.lakeflow_pipeline_events_preview.pipeline_events",
		TableLineage:           "system.access.table_lineage",
		BillingUsage:           "system.billing.usage",
		Audit:                  "system.access.audit",
		Ledger:                 "main.release_cockpit",
	}
}

// tableField is one configurable name: its short key, its default name (also accepted as a
// key, which is how the `tables:` configuration and sim.Tables() spell it) and the field.
type tableField struct {
	key      string
	def      string
	maxParts int
	ptr      *string
}

func (t *Tables) fields() []tableField {
	d := DefaultTables()
	return []tableField{
		{"jobs", d.Jobs, 3, &t.Jobs},
		{"job_tasks", d.JobTasks, 3, &t.JobTasks},
		{"job_run_timeline", d.JobRunTimeline, 3, &t.JobRunTimeline},
		{"job_task_run_timeline", d.JobTaskRunTimeline, 3, &t.JobTaskRunTimeline},
		{"pipelines", d.Pipelines, 3, &t.Pipelines},
		{"pipeline_update_timeline", d.PipelineUpdateTimeline, 3, &t.PipelineUpdateTimeline},
		{"pipeline_events", d.PipelineEvents, 3, &t.PipelineEvents},
		{"table_lineage", d.TableLineage, 3, &t.TableLineage},
		{"billing_usage", d.BillingUsage, 3, &t.BillingUsage},
		{"audit", d.Audit, 3, &t.Audit},
		// The ledger is a schema: its tables add a third part.
		{"ledger", d.Ledger, 2, &t.Ledger},
	}
}

// Overrides returns a copy of t with names replaced. A key is either a table's short key
// (job_run_timeline, billing_usage, ledger, ...) or its default name
// (system.lakeflow.job_run_timeline, main.release_cockpit, ...). Unknown keys and invalid
// names are errors wrapping ErrInvalidInput that name the key and the value.
func (t Tables) Overrides(m map[string]string) (Tables, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := t
	fields := out.fields()
	for _, k := range keys {
		var f *tableField
		for i := range fields {
			if k == fields[i].key || k == fields[i].def {
				f = &fields[i]
				break
			}
		}
		if f == nil {
			known := make([]string, len(fields))
			for i, f := range fields {
				known[i] = f.key
			}
			return t, fmt.Errorf("%w: unknown table %q (known: %s)", ErrInvalidInput, k, strings.Join(known, ", "))
		}
		if err := validName(m[k], f.maxParts); err != nil {
			return t, fmt.Errorf("%w: table %s = %q: %v", ErrInvalidInput, k, m[k], err)
		}
		*f.ptr = m[k]
	}
	return out, out.Validate()
}

// identRE is one SQL identifier as both engines accept it unquoted-or-quoted without escaping.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks every name: one to three dot-separated identifiers (one or two for the
// ledger schema), each [A-Za-z_][A-Za-z0-9_]*. Names are later quoted, never escaped, so
// nothing else may reach the SQL text.
func (t Tables) Validate() error {
	for _, f := range t.fields() {
		if err := validName(*f.ptr, f.maxParts); err != nil {
			return fmt.Errorf("%w: table %s = %q: %v", ErrInvalidInput, f.key, *f.ptr, err)
		}
	}
	if t.ExpectationResults != "" {
		if err := validName(t.ExpectationResults, 3); err != nil {
			return fmt.Errorf("%w: table expectation_results = %q: %v", ErrInvalidInput, t.ExpectationResults, err)
		}
	}
	return nil
}

func validName(name string, maxParts int) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	parts := strings.Split(name, ".")
	if len(parts) > maxParts {
		return fmt.Errorf("at most %d dot-separated identifiers", maxParts)
	}
	for _, p := range parts {
		if !identRE.MatchString(p) {
			return fmt.Errorf("%q is not an identifier ([A-Za-z_][A-Za-z0-9_]*)", p)
		}
	}
	return nil
}

// replacer substitutes the {{placeholders}} of the statements with quoted names. The only
// column placeholder is {{at}}: DuckDB reserves AT, so the ledger's `at` column is quoted
// where it cannot be qualified (column lists and DDL).
func (t Tables) replacer(d Dialect) *strings.Replacer {
	return strings.NewReplacer(t.replacements(d)...)
}

// replacements are the pairs of replacer.
func (t Tables) replacements(d Dialect) []string {
	q := d.quoteName
	ledger := func(table string) string { return q(t.Ledger + "." + table) }
	expectations := ledger(ledgerExpectations)
	if t.ExpectationResults != "" {
		expectations = q(t.ExpectationResults)
	}
	return []string{
		"{{jobs}}", q(t.Jobs),
		"{{job_tasks}}", q(t.JobTasks),
		"{{job_run_timeline}}", q(t.JobRunTimeline),
		"{{job_task_run_timeline}}", q(t.JobTaskRunTimeline),
		"{{pipelines}}", q(t.Pipelines),
		"{{pipeline_update_timeline}}", q(t.PipelineUpdateTimeline),
		"{{pipeline_events}}", q(t.PipelineEvents),
		"{{table_lineage}}", q(t.TableLineage),
		"{{billing_usage}}", q(t.BillingUsage),
		"{{ledger}}", q(t.Ledger),
		"{{release_events}}", ledger(ledgerEvents),
		"{{release_resources}}", ledger(ledgerResources),
		// The ledger's own tables where {{release_events}} and {{release_resources}} are
		// replaced by what discovery derives (unrecorded.sql).
		"{{ledger_events}}", ledger(ledgerEvents),
		"{{ledger_resources}}", ledger(ledgerResources),
		"{{expectation_results}}", expectations,
		"{{audit}}", q(t.Audit),
		"{{at}}", d.quote("at"),
	}
}
