package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// isDemoFlag: the global flags that only the simulated workspace reads are --demo, every
// --demo-* and --as.
func isDemoFlag(name string) bool { return name == "as" || strings.HasPrefix(name, "demo") }

// hideDemo keeps a build without the simulation from offering it: the demo verb and flags
// disappear from every help text (they still parse, so that "cockpit demo" says why it cannot
// run), and so do the help lines and examples that run "cockpit demo".
func hideDemo(root *cobra.Command) {
	if withSim {
		return
	}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		if isDemoFlag(f.Name) {
			f.Hidden = true
		}
	})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "demo" && c.Parent() == root {
			c.Hidden = true
		}
		c.Long, c.Example = withoutDemo(c.Long), withoutDemo(c.Example)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// withoutDemo drops the lines that mention the simulated workspace's verb or flags.
func withoutDemo(text string) string {
	if !strings.Contains(text, "demo") {
		return text
	}
	lines := strings.Split(text, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if strings.Contains(l, "cockpit demo") || strings.Contains(l, "--demo") {
			continue
		}
		kept = append(kept, l)
	}
	return strings.TrimRight(strings.Join(kept, "\n"), "\n")
}
