package ui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// idleCost is what a home left open for ten minutes of 30 s refreshes costs per
// environment, with nothing new (the simulation's clock stands still; the open windows are
// watched through the REST API; 15 s costs the same statements: they follow full_refresh),
// and how many open windows each environment's home watches.
type idleCost struct {
	envs    []string
	usage   source.Usage
	windows map[string]int
}

const idleTicks, idleMinutes = 20, 10 // 10 minutes of 30 s refreshes

// idleHome opens a one-day simulated estate at scale (its jobs and pipelines times scale,
// in the same bundles and releases) and measures an idle home over it.
func idleHome(t *testing.T, scale int) idleCost {
	t.Helper()
	needSim(t)
	start := time.Now()
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "estate.duckdb"), Seed: 1, Now: testNow, Days: 1, Scale: scale,
	})
	if err != nil {
		t.Fatalf("opening the simulated workspace at scale %d: %v", scale, err)
	}
	t.Cleanup(src.Close)
	opened := time.Since(start)
	c := &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Source: src, Now: src.Now, Timeout: 30 * time.Second}
	o := rootOptions()
	o.Refresh, o.FullRefresh = 30*time.Second, 5*time.Minute
	m := startRoot(t, c, o, 120, 40)
	out := idleCost{envs: src.Environments(), windows: map[string]int{}}
	for _, e := range m.home.envs {
		if !e.loaded || e.problem != nil {
			t.Fatalf("%s did not load: %v", e.name, e.problem)
		}
		for _, it := range e.items {
			if it.d.Current && it.d.Window.Open() {
				out.windows[e.name]++
			}
		}
	}
	before := src.Usage()
	for range idleTicks {
		refresh(t, m)
	}
	out.usage = src.Usage().Since(before)
	t.Logf("scale %d: opened in %s, idle for %d refreshes in %s", scale, opened.Round(time.Millisecond), idleTicks, time.Since(start).Round(time.Millisecond)-opened.Round(time.Millisecond))
	return out
}

// TestAnIdleHomeCostsTheSameOnAnEstateFourTimesTheSize: left open on the home for ten
// minutes with nothing new, the cockpit sends at most one warehouse statement per
// environment per minute on average, and each refresh asks the REST API the same few times
// per environment on an estate of 250 jobs and pipelines per environment (175 + 75) as on
// one of 1000 (700 + 300) with the same releases: the runs are listed by start time since
// the last refresh, and the active runs and the pipelines a page per refresh.
func TestAnIdleHomeCostsTheSameOnAnEstateFourTimesTheSize(t *testing.T) {
	small, big := idleHome(t, 1), idleHome(t, 4)
	for _, env := range small.envs {
		if small.windows[env] == 0 || small.windows[env] != big.windows[env] {
			t.Errorf("%s: the home watches %d open windows on the estate of 250, %d on that of 1000: want the same releases", env, small.windows[env], big.windows[env])
		}
		s, b := small.usage.Envs[env], big.usage.Envs[env]
		perS, perB := float64(s.Calls)/idleTicks, float64(b.Calls)/idleTicks
		t.Logf("%s (%d open windows): 250 jobs and pipelines: %d statements, %d REST calls (%.1f a refresh); 1000: %d statements, %d REST calls (%.1f a refresh)",
			env, small.windows[env], s.Statements, s.Calls, perS, b.Statements, b.Calls, perB)
		for _, c := range []struct {
			size string
			n    source.Count
		}{{"250", s}, {"1000", b}} {
			if c.n.Statements > idleMinutes {
				t.Errorf("%s, estate of %s: %d warehouse statements in %d idle minutes, want at most %d", env, c.size, c.n.Statements, idleMinutes, idleMinutes)
			}
		}
		if s.Calls == 0 {
			t.Errorf("%s: no REST call in %d refreshes: the open windows are not watched", env, idleTicks)
		}
		if b.Calls > s.Calls {
			t.Errorf("%s: %.1f REST calls per refresh on the estate of 1000, %.1f on that of 250: want no more", env, perB, perS)
		}
		if perS > 4 {
			t.Errorf("%s: %.1f REST calls per refresh, want a few (runs by time, a page of the active runs and of the pipelines)", env, perS)
		}
	}
	for _, c := range []idleCost{small, big} {
		if tot := c.usage.Total().Statements; tot > int64(idleMinutes*len(c.envs)) {
			t.Errorf("%d warehouse statements in %d idle minutes over %d environments (%d shared), want at most %d",
				tot, idleMinutes, len(c.envs), c.usage.Envs[source.Shared].Statements, idleMinutes*len(c.envs))
		}
	}
}
