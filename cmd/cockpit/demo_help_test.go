package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// cockpit demo --help is the demo's own help: it lists every flag only the simulation
// reads (the hidden ones aside), not the root's help.
func TestDemoHelpListsTheDemosFlags(t *testing.T) {
	if !withSim {
		t.Skip("a build without the simulation offers no demo")
	}
	for _, args := range [][]string{{"demo", "--help"}, {"demo", "-h"}, {"help", "demo"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), args, &out, &errs); code != 0 {
			t.Fatalf("cockpit %v: exit %d: %s", args, code, errs.String())
		}
		help := out.String()
		demo := help[:max(strings.Index(help, "Global Flags:"), 0)]
		if !strings.Contains(demo, "Demo flags") || !strings.Contains(demo, "cockpit demo [verb] [flags]") {
			t.Fatalf("cockpit %v is not the demo's help:\n%s", args, help)
		}
		newRootCommand(&out, &errs).PersistentFlags().VisitAll(func(f *pflag.Flag) {
			if isDemoFlag(f.Name) && f.Name != "demo" && !f.Hidden && !strings.Contains(demo, "--"+f.Name+" ") {
				t.Errorf("cockpit %v does not list --%s among the demo's flags:\n%s", args, f.Name, demo)
			}
		})
	}
}
