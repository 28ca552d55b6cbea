package sim

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FormatVersion changes whenever the estate's shape or generation changes incompatibly; a
// file of another format is refused (ErrVersion), so the default file name carries it.
const FormatVersion = "6"

// load reads the estate's meta, or on first open decides the anchor and writes the objects.
func (s *Sim) load(ctx context.Context) error {
	meta := map[string]string{}
	rows, err := s.db.QueryContext(ctx, "SELECT key, value FROM sim.sim_internal.meta")
	if err != nil {
		return fmt.Errorf("reading the simulated estate: %w", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return err
		}
		meta[k] = v
	}
	rows.Close()
	now := s.Now().Truncate(time.Second)
	s.estate = newScaledEstate(s.opts.Scale)
	if meta["seed"] == "" {
		anchor := now
		start := anchor.Add(-time.Duration(s.opts.Days) * 24 * time.Hour)
		s.gen = s.newGenerator(anchor, start)
		s.gen.seedResources()
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if err := clearEstate(ctx, conn); err != nil {
			return err
		}
		if err := s.gen.writeObjects(ctx, conn); err != nil {
			return err
		}
		// The meta goes in last: an estate without it is regenerated from scratch.
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		freeze, _ := json.Marshal(s.gen.st.freezeWindows())
		for k, v := range map[string]string{
			"version": FormatVersion, "seed": strconv.FormatInt(s.opts.Seed, 10), "anchor": anchor.Format(time.RFC3339Nano),
			"start": start.Format(time.RFC3339Nano), "through": start.Format(time.RFC3339Nano), "freeze_windows": string(freeze),
			"ledger": ledgerMode(s.opts),
		} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO sim.sim_internal.meta VALUES (?, ?)", k, v); err != nil {
				return fmt.Errorf("writing the estate's meta: %w", err)
			}
		}
		if m := scaleMeta(s.opts); m != "" {
			if _, err := tx.ExecContext(ctx, "INSERT INTO sim.sim_internal.meta VALUES ('scale', ?)", m); err != nil {
				return fmt.Errorf("writing the estate's meta: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		s.through = start
		return nil
	}
	if meta["version"] != FormatVersion {
		return fmt.Errorf("%w (format %s, this build reads %s): start it afresh with --demo-reset, or pass another --demo-db", ErrVersion, meta["version"], FormatVersion)
	}
	if meta["seed"] != strconv.FormatInt(s.opts.Seed, 10) {
		return fmt.Errorf("%w: this estate was generated with seed %s, not %d: pass --demo-seed %s or another --demo-db", ErrSeed, meta["seed"], s.opts.Seed, meta["seed"])
	}
	if m := ledgerMode(s.opts); meta["ledger"] != m {
		return fmt.Errorf("%w: this estate was generated with ledger %q, not %q: pass another --demo-db, or --demo-reset", ErrLedgerMode, meta["ledger"], m)
	}
	if got, want := meta["scale"], scaleMeta(s.opts); got != want {
		return fmt.Errorf("%w: this estate was generated at scale %q, not %q: pass another --demo-db, or --demo-reset", ErrScale, got, want)
	}
	anchor, err1 := time.Parse(time.RFC3339Nano, meta["anchor"])
	start, err2 := time.Parse(time.RFC3339Nano, meta["start"])
	through, err3 := time.Parse(time.RFC3339Nano, meta["through"])
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("the simulated estate's meta is damaged (%v): start it afresh with --demo-reset", err)
	}
	if now.Before(through) {
		return fmt.Errorf("%w: the estate already runs to %s, later than the clock (%s): pass another --demo-db for an earlier --demo-now, or --demo-reset", ErrClock, through.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	s.gen = s.newGenerator(anchor, start)
	s.gen.seedResources()
	s.through = through
	return nil
}

// clearEstate empties every table, so a first generation that was interrupted starts clean.
func clearEstate(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '"+Catalog+"'")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var sch, t string
		if err := rows.Scan(&sch, &t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, Catalog+"."+sch+"."+t)
	}
	rows.Close()
	for _, t := range tables {
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return fmt.Errorf("clearing %s: %w", t, err)
		}
	}
	return nil
}

