package sim

import (
	"context"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func openTest(t testing.TB, days int) *Sim {
	t.Helper()
	s, err := Open(context.Background(), Options{Seed: 7, Clock: func() time.Time { return testNow }, Days: days})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func count(t testing.TB, s *Sim, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestEstateShapeMatchesTheSeedRequirements(t *testing.T) {
	s := openTest(t, 2)
	for _, env := range Environments {
		ws := WorkspaceID(env)
		jobs := count(t, s, `SELECT count(*) FROM sim.lakeflow.jobs WHERE workspace_id = ? AND tags['environment'] = ? AND tags['bundle'] <> 'release_cockpit'`, ws, env)
		pipes := count(t, s, `SELECT count(*) FROM sim.lakeflow.pipelines WHERE workspace_id = ? AND tags['environment'] = ?`, ws, env)
		if jobs != 175 || pipes != 75 {
			t.Errorf("%s: %d jobs and %d pipelines, want 175 and 75", env, jobs, pipes)
		}
	}
	if n := count(t, s, `SELECT count(DISTINCT bundle) FROM sim.release_cockpit.release_events`); n < 38 {
		t.Errorf("%d bundles deployed in two days, want about 40", n)
	}
}
