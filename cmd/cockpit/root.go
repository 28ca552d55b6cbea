package main

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/spf13/cobra"
)

// globals are the flags every verb shares.
type globals struct {
	demo       bool
	demoDB     string
	demoSeed   int64
	demoNow    string
	demoDays   int
	demoReset  bool
	demoLag    time.Duration
	demoLagSet bool
	hostile    bool
	demoLedger string
	wide       bool
	as         string
	profile    string
	warehouse  string
	configPath string
	debug      string
	timeout    time.Duration

	tui tuiFlags

	stdout, stderr io.Writer
	// debugLog receives the libraries' own logs: the --debug file, or nothing.
	debugLog io.Writer
	// demoLatency answers every statement of the simulation this much late (benchmarks).
	demoLatency time.Duration
	// demoFailDeploy are --demo-fail-deploy BUNDLE[:RESOURCE,...]: deploys to fail partly.
	demoFailDeploy []string
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "cockpit",
		Short: "Release Cockpit: releases, their health and their blast radius on Databricks",
		Long: `Release Cockpit lists the releases of your Databricks Asset Bundles per environment,
with the job runs, pipeline updates, expectation results and lineage of each deployment.

Run "cockpit demo" to try it on a simulated workspace.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHome(cmd.Context(), g)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.BoolVar(&g.demo, "demo", false, "use the simulated workspace instead of a real one")
	pf.StringVar(&g.demoDB, "demo-db", "", "DuckDB file of the simulated workspace (default: in the user cache directory)")
	pf.Int64Var(&g.demoSeed, "demo-seed", 1, "seed of the simulated estate")
	pf.StringVar(&g.demoNow, "demo-now", "", "freeze the simulation's clock at this RFC 3339 time")
	pf.IntVar(&g.demoDays, "demo-days", 90, "days of history in a new simulated estate")
	pf.BoolVar(&g.demoReset, "demo-reset", false, "start the simulated estate afresh, its stories around now (forgets demo actions)")
	pf.BoolVar(&g.hostile, "demo-hostile", false, "plant malformed ledger rows and escape sequences in the simulated estate (its own file)")
	pf.StringVar(&g.demoLedger, "demo-ledger", "ledger", "ledger of the simulated workspace: ledger; none for a workspace without one whose deployments are discovered; partial for a ledger CI never wrote for a few bundles, which are discovered (each its own file)")
	pf.StringArrayVar(&g.demoFailDeploy, "demo-fail-deploy", nil, "make the next deploy of BUNDLE[:RESOURCE,...] by the simulated deployer jobs fail on those resources (default: its first job), to try a retry (R, cockpit retry); repeatable")
	pf.MarkHidden("demo-days")
	pf.DurationVar(&g.demoLag, "demo-lag", 45*time.Minute, "how late the simulated system tables (runs, updates, lineage, expectations) arrive after what they describe ends")
	pf.DurationVar(&g.demoLatency, "demo-latency", 0, "answer every statement of the simulated warehouse this much late, as a remote SQL warehouse does (benchmarks)")
	pf.MarkHidden("demo-latency")
	pf.StringVar(&g.as, "as", "", "simulated user: oncall, release-manager, lead, ci or viewer")
	pf.StringVar(&g.profile, "profile", "", "Databricks CLI profile of ~/.databrickscfg (default: DATABRICKS_CONFIG_PROFILE or DEFAULT)")
	pf.StringVar(&g.warehouse, "warehouse-id", "", "SQL warehouse id (default: DATABRICKS_WAREHOUSE_ID or the profile's warehouse_id)")
	pf.StringVar(&g.configPath, "config", "", "configuration file (default: COCKPIT_CONFIG or "+config.DefaultPath()+")")
	pf.StringVar(&g.debug, "debug", "", "write a debug log to this file")
	pf.DurationVar(&g.timeout, "timeout", 0, "how long to wait for the workspace and the warehouse (default 30s)")
	root.Flags().StringVar(&g.tui.theme, "theme", "auto", "colour theme: auto, dark, light, high-contrast or mono")
	pf.BoolVar(&g.tui.noColor, "no-color", false, "no colour at all (also when NO_COLOR is set)")
	pf.BoolVar(&g.tui.ascii, "ascii", false, "ASCII instead of box-drawing and glyph characters, in every verb")
	root.Flags().DurationVar(&g.tui.refresh, "refresh", 0, "how often the live view refreshes (default 15s)")
	root.Flags().StringVar(&g.tui.env, "env", "", "environment to open (default: the one nearest prod with a failing deployment)")
	root.Flags().BoolVar(&g.tui.readOnly, "read-only", false, "no action keys: promote, roll back, approve, pin, veto and retry are removed (from help too)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		g.demoLagSet = cmd.Flags().Changed("demo-lag")
		return g.setup()
	}

	root.AddCommand(
		newDemoCommand(g, root),
		newReleasesCommand(g),
		newShowCommand(g),
		newLedgerCommand(g),
		newDoctorCommand(g),
		newGateCommand(g),
		newVersionCommand(g),
		withRecordVerbs(newRecordCommand(g), g),
	)
	root.AddCommand(newActionCommands(g)...)
	hideDemo(root)
	return root
}

// setup validates the global flags and starts the debug log.
func (g *globals) setup() error {
	if g.demoNow != "" {
		if _, err := time.Parse(time.RFC3339, g.demoNow); err != nil {
			return usage("--demo-now %q is not an RFC 3339 time: use e.g. 2026-11-23T12:00:00Z", g.demoNow)
		}
	}
	if (g.demoDB != "" || g.demoNow != "" || g.as != "" || g.demoReset || g.hostile || g.demoLagSet || g.demoLedger != "ledger" || len(g.demoFailDeploy) > 0) && !g.demo {
		return usage("--demo-db, --demo-now, --demo-reset, --demo-hostile, --demo-lag, --demo-ledger, --demo-fail-deploy and --as apply to the simulated workspace only: add --demo or run cockpit demo")
	}
	for _, f := range g.demoFailDeploy {
		if _, _, err := parseFailDeploy(f); err != nil {
			return err
		}
	}
	if g.demoLedger != "ledger" && g.demoLedger != "none" && g.demoLedger != "partial" {
		return usage("--demo-ledger %q: pass ledger (the default), none or partial", g.demoLedger)
	}
	if g.demoLedger != "ledger" && g.hostile {
		return usage("--demo-hostile plants malformed ledger rows: it needs --demo-ledger ledger")
	}
	if g.demoLag < 0 {
		return usage("--demo-lag %s is negative: pass a delay such as 45m, or 0 for none", g.demoLag)
	}
	if g.timeout < 0 {
		return usage("--timeout must be positive")
	}
	// The SDK logs through the standard logger: into the debug log, never onto the terminal.
	defer func() { log.SetOutput(g.debugLog) }()
	if g.debug != "" {
		f, err := os.OpenFile(g.debug, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return usage("cannot write the debug log %s: %v", g.debug, err)
		}
		g.debugLog = f
		slog.SetDefault(slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})))
	} else {
		g.debugLog = io.Discard
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	return nil
}

// loadConfig reads the configuration from --config, COCKPIT_CONFIG or the default path.
func (g *globals) loadConfig() (config.Config, error) {
	path, named := g.configPath, g.configPath != ""
	if path == "" {
		if env := os.Getenv("COCKPIT_CONFIG"); env != "" {
			path, named = env, true
		} else {
			path = config.DefaultPath()
		}
	}
	if path == "" {
		return config.Default(), nil
	}
	c, err := config.Load(path, named)
	if err != nil {
		return c, asUsage(err)
	}
	if g.timeout > 0 {
		c.Timeout = config.Duration(g.timeout)
	}
	return c, nil
}

func (g *globals) now() time.Time {
	if g.demoNow != "" {
		t, _ := time.Parse(time.RFC3339, g.demoNow)
		return t.UTC()
	}
	return time.Now().UTC()
}

func fprintf(w io.Writer, format string, a ...any) { fmt.Fprintf(w, format, a...) }
