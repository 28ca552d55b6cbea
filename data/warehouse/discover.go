package warehouse

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"time"
)

//go:embed discovered.sql
var discoveredSQL string

//go:embed unrecorded.sql
var unrecordedSQL string

// DiscoveredPrefix starts the id of every discovered deployment; a ledger event id never
// does (they are UUIDv7s or what CI passed, never this prefix with a hash).
const DiscoveredPrefix = "discovered-"

// DefaultDiscoveryLookback is how far back discovery reads the audit log by default: the
// system tables keep 365 days, and the windows of the oldest deployments need no more.
const DefaultDiscoveryLookback = 90 * 24 * time.Hour

// Discovery derives deployments from what Databricks records (discovered.sql) where there
// is no ledger: the jobs' and pipelines' bundle metadata paths and the audit log's bundle
// deploy requests, for the environments listed (each the target of the same name in its
// workspace).
type Discovery struct {
	// Envs lists the environments when a statement runs: an environment's workspace id may
	// be resolved after the store is made. Those without one are left out.
	Envs func() []Env
	// Since gives the start of the audit scan; nil is DefaultDiscoveryLookback before now.
	Since func() time.Time
	// Unrecorded is for a workspace that has a ledger: the discovered deployments supplement
	// it for the bundles it records no deployment of in an environment (CI never wired to
	// `cockpit record`), instead of replacing it. A bundle the ledger knows in an environment
	// is the ledger's alone there, so no deployment is shown twice and the ledger's facts win.
	Unrecorded bool
}

// Discovering returns a store over the same database that reads discovered deployments in
// place of the ledger: every read of the ledger's events and resources reads them instead,
// so deployments, windows, health and verdicts work the same; a discovered deployment's
// id starts with DiscoveredPrefix. Writes still go to the ledger (and fail without one).
func (s *Store) Discovering(d Discovery) (*Store, error) {
	if d.Envs == nil {
		return nil, fmt.Errorf("%w: discovery needs its environments", ErrInvalidInput)
	}
	c := *s
	c.disc = &d
	c.discNames = c.tables.discoveryReplacer(c.dialect, d.Unrecorded)
	return &c, nil
}

// DiscoveringIfMissing returns a store over the same database that reads the ledger as long
// as it exists and, from the first read that finds it missing, the discovered deployments
// in its place: a workspace with a ledger pays no round trip to ask whether it has one.
// The discovery cannot supplement a ledger (Unrecorded): that needs to know first.
func (s *Store) DiscoveringIfMissing(d Discovery) (*Store, error) {
	if d.Envs == nil || d.Unrecorded {
		return nil, fmt.Errorf("%w: discovery in place of a missing ledger needs its environments and cannot supplement one", ErrInvalidInput)
	}
	c := *s
	c.ifMissing = &ledgerCheck{d: d, names: c.tables.discoveryReplacer(c.dialect, false)}
	return &c, nil
}

// ledgerCheck is what a store that discovers once its ledger is found missing knows of it.
type ledgerCheck struct {
	d     Discovery
	names *strings.Replacer

	mu      sync.Mutex
	known   bool // the ledger was asked after, and answered
	missing bool
}

// absent says whether the ledger is missing, asking once: a question the warehouse could
// not answer is asked again next time.
func (c *ledgerCheck) absent(ctx context.Context, s *Store) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.known {
		ok, err := s.HasLedger(ctx)
		if err != nil {
			return false
		}
		c.known, c.missing = true, !ok
	}
	return c.missing
}

// found says whether the ledger was found missing.
func (c *ledgerCheck) found() bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.missing
}

// discovery is the discovery the store's reads of the ledger go through, with its names;
// nil when they read the ledger.
func (s *Store) discovery() (*Discovery, *strings.Replacer) {
	if s.disc != nil {
		return s.disc, s.discNames
	}
	if s.ifMissing.found() {
		return &s.ifMissing.d, s.ifMissing.names
	}
	return nil, nil
}

// Discovers says whether the store reads discovered deployments in place of the ledger
// (on a store DiscoveringIfMissing: once a read found the ledger missing).
func (s *Store) Discovers() bool {
	d, _ := s.discovery()
	return d != nil && !d.Unrecorded
}

// DiscoversUnrecorded says whether the store's discovered deployments supplement its ledger
// for the bundles the ledger never recorded.
func (s *Store) DiscoversUnrecorded() bool { return s.disc != nil && s.disc.Unrecorded }

// discoveryReplacer is replacer with the ledger's events and resources replaced by the
// discovered ones (CTE names of discovered.sql), or, supplementing a ledger (unrecorded), by
// the ledger's and the discovered ones of the bundles it never recorded (unrecorded.sql).
func (t Tables) discoveryReplacer(d Dialect, unrecorded bool) *strings.Replacer {
	// Of two pairs with the same old string, NewReplacer applies the first.
	pairs := []string{
		"{{release_events}}", "discovered_events",
		"{{release_resources}}", "discovered_resources"}
	if unrecorded {
		pairs = []string{
			"{{release_events}}", "merged_events",
			"{{release_resources}}", "merged_resources"}
	}
	if d == Databricks && t.ExpectationResults == "" && !unrecorded {
		// Without a ledger there is no expectation_results view: read what its definition
		// reads, the pipeline event log system table, in its place.
		pairs = append(pairs, "{{expectation_results}}", "("+expectationResultsView(t, d)+")")
	}
	return strings.NewReplacer(append(pairs, t.replacements(d)...)...)
}

