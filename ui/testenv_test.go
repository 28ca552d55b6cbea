package ui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
)

// updating says whether to rewrite the golden files (go test ./ui -update). teatest's
// golden package defines the same flag; it is defined here only when nobody else did.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

// *source.Source is the Source the cockpit runs on.
var _ Source = (*source.Source)(nil)

// testNow is the frozen clock of every UI test: the incident is 35 minutes old.
var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var shared struct {
	once sync.Once
	src  *source.Source
	err  error
	dir  string
}

// testSource is one simulated workspace (seed 1, three days of history, clock frozen at
// testNow) shared by the package's tests: the real data/source over the real adapters.
func testSource(t testing.TB) *source.Source {
	t.Helper()
	needSim(t)
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "cockpit-ui-test")
		if shared.err != nil {
			return
		}
		shared.src, shared.err = source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{
			Path: filepath.Join(shared.dir, "estate.duckdb"), Seed: 1, Now: testNow, Days: 3,
		})
	})
	if shared.err != nil {
		t.Fatalf("opening the simulated workspace: %v", shared.err)
	}
	return shared.src
}

// withActions wires c's actions as the tui verb does: the source's executor under the
// simulation's policy (the estate's default user).
func withActions(t testing.TB, c *Common) *Common {
	t.Helper()
	src := c.Source.(*source.Source)
	pol, err := src.Policy()
	if err != nil {
		t.Fatal(err)
	}
	c.Actions = source.UIActions{A: src.Actions(pol)}
	return c
}

// needSim skips a test in a build without the simulation (nosim, CGO_ENABLED=0); call it
// before any sync.Once that loads from the simulation.
func needSim(t testing.TB) {
	t.Helper()
	if source.DemoFormat == "" {
		t.Skip("this build has no simulation (nosim): the fake-source tests cover the screens")
	}
}

// golden compares got with testdata/<name>.golden, rewriting it under -update.
func golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from %s (go test ./ui -update rewrites it):\n--- want\n%s\n--- got\n%s", name, path, want, got)
	}
}

// sizes are the terminal sizes every screen is drawn at in golden tests.
var sizes = []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}}

// hasColour reports whether s holds an SGR colour sequence (38/48 set a colour, 30-37 and
// 90-97 are the basic foregrounds).
func hasColour(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != 0x1b || s[i+1] != '[' {
			continue
		}
		j := i + 2
		for j < len(s) && (s[j] == ';' || (s[j] >= '0' && s[j] <= '9')) {
			j++
		}
		if j < len(s) && s[j] == 'm' {
			for _, p := range strings.Split(s[i+2:j], ";") {
				switch {
				case p == "38", p == "48", len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] >= '0' && p[1] <= '7':
					return true
				}
			}
		}
	}
	return false
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if shared.src != nil {
		shared.src.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}