// Errors of opening an existing estate.
var (
	ErrSeed  = errors.New("simulated estate has another seed")
	ErrClock = errors.New("simulated estate is ahead of the clock")
	// ErrLedgerMode: the estate was generated with a ledger and opened without, or the other way round.
	ErrLedgerMode = errors.New("simulated estate has another ledger mode")
	// ErrScale: the estate was generated at another Options.Scale.
	ErrScale = errors.New("simulated estate has another scale")
)

// scaleMeta is the meta value of an estate's scale: none for the estate itself (so its
// meta is what it always was), else the multiplier.
func scaleMeta(o Options) string {
	if o.Scale > 1 {
		return strconv.Itoa(o.Scale)
	}
	return ""
}

// ledgerMode is the meta value of an estate's ledger: "ledger", "none" (--demo-ledger none)
// or "partial" (--demo-ledger partial).
func ledgerMode(o Options) string {
	switch {
	case o.NoLedger:
		return "none"
	case o.Unrecorded:
		return "partial"
	}
	return "ledger"
}

// newGenerator is the generator of the estate the options open.
func (s *Sim) newGenerator(anchor, start time.Time) *generator {
	g := &generator{seed: s.opts.Seed, e: s.estate, st: newStories(s.estate, s.opts.Seed, anchor), start: start}
	if s.opts.Unrecorded {
		g.unrecorded = map[string]bool{}
		for _, b := range UnrecordedBundles {
			g.unrecorded[b] = true
		}
	}
	return g
}

// Anchor is when the estate was first generated: the stories happen around it.
func (s *Sim) Anchor() time.Time { return s.gen.st.anchor }

// FreezeWindows are the change freezes the estate's policy has scheduled.
func (s *Sim) FreezeWindows() []FreezeWindow { return s.gen.st.freezeWindows() }

// CatchUp generates everything that has happened between the last catch-up and the clock:
// runs that ended, usage that arrived, ledger events, and the work now in flight. It writes
// in one transaction, so an interrupted catch-up leaves the estate as it was.
func (s *Sim) CatchUp(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now().Truncate(time.Second)
	if !now.After(s.through) {
		return nil
	}
	// What the REST server read before is read again, or carried (memo.go) once the
	// catch-up is committed.
	before := s.memo.writes.Load()
	carried := false
	defer func() {
		if !carried {
			s.wrote()
		}
	}()
	g := s.gen
	// The timeline runs a little past now: a deployment landing in a few minutes has already
	// been requested and started, and those events belong to this catch-up. It is causal (a
	// later end never changes what comes before), and every use of it is bounded by the
	// interval being generated, so it is built an hour ahead and kept: an open demo catches
	// up every few seconds and rebuilds it once an hour.
	if need := now.Add(deployLead); g.tl == nil || g.tlUntil.Before(need) {
		g.tlUntil = need.Add(timelineAhead)
		g.tl = buildTimeline(g.e, g.seed, g.start, g.tlUntil, g.st)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := createStage(ctx, conn); err != nil {
		return err
	}
	total := now.Sub(s.through)
	report := s.opts.Progress != nil && total > 6*time.Hour
	if report {
		fmt.Fprintf(s.opts.Progress, "simulated workspace: generating %s of history (first start only)...\n", roundDays(total))
	}
	// Runs stream from the generator straight into appenders, one connection per
	// environment, concurrently; the ledger and the work in flight on this one. Nothing is
	// held in Go, and DuckDB derives the rest in a few set-based statements. A short
	// catch-up (an open demo's, every few seconds) stages everything on this connection:
	// its few rows do not pay for six connections' appenders.
	st, err := openStage(conn)
	if err != nil {
		return err
	}
	defer st.close()
	staged := map[string]int{}
	var mu sync.Mutex
	count := func(st *stage) {
		mu.Lock()
		defer mu.Unlock()
		for t, n := range st.rows {
			staged[t] += n
		}
	}
	var parts []func(*stage) error
	for _, env := range Environments {
		parts = append(parts, func(st *stage) error { return g.stageRuns(st, env, s.through, now) })
	}
	// The ledger is staged in parts, by deployment.
	for part := range ledgerParts {
		parts = append(parts, func(st *stage) error { return g.stageLedger(st, part, s.through, now) })
	}
	errs := make(chan error, len(parts))
	for _, fn := range parts {
		if total <= shortCatchUp {
			errs <- fn(st)
			continue
		}
		go func() { errs <- s.stageOn(ctx, fn, count) }()
	}
	err = g.stageInFlight(st, now)
	if err == nil {
		err = s.stageFinishedRequests(ctx, conn, st, now)
	}
	for range parts {
		if e := <-errs; err == nil {
			err = e
		}
	}
	if err != nil {
		return fmt.Errorf("generating %s..%s: %w", s.through.Format(time.RFC3339), now.Format(time.RFC3339), err)
	}
	if err := st.flush(); err != nil {
		return err
	}
	count(st)
	flightSame := s.flightKnown && st.flightSum == s.flightSum
	files := s.metadataChanges(now)
	if flightSame && len(files) == 0 && !slices.ContainsFunc(stageTables, func(t string) bool { return t != "st_flight" && staged[t] > 0 }) {
		// Nothing happened since the last catch-up: nothing is written (the estate's
		// "through" stays where its last write put it; a later start generates the same
		// nothing again), and what the REST server read stands.
		s.through = now
		carried = true
		st.close()
		dropStage(ctx, conn)
		return nil
	}
	// One transaction for the whole catch-up: an interrupted one leaves the estate as it was.
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.commitStage(ctx, tx, staged, flightSame, now); err != nil {
		return err
	}
	if err := s.updateMetadata(ctx, tx, files); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving the simulated estate: %w", err)
	}
	s.through = now
	s.flightSum, s.flightKnown = st.flightSum, true
	for _, f := range files {
		s.commits[f.key] = f.sha
	}
	st.close()
	if s.memo.carriable() {
		if d, err := s.readDelta(ctx, conn, staged); err == nil {
			s.caughtUp(before, d)
			carried = true
		}
	}
	dropStage(ctx, conn) // frees the staged rows' memory; a failure only costs memory
	if report {
		fmt.Fprintf(s.opts.Progress, "simulated workspace: ready\n")
	}
	return nil
}

