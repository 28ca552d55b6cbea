package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// recordEventFlags are the flags of `record deploy` and `record check`.
type recordEventFlags struct {
	env, eventID, actor, ticket, reason, at, status string
	runID                                           int64
	// deploy
	bundle, version, gitSHA, metadata string
	// check
	release, name, phase, observed, threshold, details string
}

// withRecordVerbs adds "record deploy" and "record check" (for CI) to the record command,
// whose own form records a deployer run's result.
func withRecordVerbs(record *cobra.Command, g *globals) *cobra.Command {
	record.Long += `

"record deploy" and "record check" append a deployment or check event, as CI does around
"databricks bundle deploy". Each event has an id (--event-id, or a fresh UUIDv7 printed on
stdout): recording the same id again changes nothing, so a retried CI step is harmless.`
	record.AddCommand(newRecordDeployCommand(g), newRecordCheckCommand(g))
	return record
}

func newRecordDeployCommand(g *globals) *cobra.Command {
	f := &recordEventFlags{}
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Record a deployment of a bundle version into an environment",
		Long: `Record a deployment event: --status requested, started, succeeded or failed (kinds
deploy_requested, deploy_started, deploy_succeeded, deploy_failed). A succeeded deployment
is a release in "cockpit releases".

--metadata names the bundle's metadata.json (a local file, or a workspace path such as
/Workspace/Users/<deployer>/.bundle/<bundle>/<target>/state/metadata.json, read through
the workspace export API): the release's jobs and pipelines are recorded from it, and
its bundle name and git commit fill in --bundle and --git-sha (or must agree with them).
"bundle deploy" rewrites metadata.json only after a successful deploy, so --metadata
goes with --status succeeded.`,
		Example: `  cockpit record deploy --bundle ecommerce_orders --version 2.14.0 --git-sha "$GIT_SHA" \
    --env prod --status succeeded --run-id "$RUN_ID" \
    --metadata /Workspace/Users/ci@example.com/.bundle/ecommerce_orders/prod/state/metadata.json
  cockpit demo record deploy --bundle ecommerce_orders --version 2.15.0 --env dev --status started`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRecordDeploy(cmd.Context(), g, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.bundle, "bundle", "", "bundle name (default: the one metadata.json names)")
	fl.StringVar(&f.version, "version", "", "version being deployed (required)")
	fl.StringVar(&f.gitSHA, "git-sha", "", "git commit being deployed (default: the one metadata.json names)")
	fl.StringVar(&f.metadata, "metadata", "", "the bundle's metadata.json: a local file or a workspace path")
	fl.Int64Var(&f.runID, "run-id", 0, "the CI or deployer job run that deploys it")
	recordCommonFlags(fl, f, "requested, started, succeeded or failed")
	return cmd
}

