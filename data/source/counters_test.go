package source

import (
	"context"
	"testing"
	"time"
)

// TestUsageCountsStatementsAndCallsPerEnvironment: a list of prod counts its statements
// and its REST calls (the live feed of the incident's open window) under prod, and nothing
// under the other environments.
func TestUsageCountsStatementsAndCallsPerEnvironment(t *testing.T) {
	s := openDemo(t)
	before := s.Usage()
	if _, err := s.List(context.Background(), "prod", Query{Since: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	d := s.Usage().Since(before)
	prod := d.Envs["prod"]
	if prod.Statements < 2 || prod.Calls < 1 {
		t.Errorf("listing prod counted %+v, want the page's statements and the live feed's calls", prod)
	}
	for _, env := range []string{"dev", "staging", Shared} {
		if c := d.Envs[env]; c != (Count{}) {
			t.Errorf("listing prod counted %+v under %s", c, env)
		}
	}
	st, calls := d.PerMinute(prod)
	if st < float64(prod.Statements) || calls < float64(prod.Calls) {
		t.Errorf("per minute %.1f statements, %.1f calls over %s: less than the counts %+v", st, calls, d.At.Sub(d.Start), prod)
	}
}

// TestLatencyDelaysEveryStatement: the latency option answers each statement late (the
// counters wait it out), and a cancelled read does not wait.
func TestLatencyDelaysEveryStatement(t *testing.T) {
	c := newCounters()
	c.latency = 50 * time.Millisecond
	start := time.Now()
	c.statement(withEnv(context.Background(), "prod"))
	if d := time.Since(start); d < c.latency {
		t.Errorf("a statement took %s, want at least %s", d, c.latency)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	c.statement(ctx)
	if d := time.Since(start); d >= c.latency {
		t.Errorf("a cancelled statement waited %s", d)
	}
	u := c.usage()
	if u.Envs["prod"].Statements != 1 || u.Envs[Shared].Statements != 1 {
		t.Errorf("counted %+v", u.Envs)
	}
}
