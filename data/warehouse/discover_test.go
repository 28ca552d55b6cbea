package warehouse

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// discoveryEnvs are the simulation's environments, each the target of its name.
var discoveryEnvs = []Env{
	{Name: "dev", WorkspaceID: sim.WorkspaceID("dev")},
	{Name: "staging", WorkspaceID: sim.WorkspaceID("staging")},
	{Name: "prod", WorkspaceID: sim.WorkspaceID("prod")},
}

func discovering(t testing.TB, s *Store) *Store {
	t.Helper()
	d, err := s.Discovering(Discovery{Envs: func() []Env { return discoveryEnvs }, Since: func() time.Time { return now.Add(-10 * 24 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func listAll(t *testing.T, s *Store, env Env) []model.Deployment {
	t.Helper()
	p, err := s.ListDeployments(context.Background(), env, DeploymentQuery{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if p.Next != nil {
		t.Fatal("more than one page")
	}
	return p.Deployments
}

// Without the ledger, the audit log and the jobs' and pipelines' bundle metadata paths give
// back the deployments the ledger records: the same bundle, version and release, within 2
// minutes, and the same health over the same window.
func TestDiscoveryFindsTheLedgersDeployments(t *testing.T) {
	ledger := testStore(t)
	disc := discovering(t, ledger)
	for _, env := range []Env{prod, staging} {
		want, got := listAll(t, ledger, env), listAll(t, disc, env)
		if len(want) < 20 {
			t.Fatalf("%s: only %d ledger deployments", env.Name, len(want))
		}
		byRelease := map[string][]model.Deployment{}
		for _, d := range got {
			if !strings.HasPrefix(d.ID, DiscoveredPrefix) {
				t.Fatalf("%s: discovered deployment %s lacks the prefix", env.Name, d.ID)
			}
			byRelease[d.Release.ID()] = append(byRelease[d.Release.ID()], d)
		}
		found, sameHealth := 0, 0
		for _, w := range want {
			for _, d := range byRelease[w.Release.ID()] {
				if dt := d.DeployedAt.Sub(w.DeployedAt); dt < -2*time.Minute || dt > 2*time.Minute {
					continue
				}
				found++
				if d.Release.Bundle != w.Release.Bundle || d.Release.Version != w.Release.Version || d.DeployedBy != w.DeployedBy || d.Current != w.Current {
					t.Errorf("%s: %s discovered as %+v", env.Name, w.Release.ID(), d)
				}
				if d.Health.RunsSucceeded == w.Health.RunsSucceeded && d.Health.RunsFailed == w.Health.RunsFailed &&
					d.Health.UpdatesOK == w.Health.UpdatesOK && d.Health.RecordsFailed == w.Health.RecordsFailed {
					sameHealth++
				}
				break
			}
		}
		if found != len(want) || len(got) != len(want) {
			t.Errorf("%s: discovered %d deployments, %d of the ledger's %d", env.Name, len(got), found, len(want))
		}
		if sameHealth < found*95/100 {
			t.Errorf("%s: only %d of %d discovered deployments have the ledger's health", env.Name, sameHealth, found)
		}
	}
}

// The scripted incident is failing on discovered deployments too: its window holds the
// expectation failures.
func TestDiscoveredIncidentHasItsHealth(t *testing.T) {
	ledger := testStore(t)
	disc := discovering(t, ledger)
	ctx := context.Background()
	q := DeploymentQuery{Bundle: sim.IncidentBundle, Limit: 1}
	wp, err := ledger.ListDeployments(ctx, prod, q)
	if err != nil || len(wp.Deployments) == 0 {
		t.Fatal(wp, err)
	}
	w := wp.Deployments[0]
	d, err := disc.GetDeployment(ctx, prod, w.Release.ID())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.ID, DiscoveredPrefix) || d.DeployedAt.Sub(w.DeployedAt).Abs() > 2*time.Minute {
		t.Errorf("incident %s at %s discovered as %s at %s", w.Release.ID(), w.DeployedAt, d.ID, d.DeployedAt)
	}
	if d.Health.RecordsFailed == 0 || d.Health.RecordsFailed != w.Health.RecordsFailed || d.Health.Baseline.Expectation.Ratio < 0.1 {
		t.Errorf("incident discovered with health %+v, ledger %+v", d.Health, w.Health)
	}
	runs, _, err := disc.DeploymentRuns(ctx, prod, d)
	if err != nil || len(runs) == 0 {
		t.Errorf("incident's runs: %d, %v", len(runs), err)
	}
	evs, err := disc.DeploymentEvents(ctx, prod, d)
	if err != nil || len(evs) != 1 || evs[0].Kind != "deploy_succeeded" {
		t.Errorf("incident's events: %+v, %v", evs, err)
	}
}

// Through databricks-sql-go (the Databricks dialect, translated by the simulated warehouse)
// discovery reads what it reads on DuckDB.
func TestTheDriverDiscoversWhatDuckDBDiscovers(t *testing.T) {
	// The simulated warehouse keeps the expectation results where the ledger would: name
	// them, as the demo does, in place of the pipeline event log it does not serve.
	tables := driverStore(t).Tables()
	tables.ExpectationResults = tables.Ledger + ".expectation_results"
	st, err := NewStore(driver.db, tables, Databricks)
	if err != nil {
		t.Fatal(err)
	}
	duck, drv := discovering(t, testStore(t)), discovering(t, st)
	ctx := context.Background()
	q := DeploymentQuery{Since: now.Add(-24 * time.Hour), Limit: 30}
	a, errA := duck.ListDeployments(ctx, prod, q)
	b, errB := drv.ListDeployments(ctx, prod, q)
	if errA != nil || errB != nil {
		t.Fatalf("DuckDB %v, driver %v", errA, errB)
	}
	if len(a.Deployments) == 0 {
		t.Fatal("nothing discovered to compare")
	}
	same(t, "discovered prod deployments", a, b)
}

func TestHasLedger(t *testing.T) {
	s := testStore(t)
	ok, err := s.HasLedger(context.Background())
	if err != nil || !ok {
		t.Errorf("the ledger estate: %v, %v", ok, err)
	}
	tables := s.Tables()
	tables.Ledger = "sim.no_such_schema"
	none, err := NewStore(s.db, tables, DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := none.HasLedger(context.Background()); err != nil || ok {
		t.Errorf("a missing ledger: %v, %v", ok, err)
	}
}

// The discovery statement is kept, as sent in front of the page statement, in a golden
// file per dialect; both dialects differ only in quoting.
func TestDiscoveryMatchesItsGoldenFiles(t *testing.T) {
	var texts []string
	for _, tg := range targets(t) {
		s, err := NewStore(nil, tg.tables, tg.dialect)
		if err != nil {
			t.Fatal(err)
		}
		text := discovering(t, s).DiscoveredSQL(deploymentsPageSQL)
		if tg.dialect == Databricks {
			health := discovering(t, s).DiscoveredSQL(deploymentsHealthSQL)
			if !strings.Contains(health, "FROM `system`.`lakeflow_pipeline_events_preview`.`pipeline_events` AS p") || strings.Contains(health, "expectation_results") {
				t.Errorf("without a ledger on Databricks the health does not read the pipeline event log:\n%s", health)
			}
		}
		if strings.Contains(text, "{{") || strings.Contains(text, "release_cockpit") || strings.Contains(text, "main.") {
			t.Errorf("%s: placeholder or ledger left in\n%s", tg.suffix, text)
		}
		golden(t, "discovered_page."+tg.suffix+".sql", text)
		texts = append(texts, text)
	}
	tables := simTables(t)
	b, _ := NewStore(nil, tables, Databricks)
	d, _ := NewStore(nil, tables, DuckDB)
	bricks, duck := discovering(t, b).DiscoveredSQL(deploymentsPageSQL), discovering(t, d).DiscoveredSQL(deploymentsPageSQL)
	if strings.ReplaceAll(bricks, "`", `"`) != duck {
		t.Error("the discovery's Databricks and DuckDB texts differ beyond quoting")
	}
}

func TestBundleMetadataPathsNameEachBundlesMetadataJSON(t *testing.T) {
	paths, err := testStore(t).BundleMetadataPaths(context.Background(), prod)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 40 {
		t.Errorf("%d bundles in prod, want 40", len(paths))
	}
	if p := paths[sim.IncidentBundle]; !strings.HasSuffix(p, "/.bundle/"+sim.IncidentBundle+"/prod/state/metadata.json") {
		t.Errorf("%s: %q", sim.IncidentBundle, p)
	}
}

// A store that discovers once its ledger is found missing reads the ledger where there is
// one without asking whether there is (no round trip more), and where there is none, finds
// out at its first read and reads what discovery finds: the same as a discovering store.
func TestAStoreDiscoversOnceItFindsTheLedgerMissing(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	d := Discovery{Envs: func() []Env { return discoveryEnvs }, Since: func() time.Time { return now.Add(-10 * 24 * time.Hour) }}
	q := DeploymentQuery{Since: now.Add(-24 * time.Hour), OneRound: true}

	var sent atomic.Int64 // the statements are sent side by side
	count := func(context.Context) { sent.Add(1) }
	plain, err := s.Observed(count).ListDeployments(ctx, prod, q)
	if err != nil {
		t.Fatal(err)
	}
	plainSent := sent.Swap(0)
	lazy, err := s.Observed(count).DiscoveringIfMissing(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lazy.ListDeployments(ctx, prod, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, plain) || sent.Load() != plainSent || lazy.Discovers() {
		t.Fatalf("with a ledger: %d statements (want %d), discovers %v, same page %v", sent.Load(), plainSent, lazy.Discovers(), reflect.DeepEqual(got, plain))
	}

	// The simulation keeps its expectation results in the ledger's schema: read them there.
	tables := s.Tables()
	tables.Ledger, tables.ExpectationResults = "sim.no_such_schema", "sim.release_cockpit.expectation_results"
	none, err := NewStore(s.db, tables, DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	want, err := discovering(t, none).ListDeployments(ctx, prod, q)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err = none.DiscoveringIfMissing(d)
	if err != nil {
		t.Fatal(err)
	}
	if lazy.Discovers() {
		t.Fatal("a store that has read nothing says it discovers")
	}
	got, err = lazy.ListDeployments(ctx, prod, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Deployments) == 0 || !reflect.DeepEqual(got, want) || !lazy.Discovers() {
		t.Fatalf("without a ledger: %d deployments, discovers %v; a discovering store reads %d", len(got.Deployments), lazy.Discovers(), len(want.Deployments))
	}
	if _, err := s.DiscoveringIfMissing(Discovery{Envs: d.Envs, Unrecorded: true}); err == nil {
		t.Error("a store that discovers once the ledger is missing accepted to supplement one")
	}
}