// shortCatchUp is the longest catch-up staged on one connection.
const shortCatchUp = 10 * time.Minute

func roundDays(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24+0.5))
	}
	return d.Round(time.Minute).String()
}

// timelineAhead is how far past what a catch-up needs the deployment timeline is built.
const timelineAhead = time.Hour

// ledgerParts is how many parts the ledger is staged in, concurrently.
const ledgerParts = 2

// stageOn runs a staging function on a connection and appenders of its own, and counts
// what it staged.
func (s *Sim) stageOn(ctx context.Context, fn func(*stage) error, count func(*stage)) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := openStage(conn)
	if err != nil {
		return err
	}
	defer st.close()
	if err := fn(st); err != nil {
		return err
	}
	if err := st.flush(); err != nil {
		return err
	}
	count(st)
	return nil
}

// commitStage moves the staged rows into the estate, inside the catch-up's transaction, and
// replaces the in-flight work. A statement that reads only staging tables left empty (by
// staged, the rows staged per table) moves nothing and is skipped; so is the replacement
// of the work in flight when it is the same as the last catch-up's and no run-now run has
// ended (flightSame).
func (s *Sim) commitStage(ctx context.Context, tx *sql.Tx, staged map[string]int, flightSame bool, through time.Time) error {
	stmts := append([]string(nil), moveSQL...)
	if !s.opts.NoLedger {
		stmts = append(stmts, moveLedgerSQL...)
	}
	if !flightSame || staged["st_runs"] > 0 {
		stmts = append(stmts,
			`DELETE FROM sim.sim_internal.in_flight WHERE run_id NOT IN (SELECT run_id FROM sim.sim_internal.run_requests) OR planned_end <= ?`,
			`INSERT INTO sim.sim_internal.in_flight SELECT * FROM memory.main.st_flight`)
	}
	for _, q := range stmts {
		if readsOnlyEmpty(q, staged) {
			continue
		}
		var args []any
		if strings.HasSuffix(q, "?") {
			args = []any{through}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("moving generated rows into the estate: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE sim.sim_internal.meta SET value = ? WHERE key = 'through'", through.Format(time.RFC3339Nano)); err != nil {
		return err
	}
	return nil
}

// readsOnlyEmpty reports whether a statement reads staging tables and all of them are empty
// (by staged, the rows staged per table). A statement that reads none (DELETE) is never
// skipped.
func readsOnlyEmpty(q string, staged map[string]int) bool {
	reads := false
	for _, t := range stageTables { // no name is the start of another
		if strings.Contains(q, "memory.main."+t) {
			if staged[t] > 0 {
				return false
			}
			reads = true
		}
	}
	return reads
}

// metadataFile is a bundle's metadata.json to rewrite with the commit of its deployment.
type metadataFile struct {
	key, sha, ws, path, content string
	at                          time.Time
}

// metadataChanges are the bundles' metadata.json files whose deployment at now is not the
// one they name, as `bundle deploy` rewrites them after a successful deploy.
func (s *Sim) metadataChanges(now time.Time) []metadataFile {
	g := s.gen
	var out []metadataFile
	for _, env := range Environments {
		for _, b := range g.e.bundles {
			d := g.tl.at(b.name, env, now)
			if d == nil || (s.commits != nil && s.commits[key(b.name, env)] == d.sha) {
				continue
			}
			out = append(out, metadataFile{key: key(b.name, env), sha: d.sha, ws: WorkspaceID(env), path: metadataPath(b.name, env),
				content: metadataDoc(b, env, d.sha, confExtra(d)), at: d.at})
		}
	}
	return out
}

// updateMetadata rewrites the metadata.json files that name another commit than their
// bundle's deployment (of files, those metadataChanges found: the first catch-up of a
// process reads which commit each file names and skips those already right).
func (s *Sim) updateMetadata(ctx context.Context, tx *sql.Tx, files []metadataFile) error {
	if s.commits == nil && len(files) > 0 {
		commits, err := readCommits(ctx, tx)
		if err != nil {
			return err
		}
		s.commits = commits
	}
	for _, f := range files {
		if s.commits[f.key] == f.sha {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sim.sim_internal.workspace_files SET content = ?, modified_at = ? WHERE workspace_id = ? AND path = ?`,
			f.content, f.at, f.ws, f.path); err != nil {
			return fmt.Errorf("updating the metadata.json of %s: %w", f.path, err)
		}
	}
	return nil
}

// readCommits reads the commit each bundle's metadata.json names now, by bundle|env, so that
// a process rewrites only the files whose deployment changed since the last one.
func readCommits(ctx context.Context, tx *sql.Tx) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT f.content, w.environment FROM sim.sim_internal.workspace_files f
		JOIN sim.sim_internal.workspaces w ON w.workspace_id = f.workspace_id WHERE f.path LIKE '%/state/metadata.json'`)
	if err != nil {
		return nil, fmt.Errorf("reading the bundles' metadata.json: %w", err)
	}
	defer rows.Close()
	commits := map[string]string{}
	for rows.Next() {
		var content, env string
		if err := rows.Scan(&content, &env); err != nil {
			return nil, err
		}
		var meta bundleMetadata
		if err := json.Unmarshal([]byte(content), &meta); err != nil {
			return nil, fmt.Errorf("a bundle's metadata.json is damaged: %w", err)
		}
		if b := meta.Config.Bundle; b.Target == env {
			commits[key(b.Name, env)] = b.Git.Commit
		}
	}
	return commits, rows.Err()
}

// stageFinishedRequests turns run-now runs whose planned end has passed into timeline rows.
func (s *Sim) stageFinishedRequests(ctx context.Context, conn *sql.Conn, st *stage, now time.Time) error {
	rows, err := conn.QueryContext(ctx, `SELECT workspace_id, object_id, run_id, run_name, start_time, planned_end, payload
		FROM sim.sim_internal.in_flight WHERE kind = 'job' AND planned_end <= ? AND run_id IN (SELECT run_id FROM sim.sim_internal.run_requests)`, now)
	if err != nil {
		return fmt.Errorf("reading finished run-now runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ws, job, run, name, payload string
		var start, end time.Time
		if err := rows.Scan(&ws, &job, &run, &name, &start, &end, &payload); err != nil {
			return err
		}
		var p FlightPlan
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return fmt.Errorf("run %s has a damaged plan: %w", run, err)
		}
		code := p.TerminationCode
		if code == "" {
			code = "SUCCESS"
		}
		if err := st.add("st_runs", ws, job, run, name, start, end, p.ResultState, code, p.TriggerType, nil); err != nil {
			return err
		}
	}
	return rows.Err()
}
