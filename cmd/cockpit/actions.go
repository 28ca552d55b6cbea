package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
	"github.com/spf13/cobra"
)

// actionFlags are the flags every action verb shares.
type actionFlags struct {
	reason, ticket, output  string
	yes, breakGlass, noWait bool
	env, bundle, to         string
}

func (f *actionFlags) common(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.reason, "reason", "", "why (recorded in the ledger; required in prod and for pin, unpin, veto and break-glass)")
	fl.StringVar(&f.ticket, "ticket", "", "change ticket (recorded in the ledger; required in prod)")
	fl.BoolVar(&f.yes, "yes", false, "confirm without a prompt (needed without a terminal); never skips a gate")
	fl.BoolVar(&f.breakGlass, "break-glass", false, "take a promotion past a freeze window or a spent error budget, or a rollback past a freeze window (needs the right and a reason)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	fl.BoolVar(&f.noWait, "no-wait", false, "return once the deployer run has started instead of following it to its end")
}

const actionsHelp = `
Every action prints its plan first: the versions, the resources it touches, every gate
with its status and the exact call it will make. Without a terminal it refuses unless
--yes; --yes never skips a gate. In prod, on a terminal, you type prod/<bundle> to confirm.

Exit codes: 0 done, 1 refused by a gate or failed (the reasons are printed), 2 usage error.`

