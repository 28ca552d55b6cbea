package model

import (
	"strings"
	"testing"
	"time"
)

func TestAssess(t *testing.T) {
	p := DefaultVerdictPolicy()
	fresh := Window{Start: at(-10)}  // open, 10 minutes old: inside bake time
	baked := Window{Start: at(-120)} // open, past bake time
	closed := Window{Start: at(-300), End: at(-200)}
	// Jobs that failed 1 in 40 before the deploy, and a week of clean history.
	usual := Baseline{Lookback: 7 * 24 * time.Hour, Finished: 40, Failed: 1}
	clean := Baseline{Lookback: 7 * 24 * time.Hour, Finished: 400}
	ok := Health{RunsSucceeded: 10, UpdatesOK: 4, RecordsPassed: 10000, RecordsFailed: 10, BaselineRatio: 0.001, Baseline: usual}
	runs := func(ok, failed int, b Baseline) Health {
		return Health{RunsSucceeded: ok, RunsFailed: failed, BaselineRatio: -1, Baseline: b}
	}
	// A week of hourly runs before the deploy: the p95 is the 9th longest of 168.
	slow := func(slower, timed, earlier int) Health {
		return Health{RunsSucceeded: timed, BaselineRatio: -1, Baseline: Baseline{Finished: 400, Durations: []DurationSample{{Runs: timed, Slower: slower, Earlier: earlier}}}}
	}
	exp := func(ratio, previous float64) Health {
		return Health{UpdatesOK: 3, RecordsPassed: 100000, RecordsFailed: 500, BaselineRatio: 0.004,
			Baseline: Baseline{Finished: 40, Expectation: ExpectationChange{Name: "valid_client_id", Ratio: ratio, Previous: previous, Records: 100000}}}
	}
	cases := []struct {
		name        string
		h           Health
		c           CheckCounts
		w           Window
		verdict     Verdict
		provisional bool
		decide      bool // NeedsDecision
		reason      string
	}{
		{"all green after bake", ok, CheckCounts{Pass: 4}, baked, VerdictHealthy, false, false, ""},
		{"all green inside bake is provisional", ok, CheckCounts{Pass: 4}, fresh, VerdictHealthy, true, false, ""},
		{"pending checks keep it provisional", ok, CheckCounts{Pass: 2, Pending: 1}, baked, VerdictHealthy, true, false, ""},
		{"a closed window is final", ok, CheckCounts{Pending: 1, Pass: 3}, closed, VerdictHealthy, false, false, ""},
		{"a failed check fails", ok, CheckCounts{Pass: 3, Fail: 1}, baked, VerdictFailing, false, false, "1 check(s) failed"},
		{"a failed check wins over missing data", Health{BaselineRatio: -1}, CheckCounts{Fail: 1, Inconclusive: 3, NoData: 3}, baked, VerdictFailing, false, false, "check(s) failed"},
		{"nothing in the window is unknown", Health{BaselineRatio: -1}, CheckCounts{}, fresh, VerdictUnknown, true, false, "no runs, updates or checks"},
		{"half the checks without data is unknown", ok, CheckCounts{Pass: 2, Inconclusive: 2, NoData: 2}, baked, VerdictUnknown, false, false, "2 of 4 checks have no data"},

		// Failures against the pre-deploy failure rate (Fisher's exact test, p < 0.01).
		{"failing as often as before is not a regression", runs(10, 2, usual), CheckCounts{Pass: 4}, baked, VerdictHealthy, false, false, ""},
		{"2 of 12 against 1 in 40 is not significant", runs(10, 2, usual), CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"one failure among many against a clean week is not significant", runs(20, 1, clean), CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"a significant rise degrades", runs(8, 4, clean), CheckCounts{}, baked, VerdictDegraded, false, false,
			"4 of 12 runs and updates failed; before the deploy these jobs and pipelines failed none of 400 (p < 0.0001)"},
		{"a significant rise with most runs failing fails", runs(3, 6, clean), CheckCounts{}, baked, VerdictFailing, false, false, "6 of 9 runs and updates failed"},
		{"small samples cannot condemn: they await a person", runs(0, 2, clean), CheckCounts{}, baked, VerdictHealthy, false, true, "too few runs to condemn (5 needed)"},
		{"a failure without a baseline awaits a person", runs(1, 1, Baseline{}), CheckCounts{}, baked, VerdictHealthy, false, true, "no runs before the deploy to compare with"},
		{"an insignificant failure does not await anyone", runs(1, 1, usual), CheckCounts{}, baked, VerdictHealthy, false, false, ""},

		// Durations against the pre-deploy p95 (binomial, chance of each about 5%).
		{"runs slower than the p95 about 5% of the time are fine", slow(1, 20, 168), CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"runs slower than the p95 far more often degrade", slow(6, 10, 168), CheckCounts{}, baked, VerdictDegraded, false, false,
			"6 of 10 successful runs and updates took longer than their pre-deploy p95 (0.5 expected by chance"},
		{"two slow runs of two await a person", slow(2, 2, 168), CheckCounts{}, baked, VerdictHealthy, false, true, "too few runs to condemn"},
		// Runs that share one threshold drawn from 3 earlier runs are not independent trials.
		{"a short history cannot condemn many runs", slow(17, 30, 3), CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"a job without earlier runs is not compared", slow(5, 5, 0), CheckCounts{}, baked, VerdictHealthy, false, false, ""},

		// Expectations against the previous deployment, with a noise floor.
		{"expectation ratio jump fails",
			Health{RunsSucceeded: 5, UpdatesOK: 3, RecordsPassed: 8200, RecordsFailed: 1800, BaselineRatio: 0.002},
			CheckCounts{}, fresh, VerdictFailing, true, false, "expectation failure ratio 18.0% (previous 0.2%)"},
		{"a ratio that did not regress is not this release's fault",
			Health{RunsSucceeded: 5, RecordsPassed: 9300, RecordsFailed: 700, BaselineRatio: 0.065},
			CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"moderate regression degrades",
			Health{RunsSucceeded: 5, RecordsPassed: 9800, RecordsFailed: 200, BaselineRatio: 0.001},
			CheckCounts{}, baked, VerdictDegraded, false, false, "expectation failure ratio 2.0%"},
		{"first deployment with high ratio fails",
			Health{UpdatesOK: 1, RecordsPassed: 90, RecordsFailed: 10, BaselineRatio: -1},
			CheckCounts{}, baked, VerdictFailing, false, false, "(no previous deployment)"},
		{"one expectation's rise degrades", exp(0.018, 0.002), CheckCounts{}, baked, VerdictDegraded, false, false, "expectation valid_client_id 1.8% (before the deploy 0.2%)"},
		{"an expectation new to the pipeline is judged on its ratio", exp(0.018, -1), CheckCounts{}, baked, VerdictDegraded, false, false, "(not checked before the deploy)"},
		{"one expectation's jump fails", exp(0.15, 0.002), CheckCounts{}, baked, VerdictFailing, false, false, "expectation valid_client_id 15.0%"},
		{"noise floor, relative: 1.2% after 0.8% is noise", exp(0.012, 0.008), CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"noise floor, absolute: 1.1% after 0.7% is noise", exp(0.011, 0.007), CheckCounts{}, baked, VerdictHealthy, false, false, ""},
		{"below the degraded ratio even a tripling is fine", exp(0.009, 0.003), CheckCounts{}, baked, VerdictHealthy, false, false, ""},

		// Inconclusive is not degraded.
		{"an inconclusive check alone awaits a person", ok, CheckCounts{Pass: 3, Inconclusive: 1}, baked, VerdictHealthy, false, true, "1 check(s) inconclusive: a person must decide"},
		{"a regression with an inconclusive check is degraded", runs(8, 4, clean), CheckCounts{Pass: 3, Inconclusive: 1}, baked, VerdictDegraded, false, false, "4 of 12"},
	}
	for _, c := range cases {
		a := Assess(c.h, c.c, c.w, t0, p)
		if a.Verdict != c.verdict || a.Provisional != c.provisional || a.NeedsDecision != c.decide {
			t.Errorf("%s: got %s provisional=%v needs_decision=%v (%v), want %s provisional=%v needs_decision=%v",
				c.name, a.Verdict, a.Provisional, a.NeedsDecision, a.Reasons, c.verdict, c.provisional, c.decide)
			continue
		}
		if c.reason != "" && !strings.Contains(strings.Join(a.Reasons, "; "), c.reason) {
			t.Errorf("%s: reasons %q do not mention %q", c.name, a.Reasons, c.reason)
		}
		if c.reason == "" && len(a.Reasons) > 0 {
			t.Errorf("%s: unexpected reasons %q", c.name, a.Reasons)
		}
		if len(a.Comparisons) != 3 {
			t.Errorf("%s: %d comparisons, want failures, durations and expectations", c.name, len(a.Comparisons))
		}
	}
}

