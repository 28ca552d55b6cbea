package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"strconv"
	"time"
)

//go:embed ledger_changes.sql
var ledgerChangesSQL string

// LedgerFingerprint says, in one statement, what an environment's ledger holds since an
// instant: the number of events at or after it and the greatest event id among them. Two
// equal fingerprints with the same instant mean nobody recorded anything in between.
func (s *Store) LedgerFingerprint(ctx context.Context, env string, since time.Time) (string, error) {
	if env == "" {
		return "", ErrInvalidInput
	}
	var out string
	err := s.query(ctx, "reading what changed in the ledger of "+env, ledgerChangesSQL, []any{env, ts(since)}, func(rows *sql.Rows) error {
		var n sql.NullInt64
		var last sql.NullString
		if err := rows.Scan(&n, &last); err != nil {
			return err
		}
		out = strconv.FormatInt(n.Int64, 10) + "|" + last.String
		return nil
	})
	return out, err
}
