package ui

import (
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/themes"
)

// TestAnIdleHomeCostsAtMostOneStatementPerEnvironmentPerMinute: left open on the home for
// ten minutes of 30 s refreshes (15 s costs the same statements: they follow full_refresh) with nothing new (the simulation's clock stands still; the
// open windows are watched through the REST API),
// the cockpit sends at most one warehouse statement per environment per minute on
// average, and each refresh asks the REST API a few times per environment, not once per job.
func TestAnIdleHomeCostsAtMostOneStatementPerEnvironmentPerMinute(t *testing.T) {
	c := rootCommon(t, themes.Mono())
	src := c.Source.(*source.Source)
	o := rootOptions()
	o.Refresh, o.FullRefresh = 30*time.Second, 5*time.Minute
	m := startRoot(t, c, o, 120, 40)
	for _, e := range m.home.envs {
		if !e.loaded || e.problem != nil {
			t.Fatalf("%s did not load: %v", e.name, e.problem)
		}
	}
	before := src.Usage()
	const ticks, minutes = 20, 10 // 10 minutes of 30 s refreshes
	for range ticks {
		refresh(t, m)
	}
	d := src.Usage().Since(before)
	envs := src.Environments()
	for _, env := range envs {
		c := d.Envs[env]
		t.Logf("%s: %d statements, %d REST calls in %d refreshes", env, c.Statements, c.Calls, ticks)
		if c.Statements > minutes {
			t.Errorf("%s: %d warehouse statements in %d idle minutes, want at most %d", env, c.Statements, minutes, minutes)
		}
		if per := float64(c.Calls) / ticks; per > 8 {
			t.Errorf("%s: %.1f REST calls per refresh, want a few (runs by time, pipelines by page)", env, per)
		}
	}
	if tot := d.Total().Statements; tot > int64(minutes*len(envs)) {
		t.Errorf("%d warehouse statements in %d idle minutes over %d environments (%d shared), want at most %d",
			tot, minutes, len(envs), d.Envs[source.Shared].Statements, minutes*len(envs))
	}
}
