// Package sim is the simulated Databricks workspace: a deterministic estate of bundles,
// jobs, pipelines, runs, updates, expectations, lineage, cost and ledger events in DuckDB,
// anchored to a clock so that time flows, and an HTTP server on 127.0.0.1 that answers the
// Databricks REST API over it. The cockpit reaches it through the same data/warehouse and
// data/workspace code as a real workspace; it is both the demo and the test bed.
//
// sim must not be imported by the production path: it needs cgo (DuckDB) and is left out
// of builds with the nosim tag.
package sim

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed schema.sql
var schemaSQL string

//go:embed ledger_schema.sql
var ledgerSchemaSQL string

// memoryLimit caps DuckDB's memory. 128MB was too little for the home's three environments
// listing a week at once (the health statements of their 1,000-deployment pages ran out of
// memory side by side); 256MB leaves the process's peak at its first start's (~420MB).
const memoryLimit = "256MB"

// Catalog is the DuckDB catalog that stands in for Databricks' `system` and `main`.
const Catalog = "sim"

// Options says which estate to open and how.
type Options struct {
	// Path is the DuckDB file the estate lives in; empty keeps it in memory.
	Path string
	// Seed picks the estate; two opens with the same seed and clock hold the same data.
	Seed int64
	// Clock gives "now"; nil is the wall clock. A fixed clock freezes the estate (--demo-now).
	Clock func() time.Time
	// Days of history to generate on first open (default 90).
	Days int
	// Progress, if set, receives one line per generation step (shown on stderr by cmd).
	Progress io.Writer
	// Hostile plants malformed ledger rows and escape sequences in every kind of string
	// (hostile.go), once per estate.
	Hostile bool
	// Lag delays the lakeflow timelines, task timelines, lineage and expectation results
	// behind the estate's clock (lag.go, --demo-lag); zero shows them as soon as runs end.
	Lag time.Duration
	// NoLedger opens an estate whose workspace has no ledger at all (--demo-ledger none):
	// the generator writes what Databricks records (system tables, the audit log,
	// metadata.json, the deployment history service) and no ledger event. It is the
	// estate's own: an estate generated with a ledger is refused, and the other way round.
	NoLedger bool
	// Unrecorded opens an estate whose ledger CI writes for every bundle but UnrecordedBundles
	// (--demo-ledger partial): their deployments are only in what Databricks records. It is
	// the estate's own, like NoLedger.
	Unrecorded bool
	// Scale multiplies the estate's jobs and pipelines (newScaledEstate: 4 is 700 jobs and
	// 300 pipelines per environment in the same bundles); 0 and 1 are the estate itself. It
	// is the estate's own, like NoLedger.
	Scale int
}

// UnrecordedBundles are the bundles whose CI never records to the ledger in an estate opened
// with Unrecorded; none of them is in a scripted story.
var UnrecordedBundles = []string{"fleet_routes", "marketing_attribution", "workforce_planning_gold"}

// Sim is an open simulated estate.
type Sim struct {
	db     *sql.DB
	opts   Options
	estate *estate
	gen    *generator
	mu     sync.Mutex // serializes catch-up
	// through is the instant up to which the estate has been generated.
	through time.Time
	// commits is the commit last written to each bundle's metadata.json, by bundle|env.
	commits map[string]string
	// flightSum sums the work in flight the last catch-up wrote (if flightKnown), so that
	// a catch-up that would write the same skips it.
	flightSum   uint64
	flightKnown bool
	// dep runs the deployer jobs (deployer.go).
	dep     *deployer
	depOnce sync.Once
	// restFault is the HTTP status every REST call answers while a storm is injected (faults.go).
	restFault atomic.Int32
	// memo keeps what the REST server read until the estate changes (memo.go).
	memo memo
}

// Workspace is one simulated workspace; environments may share one or have their own.
type Workspace struct {
	ID           string
	Environments []string
}

// User is a person or service principal of the simulation, with the token that signs in as it.
type User struct {
	UserName    string
	DisplayName string
	ID          string
	Token       string
	Groups      []string
	// Role is what the demo calls them: oncall, release-manager, lead, ci, viewer.
	Role string
}

// Environments of the simulated estate, in promotion order.
var Environments = []string{"dev", "staging", "prod"}

// ErrVersion means the file on disk was written by an incompatible simulation.
var ErrVersion = errors.New("simulated estate was written by another version")

