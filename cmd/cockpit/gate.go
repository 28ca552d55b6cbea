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
	src, acts, err := g.openActions(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	env := f.env
	if env == "" {
		if env, err = runTarget(ctx, src, id); err != nil {
			return err
		}
	}
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
