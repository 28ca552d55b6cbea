package main

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
	"github.com/spf13/cobra"
)

type gateFlags struct {
	runID, env, output string
}

func newGateCommand(g *globals) *cobra.Command {
	f := &gateFlags{}
	cmd := &cobra.Command{
		Use:   "gate --run-id ID",
		Short: "Judge a deployer run: re-evaluate every gate for the person who started it (the deployer job's first task)",
		Long: `The first task of a deployer job runs "cockpit gate --run-id {{job.run_id}}". It reads that
run (creator_user_name: who asked; the job parameters bundle, version, git_sha, target,
request_id), finds the request in the ledger, and re-evaluates every gate from the ledger
and the policy for that person. Any gate that blocks fails the task, and so the run: a run
started through the API, bypassing the cockpit, is judged the same way.

Exit codes: 0 every gate passes, 1 a gate blocks (the reasons are printed), 2 usage error.`,
		Example: `  cockpit gate --run-id 123456789 --env prod`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runGate(cmd.Context(), g, f) },
	}
	cmd.Flags().StringVar(&f.runID, "run-id", "", "the deployer run to judge ({{job.run_id}})")
	cmd.Flags().StringVar(&f.env, "env", "", "environment of the deployer job (default: the run's target parameter)")
	cmd.Flags().StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func runGate(ctx context.Context, g *globals, f *gateFlags) error {
	if f.output != "text" && f.output != "json" {
		return usage("-o %q: use text or json", f.output)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(f.runID), 10, 64)
	if err != nil || id <= 0 {
		return usage("--run-id %q: pass the deployer run's id ({{job.run_id}})", f.runID)
	}
	src, acts, env, err := g.openForRun(ctx, f.env, id)
	if err != nil {
		return err
	}
	defer src.Close()
	rep, reasons, err := acts.GateRun(ctx, env, id)
	if err != nil {
		return err
	}
	if f.output == "json" {
		if err := writeAny(g.stdout, struct {
			RunID   int64            `json:"run_id"`
			OK      bool             `json:"ok"`
			Reasons []string         `json:"reasons"`
			Report  model.GateReport `json:"report"`
		}{id, len(reasons) == 0, reasons, rep}); err != nil {
			return err
		}
	} else {
		for _, gt := range rep.Gates {
			mark := "ok    "
			if !gt.Passes() {
				mark = "BLOCKS"
			}
			fprintf(g.stdout, "%s %-17s %s\n", mark, gt.Name, ui.Clean(gt.Reason))
		}
	}
	if len(reasons) > 0 {
		return &refused{"run " + f.runID + " refused: " + ui.Clean(strings.Join(reasons, "; "))}
	}
	fprintf(g.stderr, "run %d: every gate passes\n", id)
	return nil
}

// openForRun opens the actions for a deployer run, in env or else its target's environment.
func (g *globals) openForRun(ctx context.Context, env string, id int64) (*source.Source, *source.Actions, string, error) {
	src, acts, err := g.openActions(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	if env == "" {
		if env, err = runTarget(ctx, src, id); err != nil {
			src.Close()
			return nil, nil, "", err
		}
	}
	return src, acts, env, nil
}

// runTarget finds a run in the configured workspaces and returns its target parameter.
func runTarget(ctx context.Context, src *source.Source, id int64) (string, error) {
	for _, name := range src.Environments() {
		e, err := src.Environment(name)
		if err != nil {
			return "", err
		}
		r, err := e.Workspace.GetRun(ctx, id)
		if errors.Is(err, workspace.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if t := r.Parameters["target"]; t != "" {
			return t, nil
		}
		return name, nil
	}
	return "", usage("run %d is in none of the configured workspaces: pass --env", id)
}

type recordFlags struct {
	runID, env, result, failed, message string
}

func newRecordCommand(g *globals) *cobra.Command {
	f := &recordFlags{}
	cmd := &cobra.Command{
		Use:   "record --run-id ID --result succeeded|failed",
		Short: "Record the result of a deployer run's deployment in the ledger (the deployer job's last step)",
		Long: `The deployer job's deploy task ends with "cockpit record --run-id {{job.run_id}} --result
succeeded" (or failed, with --failed-resources and --message). It writes the one result
event of the run's request (deploy_succeeded or deploy_failed, with the resources that
failed), under the same event id the cockpit following the run would use, so the ledger
keeps exactly one. A successful rollback also pins the (bundle, environment).

Exit codes: 0 recorded, 1 it could not be written, 2 usage error.`,
		Example: `  cockpit record --run-id 123456789 --env prod --result failed --failed-resources orders_refresh_job --message "terraform apply failed"`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runRecord(cmd.Context(), g, f) },
	}
	cmd.Flags().StringVar(&f.runID, "run-id", "", "the deployer run ({{job.run_id}})")
	cmd.Flags().StringVar(&f.env, "env", "", "environment of the deployer job (default: the run's target parameter)")
	cmd.Flags().StringVar(&f.result, "result", "", "succeeded or failed")
	cmd.Flags().StringVar(&f.failed, "failed-resources", "", "comma-separated resource keys that failed to deploy")
	cmd.Flags().StringVar(&f.message, "message", "", "what went wrong")
	return cmd
}

func runRecord(ctx context.Context, g *globals, f *recordFlags) error {
	id, err := strconv.ParseInt(strings.TrimSpace(f.runID), 10, 64)
	if err != nil || id <= 0 {
		return usage("--run-id %q: pass the deployer run's id ({{job.run_id}})", f.runID)
	}
	if f.result != "succeeded" && f.result != "failed" {
		return usage("--result %q: use succeeded or failed", f.result)
	}
	var failed []string
	for _, r := range strings.Split(f.failed, ",") {
		if r = strings.TrimSpace(r); r != "" {
			failed = append(failed, r)
		}
	}
	src, acts, env, err := g.openForRun(ctx, f.env, id)
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := acts.RecordResult(ctx, env, id, f.result == "succeeded", failed, f.message)
	if err != nil {
		return err
	}
	fprintf(g.stdout, "recorded %s of request %s: %s\n", f.result, out.RequestID, strings.Join(out.Events, ", "))
	return nil
}
