package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/data/warehouse"
	"github.com/spf13/cobra"
)

func newLedgerCommand(g *globals) *cobra.Command {
	ledger := &cobra.Command{Use: "ledger", Short: "Manage the release ledger (append-only tables of release events)"}
	var printOnly bool
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Create the ledger's schema, tables and expectation view (idempotent)",
		Long: `Create the release ledger: release_events and release_resources (append-only Delta
tables on Databricks) and the expectation_results view over the pipeline event log, in
the schema the configuration names (default main.release_cockpit). Running it again
changes nothing. --print shows the statements instead of running them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if printOnly && !g.demo {
				cfg, err := g.loadConfig()
				if err != nil {
					return err
				}
				tables, err := source.TablesOf(cfg)
				if err != nil {
					return err
				}
				stmts, err := warehouse.LedgerDDL(warehouse.Databricks, tables)
				if err != nil {
					return err
				}
				for _, s := range stmts {
					fmt.Fprintf(g.stdout, "%s;\n\n", strings.TrimSpace(s))
				}
				return nil
			}
			src, err := g.open(ctx)
			if err != nil {
				return err
			}
			defer src.Close()
			ledger := src.Ledger()
			if printOnly {
				stmts, err := warehouse.LedgerDDL(ledger.Dialect(), ledger.Tables())
				if err != nil {
					return err
				}
				for _, s := range stmts {
					fmt.Fprintf(g.stdout, "%s;\n\n", strings.TrimSpace(s))
				}
				return nil
			}
			ctx, cancel := context.WithTimeout(ctx, src.Timeout())
			defer cancel()
			if err := ledger.InitLedger(ctx); err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					return usage("the ledger's warehouse did not answer within %s: check that it is running, or raise --timeout", src.Timeout())
				}
				return fmt.Errorf("creating the ledger %s: %w", ledger.Tables().Ledger, err)
			}
			fmt.Fprintf(g.stdout, "ledger ready in %s (%s)\n", ledger.Tables().Ledger, src.Label())
			return nil
		},
	}
	initCmd.Flags().BoolVar(&printOnly, "print", false, "print the statements instead of running them")
	ledger.AddCommand(initCmd)
	return ledger
}
