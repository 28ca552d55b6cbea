package source

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func openDemo(t *testing.T) *Source {
	t.Helper()
	s, err := OpenDemo(context.Background(), config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: 3, Now: testNow, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// failingIncident is the scripted incident as prod lists it among its failing deployments
// of the last two hours.
func failingIncident(t *testing.T, s *Source) *Deployment {
	t.Helper()
	ds, err := s.List(context.Background(), "prod", Query{Since: 2 * time.Hour, Status: model.VerdictFailing})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ds {
		if ds[i].Release.Bundle == sim.IncidentBundle {
			return &ds[i]
		}
	}
	t.Fatalf("the failing incident is not listed: %d failing deployments", len(ds))
	return nil
}

func TestTheIncidentReadsThroughEveryView(t *testing.T) {
	s := openDemo(t)
	ctx := context.Background()
	inc := failingIncident(t, s)
	runs, _, err := s.Runs(ctx, "prod", inc.Deployment)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v, %d", err, len(runs))
	}
	exps, _, err := s.Expectations(ctx, "prod", inc.Deployment)
	if err != nil || len(exps) == 0 {
		t.Fatalf("expectations: %v", err)
	}
	lin, _, err := s.Lineage(ctx, "prod", inc.Deployment)
	if err != nil || !strings.Contains(fmtTables(lin), sim.IncidentGoldTable) {
		t.Fatalf("lineage %v lacks %s: %v", fmtTables(lin), sim.IncidentGoldTable, err)
	}
	if _, err := s.Events(ctx, "prod", inc.Deployment); err != nil {
		t.Fatal(err)
	}
	cost, err := s.Cost(ctx, "prod", inc.Deployment)
	if err != nil || len(cost.Items) == 0 {
		t.Fatalf("cost: %v, %d items", err, len(cost.Items))
	}
	for _, it := range cost.Items {
		if !strings.HasPrefix(it.ResourceName, "prod-") {
			t.Errorf("cost of %s %s names it %q, want its prod job or pipeline name", it.ResourceType, it.ResourceID, it.ResourceName)
		}
	}
	// What changed: the added backfill pipeline, and the git range with its compare link
	// from the bundle's metadata.json.
	ch, err := s.Changes(ctx, "prod", inc.Deployment)
	if err != nil || ch.Previous == "" || len(ch.Resources) == 0 || ch.Resources[0].Change != model.ChangeAdded ||
		!strings.Contains(ch.Resources[0].Name, "client-backfill") || ch.Git.To != inc.Release.GitSHA ||
		!strings.Contains(ch.Git.CompareURL, "/compare/"+ch.Git.From+"..."+inc.Release.GitSHA) {
		t.Fatalf("changes: %v %+v", err, ch)
	}
	id := runs[0].RunID
	var n int64
	for _, c := range id {
		n = n*10 + int64(c-'0')
	}
	run, err := s.Run(ctx, "prod", n)
	if err != nil || run.RunPageURL == "" {
		t.Fatalf("run %s from the workspace: %v", id, err)
	}
	e, _ := s.Environment("prod")
	meta, err := e.Workspace.BundleMetadata(ctx, "/Workspace/Users/7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13/.bundle/"+sim.IncidentBundle+"/prod/state/metadata.json")
	if err != nil || meta.Git.Commit != inc.Release.GitSHA {
		t.Errorf("metadata.json commit %q, want the current deployment's %q (%v)", meta.Git.Commit, inc.Release.GitSHA, err)
	}
}

func TestUnknownEnvironmentIsTheUsersToFix(t *testing.T) {
	s := openDemo(t)
	_, err := s.List(context.Background(), "qa", Query{})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "dev, staging, prod") {
		t.Fatalf("got %v", err)
	}
}

func fmtTables(ls []model.LineageTable) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Table + " ")
	}
	return b.String()
}
