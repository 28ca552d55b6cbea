package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
	"github.com/spf13/cobra"
)

func newDoctorCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check sign-in, warehouse, table access, ledger and deployer permissions",
		Long: `Check, per environment, everything the cockpit needs: that the workspace accepts your
credentials, that the SQL warehouse answers and can read the ledger and system tables,
and whether you may run the environment's deployer job. Each problem comes with the
step that fixes it. Exits 1 when anything is missing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDoctor(cmd.Context(), g) },
	}
}

// errDoctor is returned when a check failed; the checks themselves were already printed.
var errDoctor = errors.New("some checks failed: see above")

func runDoctor(ctx context.Context, g *globals) error {
	src, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	gl := g.style().glyphs
	fmt.Fprintf(g.stdout, "Release Cockpit doctor%s%s\n", gl.Dot, ui.Clean(src.Label()))
	failed := false
	check := func(ok bool, what, fix string) {
		mark := gl.Healthy
		if !ok {
			mark, failed = gl.Failing, true
		}
		fmt.Fprintf(g.stdout, "  %s %s\n", mark, ui.Clean(what))
		if !ok && fix != "" {
			fmt.Fprintf(g.stdout, "      %s %s\n", gl.Arrow, ui.Clean(fix))
		}
	}
	info := func(what, next string) {
		fmt.Fprintf(g.stdout, "  - %s\n", ui.Clean(what))
		if next != "" {
			fmt.Fprintf(g.stdout, "      %s %s\n", gl.Arrow, ui.Clean(next))
		}
	}
	cfg := src.Config()
	for _, name := range src.Environments() {
		e, _ := src.Environment(name)
		fmt.Fprintf(g.stdout, "\n%s\n", name)
		before, failedBefore := src.Usage(), failed
		doctorEnvironment(ctx, src, e, check, info)
		cost := src.Usage().Since(before)
		fmt.Fprintf(g.stdout, "  %s these checks cost %s\n", gl.Arrow, countText(cost.Total()))
		// What watching costs is measured only where the checks passed: a warehouse that
		// did not answer them would make the doctor wait for it again.
		if failed != failedBefore {
			continue
		}
		if idle, err := doctorWatching(ctx, src, name); err == nil {
			per, when := watchingText(idle, time.Duration(cfg.Refresh), time.Duration(cfg.FullRefresh))
			fmt.Fprintf(g.stdout, "  %s %s\n      %s\n", gl.Arrow, per, when)
		}
	}
	if failed {
		return errDoctor
	}
	fmt.Fprintln(g.stdout, "\nall checks passed")
	return nil
}

// doctorEnvironment checks one environment; info says what is worth knowing and is no failure.
func doctorEnvironment(ctx context.Context, src *source.Source, e *source.Environment, check func(bool, string, string), info func(string, string)) {
	ctx, cancel := context.WithTimeout(ctx, src.Timeout())
	defer cancel()
	me, err := e.Workspace.Me(ctx)
	check(err == nil, "signed in to "+e.Workspace.Host()+userSuffix(me.UserName), authFix(err))
	l, err := src.ListAll(ctx, e.Env.Name, source.Query{Limit: 1})
	if src.Discovers() {
		// No ledger is no failure: the deployments are discovered (day one). Say so, and how
		// to start recording them.
		check(err == nil, e.Warehouse+" reads the system tables and the audit log (system.access.audit)", discoveryFix(err, src))
		info("no ledger "+e.Store.Tables().Ledger+": deployments are discovered from the audit log, the jobs' and pipelines' bundle paths and the bundle deployment history",
			"to record them from CI (versions, commits, checks, approvals), create it with `cockpit ledger init` and add `cockpit record deploy` and `cockpit record check` to the pipelines")
	} else {
		check(err == nil, e.Warehouse+" reads the ledger "+e.Store.Tables().Ledger+" and the system tables", sqlFix(err, src))
		if err == nil {
			check(l.Skipped.Total() == 0, "every deploy_succeeded event of "+e.Env.Name+" in the ledger is a deployment"+skippedSuffix(l.Skipped), skippedFix(l.Skipped))
		}
	}
	if e.Config.DeployerJobID == 0 {
		check(false, "deployer job configured", "set environments[].deployer_job_id to the job that deploys releases into "+e.Env.Name)
		return
	}
	acl, err := e.Workspace.JobPermissions(ctx, e.Config.DeployerJobID)
	if err != nil {
		check(false, fmt.Sprintf("permissions of deployer job %d readable", e.Config.DeployerJobID), authFix(err))
		return
	}
	may := workspace.MayRunJob(me, acl)
	check(may, fmt.Sprintf("you may run deployer job %d (CAN_MANAGE_RUN)", e.Config.DeployerJobID),
		"ask a workspace admin for CAN_MANAGE_RUN on the deployer job; until then promote and roll back stay disabled")
}

// doctorWatching measures what the TUI's home costs watching an environment while nothing
// happens: after the home's list (the last day) and a first probe, which learns where the
// ledger and the live feed stand, what one more probe (every refresh) asks.
func doctorWatching(ctx context.Context, src *source.Source, env string) (source.Count, error) {
	ctx, cancel := context.WithTimeout(ctx, src.Timeout())
	defer cancel()
	if _, err := src.ListAll(ctx, env, source.Query{Since: 24 * time.Hour}); err != nil {
		return source.Count{}, err
	}
	if _, err := src.Probe(ctx, env, true); err != nil {
		return source.Count{}, err
	}
	before := src.Usage()
	if _, err := src.Probe(ctx, env, false); err != nil {
		return source.Count{}, err
	}
	return src.Usage().Since(before).Total(), nil
}

// watchingText says what watching an environment costs per refresh and per minute, and
// when the warehouse is read at all.
func watchingText(probe source.Count, refresh, full time.Duration) (perRefresh, whenRead string) {
	perMinute := func(n int64) string {
		return strconv.FormatFloat(float64(n)*float64(time.Minute)/float64(refresh), 'f', -1, 64)
	}
	perRefresh = fmt.Sprintf("watching it idle, each refresh (every %s) costs %s: %s REST calls and %s warehouse statements a minute",
		shortDuration(refresh), countText(probe), perMinute(probe.Calls), perMinute(probe.Statements))
	whenRead = "the warehouse is read again only when a refresh sees something new, and at least every " + shortDuration(full)
	return perRefresh, whenRead
}

// shortDuration is a whole number of minutes or seconds as "5m" or "15s", else as Go says it.
func shortDuration(d time.Duration) string {
	switch {
	case d > 0 && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d > 0 && d < time.Minute && d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

func userSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " as " + u
}

func authFix(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, workspace.ErrUnauthenticated):
		return "your token or login has expired or is wrong: run `databricks auth login` for this profile"
	case errors.Is(err, workspace.ErrPermissionDenied):
		return "the workspace refused: ask an admin for access"
	case errors.Is(err, workspace.ErrUnavailable):
		return "the workspace did not answer: check the host, the network, or raise --timeout"
	}
	return oneLine(err)
}

func sqlFix(err error, src *source.Source) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s: start the warehouse, check --warehouse-id, or raise --timeout", src.Timeout())
	}
	return oneLine(err) + " — run `cockpit ledger init` if the ledger does not exist; grant USE and SELECT on the system schemas"
}

// discoveryFix is sqlFix for a workspace without a ledger: discovery reads the audit log.
func discoveryFix(err error, src *source.Source) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return sqlFix(err, src)
	}
	return oneLine(err) + " — grant USE and SELECT on the system schemas (system.lakeflow, system.access), or create the ledger with `cockpit ledger init`"
}

func skippedSuffix(s model.Skipped) string {
	if s.Total() == 0 {
		return ""
	}
	return ": " + s.String()
}

// skippedFix lists the offending event ids, so that someone can correct or delete them.
func skippedFix(s model.Skipped) string {
	if s.Total() == 0 {
		return ""
	}
	fix := "these events cannot be deployments (they need an event id, release id, bundle and time); correct them in the ledger"
	if len(s.EventIDs) > 0 {
		fix += ": " + strings.Join(s.EventIDs, ", ")
		if n := s.Total() - len(s.EventIDs); n > 0 {
			fix += fmt.Sprintf(", and %d without an event id or beyond the first %d", n, model.MaxSkippedIDs)
		}
	}
	return fix
}

// countText says how many warehouse statements and REST calls a count holds.
func countText(c source.Count) string {
	return fmt.Sprintf("%d warehouse statement%s and %d REST call%s", c.Statements, plural(c.Statements), c.Calls, plural(c.Calls))
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
