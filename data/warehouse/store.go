// Package warehouse reads the release ledger and the system tables through database/sql
// with portable SQL; it never imports a driver (cmd picks databricks-sql-go or DuckDB).
//
// Every statement is an embedded .sql file next to the function that runs it, with `?`
// parameters only; table names come from validated configuration (Tables) and are quoted
// for the Dialect. Statements select only scalar columns, with aggregates cast to explicit
// types, so both engines hand the code the same Go types (DESIGN §4). The correlation rule
// (a deployment owns [deployed_at, next deployment of the bundle in the environment)) is the
// one of model.Windows, written once in SQL in frag_deployments.sql.
package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrNotFound: no such deployment (or release) in the environment.
	ErrNotFound = errors.New("not found")
	// ErrInvalidInput: a bad table name, limit, environment or event.
	ErrInvalidInput = errors.New("invalid input")
)

// Env is an environment and the workspace it lives in. System tables hold every workspace
// of a region, so every read of them filters on WorkspaceID.
type Env struct {
	Name        string
	WorkspaceID string
}

func (e Env) validate() error {
	if e.Name == "" || e.WorkspaceID == "" {
		return fmt.Errorf("%w: environment needs a name and a workspace id (got %q, %q)", ErrInvalidInput, e.Name, e.WorkspaceID)
	}
	return nil
}

// Store runs the cockpit's SQL against one database: a Databricks SQL warehouse or the
// simulation's DuckDB. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	tables  Tables
	dialect Dialect
	names   *strings.Replacer
	// disc, when set, makes reads of the ledger read discovered deployments (discover.go),
	// rendered with discNames.
	disc      *Discovery
	discNames *strings.Replacer
	// ifMissing, when set (DiscoveringIfMissing), makes the store discover once a read finds
	// its ledger missing; copies share it.
	ifMissing *ledgerCheck
	// trace, when set (by tests), sees the embedded text of every statement before it runs.
	trace func(statement string)
	// observe, when set (Observed), is told of every statement sent, reads and writes.
	observe func(ctx context.Context)
	// slots, when set (Limited), holds one token per statement running; copies share it.
	slots Slots
}

// Limited is the store running its reads within slots, the others waiting their turn (or
// their context). An embedded engine such as the simulation's DuckDB has one memory budget
// for the whole process, which the home's three environments, each with two statements side
// by side, exhaust on a long window; a SQL warehouse runs each statement on its own and
// needs no limit. The copy shares the database; its copies (Observed) share the slots.
// Writes are not held back: an action never waits behind a long read.
func (s *Store) Limited(slots Slots) *Store {
	c := *s
	c.slots = slots
	return &c
}

// light is the store without its slots, for a statement that reads little and is on a
// screen's critical path (the live path's scope): it does not wait behind a page's heavy
// follow-ups, which the slots exist for.
func (s *Store) light() *Store {
	c := *s
	c.slots = Slots{}
	return &c
}

// Observed is the store with f told of every statement it sends to the database (reads
// and writes), before it is sent, with the statement's context. The copy shares the
// database; the original is not observed. Sources count statements with it.
func (s *Store) Observed(f func(ctx context.Context)) *Store {
	c := *s
	c.observe = f
	return &c
}

// sent tells the observer of one statement.
func (s *Store) sent(ctx context.Context) {
	if s.observe != nil {
		s.observe(ctx)
	}
}

// NewStore validates the table names and returns a Store over db.
func NewStore(db *sql.DB, tables Tables, dialect Dialect) (*Store, error) {
	if dialect != Databricks && dialect != DuckDB {
		return nil, fmt.Errorf("%w: unknown SQL dialect %v", ErrInvalidInput, dialect)
	}
	if err := tables.Validate(); err != nil {
		return nil, err
	}
	return &Store{db: db, tables: tables, dialect: dialect, names: tables.replacer(dialect)}, nil
}

// Tables returns the validated table names.
func (s *Store) Tables() Tables { return s.tables }

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Statement fragments, shared by several statements so that each rule is written once.
var (
	//go:embed frag_deployments.sql
	fragDeployments string
	//go:embed frag_page.sql
	fragPage string
	//go:embed frag_job_runs.sql
	fragJobRuns string
	//go:embed frag_pipeline_updates.sql
	fragPipelineUpdates string
)