// Open opens (creating and generating on first use) the estate and catches it up to the
// clock. Generation of 90 days takes seconds; later opens only add what time has passed.
func Open(ctx context.Context, o Options) (*Sim, error) {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Days <= 0 {
		o.Days = 90
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded DuckDB: %w", err)
	}
	db := sql.OpenDB(connector)
	path := ":memory:"
	// What does not fit under the memory limit spills to files here: next to the estate,
	// or in the system's temporary directory for one in memory. Left to itself, DuckDB
	// (whose main database is in memory) would spill into ./.tmp of whatever directory the
	// cockpit was started from.
	spill := filepath.Join(os.TempDir(), fmt.Sprintf("release-cockpit-%d.tmp", os.Getpid()))
	if o.Path != "" {
		if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
			db.Close()
			return nil, fmt.Errorf("creating the directory of %s: %w", o.Path, err)
		}
		path, spill = o.Path, o.Path+".tmp"
	}
	// DuckDB takes 80% of RAM by default; a bastion shares its memory, so cap it and let
	// the first generation spill to disk instead. Insertion order stays preserved (the
	// default): parallel inserts that ignore it leave partial row groups behind, and the
	// checkpoint on close then spends a second or more merging them.
	if _, err := db.ExecContext(ctx, "SET memory_limit = '"+memoryLimit+"'; SET temp_directory = '"+strings.ReplaceAll(spill, "'", "''")+"'"); err != nil {
		db.Close()
		return nil, fmt.Errorf("configuring the embedded DuckDB: %w", err)
	}
	if _, err := db.ExecContext(ctx, "ATTACH IF NOT EXISTS '"+strings.ReplaceAll(path, "'", "''")+"' AS "+Catalog); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the simulated estate %s: %w", path, err)
	}
	if err := createSchema(ctx, db, !o.NoLedger); err != nil {
		db.Close()
		return nil, fmt.Errorf("creating the simulated tables: %w", err)
	}
	if err := createDelayed(ctx, db, o.Lag); err != nil {
		db.Close()
		return nil, fmt.Errorf("delaying the simulated system tables: %w", err)
	}
	s := &Sim{db: db, opts: o}
	if err := s.load(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.CatchUp(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if o.Hostile && !o.NoLedger {
		if err := s.plantHostile(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// createSchema creates the estate's tables and the views derived from them, where missing,
// and the ledger's tables unless the estate has none.
func createSchema(ctx context.Context, db *sql.DB, ledger bool) error {
	q := schemaSQL + ";\n" + viewsSQL
	if ledger {
		q += ";\n" + ledgerSchemaSQL
	}
	return runOnce(ctx, db, "schema", q)
}

// runOnce runs a script of definitions unless the estate's meta holds it under key: the
// script that last ran on this file. Every start would otherwise pay its catalog's
// statements (and a rewrite of what it replaces) before its first read. The script runs
// again when it differs (another build, the delayed views' lag) and on an estate just
// generated, whose meta starts empty.
func runOnce(ctx context.Context, db *sql.DB, key, script string) error {
	var same bool
	err := db.QueryRowContext(ctx, "SELECT COALESCE((SELECT value FROM "+Catalog+".sim_internal.meta WHERE key = ?) = ?, false)", key, script).Scan(&same)
	if err == nil && same {
		return nil
	}
	if _, err := db.ExecContext(ctx, script); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "INSERT OR REPLACE INTO "+Catalog+".sim_internal.meta VALUES (?, ?)", key, script)
	return err
}

// HasLedger says whether the estate was generated with a ledger (not --demo-ledger none).
func (s *Sim) HasLedger() bool { return !s.opts.NoLedger }

// DB is the estate's database, to hand to data/warehouse in place of a SQL warehouse.
func (s *Sim) DB() *sql.DB { return s.db }

// Now is the simulation's clock.
func (s *Sim) Now() time.Time { return s.opts.Clock().UTC() }

// Seed is the estate's seed.
func (s *Sim) Seed() int64 { return s.opts.Seed }

// Close closes the database (checkpointing the file).
func (s *Sim) Close() error { return s.db.Close() }

// Tables maps the system and ledger table names to where the simulation keeps them; it is
// the `tables:` configuration the cockpit uses against the simulation.
func Tables() map[string]string {
	return map[string]string{
		"system.lakeflow.jobs":                     Catalog + ".lakeflow.jobs",
		"system.lakeflow.job_tasks":                Catalog + ".lakeflow.job_tasks",
		"system.lakeflow.job_run_timeline":         Catalog + ".lakeflow.job_run_timeline",
		"system.lakeflow.job_task_run_timeline":    Catalog + ".lakeflow.job_task_run_timeline",
		"system.lakeflow.pipelines":                Catalog + ".lakeflow.pipelines",
		"system.lakeflow.pipeline_update_timeline": Catalog + ".lakeflow.pipeline_update_timeline",
		"system.access.table_lineage":              Catalog + ".access.table_lineage",
		"system.access.audit":                      Catalog + ".access.audit",
		"system.billing.usage":                     Catalog + ".billing.usage",
	}
}

// LedgerSchema is where the simulation keeps the ledger (release_events, release_resources,
// expectation_results).
const LedgerSchema = Catalog + ".release_cockpit"

// Workspaces lists the simulated workspaces: dev and staging share one, prod has its own.
func (s *Sim) Workspaces() []Workspace {
	return []Workspace{
		{ID: WorkspaceID("dev"), Environments: []string{"dev", "staging"}},
		{ID: WorkspaceID("prod"), Environments: []string{"prod"}},
	}
}

// WorkspaceID is the workspace an environment lives in.
func WorkspaceID(env string) string {
	if env == "prod" {
		return "7064161269292651"
	}
	return "6051921418418893"
}

// AccountID is the simulated account.
const AccountID = "0b6f3d2e-5a41-4c8e-9d7a-3f1e2c4b5a60"