// TestTheFirstRunsFailingWhileItBakesFailItProvisionally is the early warning (issue 10):
// while a deployment bakes, failures too few to condemn fail it provisionally when most of
// its finished runs failed and the baseline rarely failed (Fisher's test, p < 0.01); after
// the bake time, issue 12's rule holds: too few runs await a person.
func TestTheFirstRunsFailingWhileItBakesFailItProvisionally(t *testing.T) {
	p := DefaultVerdictPolicy()
	fresh := Window{Start: at(-1)}   // deployed a minute ago: baking
	baked := Window{Start: at(-120)} // open, past bake time
	closed := Window{Start: at(-20), End: at(-5)}
	clean := Baseline{Finished: 400}               // a week of hourly runs, none failed
	rare := Baseline{Finished: 240, Failed: 1}     // 1 in 240: (1+1)/(240+1) = 0.008
	oneIn120 := Baseline{Finished: 120, Failed: 1} // (1+1)/(120+1) = 0.017
	flaky := Baseline{Finished: 100, Failed: 50}   // fails half the time
	runs := func(ok, failed int, b Baseline) Health {
		return Health{RunsSucceeded: ok, RunsFailed: failed, BaselineRatio: -1, Baseline: b}
	}
	cases := []struct {
		name        string
		h           Health
		w           Window
		verdict     Verdict
		provisional bool
		decide      bool
		finding     string
		reason      string
	}{
		{"1 of 1 failed against a clean week, baking", runs(0, 1, clean), fresh, VerdictFailing, true, false, FindingEarly,
			"1 of 1 runs and updates failed since the deploy; before the deploy these jobs and pipelines failed none of 400 (p = 0.0025); provisional: 5 runs needed to condemn"},
		{"1 of 1 failed against a clean week, after the bake", runs(0, 1, clean), baked, VerdictHealthy, false, true, FindingTooFew, "too few runs to condemn (5 needed)"},
		{"a closed window no longer bakes", runs(0, 1, clean), closed, VerdictHealthy, false, true, FindingTooFew, "too few runs to condemn"},
		{"1 of 1 failed where 1 in 240 did, baking", runs(0, 1, rare), fresh, VerdictFailing, true, false, FindingEarly, "failed 1 in 240 (p = 0.0083)"},
		{"1 of 1 failed where 1 in 120 did is chance", runs(0, 1, oneIn120), fresh, VerdictHealthy, true, false, FindingWithin, ""},
		{"1 of 1 failed where half failed is not failing", runs(0, 1, flaky), fresh, VerdictHealthy, true, false, FindingWithin, ""},
		{"1 of 4 failed is too few and not most: a person decides", runs(3, 1, clean), fresh, VerdictHealthy, true, true, FindingTooFew, "1 of 4 runs and updates failed"},
		{"2 of 4 failed, baking", runs(2, 2, clean), fresh, VerdictFailing, true, false, FindingEarly, "2 of 4 runs and updates failed since the deploy"},
		{"2 of 4 failed, after the bake", runs(2, 2, clean), baked, VerdictHealthy, false, true, FindingTooFew, "too few runs"},
		{"1 of 1 failed without a baseline: a person decides", runs(0, 1, Baseline{}), fresh, VerdictHealthy, true, true, FindingNoBase, "no runs before the deploy"},
		{"1 of 1 failed on a short baseline: a person decides", runs(0, 1, Baseline{Finished: 4}), fresh, VerdictHealthy, true, true, FindingNoBase, "only 4 runs before the deploy"},
		{"5 runs are judged as ever, baking or not", runs(4, 1, clean), fresh, VerdictHealthy, true, false, FindingWithin, ""},
		{"nothing failed", runs(1, 0, clean), fresh, VerdictHealthy, true, false, FindingWithin, ""},
	}
	for _, c := range cases {
		a := Assess(c.h, CheckCounts{}, c.w, t0, p)
		if a.Verdict != c.verdict || a.Provisional != c.provisional || a.NeedsDecision != c.decide || a.Comparisons[0].Finding != c.finding {
			t.Errorf("%s: got %s provisional=%v needs_decision=%v finding %s (%v), want %s provisional=%v needs_decision=%v finding %s",
				c.name, a.Verdict, a.Provisional, a.NeedsDecision, a.Comparisons[0].Finding, a.Reasons, c.verdict, c.provisional, c.decide, c.finding)
			continue
		}
		if got := strings.Join(a.Reasons, "; "); c.reason == "" && got != "" || !strings.Contains(got, c.reason) {
			t.Errorf("%s: reasons %q, want them to say %q", c.name, got, c.reason)
		}
	}
}