func newRecordCheckCommand(g *globals) *cobra.Command {
	f := &recordEventFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Record a pre- or post-deploy check of a release in an environment",
		Long: `Record a check event: its name, phase (pre: before the deploy, post: after it) and
status (pass, fail, inconclusive or pending), with what was observed and the threshold it
was held to. --details adds a JSON object of your own. Post-deploy checks show on the
release's Checks tab and count in its verdict; failed pre-deploy checks block promotion.`,
		Example: `  cockpit record check --release ecommerce_orders@2.14.0 --env prod --name row_count_drift \
    --phase post --status pass --observed 0.03 --threshold 0.2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRecordCheck(cmd.Context(), g, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.release, "release", "", "release id, bundle@version (required)")
	fl.StringVar(&f.name, "name", "", "check name, e.g. tests, schema_compat, canary_run, sla (required)")
	fl.StringVar(&f.phase, "phase", "", "pre or post (required)")
	fl.StringVar(&f.observed, "observed", "", "observed value (a number stays a number)")
	fl.StringVar(&f.threshold, "threshold", "", "threshold the value was held to")
	fl.StringVar(&f.details, "details", "", "a JSON object of further details")
	recordCommonFlags(fl, f, "pass, fail, inconclusive or pending")
	return cmd
}

func recordCommonFlags(fl *pflag.FlagSet, f *recordEventFlags, statuses string) {
	fl.StringVar(&f.env, "env", "", "environment (required)")
	fl.StringVar(&f.status, "status", "", statuses+" (required)")
	fl.StringVar(&f.eventID, "event-id", "", "idempotency key: the same id never makes two events (default: a fresh UUIDv7)")
	fl.StringVar(&f.actor, "actor", "", "who deployed or checked (default: the signed-in user)")
	fl.StringVar(&f.ticket, "ticket", "", "change ticket")
	fl.StringVar(&f.reason, "reason", "", "reason")
	fl.StringVar(&f.at, "at", "", "when it happened, RFC 3339 (default: now)")
}

var deployKinds = map[string]model.EventKind{
	"requested": model.EventDeployRequested, "started": model.EventDeployStarted,
	"succeeded": model.EventDeploySucceeded, "failed": model.EventDeployFailed,
}

// validateCommon checks the flags both verbs share; it runs before anything is opened.
func (f *recordEventFlags) validateCommon() error {
	if f.env == "" {
		return usage("--env is required: the environment the event belongs to")
	}
	if f.at != "" {
		if _, err := time.Parse(time.RFC3339, f.at); err != nil {
			return usage("--at %q is not an RFC 3339 time: use e.g. 2026-11-23T12:00:00Z", f.at)
		}
	}
	if f.eventID != "" && (len(f.eventID) > 128 || strings.TrimSpace(f.eventID) != f.eventID) {
		return usage("--event-id %q: use up to 128 characters without surrounding spaces (a UUID, or your CI's run and step)", f.eventID)
	}
	return nil
}

// base opens nothing: it fills the fields every event carries.
func (f *recordEventFlags) base(src *source.Source) model.LedgerEvent {
	at := src.Now()
	if f.at != "" {
		at, _ = time.Parse(time.RFC3339, f.at)
	}
	id := f.eventID
	if id == "" {
		id = model.NewEventID(at)
	}
	actor := f.actor
	if actor == "" {
		actor = src.User()
	}
	return model.LedgerEvent{EventID: id, Environment: f.env, Actor: actor, At: at.UTC(), Ticket: f.ticket, Reason: f.reason, RunID: f.runID}
}

func runRecordDeploy(ctx context.Context, g *globals, f *recordEventFlags) error {
	if err := f.validateCommon(); err != nil {
		return err
	}
	kind, ok := deployKinds[f.status]
	if !ok {
		return usage("--status %q: use requested, started, succeeded or failed", f.status)
	}
	if f.version == "" {
		return usage("--version is required: the version being deployed")
	}
	if f.metadata != "" && kind != model.EventDeploySucceeded {
		return usage("--metadata goes with --status succeeded: bundle deploy rewrites metadata.json only after a successful deploy")
	}
	if f.metadata == "" && f.bundle == "" {
		return usage("--bundle is required (or --metadata, whose metadata.json names the bundle)")
	}
	if f.runID < 0 {
		return usage("--run-id %d: use the positive id of the run", f.runID)
	}
	src, e, err := openRecord(ctx, g, f.env)
	if err != nil {
		return err
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(ctx, src.Timeout())
	defer cancel()
	var meta *workspace.Metadata
	if f.metadata != "" {
		m, err := readMetadata(ctx, e, f.metadata)
		if err != nil {
			return err
		}
		if err := f.agreeWith(m); err != nil {
			return err
		}
		meta = &m
	}
	ev := f.base(src)
	ev.Bundle, ev.Version, ev.GitSHA, ev.Kind, ev.Status = f.bundle, f.version, f.gitSHA, kind, f.status
	ev.ReleaseID = model.ReleaseID(f.bundle, f.version)
	var resources []model.ReleaseResource
	if meta != nil {
		ev.Details = jsonObject(map[string]any{"metadata_file_path": meta.Path, "git_branch": meta.Git.Branch, "git_origin_url": meta.Git.OriginURL})
		resources = meta.Resources(ev.ReleaseID, f.env)
	}
	return appendRecord(ctx, g, src, ev, resources)
}

// agreeWith fills --bundle and --git-sha from metadata.json, and refuses a metadata.json of
// another bundle or commit: it would record another deployment's resources.
func (f *recordEventFlags) agreeWith(m workspace.Metadata) error {
	if m.Bundle == "" {
		return usage("--metadata %s names no bundle (config.bundle.name): is it a bundle's metadata.json?", m.Path)
	}
	if f.bundle == "" {
		f.bundle = m.Bundle
	} else if f.bundle != m.Bundle {
		return usage("--bundle %s, but %s is the metadata of bundle %s: pass that bundle's metadata.json", f.bundle, m.Path, m.Bundle)
	}
	switch c := m.Git.Commit; {
	case f.gitSHA == "":
		f.gitSHA = c
	case c != "" && !strings.HasPrefix(c, f.gitSHA) && !strings.HasPrefix(f.gitSHA, c):
		return usage("--git-sha %s, but %s records commit %s: was the deploy that wrote it another one?", f.gitSHA, m.Path, c)
	}
	return nil
}

// readMetadata reads metadata.json from a local file when there is one at the path, else
// from the environment's workspace.
func readMetadata(ctx context.Context, e *source.Environment, path string) (workspace.Metadata, error) {
	if b, err := os.ReadFile(path); err == nil {
		m, err := workspace.ParseMetadata(path, b)
		if err != nil {
			return m, usage("--metadata %s: %v", path, err)
		}
		return m, nil
	} else if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(path, "/") {
		return workspace.Metadata{}, usage("--metadata %s: %v (a local file, or a workspace path starting with /)", path, err)
	}
	m, err := e.Workspace.BundleMetadata(ctx, path)
	switch {
	case err == nil:
		return m, nil
	case errors.Is(err, workspace.ErrNotFound):
		return m, usage("--metadata %s: no such local file, nor workspace file at %s", path, e.Workspace.Host())
	case errors.Is(err, workspace.ErrPermissionDenied), errors.Is(err, workspace.ErrUnauthenticated):
		return m, usage("--metadata %s: %v", path, err)
	}
	return m, fmt.Errorf("--metadata: %w", err)
}

var checkPhases = map[string]bool{string(model.PhasePre): true, string(model.PhasePost): true}

var checkOutcomes = map[string]bool{
	string(model.OutcomePass): true, string(model.OutcomeFail): true,
	string(model.OutcomeInconclusive): true, string(model.OutcomePending): true,
}

func runRecordCheck(ctx context.Context, g *globals, f *recordEventFlags) error {
	if err := f.validateCommon(); err != nil {
		return err
	}
	bundle, version, err := model.ParseReleaseID(f.release)
	if f.release == "" {
		return usage("--release is required: the release checked, bundle@version")
	} else if err != nil {
		return usage("--release: %v", err)
	}
	if f.name == "" {
		return usage("--name is required: the check's name, e.g. tests or row_count_drift")
	}
	if !checkPhases[f.phase] {
		return usage("--phase %q: use pre (before the deploy) or post (after it)", f.phase)
	}
	if !checkOutcomes[f.status] {
		return usage("--status %q: use pass, fail, inconclusive or pending", f.status)
	}
	details := map[string]any{}
	if f.details != "" {
		if err := json.Unmarshal([]byte(f.details), &details); err != nil || details == nil {
			return usage("--details is not a JSON object: pass e.g. '{\"rows\": 1200}'")
		}
	}
	details["name"], details["phase"] = f.name, f.phase
	if f.observed != "" {
		details["observed"] = jsonValue(f.observed)
	}
	if f.threshold != "" {
		details["threshold"] = jsonValue(f.threshold)
	}
	src, _, err := openRecord(ctx, g, f.env)
	if err != nil {
		return err
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(ctx, src.Timeout())
	defer cancel()
	ev := f.base(src)
	ev.ReleaseID, ev.Bundle, ev.Version = f.release, bundle, version
	ev.Kind, ev.Status, ev.Details = model.EventCheck, f.status, jsonObject(details)
	return appendRecord(ctx, g, src, ev, nil)
}

// jsonValue keeps a number or boolean as one, and anything else as a string.
func jsonValue(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		switch v.(type) {
		case float64, bool:
			return json.RawMessage(strings.TrimSpace(s))
		}
	}
	return s
}

func jsonObject(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// openRecord opens the workspace and checks the environment before anything is written.
func openRecord(ctx context.Context, g *globals, env string) (*source.Source, *source.Environment, error) {
	src, err := g.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	e, err := src.Environment(env)
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	return src, e, nil
}

// appendRecord writes the release's resources, then the event: a deployment is listed once
// its event is there, so it never shows without its resources. Both writes are idempotent,
// so a retry after a failure between them is harmless. An event id already in the ledger is
// left as it is and said so.
func appendRecord(ctx context.Context, g *globals, src *source.Source, ev model.LedgerEvent, resources []model.ReleaseResource) error {
	ledger := src.Ledger()
	existing, err := ledger.EventByID(ctx, ev.EventID)
	switch {
	case err == nil:
		fmt.Fprintf(g.stdout, "event %s is already recorded (%s of %s in %s): nothing changed\n", ev.EventID, existing.Kind, existing.ReleaseID, existing.Environment)
		return nil
	case !errors.Is(err, warehouse.ErrNotFound):
		return ledgerWriteError(src, err)
	}
	if err := ledger.AppendResources(ctx, resources...); err != nil {
		return ledgerWriteError(src, err)
	}
	if err := ledger.AppendEvents(ctx, ev); err != nil {
		return ledgerWriteError(src, err)
	}
	what := string(ev.Kind)
	if ev.Kind == model.EventCheck {
		what = "check " + ev.Status
	}
	fmt.Fprintf(g.stdout, "recorded %s of %s in %s", what, ev.ReleaseID, ev.Environment)
	if len(resources) > 0 {
		fmt.Fprintf(g.stdout, " with %d resources", len(resources))
	}
	fmt.Fprintf(g.stdout, " (event %s)\n", ev.EventID)
	return nil
}

// ledgerWriteError says what to do about a failed ledger read or write.
func ledgerWriteError(src *source.Source, err error) error {
	ledger := src.Ledger().Tables().Ledger
	switch {
	case warehouse.MissingTable(err):
		return usage("there is no ledger in %s (%s): create it with `cockpit ledger init` (or print its statements with `cockpit ledger init --print`), then record again", ledger, src.Label())
	case errors.Is(err, context.DeadlineExceeded):
		return usage("the ledger's warehouse did not answer within %s: check that it is running, or raise --timeout; recording again with the same --event-id is safe", src.Timeout())
	case errors.Is(err, warehouse.ErrInvalidInput):
		return usage("%v", err)
	}
	return fmt.Errorf("writing to the ledger %s: %w (recording again with the same --event-id is safe)", ledger, err)
}
