package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"slices"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The ledger reads of the TUI's own views: an environment's audit trail (:audit) and the
// state of every bundle at once (the promotion board).

//go:embed env_events.sql
var envEventsSQL string

//go:embed board_events.sql
var boardEventsSQL string

// EnvironmentEvents returns the newest ledger events of an environment (checks left out),
// newest first, at most limit (DefaultLimit when 0).
func (s *Store) EnvironmentEvents(ctx context.Context, env string, limit int) ([]model.LedgerEvent, error) {
	if env == "" {
		return nil, ErrInvalidInput
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	return s.ledgerEvents(ctx, "reading the ledger of "+env, envEventsSQL, []any{env, min(limit, MaxLimit)})
}

// BoardEvents returns every bundle's ledger events (checks left out) at or after since, and
// the pins, unpins and vetoes of any age, oldest first.
func (s *Store) BoardEvents(ctx context.Context, since time.Time) ([]model.LedgerEvent, error) {
	return s.ledgerEvents(ctx, "reading the ledger of every bundle", boardEventsSQL, []any{ts(since)})
}

// ledgerEvents runs a statement whose columns are release_events' in table order. The board
// reads tens of thousands of events: one row buffer serves every row (decodeEvent keeps no
// reference to it), and the slice doubles as it grows rather than append's quarter, which
// for a long slice copies and allocates its events about five times over.
func (s *Store) ledgerEvents(ctx context.Context, what, text string, args []any) ([]model.LedgerEvent, error) {
	var out []model.LedgerEvent
	vals := make([]any, 14)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := s.query(ctx, what, text, args, func(rows *sql.Rows) error {
		clear(vals)
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if len(out) == cap(out) {
			out = slices.Grow(out, max(len(out), 64))
		}
		out = append(out, decodeEvent(vals))
		return nil
	})
	return out, err
}