func TestComparisonsCarryTheNumbers(t *testing.T) {
	h := Health{RunsSucceeded: 10, RunsFailed: 2, BaselineRatio: -1, Baseline: Baseline{Finished: 40, Failed: 1}}
	a := Assess(h, CheckCounts{}, Window{Start: at(-120)}, t0, DefaultVerdictPolicy())
	f := a.Comparisons[0]
	if f.Signal != "failures" || f.Observed != 2 || f.Of != 12 || f.BaselineObserved != 1 || f.BaselineOf != 40 || f.Finding != FindingWithin {
		t.Fatalf("failures comparison %+v", f)
	}
	if f.P < 0.12 || f.P > 0.14 {
		t.Errorf("p = %g, want Fisher's 0.129", f.P)
	}
}

func TestCountChecksKeepsTheLatestReportOfEachCheck(t *testing.T) {
	cs := []Check{
		{Name: "canary_run", Outcome: OutcomePending, At: at(0)},
		{Name: "canary_run", Outcome: OutcomePass, At: at(5)},
		{Name: "sla", Outcome: OutcomeFail, At: at(3)},
		{Name: "freshness", Outcome: OutcomePass, NoData: true, At: at(3)},
		{Name: "schema_compat", Outcome: OutcomeInconclusive, At: at(1)},
	}
	got := CountChecks(cs)
	want := CheckCounts{Pass: 1, Fail: 1, Inconclusive: 2, NoData: 1}
	if got != want {
		t.Fatalf("CountChecks = %+v, want %+v", got, want)
	}
	if got.Total() != 4 {
		t.Errorf("Total = %d", got.Total())
	}
}

func TestVerdictSeverityOrdersWorstFirst(t *testing.T) {
	order := []Verdict{VerdictFailing, VerdictDegraded, VerdictUnknown, VerdictHealthy}
	for i := 1; i < len(order); i++ {
		if order[i-1].Severity() <= order[i].Severity() {
			t.Errorf("%s must be worse than %s", order[i-1], order[i])
		}
	}
	if _, err := ParseVerdict("broken"); err == nil {
		t.Error("ParseVerdict accepted an unknown status")
	}
}
