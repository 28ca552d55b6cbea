package model

import (
	"strings"
	"testing"
	"time"
)

func TestComputeBudget(t *testing.T) {
	now := gateNow
	hourly := func(hours int, badEvery int) []Tally {
		var ts []Tally
		for h := 0; h < hours; h++ {
			tl := Tally{At: now.Add(-time.Duration(h) * time.Hour)}
			if badEvery > 0 && h%badEvery == 0 {
				tl.Bad = 1
			} else {
				tl.Good = 1
			}
			ts = append(ts, tl)
		}
		return ts
	}
	cases := []struct {
		name      string
		slo       SLO
		tallies   []Tally
		remaining float64
		spent     bool
		noData    bool
		paging    int
		text      string
	}{
		{"all good", DefaultSLO(), hourly(672, 0), 1, false, false, 0, "100% of the error budget left (0 failed of 672 runs over 28d, SLO 99%)"},
		// 672 runs, 1% allowed = 6.72; 4 failures (h = 0, 200, 400, 600) leave 40%.
		{"some failures", DefaultSLO(), hourly(672, 200), 1 - 4/6.72, false, false, 2, "40% of the error budget left (4 failed of 672 runs"},
		// 7 failures (every 105h) > 6.72: spent.
		{"spent", DefaultSLO(), hourly(672, 105), 1 - 7/6.72, true, false, 2, "error budget spent: 7 failed of 672 runs over 28d, SLO 99% allows 6.7"},
		{"outside the window does not count", DefaultSLO(), append(hourly(10, 0), Tally{At: now.Add(-29 * 24 * time.Hour), Bad: 50}), 1, false, false, 0, ""},
		{"the window's edge is open at the start", DefaultSLO(), []Tally{{At: now.Add(-28 * 24 * time.Hour), Bad: 5}, {At: now, Good: 10}}, 1, false, false, 0, ""},
		{"buckets", DefaultSLO(), []Tally{{At: now.Add(-24 * time.Hour), Good: 990, Bad: 10}}, 0, true, false, 0, "error budget spent"},
		{"exactly on budget is spent", SLO{Target: 0.9, Window: 24 * time.Hour}, []Tally{{At: now.Add(-2 * time.Hour), Good: 9, Bad: 1}}, 0, true, false, 0, "SLO 90% allows 1.0"},
		{"no runs", DefaultSLO(), nil, 1, false, true, 0, "no runs in the last 28d"},
		{"no SLO", SLO{}, hourly(10, 1), 0, false, true, 0, "no SLO"},
	}
	for _, c := range cases {
		b := ComputeBudget(c.slo, c.tallies, now)
		if diff := b.Remaining - c.remaining; diff > 1e-9 || diff < -1e-9 || b.Spent != c.spent || b.NoData != c.noData || len(b.Paging()) != c.paging {
			t.Errorf("%s: remaining %.4f spent %v noData %v paging %d; want %.4f %v %v %d", c.name, b.Remaining, b.Spent, b.NoData, len(b.Paging()), c.remaining, c.spent, c.noData, c.paging)
		}
		if !strings.Contains(b.String(), c.text) {
			t.Errorf("%s: %q, want it to contain %q", c.name, b.String(), c.text)
		}
	}
}

func TestBurnRates(t *testing.T) {
	now := gateNow
	slo := DefaultSLO() // 99%: burn 1 = 1% failing
	cases := []struct {
		name    string
		tallies []Tally
		firing  []bool // per default rule: 1h page, 6h page, 3d ticket
		long1h  float64
	}{
		{"quiet", []Tally{{At: now.Add(-30 * time.Minute), Good: 100}}, []bool{false, false, false}, 0},
		// 20% failing in the last hour: burn 20 over 1h, and over 6h and 3d too (only runs there).
		{"fast burn pages", []Tally{{At: now.Add(-2 * time.Minute), Good: 8, Bad: 2}}, []bool{true, true, true}, 20},
		// Burn 10 over 1h: under 14.4; over 6h it is 10 too: the 6x rule pages.
		{"slow burn pages on 6h", []Tally{{At: now.Add(-3 * time.Minute), Good: 9, Bad: 1}, {At: now.Add(-3 * time.Hour), Good: 90, Bad: 10}}, []bool{false, true, true}, 10},
		// The short windows recovered: 1h burns at 20, but the last 5 and 30 minutes are clean.
		{"short window holds back", []Tally{{At: now.Add(-40 * time.Minute), Bad: 5}, {At: now.Add(-1 * time.Minute), Good: 20}}, []bool{false, false, true}, 20},
		// No runs in the last 5 minutes: the long window alone decides.
		{"empty short window", []Tally{{At: now.Add(-40 * time.Minute), Bad: 5, Good: 5}}, []bool{true, true, true}, 50},
		{"under every factor but the ticket's", []Tally{{At: now.Add(-40 * time.Minute), Bad: 5, Good: 5}, {At: now.Add(-1 * time.Minute), Good: 100}}, []bool{false, false, true}, 100.0 * 5 / 110},
	}
	for _, c := range cases {
		b := ComputeBudget(slo, c.tallies, now)
		for i, r := range b.Burns {
			if r.Firing != c.firing[i] {
				t.Errorf("%s: rule %v/%v firing %v (long %.1f short %.1f), want %v", c.name, r.Rule.Long, r.Rule.Factor, r.Firing, r.Long, r.Short, c.firing[i])
			}
		}
		if d := b.Burns[0].Long - c.long1h; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: 1h burn %.3f, want %.3f", c.name, b.Burns[0].Long, c.long1h)
		}
	}
}

func TestTallyRuns(t *testing.T) {
	runs := []JobRun{
		{ResultState: "SUCCEEDED", End: gateNow},
		{ResultState: "FAILED", End: gateNow},
		{ResultState: "TIMED_OUT", End: gateNow},
		{ResultState: "SKIPPED", End: gateNow},
		{ResultState: ""},
	}
	ups := []PipelineUpdate{{ResultState: "COMPLETED", End: gateNow}, {ResultState: "FAILED", End: gateNow}, {ResultState: "CANCELED", End: gateNow}, {}}
	ts := append(TallyRuns(runs), TallyUpdates(ups)...)
	b := ComputeBudget(DefaultSLO(), ts, gateNow)
	if b.Good != 2 || b.Bad != 3 {
		t.Errorf("good %d bad %d, want 2 and 3 (skipped, canceled and active ones do not count)", b.Good, b.Bad)
	}
}
