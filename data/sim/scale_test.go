package sim

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestAScaledEstateHasFourTimesTheJobsInTheSameReleases: Options.Scale 4 gives every
// environment 700 jobs and 300 pipelines, in the same bundles deployed by the same releases
// (the ledger is the estate's own, row for row), with run ids that stay unique; and a
// scaled estate's file is refused at another scale.
func TestAScaledEstateHasFourTimesTheJobsInTheSameReleases(t *testing.T) {
	clock := func() time.Time { return testNow }
	start := time.Now()
	path := filepath.Join(t.TempDir(), "scaled.duckdb")
	big, err := Open(context.Background(), Options{Path: path, Seed: 7, Clock: clock, Days: 1, Scale: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a one-day estate at scale 4 generated in %s", time.Since(start).Round(time.Millisecond))
	small := openTest(t, 1)
	for _, env := range Environments {
		ws := WorkspaceID(env)
		before := testNow.Add(-2 * 24 * time.Hour) // the shape: created before the history
		jobs := count(t, big, `SELECT count(DISTINCT job_id) FROM sim.lakeflow.jobs WHERE workspace_id = ? AND tags['environment'] = ? AND tags['bundle'] <> 'release_cockpit' AND create_time < ?`, ws, env, before)
		pipes := count(t, big, `SELECT count(DISTINCT pipeline_id) FROM sim.lakeflow.pipelines WHERE workspace_id = ? AND tags['environment'] = ? AND create_time < ?`, ws, env, before)
		if jobs != 700 || pipes != 300 {
			t.Errorf("%s: %d jobs and %d pipelines at scale 4, want 700 and 300", env, jobs, pipes)
		}
	}
	if n := count(t, big, `SELECT count(*) FROM (SELECT run_id FROM sim.lakeflow.job_run_timeline GROUP BY run_id HAVING count(DISTINCT job_id) > 1)`); n != 0 {
		t.Errorf("%d run ids belong to more than one job", n)
	}
	runs := func(s *Sim) int64 {
		return count(t, s, `SELECT count(DISTINCT run_id) FROM sim.lakeflow.job_run_timeline`)
	}
	if a, b := runs(small), runs(big); b < 3*a {
		t.Errorf("%d job runs at scale 4, %d at scale 1: want about four times as many", b, a)
	}
	// The deployments are the estate's own (the checks after them observe more runs).
	deploys := "(SELECT * FROM sim.release_cockpit.release_events WHERE kind LIKE 'deploy_%')"
	if fa, fb := fingerprint(t, small, deploys), fingerprint(t, big, deploys); fa != fb {
		t.Errorf("the deployments differ at scale 4 (%s, %s): they must be the estate's own", fb, fa)
	}
	if err := big.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Options{Path: path, Seed: 7, Clock: clock, Days: 1}); !errors.Is(err, ErrScale) {
		t.Fatalf("opening a scale 4 estate at scale 1: %v, want ErrScale", err)
	}
}
