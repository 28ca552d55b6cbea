package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
	"github.com/spf13/cobra"
)

type releasesFlags struct {
	env, bundle, since, output, status string
	limit                              int
}

func newReleasesCommand(g *globals) *cobra.Command {
	f := &releasesFlags{}
	cmd := &cobra.Command{
		Use:   "releases",
		Short: "List the deployments of an environment, newest first, with their health",
		Long: `List the deployments of an environment, newest first: release, who deployed it and when,
the job runs and pipeline updates inside its window, the expectation failure ratio,
its checks and its verdict (healthy, degraded, failing or unknown; provisional until
its bake time has passed). A healthy deployment whose only blemish is an inconclusive
check, or failures too few to judge, awaits a person: "(decide)", needs_decision in JSON.
-o json carries the comparisons with the baseline behind the verdict.`,
		Example: `  cockpit releases --env prod
  cockpit releases --env prod --since 2h --status failing
  cockpit demo releases --env staging --bundle supply_chain_analytics -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReleases(cmd.Context(), g, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.env, "env", "prod", "environment")
	fl.StringVar(&f.bundle, "bundle", "", "only this bundle")
	fl.StringVar(&f.since, "since", "24h", "only deployments this recent (e.g. 90m, 2h, 7d; 0 for all)")
	fl.IntVar(&f.limit, "limit", 200, "at most this many deployments")
	fl.StringVarP(&f.output, "output", "o", "table", "output format: table or json")
	fl.StringVar(&f.status, "status", "", "only this verdict: healthy, degraded, failing or unknown")
	fl.BoolVar(&g.wide, "wide", false, "show every column in full (default: cut to a maximum width, and to the terminal's)")
	return cmd
}

func runReleases(ctx context.Context, g *globals, f *releasesFlags) error {
	if f.output != "table" && f.output != "json" {
		return usage("-o %q: use table or json", f.output)
	}
	since, err := config.ParseDuration(f.since)
	if err != nil && f.since != "0" {
		return usage("--since: %v", err)
	}
	if f.limit < 1 || f.limit > 10000 {
		return usage("--limit %d: use a number from 1 to 10000", f.limit)
	}
	q := source.Query{Bundle: f.bundle, Since: since, Limit: f.limit}
	if f.status != "" {
		if q.Status, err = model.ParseVerdict(f.status); err != nil {
			return usage("--status: %v", err)
		}
	}
	src, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	l, err := src.ListAll(ctx, f.env, q)
	if err != nil {
		return err
	}
	warnLiveMissing(g.stderr, l.LiveErr)
	if line := skippedLine(f.env, l.Skipped); line != "" {
		fmt.Fprintln(g.stderr, "cockpit: "+line)
	}
	if line := limitLine(l, f.limit); line != "" {
		fmt.Fprintln(g.stderr, "cockpit: "+line)
	}
	if f.output == "json" {
		return writeJSON(g.stdout, l.Deployments)
	}
	writeTable(g.stdout, l.Deployments, src.Now(), g.style())
	return nil
}

// limitLine says that --limit cut the list, and how many deployments the window holds.
func limitLine(l source.Listing, limit int) string {
	if l.Next == nil {
		return ""
	}
	if l.Matching > len(l.Deployments) {
		return fmt.Sprintf("showing the newest %d of %d deployments (--limit %d); raise --limit or narrow --since to see more", len(l.Deployments), l.Matching, limit)
	}
	return fmt.Sprintf("showing the newest %d deployments (--limit %d); raise --limit or narrow --since to see more", len(l.Deployments), limit)
}

// releaseJSON is the stable shape of `releases -o json`, one object per deployment.
type releaseJSON struct {
	ReleaseID    string        `json:"release_id"`
	DeploymentID string        `json:"deployment_id"`
	Bundle       string        `json:"bundle"`
	Version      string        `json:"version"`
	GitSHA       string        `json:"git_sha"`
	Environment  string        `json:"environment"`
	DeployedAt   string        `json:"deployed_at"`
	DeployedBy   string        `json:"deployed_by"`
	Ticket       string        `json:"ticket,omitempty"`
	Current      bool          `json:"current"`
	Verdict      model.Verdict `json:"verdict"`
	Provisional  bool          `json:"provisional"`
	// Live: the verdict rests in part on facts only the REST API has reported so far (the
	// system tables have not got them yet); the same facts give the same verdict either way.
	Live                    bool              `json:"live"`
	Reasons                 []string          `json:"reasons"`
	RunsSucceeded           int               `json:"runs_succeeded"`
	RunsFailed              int               `json:"runs_failed"`
	RunsActive              int               `json:"runs_active"`
	UpdatesSucceeded        int               `json:"updates_succeeded"`
	UpdatesFailed           int               `json:"updates_failed"`
	ExpectationFailureRatio float64           `json:"expectation_failure_ratio"`
	Checks                  model.CheckCounts `json:"checks"`
	Tags                    []string          `json:"tags"`
	// Source says where the deployment is known from: ledger, deployment-history (the
	// bundle deployment metadata service) or discovered (the system tables and audit log).
	Source string `json:"source"`
	// NeedsDecision: healthy, but awaiting a person (an inconclusive check, or failures
	// too few to condemn); never set with degraded or failing.
	NeedsDecision bool `json:"needs_decision"`
	// Comparisons hold the window against its baseline: failures (Fisher's exact test
	// against the 7 days before the deploy), durations (runs slower than the pre-deploy
	// p95) and expectations (against their ratio before the deploy, with a noise floor).
	Comparisons []model.Comparison `json:"comparisons"`
}

func toJSON(j source.Deployment) releaseJSON {
	r := releaseJSON{
		ReleaseID: j.Release.ID(), DeploymentID: j.ID, Bundle: j.Release.Bundle, Version: j.Release.Version, GitSHA: j.Release.GitSHA,
		Environment: j.Environment, DeployedAt: j.DeployedAt.UTC().Format(time.RFC3339), DeployedBy: j.DeployedBy, Ticket: j.Ticket,
		Current: j.Current, Verdict: j.Verdict, Provisional: j.Provisional, Live: j.Live, Reasons: j.Reasons,
		RunsSucceeded: j.Health.RunsSucceeded, RunsFailed: j.Health.RunsFailed, RunsActive: j.Health.RunsActive,
		UpdatesSucceeded: j.Health.UpdatesOK, UpdatesFailed: j.Health.UpdatesFailed,
		ExpectationFailureRatio: roundRatio(j.Health.ExpectationFailureRatio()), Checks: j.Checks, Tags: j.Tags,
		NeedsDecision: j.NeedsDecision, Comparisons: j.Comparisons, Source: sourceOf(j.Deployment),
	}
	if r.Comparisons == nil {
		r.Comparisons = []model.Comparison{}
	}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if r.Reasons == nil {
		r.Reasons = []string{}
	}
	return r
}

func roundRatio(r float64) float64 { return float64(int64(r*1e6+0.5)) / 1e6 }

func writeJSON(w io.Writer, rows []source.Deployment) error {
	out := make([]releaseJSON, len(rows))
	for i, j := range rows {
		out[i] = toJSON(j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// releaseColumns are the columns of the releases table and their maximum widths.
var releaseColumns = []column{
	{title: "STATUS", max: 12, min: 10}, {title: "BUNDLE", max: 32, min: 12}, {title: "VERSION", max: 20, min: 8},
	{title: "SHA", max: 8, min: 7}, {title: "AGE", max: 6, min: 3}, {title: "BY", max: 16, min: 6},
	{title: "RUNS OK/FAIL", max: 12, min: 5}, {title: "CHECKS", max: 10, min: 6}, {title: "EXP FAIL", max: 9, min: 6},
	{title: "TAGS", max: 24, min: 4}, {title: "SOURCE", max: 10, min: 6},
}

// sourceOf is where a deployment is known from; the ledger when nothing says otherwise.
func sourceOf(d model.Deployment) string {
	if d.Source == "" {
		return model.SourceLedger
	}
	return d.Source
}

// sourceLabel is sourceOf, short enough for its column.
func sourceLabel(d model.Deployment) string {
	if s := sourceOf(d); s != model.SourceHistory {
		return s
	}
	return "history"
}

// writeTable prints deployments for people: status as a glyph and a word (never colour
// alone), then what identifies the deployment and what its window holds. Workspace strings
// are cleaned of escape sequences and cut to their column; missing fields show as "-".
func writeTable(w io.Writer, rows []source.Deployment, now time.Time, st tableStyle) {
	cells := make([][]string, len(rows))
	for i, j := range rows {
		sha := j.Release.GitSHA
		if len(sha) > 8 {
			sha = sha[:8]
		}
		cells[i] = []string{
			statusLabel(j.Assessment, st.glyphs), cell(j.Release.Bundle), cell(j.Release.Version), cell(sha),
			ui.Age(now.Sub(j.DeployedAt)), cell(ui.ShortUser(j.DeployedBy)),
			fmt.Sprintf("%d/%d", j.Health.RunsSucceeded+j.Health.UpdatesOK, j.Health.RunsFailed+j.Health.UpdatesFailed),
			checksLabel(j.Checks, st.glyphs), ratioLabel(j.Health), cell(strings.Join(j.Tags, ",")), sourceLabel(j.Deployment),
		}
	}
	writeColumns(w, releaseColumns, cells, st)
	if len(rows) == 0 {
		fmt.Fprintln(w, "no deployments match")
	}
}

// statusLabel is a glyph and a word; a trailing ~ marks a provisional verdict, a trailing
// "(decide)" a healthy one that awaits a person.
func statusLabel(a model.Assessment, g ui.Glyphs) string {
	glyph := map[model.Verdict]string{model.VerdictHealthy: g.Healthy, model.VerdictDegraded: g.Degraded, model.VerdictFailing: g.Failing, model.VerdictUnknown: g.Unknown}[a.Verdict]
	s := glyph + " " + string(a.Verdict)
	if a.Provisional {
		s += g.Provisional
	}
	if a.NeedsDecision {
		s += " (decide)"
	}
	return s
}

func checksLabel(c model.CheckCounts, g ui.Glyphs) string {
	if c.Total() == 0 {
		return "-"
	}
	s := fmt.Sprintf("%d/%d", c.Pass, c.Total())
	if c.Fail > 0 {
		s += fmt.Sprintf(" %d%s", c.Fail, g.Failing)
	}
	return s
}

// ratioLabel is the expectation failure ratio, shown for what it is (above 100% when the
// counts are absurd), "-" when nothing was checked.
func ratioLabel(h model.Health) string {
	if h.RecordsPassed+h.RecordsFailed == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", 100*h.ExpectationFailureRatio())
}

// warnLiveMissing says on stderr, when err is set, why the live facts are missing: the output
// is what the system tables hold.
func warnLiveMissing(w io.Writer, err error) {
	if err != nil {
		fmt.Fprintln(w, "cockpit: "+ui.Clean(oneLine(err))+"; showing what the system tables hold, which may lack the last hour's runs")
	}
}
