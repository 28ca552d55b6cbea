package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newDemoCommand is "cockpit demo": the cockpit on the simulated workspace. Its help (cockpit
// demo --help) lists the flags that only the simulation reads, taken from the root's
// persistent flags so that they cannot drift apart, then the verbs it runs under.
func newDemoCommand(g *globals, root *cobra.Command) *cobra.Command {
	demo := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		if isDemoFlag(f.Name) && f.Name != "demo" && !f.Hidden {
			demo.AddFlag(f)
		}
	})
	return &cobra.Command{
		Use:   "demo [verb] [flags]",
		Short: "Run the cockpit on the simulated workspace (same as --demo)",
		Long: `Run the cockpit, or any verb, on a simulated Databricks workspace: three environments
(dev, staging, prod), 90 days of releases, job runs, pipeline updates, expectations, lineage
and billing, served through the same REST API and SQL the cockpit reads from a real one,
with stories near now (a failing prod release, one waiting for approval, a pinned bundle
and a vetoed release). "cockpit demo VERB" is "cockpit --demo VERB", and the TUI's flags
(--env, --theme, --refresh, --read-only: cockpit --help) work under it too.

Demo flags (only the simulated workspace reads them):
` + strings.TrimRight(demo.FlagUsages(), "\n"),
		Example: `  cockpit demo                                   # the TUI on the simulated workspace
  cockpit demo --as viewer                       # as a user who may not act
  cockpit demo --demo-now 2026-11-23T12:00:00Z   # a frozen clock: the same screens every time
  cockpit demo --demo-hostile                    # malformed ledger rows and escape sequences
  cockpit demo releases --env prod --since 2h    # any verb works under demo`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runHome(cmd.Context(), g) },
	}
}

// demoHelp reports whether the arguments ask for the demo's own help ("demo --help",
// "demo -h", "help demo"), which demoShortForm leaves to the demo command.
func demoHelp(args []string) bool {
	if len(args) == 2 && args[0] == "demo" && (args[1] == "--help" || args[1] == "-h") {
		return true
	}
	return len(args) == 2 && args[0] == "help" && args[1] == "demo"
}