func newActionCommands(g *globals) []*cobra.Command {
	mk := func(use, short, long, example string, args cobra.PositionalArgs, build func(f *actionFlags, args []string) (source.ActionRequest, error), flags func(*cobra.Command, *actionFlags)) *cobra.Command {
		f := &actionFlags{}
		cmd := &cobra.Command{Use: use, Short: short, Long: long + "\n" + actionsHelp, Example: example, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				req, err := build(f, args)
				if err != nil {
					return err
				}
				return runAction(cmd.Context(), g, f, req)
			}}
		f.common(cmd)
		if flags != nil {
			flags(cmd, f)
		}
		return cmd
	}
	envFlag := func(def string) func(*cobra.Command, *actionFlags) {
		return func(cmd *cobra.Command, f *actionFlags) {
			cmd.Flags().StringVar(&f.env, "env", def, "environment")
		}
	}
	bundleEnv := func(cmd *cobra.Command, f *actionFlags) {
		cmd.Flags().StringVar(&f.bundle, "bundle", "", "bundle")
		cmd.Flags().StringVar(&f.env, "env", "", "environment")
	}
	release := func(action model.Action) func(*actionFlags, []string) (source.ActionRequest, error) {
		return func(f *actionFlags, args []string) (source.ActionRequest, error) {
			b, v, err := model.ParseReleaseID(args[0])
			if err != nil {
				return source.ActionRequest{}, usage("%v", err)
			}
			env := f.env
			if action == model.ActionPromote {
				env = f.to
			}
			if env == "" {
				return source.ActionRequest{}, usage("name the environment (--%s)", map[bool]string{true: "to", false: "env"}[action == model.ActionPromote])
			}
			return f.request(action, b, v, env), nil
		}
	}
	onBundle := func(action model.Action) func(*actionFlags, []string) (source.ActionRequest, error) {
		return func(f *actionFlags, _ []string) (source.ActionRequest, error) {
			if f.bundle == "" || f.env == "" {
				return source.ActionRequest{}, usage("%s needs --bundle and --env", action)
			}
			return f.request(action, f.bundle, f.to, f.env), nil
		}
	}
	promote := mk("promote RELEASE --to ENV", "Promote a release (bundle@version) into an environment through its deployer job",
		"Promote a release into the next environment: writes the request, asks the environment's\ndeployer job to run (RunNow), and follows the run to its end.",
		"  cockpit promote supply_chain_analytics@2026.1123.22 --to prod --ticket CHG-1 --reason \"weekly KPIs\"\n  cockpit demo --as release-manager promote supply_chain_analytics@2026.1123.22 --to staging --yes",
		cobra.ExactArgs(1), release(model.ActionPromote), func(cmd *cobra.Command, f *actionFlags) {
			cmd.Flags().StringVar(&f.to, "to", "", "environment to promote into")
		})
	rollback := mk("rollback --bundle B --env ENV [--to VERSION]", "Roll a bundle back to its last verified deployment (or --to VERSION) and pin it",
		"Roll back: a new deployment of an earlier, verified version (the last verified one unless\n--to names another). On success the (bundle, environment) is pinned until someone unpins it.",
		"  cockpit rollback --bundle ecommerce_orders --env prod --ticket INC-7 --reason \"valid_client_id failures\"",
		cobra.NoArgs, onBundle(model.ActionRollback), func(cmd *cobra.Command, f *actionFlags) {
			bundleEnv(cmd, f)
			cmd.Flags().StringVar(&f.to, "to", "", "version to roll back to (default: the last verified earlier deployment)")
		})
	approve := mk("approve RELEASE --env ENV", "Approve the pending request to promote a release into an environment",
		"Approve a pending promotion request. The requester can never approve their own request.", "  cockpit approve supply_chain_analytics@2026.1123.22 --env prod",
		cobra.ExactArgs(1), release(model.ActionApprove), envFlag(""))
	pin := mk("pin --bundle B --env ENV", "Pin a bundle in an environment: promotions into it are refused until unpinned",
		"Pin holds the bundle's current version in the environment.", "  cockpit pin --bundle logistics_cost_streaming --env prod --reason \"investigating\"",
		cobra.NoArgs, onBundle(model.ActionPin), bundleEnv)
	unpin := mk("unpin --bundle B --env ENV", "Unpin a bundle in an environment (with a reason)",
		"Unpin lets promotions into the environment again.", "  cockpit unpin --bundle logistics_cost_streaming --env prod --reason \"fix verified in staging\"",
		cobra.NoArgs, onBundle(model.ActionUnpin), bundleEnv)
	veto := mk("veto RELEASE", "Veto a release: it can never move on, nor be rolled back to",
		"Veto marks a release bad everywhere. --env names the environment whose policy judges the veto (default: the last one).",
		"  cockpit veto tariff_analysis@2026.1122.24 --reason \"drops EU tariff lines\"",
		cobra.ExactArgs(1), release(model.ActionVeto), envFlag(""))
	retry := mk("retry REQUEST_ID", "Retry a failed deployment request: a new attempt with its own idempotency token, gates re-evaluated",
		"Retry a failed (or partly failed) promotion or rollback: a new request of the same change,\nits gates evaluated again.", "  cockpit retry 01935c2e-7d1a-7c3e-9f00-3b1d2a4c5e6f",
		cobra.ExactArgs(1), func(f *actionFlags, args []string) (source.ActionRequest, error) {
			return source.ActionRequest{RetryOf: args[0], Reason: f.reason, Ticket: f.ticket, BreakGlass: f.breakGlass}, nil
		}, nil)
	return []*cobra.Command{promote, rollback, approve, pin, unpin, veto, retry}
}

func (f *actionFlags) request(a model.Action, bundle, version, env string) source.ActionRequest {
	return source.ActionRequest{Action: a, Bundle: bundle, Version: version, Environment: env, Reason: f.reason, Ticket: f.ticket, BreakGlass: f.breakGlass}
}

// actionJSON is what -o json prints.
type actionJSON struct {
	Plan    planJSON        `json:"plan"`
	Outcome *source.Outcome `json:"outcome,omitempty"`
	Error   string          `json:"error,omitempty"`
}

type planJSON struct {
	Action      model.Action            `json:"action"`
	Bundle      string                  `json:"bundle"`
	Environment string                  `json:"environment"`
	From        string                  `json:"from_version"`
	To          string                  `json:"to_version"`
	Actor       string                  `json:"actor"`
	Permission  string                  `json:"permission"`
	OK          bool                    `json:"ok"`
	Gates       []model.Gate            `json:"gates"`
	BreakGlass  bool                    `json:"break_glass_used,omitempty"`
	RequestID   string                  `json:"request_id,omitempty"`
	Call        string                  `json:"call,omitempty"`
	Resources   []model.ReleaseResource `json:"resources,omitempty"`
	Writes      []string                `json:"writes"`
}

