package model

import (
	"fmt"
	"time"
)

// Tally counts run outcomes at a time: one run (Good or Bad 1) or a bucket of them (an hour's
// runs, stamped with the bucket's start). Skipped and still-active runs are not counted.
type Tally struct {
	At        time.Time
	Good, Bad int
}

// TallyRuns turns job runs into tallies, one per finished run, stamped with its end.
func TallyRuns(runs []JobRun) []Tally {
	out := make([]Tally, 0, len(runs))
	for _, r := range runs {
		switch {
		case r.Succeeded():
			out = append(out, Tally{At: r.End, Good: 1})
		case r.Failed():
			out = append(out, Tally{At: r.End, Bad: 1})
		}
	}
	return out
}

// TallyUpdates turns pipeline updates into tallies, one per finished update, stamped with its
// end: COMPLETED is good, FAILED bad; canceled and active updates are not counted.
func TallyUpdates(us []PipelineUpdate) []Tally {
	out := make([]Tally, 0, len(us))
	for _, u := range us {
		switch u.ResultState {
		case "COMPLETED":
			out = append(out, Tally{At: u.End, Good: 1})
		case "FAILED":
			out = append(out, Tally{At: u.End, Bad: 1})
		}
	}
	return out
}

// BurnRate is one burn rule evaluated: the rates over its long and short windows, and whether
// it fires (both at or above its factor; a short window without runs does not hold it back,
// because batch jobs run too rarely to fill five minutes).
type BurnRate struct {
	Rule        BurnRule
	Long, Short float64
	Firing      bool
}

// Budget is the error budget of a (bundle, environment) at a time.
type Budget struct {
	SLO       SLO
	Good, Bad int // outcomes in the SLO window
	// Allowed is how many bad outcomes the SLO allows over the window's runs: (1-target)*total.
	Allowed float64
	// Remaining is the share of the budget left: 1 - Bad/Allowed; negative when overspent.
	Remaining float64
	// Spent: the budget is used up (Remaining <= 0 with at least one bad outcome).
	Spent bool
	// NoData: no outcomes in the window, or no SLO; nothing is judged.
	NoData bool
	Burns  []BurnRate
}

// Paging reports the burn rules of page severity that fire.
func (b Budget) Paging() []BurnRate {
	var out []BurnRate
	for _, r := range b.Burns {
		if r.Firing && r.Rule.Severity == SeverityPage {
			out = append(out, r)
		}
	}
	return out
}

// String says how much is left: "62% of the error budget left (3 of 8 failures allowed)".
func (b Budget) String() string {
	switch {
	case b.SLO.Target <= 0:
		return "no SLO"
	case b.NoData:
		return fmt.Sprintf("no runs in the last %s", fmtDuration(b.SLO.Window))
	case b.Spent:
		return fmt.Sprintf("error budget spent: %d failed of %d runs over %s, SLO %s allows %.1f", b.Bad, b.Good+b.Bad, fmtDuration(b.SLO.Window), pct(b.SLO.Target), b.Allowed)
	}
	return fmt.Sprintf("%.0f%% of the error budget left (%d failed of %d runs over %s, SLO %s)", 100*b.Remaining, b.Bad, b.Good+b.Bad, fmtDuration(b.SLO.Window), pct(b.SLO.Target))
}

// ComputeBudget judges run outcomes against an SLO at now: tallies in (now-window, now]
// count. Burn rate is the error rate over a window divided by 1-target.
func ComputeBudget(slo SLO, tallies []Tally, now time.Time) Budget {
	b := Budget{SLO: slo}
	if slo.Target <= 0 || slo.Target >= 1 || slo.Window <= 0 {
		b.NoData = true
		return b
	}
	b.Good, b.Bad = sum(tallies, now.Add(-slo.Window), now)
	total := b.Good + b.Bad
	if total == 0 {
		b.NoData, b.Remaining = true, 1
		return b
	}
	b.Allowed = (1 - slo.Target) * float64(total)
	b.Remaining = 1 - float64(b.Bad)/b.Allowed
	b.Spent = b.Bad > 0 && b.Remaining <= 1e-9 // (1-0.99)*1000 is 10.000000000000009
	rate := func(w time.Duration) (float64, bool) {
		g, bad := sum(tallies, now.Add(-w), now)
		if g+bad == 0 {
			return 0, false
		}
		return float64(bad) / float64(g+bad) / (1 - slo.Target), true
	}
	for _, r := range slo.Burn {
		long, okLong := rate(r.Long)
		short, okShort := rate(r.Short)
		b.Burns = append(b.Burns, BurnRate{Rule: r, Long: long, Short: short,
			Firing: okLong && long >= r.Factor && (!okShort || short >= r.Factor)})
	}
	return b
}

func sum(ts []Tally, from, to time.Time) (good, bad int) {
	for _, t := range ts {
		if t.At.After(from) && !t.At.After(to) {
			good += t.Good
			bad += t.Bad
		}
	}
	return good, bad
}

func pct(f float64) string {
	s := fmt.Sprintf("%.2f", 100*f)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s + "%"
}

// fmtDuration writes whole days as "28d" and everything else as time.Duration does, without
// trailing zero units ("1h", "30m").
func fmtDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	if len(s) > 4 && s[len(s)-4:] == "m0s" {
		s = s[:len(s)-2]
	}
	if len(s) > 3 && s[len(s)-3:] == "h0m" {
		s = s[:len(s)-2]
	}
	return s
}
