package warehouse

import (
	"context"
	"errors"
	"testing"
)

// TestALedgerNotCreatedIsAMissingTable: appending to a ledger schema nobody created fails
// with an error MissingTable recognizes, on DuckDB and through databricks-sql-go alike;
// other failures are not mistaken for it.
func TestALedgerNotCreatedIsAMissingTable(t *testing.T) {
	for _, base := range []*Store{testStore(t), driverStore(t)} {
		tables := base.Tables()
		tables.Ledger = "sim.no_ledger_here"
		if err := tables.Validate(); err != nil {
			t.Fatal(err)
		}
		s, err := NewStore(base.db, tables, base.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		err = s.AppendEvents(context.Background(), event("wt-missing-1", "wt_missing", "1", "check", now))
		if !MissingTable(err) {
			t.Errorf("%v: appending to a ledger that does not exist: %v, not recognized as a missing table", base.Dialect(), err)
		}
	}
	for _, err := range []error{nil, errors.New("connection refused"), context.DeadlineExceeded, errors.New("Binder Error: column x does not exist")} {
		if MissingTable(err) {
			t.Errorf("%v taken for a missing table", err)
		}
	}
}
