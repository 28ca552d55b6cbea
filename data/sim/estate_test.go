package sim

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func openAt(t testing.TB, path string, days int, clock func() time.Time) *Sim {
	t.Helper()
	s, err := Open(context.Background(), Options{Path: path, Seed: 7, Clock: clock, Days: days})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openTest(t testing.TB, days int) *Sim {
	return openAt(t, "", days, func() time.Time { return testNow })
}

func count(t testing.TB, s *Sim, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// fingerprint is a table's row count and an order-independent hash of its rows.
func fingerprint(t testing.TB, s *Sim, table string) string {
	t.Helper()
	var n int64
	var sum string
	q := "SELECT count(*), CAST(coalesce(sum(hash(CAST(x AS VARCHAR))), 0) AS VARCHAR) FROM " + table + " x"
	if err := s.DB().QueryRow(q).Scan(&n, &sum); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return sum + "/" + string(rune('0'+n%10))
}

var estateTables = []string{
	"sim.lakeflow.jobs", "sim.lakeflow.job_tasks", "sim.lakeflow.job_run_timeline", "sim.lakeflow.job_task_run_timeline",
	"sim.lakeflow.pipelines", "sim.lakeflow.pipeline_update_timeline", "sim.access.table_lineage", "sim.billing.usage",
	"sim.release_cockpit.release_events", "sim.release_cockpit.release_resources", "sim.release_cockpit.expectation_results",
	"sim.sim_internal.flows", "sim.sim_internal.in_flight",
}

var shared struct {
	once sync.Once
	s    *Sim
}

// sharedEstate is one two-day estate for the tests that only read.
func sharedEstate(t *testing.T) *Sim {
	shared.once.Do(func() {
		s, err := Open(context.Background(), Options{Seed: 7, Clock: func() time.Time { return testNow }, Days: 2})
		if err != nil {
			t.Fatal(err)
		}
		shared.s = s
	})
	if shared.s == nil {
		t.Fatal("the shared estate failed to open")
	}
	return shared.s
}

func TestEstateShapeMatchesTheSeedRequirements(t *testing.T) {
	s := sharedEstate(t)
	for _, env := range Environments {
		ws := WorkspaceID(env)
		jobs := count(t, s, `SELECT count(DISTINCT job_id) FROM sim.lakeflow.jobs WHERE workspace_id = ? AND tags['environment'] = ? AND tags['bundle'] <> 'release_cockpit' AND create_time < ?`, ws, env, testNow.Add(-3*24*time.Hour)) // the shape: created before the history
		pipes := count(t, s, `SELECT count(DISTINCT pipeline_id) FROM sim.lakeflow.pipelines WHERE workspace_id = ? AND tags['environment'] = ? AND create_time < ?`, ws, env, testNow.Add(-3*24*time.Hour))                              // the shape: created before the history
		if jobs != 175 || pipes != 75 {
			t.Errorf("%s: %d jobs and %d pipelines, want 175 and 75", env, jobs, pipes)
		}
	}
	if n := count(t, s, `SELECT count(DISTINCT bundle) FROM sim.release_cockpit.release_events`); n != 40 {
		t.Errorf("%d bundles deployed in two days, want 40", n)
	}
	perDay := count(t, s, `SELECT CAST(count(*) / 2 AS BIGINT) FROM sim.release_cockpit.release_events WHERE kind = 'deploy_succeeded' AND "at" > ?`, testNow.Add(-48*time.Hour))
	if perDay < 400 || perDay > 600 {
		t.Errorf("%d deployments a day, want 400-600", perDay)
	}
	// Long nightly runs appear as hourly slices with the result only on the last one.
	if n := count(t, s, `SELECT count(*) FROM (SELECT run_id FROM sim.lakeflow.job_run_timeline GROUP BY run_id HAVING count(*) > 1 AND count(result_state) = 1)`); n == 0 {
		t.Error("no run spans several hourly slices")
	}
	if n := count(t, s, `SELECT count(*) FROM sim.lakeflow.job_run_timeline WHERE result_state IS NOT NULL AND period_end_time > ?`, testNow); n != 0 {
		t.Errorf("%d runs end after now", n)
	}
	// Usage arrives 6 to 12 hours late.
	if n := count(t, s, `SELECT count(*) FROM sim.billing.usage WHERE usage_end_time > ?`, testNow.Add(-5*time.Hour)); n != 0 {
		t.Errorf("%d usage records for the last 5 hours: billing must be late", n)
	}
}

func TestStoriesArePresentNearNow(t *testing.T) {
	s := sharedEstate(t)
	inc := count(t, s, `SELECT count(*) FROM sim.release_cockpit.release_events WHERE bundle = ? AND environment = 'prod' AND kind = 'deploy_succeeded' AND "at" = ?`,
		IncidentBundle, testNow.Add(-incidentAge))
	if inc != 1 {
		t.Fatalf("the incident deployment 35 minutes ago is missing (%d)", inc)
	}
	var failed, passed int64
	if err := s.DB().QueryRow(`SELECT CAST(sum(failed_records) AS BIGINT), CAST(sum(passed_records) AS BIGINT) FROM sim.release_cockpit.expectation_results
		WHERE workspace_id = ? AND expectation = ? AND event_time > ? AND pipeline_id = ?`,
		WorkspaceID("prod"), IncidentExpectation, testNow.Add(-incidentAge), pipelineID("prod", IncidentBundle+"_dlt")).Scan(&failed, &passed); err != nil {
		t.Fatal(err)
	}
	if r := float64(failed) / float64(failed+passed); r < 0.15 || r > 0.22 {
		t.Errorf("incident %s failure ratio %.3f, want about 0.18", IncidentExpectation, r)
	}
	for _, c := range []struct{ name, q string }{
		{"approval request", `SELECT count(*) FROM sim.release_cockpit.release_events WHERE bundle = '` + AwaitingBundle + `' AND environment = 'prod' AND status = 'awaiting_approval'`},
		{"pin after rollback", `SELECT count(*) FROM sim.release_cockpit.release_events WHERE bundle = '` + PinnedBundle + `' AND environment = 'prod' AND kind = 'pinned'`},
		{"rollback", `SELECT count(*) FROM sim.release_cockpit.release_events WHERE bundle = '` + PinnedBundle + `' AND environment = 'prod' AND kind = 'deploy_requested' AND details LIKE '%rollback%'`},
		{"veto", `SELECT count(*) FROM sim.release_cockpit.release_events WHERE bundle = '` + VetoedBundle + `' AND kind = 'vetoed'`},
		{"incident gold table read downstream", `SELECT count(*) FROM sim.access.table_lineage WHERE source_table_full_name = '` + IncidentGoldTable + `'`},
	} {
		if n := count(t, s, c.q); n == 0 {
			t.Errorf("story %s is missing", c.name)
		}
	}
	if fw := s.FreezeWindows(); len(fw) != 1 || !fw[0].Start.After(testNow) {
		t.Errorf("an upcoming freeze window is expected, got %+v", fw)
	}
}

func TestErrorBudgetStoryJobIsNearlySpent(t *testing.T) {
	s := openTest(t, 28)
	b := newEstate().byName[BudgetBundle]
	id := jobID("prod", b.index, 0)
	var runs, failed int64
	if err := s.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE r <> 'SUCCEEDED') FROM (
		SELECT run_id, max_by(result_state, period_end_time) FILTER (WHERE result_state IS NOT NULL) AS r
		FROM sim.lakeflow.job_run_timeline WHERE job_id = ? GROUP BY run_id)`, fmtID(id)).Scan(&runs, &failed); err != nil {
		t.Fatal(err)
	}
	rate := float64(failed) / float64(runs)
	if runs < 600 || rate < 0.007 || rate >= 0.01 {
		t.Errorf("%s: %d of %d runs failed (%.2f%%), want just under the 1%% budget", BudgetBundle, failed, runs, 100*rate)
	}
}

func TestSameSeedAndClockGiveTheSameEstate(t *testing.T) {
	a, b := openTest(t, 2), openTest(t, 2)
	for _, table := range estateTables {
		if fa, fb := fingerprint(t, a, table), fingerprint(t, b, table); fa != fb {
			t.Errorf("%s differs between two generations: %s vs %s", table, fa, fb)
		}
	}
}

// Time flows: catching up in steps gives exactly what one step gives, so an estate left
// open (or reopened later) is the same as one generated later in one go. The small steps
// reuse the deployment timeline built ahead of the clock; the last one outruns it.
func TestCatchingUpInStepsEqualsCatchingUpAtOnce(t *testing.T) {
	dir := t.TempDir()
	var clockA, clockB time.Time
	clockA, clockB = testNow, testNow
	a := openAt(t, filepath.Join(dir, "a.duckdb"), 2, func() time.Time { return clockA })
	b := openAt(t, filepath.Join(dir, "b.duckdb"), 2, func() time.Time { return clockB })
	for _, step := range []time.Duration{10 * time.Second, 7 * time.Minute, 25 * time.Minute, 50 * time.Minute} {
		clockA = testNow.Add(step)
		if err := a.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	clockA, clockB = testNow.Add(3*time.Hour), testNow.Add(3*time.Hour)
	for _, s := range []*Sim{a, b} {
		if err := s.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range estateTables {
		if fa, fb := fingerprint(t, a, table), fingerprint(t, b, table); fa != fb {
			t.Errorf("%s: two steps give %s, one step %s", table, fa, fb)
		}
	}
	if n := count(t, a, `SELECT count(*) FROM sim.lakeflow.job_run_timeline WHERE period_end_time > ?`, testNow); n == 0 {
		t.Error("no runs ended after the first clock: time did not flow")
	}
}

// An open demo catches up every few seconds, and in most seconds nothing happens: a
// catch-up with nothing due writes nothing (no transaction, no new generation of the REST
// server's kept reads), and the estate is the same as one caught up at once, also once
// reopened (its watermark left at the last catch-up that wrote).
func TestACatchUpWithNothingDueWritesNothing(t *testing.T) {
	dir := t.TempDir()
	pathA := filepath.Join(dir, "a.duckdb")
	var clockA, clockB time.Time
	clockA, clockB = testNow, testNow
	a := openAt(t, pathA, 2, func() time.Time { return clockA })
	b := openAt(t, filepath.Join(dir, "b.duckdb"), 2, func() time.Time { return clockB })
	ctx := context.Background()
	const steps = 90
	wrote := 0
	for i := 1; i <= steps; i++ {
		clockA = testNow.Add(time.Duration(i) * time.Second)
		before := a.memo.writes.Load()
		if err := a.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if a.memo.writes.Load() != before {
			wrote++
		}
	}
	t.Logf("%d of %d catch-ups a second apart wrote", wrote, steps)
	if wrote < 2 || wrote > steps/2 {
		t.Errorf("%d of %d catch-ups a second apart wrote: want the few in which something happened", wrote, steps)
	}
	clockB = clockA
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	tables := append(slices.Clone(estateTables), "sim.sim_internal.workspace_files", "sim.sim_internal.bundle_deploys")
	same := func(when string) {
		t.Helper()
		for _, table := range tables {
			if fa, fb := fingerprint(t, a, table), fingerprint(t, b, table); fa != fb {
				t.Errorf("%s: %s: second by second %s, at once %s", when, table, fa, fb)
			}
		}
	}
	same("open")
	a.Close()
	a = openAt(t, pathA, 2, func() time.Time { return clockA })
	same("reopened")
}

func TestReopeningKeepsTheEstateAndRefusesAnotherSeed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.duckdb")
	s, err := Open(context.Background(), Options{Path: path, Seed: 7, Clock: func() time.Time { return testNow }, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := fingerprint(t, s, "sim.release_cockpit.release_events")
	s.Close()
	s = openAt(t, path, 1, func() time.Time { return testNow })
	if got := fingerprint(t, s, "sim.release_cockpit.release_events"); got != want {
		t.Errorf("reopened ledger %s, want %s", got, want)
	}
	s.Close()
	if _, err := Open(context.Background(), Options{Path: path, Seed: 8, Clock: func() time.Time { return testNow }}); err == nil {
		t.Error("opening with another seed must fail")
	}
	if _, err := Open(context.Background(), Options{Path: path, Seed: 7, Clock: func() time.Time { return testNow.Add(-time.Hour) }}); err == nil {
		t.Error("opening with a clock before the estate's watermark must fail")
	}
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func fmtID(id int64) string { return strconv.FormatInt(id, 10) }