var fragments = strings.NewReplacer(
	"{{deployments}}", strings.TrimSpace(stripComments(fragDeployments)),
	"{{page}}", strings.TrimSpace(stripComments(fragPage)),
	"{{job_runs}}", strings.TrimSpace(stripComments(fragJobRuns)),
	"{{pipeline_updates}}", strings.TrimSpace(stripComments(fragPipelineUpdates)),
)

// stripComments drops the leading "--" comment lines of a fragment; they document the file,
// not the statement it is spliced into.
func stripComments(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && strings.HasPrefix(strings.TrimSpace(lines[0]), "--") {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// render turns an embedded statement into the exact text sent: fragments spliced in, then
// table names substituted.
func render(text string, r *strings.Replacer) string {
	return strings.TrimSpace(r.Replace(fragments.Replace(text))) + "\n"
}

// sql renders a statement for this store and reports it to the trace.
func (s *Store) sql(text string) string {
	if s.trace != nil {
		s.trace(text)
	}
	return render(text, s.names)
}

// Bounds of the system-table scans. A run belongs to the window its first slice starts in;
// slices are at most an hour long and contiguous, so reading slices from a day before the
// earliest window start is enough to see every run's true start, and reading up to runTail
// after the latest window end is enough to see how runs that started inside it ended. A run
// longer than runTail past its window's end is reported as still active.
const (
	sliceMargin = 24 * time.Hour
	runTail     = 48 * time.Hour
	// consumerLookback is how far before a window lineage is read to find the consumers of
	// the tables a deployment wrote.
	consumerLookback = 7 * 24 * time.Hour
)

// epoch is the lower bound used when there is nothing earlier to bound by.
var epoch = time.Unix(0, 0).UTC()

// openEnd stands for the end of an open window in parameters: later than any data.
var openEnd = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// ts renders an instant as a timestamp parameter, which the statements read with
// CAST(? AS TIMESTAMP): UTC text ending in Z names the same instant on both engines. A
// time.Time parameter would not: DuckDB binds it as TIMESTAMPTZ and turns it into the
// session time zone's wall clock when compared with a TIMESTAMP column.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.999999") + "Z" }

// date renders the UTC date of an instant, for CAST(? AS DATE) against the partition
// columns (event_date, usage_date).
func date(t time.Time) string { return t.UTC().Format("2006-01-02") }

// endParam renders a window end: the end, or openEnd while open.
func endParam(end time.Time) string {
	if end.IsZero() {
		return ts(openEnd)
	}
	return ts(end)
}

// scanTo is the upper bound of a slice scan for windows ending at end (zero: open).
func scanTo(end time.Time) time.Time {
	if end.IsZero() {
		return openEnd
	}
	return end.UTC().Add(runTail)
}

// query runs a statement and calls scan for each row. On a store that discovers once its
// ledger is found missing, a read of the ledger that finds no table asks whether the ledger
// exists and, when it does not, runs again on the discovered deployments.
func (s *Store) query(ctx context.Context, what, text string, args []any, scan func(*sql.Rows) error) error {
	n, err := s.queryOnce(ctx, what, text, args, scan)
	if n == 0 && s.ifMissing != nil && MissingTable(err) && readsLedger(text) && s.ifMissing.absent(ctx, s) {
		_, err = s.queryOnce(ctx, what, text, args, scan)
	}
	return err
}

// queryOnce runs a statement, calls scan for each row and says how many it scanned.
func (s *Store) queryOnce(ctx context.Context, what, text string, args []any, scan func(*sql.Rows) error) (int, error) {
	// The observer hears of the statement before it waits for a slot: a latency it adds (a
	// remote warehouse's, in benchmarks) is the network's, which a slot of the local engine
	// does not hold back.
	first := inLine(ctx)
	s.sent(ctx)
	release, err := s.slots.acquire(ctx, first)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	defer release()
	q, args := s.readSQL(text, args)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if err := scan(rows); err != nil {
			return n, fmt.Errorf("%s: reading a row: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}
