package warehouse

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed ledger_duckdb.sql
var ledgerDuckDBSQL string

//go:embed ledger_databricks.sql
var ledgerDatabricksSQL string

// LedgerDDL returns the statements that create the ledger (`cockpit ledger init`), in order,
// each safe to run again: on Databricks append-only Delta tables and an expectation_results
// view over the pipeline event log system table; on DuckDB plain tables.
func LedgerDDL(dialect Dialect, tables Tables) ([]string, error) {
	if err := tables.Validate(); err != nil {
		return nil, err
	}
	tables.ExpectationResults = "" // the ledger's own table, not a view read in its place
	var text string
	switch dialect {
	case Databricks:
		text = ledgerDatabricksSQL
	case DuckDB:
		text = ledgerDuckDBSQL
	default:
		return nil, fmt.Errorf("%w: unknown SQL dialect %v", ErrInvalidInput, dialect)
	}
	var out []string
	for _, stmt := range strings.Split(stripComments(text), "\n;\n") {
		if stmt = strings.TrimSpace(stmt); stmt != "" {
			out = append(out, render(stmt, tables.replacer(dialect)))
		}
	}
	return out, nil
}

// InitLedger creates the ledger where it is missing.
func (s *Store) InitLedger(ctx context.Context) error {
	stmts, err := LedgerDDL(s.dialect, s.tables)
	if err != nil {
		return err
	}
	for _, stmt := range stmts {
		s.sent(ctx)
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("creating the ledger in %s: %w", s.tables.Ledger, err)
		}
	}
	return nil
}
