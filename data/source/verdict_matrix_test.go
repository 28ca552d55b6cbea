package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// matrixSeeds are the estates the verdict matrix is measured on. The demo's seed (1) and
// any other are for trying by hand: COCKPIT_MATRIX_SEEDS=1,11,12 go test ./data/source -run TestVerdictsAgainst -v.
var matrixSeeds = []int64{21, 22, 23}

// matrixColumns are what the cockpit can say: healthy, healthy awaiting a decision, degraded,
// failing, unknown.
var matrixColumns = []string{"healthy", "awaiting", "degraded", "failing", "unknown"}

// matrix counts, per environment and per truth (healthy, degraded, failing), the cockpit's verdicts.
type matrix map[string]map[string]map[string]int

func (m matrix) add(env, truth, said string) {
	if m[env] == nil {
		m[env] = map[string]map[string]int{}
	}
	if m[env][truth] == nil {
		m[env][truth] = map[string]int{}
	}
	m[env][truth][said]++
}

// merge adds the counts of o.
func (m matrix) merge(o matrix) {
	for env, rows := range o {
		for truth, cols := range rows {
			for col, n := range cols {
				for range n {
					m.add(env, truth, col)
				}
			}
		}
	}
}

func (m matrix) total(env, truth string, said ...string) int {
	n := 0
	for col, c := range m[env][truth] {
		if len(said) == 0 || contains(said, col) {
			n += c
		}
	}
	return n
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// String prints the matrix as the README's table.
func (m matrix) String() string {
	var b strings.Builder
	b.WriteString("| env | truth | n | " + strings.Join(matrixColumns, " | ") + " |\n|---|---|---|" + strings.Repeat("---|", len(matrixColumns)) + "\n")
	for _, env := range []string{"dev", "staging", "prod"} {
		for _, truth := range []string{"healthy", "degraded", "bad"} {
			fmt.Fprintf(&b, "| %s | %s | %d |", env, truth, m.total(env, truth))
			for _, col := range matrixColumns {
				fmt.Fprintf(&b, " %d |", m[env][truth][col])
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// said is the matrix column of an assessment.
func said(a model.Assessment) string {
	if a.Verdict == model.VerdictHealthy && a.NeedsDecision {
		return "awaiting"
	}
	return string(a.Verdict)
}

// measure judges every deployment of a 7-day estate the way `cockpit releases` does and
// sets it against the simulation's truth: the profile of each release, which the simulation
// writes as a `verdict` ledger event after the bake time (and only then).
func measure(t *testing.T, seed int64, m matrix) {
	t.Helper()
	ctx := context.Background()
	src, sm, err := openDemoSim(ctx, config.Default(), DemoOptions{Path: filepath.Join(t.TempDir(), "e.duckdb"), Seed: seed, Now: testNow, Days: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// Listing a whole week is the heaviest read there is; on a busy machine it takes longer
	// than the interactive timeout, and the point here is the verdicts, not the latency.
	src.cfg.Timeout = config.Duration(10 * time.Minute)
	for _, env := range src.Environments() {
		e, _ := src.Environment(env)
		bake := time.Duration(e.Config.Policy.BakeTime)
		truth := readTruth(t, sm, env, bake)
		ds, err := src.List(ctx, env, Query{Limit: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		matched := 0
		for _, d := range ds {
			tr, ok := truth[d.Release.ID()+"|"+d.DeployedAt.UTC().Format(time.RFC3339)]
			if !ok {
				continue // superseded within its bake time: the simulation judged it not
			}
			matched++
			row := map[string]string{"healthy": "healthy", "degraded": "degraded", "failing": "bad"}[tr]
			m.add(env, row, said(d.Assessment))
			if (tr == "degraded" && d.Verdict != model.VerdictDegraded && d.Verdict != model.VerdictFailing || tr == "failing" && d.Verdict != model.VerdictFailing) && testing.Verbose() {
				h := d.Health
				t.Logf("seed %d %s: %s %s deployed %s (window %v) judged %s: %d+%d runs and updates (%d failed), %d records; checks %+v; %+v; %v",
					seed, env, tr, d.Release.ID(), d.DeployedAt, d.Window, said(d.Assessment), h.RunsSucceeded+h.RunsFailed, h.UpdatesOK+h.UpdatesFailed, h.RunsFailed+h.UpdatesFailed,
					h.RecordsPassed+h.RecordsFailed, d.Checks, h.Baseline, d.Reasons)
			}
			if tr == "healthy" && d.Verdict == model.VerdictFailing {
				t.Errorf("seed %d %s: healthy %s deployed %s is failing: %v", seed, env, d.Release.ID(), d.DeployedAt, d.Reasons)
			}
		}
		if matched < len(truth)*9/10 {
			t.Errorf("seed %d %s: only %d of %d truths matched a listed deployment", seed, env, matched, len(truth))
		}
	}
}

// TestVerdictsAgainstTheSimulationsTruth is the confusion matrix of the README: on 7 days of
// three estates together, per environment, every bad release is failing, at least 90% of
// degraded ones are degraded or failing, at most 3%
// of healthy ones are shown degraded or failing, and none is failing. It takes about 15 s per estate, so -short skips it (CI runs it).
func TestVerdictsAgainstTheSimulationsTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("generates three 7-day estates")
	}
	seeds := measuredSeeds(t)
	all := matrix{}
	for _, seed := range seeds {
		one := matrix{}
		measure(t, seed, one)
		t.Logf("seed %d:\n%s", seed, one)
		all.merge(one)
	}
	t.Logf("seeds %v together:\n%s", seeds, all)
	for _, env := range []string{"dev", "staging", "prod"} {
		bad, healthy, degraded := all.total(env, "bad"), all.total(env, "healthy"), all.total(env, "degraded")
		if bad == 0 || healthy == 0 || degraded == 0 {
			t.Errorf("%s: %d bad, %d degraded, %d healthy releases: too few to measure", env, bad, degraded, healthy)
			continue
		}
		if n := all.total(env, "bad", "failing"); n != bad {
			t.Errorf("%s: %d of %d bad releases failing, want all", env, n, bad)
		}
		// The truth of a degraded release under which nothing of its bundle ran is healthy
		// (the simulation's truth: nothing showed it), so every degraded one counts.
		if n := all.total(env, "degraded", "degraded", "failing"); float64(n) < 0.9*float64(degraded) {
			t.Errorf("%s: %d of %d degraded releases degraded or failing, want at least 90%%", env, n, degraded)
		}
		t.Logf("%s: %d of %d degraded releases degraded or failing", env, all.total(env, "degraded", "degraded", "failing"), degraded)
		if n := all.total(env, "healthy", "degraded", "failing"); float64(n) > 0.03*float64(healthy) {
			t.Errorf("%s: %d of %d healthy releases shown degraded or failing, want at most 3%%", env, n, healthy)
		}
	}
}

// readTruth is the simulation's truth of an environment's deployments, by release id and
// deploy instant: read here, by the test, straight from the simulation's ledger.
func readTruth(t *testing.T, sm *sim.Sim, env string, bake time.Duration) map[string]string {
	t.Helper()
	truth := map[string]string{}
	rows, err := sm.DB().QueryContext(context.Background(), `SELECT release_id, "at", status FROM sim.release_cockpit.release_events WHERE environment = ? AND kind = 'verdict'`, env)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status string
		var at time.Time
		if err := rows.Scan(&id, &at, &status); err != nil {
			t.Fatal(err)
		}
		// The verdict is written a minute after the bake time of the deployment.
		truth[id+"|"+at.UTC().Add(-bake-time.Minute).Format(time.RFC3339)] = status
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return truth
}

// measuredSeeds are matrixSeeds, or those COCKPIT_MATRIX_SEEDS names.
func measuredSeeds(t *testing.T) []int64 {
	t.Helper()
	s := os.Getenv("COCKPIT_MATRIX_SEEDS")
	if s == "" {
		return matrixSeeds
	}
	var seeds []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			t.Fatalf("COCKPIT_MATRIX_SEEDS: %v", err)
		}
		seeds = append(seeds, n)
	}
	return seeds
}

// TestTheCockpitNeverReadsTheTruth: the verdict events are the simulation's answer key; no
// statement of the cockpit reads ledger events of kind verdict.
func TestTheCockpitNeverReadsTheTruth(t *testing.T) {
	files, err := filepath.Glob("../warehouse/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no statements found: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "'verdict'") {
			t.Errorf("%s reads verdict events: the simulation's truth must not decide the cockpit's verdicts", f)
		}
	}
}