// expectationResultsView is the SELECT of the ledger's expectation_results view on
// Databricks (ledger_databricks.sql), rendered for the tables.
func expectationResultsView(t Tables, d Dialect) string {
	const head = "CREATE VIEW IF NOT EXISTS {{expectation_results}} AS"
	text := ledgerDatabricksSQL[strings.Index(ledgerDatabricksSQL, head)+len(head):]
	if i := strings.Index(text, "\n;"); i >= 0 {
		text = text[:i]
	}
	return strings.TrimSpace(t.replacer(d).Replace(text))
}

// readsLedger says whether a statement reads the ledger's events or resources.
func readsLedger(text string) bool {
	text = fragments.Replace(text)
	return strings.Contains(text, "{{release_events}}") || strings.Contains(text, "{{release_resources}}")
}

// discoveryCTEs renders discovered.sql for the store's environments, as CTEs to splice in
// front of a statement, and their parameters.
func discoveryCTEs(d *Discovery, names *strings.Replacer) (string, []any) {
	var envs []string
	var args []any
	for _, e := range d.Envs() {
		if e.validate() != nil {
			continue
		}
		envs = append(envs, "SELECT CAST(? AS STRING) AS environment, CAST(? AS STRING) AS workspace_id")
		args = append(args, e.Name, e.WorkspaceID)
	}
	if len(envs) == 0 {
		envs = append(envs, "SELECT CAST(NULL AS STRING) AS environment, CAST(NULL AS STRING) AS workspace_id WHERE 1 = 0")
	}
	since := time.Now().Add(-DefaultDiscoveryLookback)
	if d.Since != nil {
		since = d.Since()
	}
	args = append(args, date(since))
	text := stripComments(discoveredSQL)
	if d.Unrecorded {
		text = strings.TrimSpace(text) + ",\n" + stripComments(unrecordedSQL)
	}
	text = strings.Replace(text, "{{discovered_envs}}", strings.Join(envs, "\n  UNION ALL\n  "), 1)
	return strings.TrimSpace(names.Replace(text)), args
}

// spliceCTEs puts ctes in front of a rendered statement: into its WITH clause, or as one.
// Leading comment lines stay first.
func spliceCTEs(stmt, ctes string) string {
	lines := strings.SplitAfter(stmt, "\n")
	i := 0
	for i < len(lines) && (strings.HasPrefix(strings.TrimSpace(lines[i]), "--") || strings.TrimSpace(lines[i]) == "") {
		i++
	}
	head, rest := strings.Join(lines[:i], ""), strings.Join(lines[i:], "")
	if after, ok := strings.CutPrefix(rest, "WITH "); ok {
		return head + "WITH " + ctes + ",\n" + after
	}
	return head + "WITH " + ctes + "\n" + rest
}

// readSQL renders a read for this store with its parameters: on a discovering store, a
// statement that reads the ledger reads the discovered deployments instead.
func (s *Store) readSQL(text string, args []any) (string, []any) {
	d, names := s.discovery()
	if d == nil || !readsLedger(text) {
		return s.sql(text), args
	}
	if s.trace != nil {
		s.trace(text)
	}
	ctes, dargs := discoveryCTEs(d, names)
	return spliceCTEs(render(text, names), ctes), append(dargs, args...)
}

// DiscoveredSQL is the text of a read as a discovering store sends it, for golden files.
func (s *Store) DiscoveredSQL(text string) string {
	q, _ := s.readSQL(text, nil)
	return q
}

// HasLedger says whether the ledger's events table exists: false when the workspace has
// none (a missing table or schema), an error when the question could not be answered.
func (s *Store) HasLedger(ctx context.Context) (bool, error) {
	s.sent(ctx) // a round trip like any other: counted, and as late as the others
	rows, err := s.db.QueryContext(ctx, s.sql("SELECT 1 AS one FROM {{release_events}} WHERE 1 = 0"))
	if err == nil {
		err = rows.Close()
	}
	switch {
	case err == nil:
		return true, nil
	case MissingTable(err):
		return false, nil
	}
	return false, fmt.Errorf("reading the ledger: %w", err)
}

//go:embed bundle_metadata_paths.sql
var bundleMetadataPathsSQL string

// BundleMetadataPaths maps each bundle deployed to the environment's target to the path of
// its metadata.json, as its jobs name it.
func (s *Store) BundleMetadataPaths(ctx context.Context, env Env) (map[string]string, error) {
	if err := env.validate(); err != nil {
		return nil, err
	}
	out := map[string]string{}
	err := s.query(ctx, "reading the bundles' metadata paths in "+env.Name, bundleMetadataPathsSQL,
		[]any{env.WorkspaceID, env.Name}, func(rows *sql.Rows) error {
			var bundle, path string
			if err := rows.Scan(&bundle, &path); err != nil {
				return err
			}
			out[bundle] = path
			return nil
		})
	return out, err
}
