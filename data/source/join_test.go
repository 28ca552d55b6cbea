package source

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// A second demo on an estate another serves joins it through the SDK and databricks-sql-go:
// it lists what the first lists, a pin it records shows on the first's next list, a run it
// starts is a run the first can read, and the endpoint file is the owner's alone and goes
// when the first closes.
func TestASecondDemoJoinsTheFirst(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.duckdb")
	open := func(as string) *Source {
		s, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: path, Seed: 3, Now: testNow, Days: 2, As: as})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := open("")
	defer first.Close()
	second := open("release-manager")
	defer second.Close()
	if !strings.Contains(second.Label(), "served by cockpit pid") {
		t.Fatalf("the second demo did not join the first: %s", second.Label())
	}
	if st, err := os.Stat(endpointPath(path)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("endpoint file: %v, %v; want mode 0600", st, err)
	}
	if !second.Now().Equal(testNow) {
		t.Errorf("the joined demo's clock says %v, the estate's %v", second.Now(), testNow)
	}

	list := func(s *Source) []Deployment {
		t.Helper()
		ds, err := s.List(ctx, "prod", Query{Since: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	a, b := list(first), list(second)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("the first lists %d prod deployments, the second %d", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Verdict != b[i].Verdict || !slices.Equal(a[i].Tags, b[i].Tags) {
			t.Errorf("row %d: first %s %s %v, second %s %s %v", i, a[i].ID, a[i].Verdict, a[i].Tags, b[i].ID, b[i].Verdict, b[i].Tags)
		}
	}

	var target *Deployment
	for i := range a {
		if a[i].Current && !slices.Contains(a[i].Tags, model.TagPinned) {
			target = &a[i]
			break
		}
	}
	if target == nil {
		t.Fatal("no unpinned current prod deployment to pin")
	}
	pin := model.LedgerEvent{EventID: "join-test-pin", ReleaseID: target.Release.ID(), Bundle: target.Release.Bundle,
		Version: target.Release.Version, GitSHA: target.Release.GitSHA, Environment: "prod", Kind: model.EventPinned,
		Actor: second.User(), At: testNow.Add(-time.Minute), Ticket: "CHG-42", Reason: "held from the other pane"}
	if err := second.Ledger().AppendEvents(ctx, pin); err != nil {
		t.Fatal(err)
	}
	var pinned bool
	for _, d := range list(first) {
		if d.ID == target.ID {
			pinned = slices.Contains(d.Tags, model.TagPinned)
		}
	}
	if !pinned {
		t.Errorf("a pin recorded by the second demo does not show on the first's list")
	}
	evs, err := first.Events(ctx, "prod", target.Deployment)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(evs, func(e model.LedgerEvent) bool { return e.EventID == pin.EventID }); i < 0 || evs[i].Actor != second.User() || evs[i].Reason != pin.Reason {
		t.Errorf("the first's Audit tab lacks the second's pin as written: %+v", evs)
	}

	env, _ := second.Environment("prod")
	runID, err := env.Workspace.RunNow(ctx, sim.DeployerJobID("prod"), map[string]string{"bundle": target.Release.Bundle}, "join-test-run")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Run(ctx, "prod", runID); err != nil {
		t.Errorf("the first cannot read run %d the second started: %v", runID, err)
	}

	second.Close()
	first.Close()
	if _, err := os.Stat(endpointPath(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the endpoint file outlives the demo that served it: %v", err)
	}
}

// An endpoint file left by a cockpit that is gone is not joined: the next demo opens the
// estate itself.
func TestAStaleEndpointIsNotJoined(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.duckdb")
	stale := demoEndpoint{PID: 1 << 30, Format: sim.FormatVersion, Workspaces: []endpointWorkspace{{ID: "1", URL: "http://127.0.0.1:1", SQLPath: sim.WarehousePath}}}
	if err := writeEndpoint(path, stale); err != nil {
		t.Fatal(err)
	}
	s, err := OpenDemo(context.Background(), config.Default(), DemoOptions{Path: path, Seed: 3, Now: testNow, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if strings.Contains(s.Label(), "served by") {
		t.Errorf("joined a dead cockpit: %s", s.Label())
	}
	ep, err := readEndpoint(path)
	if err != nil || ep.PID != os.Getpid() {
		t.Errorf("the endpoint file is not this demo's: %+v, %v", ep, err)
	}
}
