package sim

import (
	"testing"
	"time"
)

// The answer key follows what ran: a degraded release shows only through its runs, so one
// under which nothing ran is healthy in the truth and its sla check has no data; a bad
// release fails its checks whatever ran.
func TestTheTruthFollowsWhatRan(t *testing.T) {
	b := &bundleSpec{name: "crm_ingest"}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		prof      profile
		ran       exercised
		truth     string
		slaResult string
		slaNoData bool
	}{
		{"degraded, ran within its bake time", profDegraded, exercised{bake: true, window: true}, "degraded", "inconclusive", false},
		{"degraded, ran only after its bake time", profDegraded, exercised{window: true}, "degraded", "inconclusive", true},
		{"degraded, nothing ran under it", profDegraded, exercised{}, "healthy", "inconclusive", true},
		{"bad, nothing ran under it", profBad, exercised{}, "failing", "pass", false},
		{"good", profGood, exercised{}, "healthy", "pass", false},
	}
	for _, c := range cases {
		d := &deployment{bundle: b, env: "staging", version: "2026.1120.1", at: at, profile: c.prof}
		if got := truth(d, c.ran); got != c.truth {
			t.Errorf("%s: truth %q, want %q", c.name, got, c.truth)
		}
		sla := postCheck(1, d, c.ran, "sla")
		if sla.outcome != c.slaResult || sla.noData != c.slaNoData {
			t.Errorf("%s: sla %+v, want %s (no data %v)", c.name, sla, c.slaResult, c.slaNoData)
		}
	}
}