func toPlanJSON(p source.Plan) planJSON {
	return planJSON{Action: p.Request.Action, Bundle: p.Request.Bundle, Environment: p.Request.Environment, From: p.From.Release.Version,
		To: p.To.Version, Actor: p.Actor, Permission: p.Permission.String(), OK: p.OK(), Gates: p.Report.Gates,
		BreakGlass: p.Report.BreakGlassUsed, RequestID: p.RequestID, Call: p.Call, Resources: p.Resources, Writes: p.Writes}
}

// refused is an action a gate blocked, or a deployment that failed: exit code 1.
type refused struct{ msg string }

func (r *refused) Error() string { return r.msg }

func runAction(ctx context.Context, g *globals, f *actionFlags, req source.ActionRequest) error {
	if f.output != "text" && f.output != "json" {
		return usage("-o %q: use text or json", f.output)
	}
	src, acts, err := g.openActions(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	text := f.output == "text"
	reconcileInFlight(ctx, g, acts)
	p, err := acts.Plan(ctx, req)
	if err != nil {
		return err
	}
	if text {
		printPlan(g.stdout, p)
	}
	result := actionJSON{Plan: toPlanJSON(p)}
	finish := func(out *source.Outcome, err error) error {
		if err != nil {
			result.Error = oneLine(err)
		}
		result.Outcome = out
		if !text {
			if e := writeAny(g.stdout, result); e != nil {
				return e
			}
		}
		switch {
		case err == nil:
			return nil
		case errors.Is(err, source.ErrRefused) || errors.Is(err, source.ErrFailed) || errors.Is(err, source.ErrChanged):
			return &refused{oneLine(err)}
		}
		return err
	}
	if !p.OK() && !p.AwaitsApproval {
		return finish(nil, fmt.Errorf("%w: %s", source.ErrRefused, strings.Join(p.Report.Reasons(), "; ")))
	}
	if !f.yes {
		if err := confirm(g, p); err != nil {
			return err
		}
	}
	o := source.ExecOptions{NoWait: f.noWait}
	if text {
		o.Progress = progressPrinter(g.stdout)
	}
	out, err := acts.Execute(ctx, p, o)
	if text {
		printOutcome(g.stdout, out)
	}
	return finish(&out, err)
}

// openActions opens the source and its actions under the release policy.
func (g *globals) openActions(ctx context.Context) (*source.Source, *source.Actions, error) {
	src, err := g.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	pol, err := src.Policy()
	if err != nil {
		src.Close()
		return nil, nil, asUsage(err)
	}
	return src, src.Actions(pol), nil
}

// reconcileInFlight shows and settles the requests a cockpit left in flight (on stderr).
func reconcileInFlight(ctx context.Context, g *globals, acts *source.Actions) {
	reqs, err := acts.InFlight(ctx)
	if err != nil {
		fprintf(g.stderr, "cockpit: could not list the requests in flight: %s\n", ui.Clean(oneLine(err)))
		return
	}
	for _, r := range reqs {
		out, err := acts.Reconcile(ctx, r)
		msg := out.State
		if out.Message != "" {
			msg += ": " + out.Message
		}
		if err != nil {
			msg = "not reconciled: " + oneLine(err)
		}
		fprintf(g.stderr, "in flight: %s %s into %s by %s (request %s): %s\n", r.Action, r.Release.ID(), r.Environment, r.Requester, r.ID, ui.Clean(msg))
	}
}

// confirm asks on the terminal; without one it refuses (the caller passes --yes instead).
// In prod the person types prod/<bundle>; elsewhere y.
func confirm(g *globals, p source.Plan) error {
	if !term.IsTerminal(os.Stdin.Fd()) {
		return usage("no terminal to confirm on: pass --yes to %s (it never skips a gate)", p.Request.Action)
	}
	in := bufio.NewReader(os.Stdin)
	if p.Request.Environment == "prod" {
		want := "prod/" + p.Request.Bundle
		fprintf(g.stdout, "Type %s to %s: ", want, p.Request.Action)
		line, _ := in.ReadString('\n')
		if strings.TrimSpace(line) != want {
			return &refused{"not confirmed: nothing was done"}
		}
		return nil
	}
	fprintf(g.stdout, "%s? [y/N] ", strings.ToUpper(string(p.Request.Action[:1]))+string(p.Request.Action[1:]))
	line, _ := in.ReadString('\n')
	if strings.TrimSpace(strings.ToLower(line)) != "y" {
		return &refused{"not confirmed: nothing was done"}
	}
	return nil
}

func printPlan(w io.Writer, p source.Plan) {
	req := p.Request
	switch {
	case p.RunsDeployer():
		fprintf(w, "%s %s in %s: %s → %s\n", req.Action, req.Bundle, req.Environment, orNone(p.From.Release.Version), ui.Clean(p.To.Version))
	case req.Action == model.ActionPin || req.Action == model.ActionUnpin:
		fprintf(w, "%s %s in %s (current %s)\n", req.Action, req.Bundle, req.Environment, orNone(p.From.Release.Version))
	default:
		fprintf(w, "%s %s in %s\n", req.Action, ui.Clean(model.ReleaseID(req.Bundle, req.Version)), req.Environment)
	}
	fprintf(w, "as %s (%s on the deployer job)\n", ui.Clean(p.Actor), p.Permission)
	if len(p.Resources) > 0 {
		names := make([]string, 0, len(p.Resources))
		for _, r := range p.Resources {
			names = append(names, r.ResourceType+" "+ui.Clean(r.ResourceKey))
		}
		fprintf(w, "touches %d resource(s): %s\n", len(names), strings.Join(names, ", "))
	}
	fprintf(w, "gates:\n")
	for _, g := range p.Report.Gates {
		mark := "ok     "
		switch {
		case g.Overridden:
			mark = "BROKEN "
		case !g.OK:
			mark = "BLOCKS "
		}
		fprintf(w, "  %s %-17s %s\n", mark, g.Name, ui.Clean(g.Reason))
	}
	if p.Call != "" {
		fprintf(w, "call: %s\n", ui.Clean(p.Call))
	}
	if p.OK() || p.AwaitsApproval {
		fprintf(w, "will: %s\n", strings.Join(p.Writes, "; "))
	}
}

// progressPrinter prints a line whenever the run's state or task changes.
func progressPrinter(w io.Writer) func(source.Progress) {
	last := ""
	return func(pr source.Progress) {
		now := pr.State + "/" + pr.Task
		if now == last {
			return
		}
		if last == "" {
			fprintf(w, "run %d: %s\n", pr.RunID, ui.Clean(pr.RunURL))
		}
		last = now
		task := ""
		if pr.Task != "" {
			task = " (" + pr.Task + ")"
		}
		fprintf(w, "  %6s  %s%s\n", pr.Elapsed.Round(100*time.Millisecond), pr.State, task)
	}
}

func printOutcome(w io.Writer, out source.Outcome) {
	switch out.State {
	case "":
		return
	case "running":
		fprintf(w, "request %s: run %d started, not followed (--no-wait): %s\n", out.RequestID, out.RunID, ui.Clean(out.RunURL))
	case "done":
		fprintf(w, "done: recorded %s\n", strings.Join(out.Events, ", "))
	default:
		fprintf(w, "request %s: %s", out.RequestID, strings.ReplaceAll(out.State, "_", " "))
		if out.RunID != 0 {
			fprintf(w, " (run %d)", out.RunID)
		}
		fprintf(w, "\n")
	}
}

func writeAny(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
