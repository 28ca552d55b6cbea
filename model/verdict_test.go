package model

import (
	"strings"
	"testing"
)

func TestAssess(t *testing.T) {
	p := DefaultVerdictPolicy()
	fresh := Window{Start: at(-10)}  // open, 10 minutes old: inside bake time
	baked := Window{Start: at(-120)} // open, past bake time
	closed := Window{Start: at(-300), End: at(-200)}
	ok := Health{RunsSucceeded: 10, UpdatesOK: 4, RecordsPassed: 10000, RecordsFailed: 10, BaselineRatio: 0.001}
	cases := []struct {
		name        string
		h           Health
		c           CheckCounts
		w           Window
		verdict     Verdict
		provisional bool
		reason      string
	}{
		{"all green after bake", ok, CheckCounts{Pass: 4}, baked, VerdictHealthy, false, ""},
		{"all green inside bake is provisional", ok, CheckCounts{Pass: 4}, fresh, VerdictHealthy, true, ""},
		{"pending checks keep it provisional", ok, CheckCounts{Pass: 2, Pending: 1}, baked, VerdictHealthy, true, ""},
		{"a closed window is final", ok, CheckCounts{Pending: 1, Pass: 3}, closed, VerdictHealthy, false, ""},
		{"a failed check fails", ok, CheckCounts{Pass: 3, Fail: 1}, baked, VerdictFailing, false, "1 check(s) failed"},
		{"expectation ratio jump fails",
			Health{RunsSucceeded: 5, UpdatesOK: 3, RecordsPassed: 8200, RecordsFailed: 1800, BaselineRatio: 0.002},
			CheckCounts{}, fresh, VerdictFailing, true, "expectation failure ratio 18.0% (previous 0.2%)"},
		{"a ratio that did not regress is not this release's fault",
			Health{RunsSucceeded: 5, RecordsPassed: 9300, RecordsFailed: 700, BaselineRatio: 0.065},
			CheckCounts{}, baked, VerdictHealthy, false, ""},
		{"moderate regression degrades",
			Health{RunsSucceeded: 5, RecordsPassed: 9800, RecordsFailed: 200, BaselineRatio: 0.001},
			CheckCounts{}, baked, VerdictDegraded, false, "expectation failure ratio 2.0%"},
		{"first deployment with high ratio fails",
			Health{UpdatesOK: 1, RecordsPassed: 90, RecordsFailed: 10, BaselineRatio: -1},
			CheckCounts{}, baked, VerdictFailing, false, "(no previous deployment)"},
		{"most runs failing fails", Health{RunsSucceeded: 1, RunsFailed: 2, BaselineRatio: -1}, CheckCounts{}, baked, VerdictFailing, false, "2 of 3 runs and updates failed"},
		{"a single failure degrades", Health{RunsSucceeded: 1, RunsFailed: 1, BaselineRatio: -1}, CheckCounts{}, baked, VerdictDegraded, false, "1 of 2 runs"},
		{"one failed update among many degrades", Health{RunsSucceeded: 20, UpdatesFailed: 1, BaselineRatio: -1}, CheckCounts{}, baked, VerdictDegraded, false, "1 of 21"},
		{"nothing in the window is unknown", Health{BaselineRatio: -1}, CheckCounts{}, fresh, VerdictUnknown, true, "no runs, updates or checks"},
		{"half the checks without data is unknown", ok, CheckCounts{Pass: 2, Inconclusive: 2, NoData: 2}, baked, VerdictUnknown, false, "2 of 4 checks have no data"},
		{"an inconclusive check with data asks a person", ok, CheckCounts{Pass: 3, Inconclusive: 1}, baked, VerdictDegraded, false, "a person must decide"},
		{"a failed check wins over missing data", Health{BaselineRatio: -1}, CheckCounts{Fail: 1, Inconclusive: 3, NoData: 3}, baked, VerdictFailing, false, "check(s) failed"},
	}
	for _, c := range cases {
		a := Assess(c.h, c.c, c.w, t0, p)
		if a.Verdict != c.verdict || a.Provisional != c.provisional {
			t.Errorf("%s: got %s provisional=%v (%v), want %s provisional=%v", c.name, a.Verdict, a.Provisional, a.Reasons, c.verdict, c.provisional)
			continue
		}
		if c.reason != "" && !strings.Contains(strings.Join(a.Reasons, "; "), c.reason) {
			t.Errorf("%s: reasons %q do not mention %q", c.name, a.Reasons, c.reason)
		}
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
