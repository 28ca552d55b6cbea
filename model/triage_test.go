package model

import (
	"sort"
	"testing"
)

func TestTriageOrderPutsFailingAndProvisionalFirst(t *testing.T) {
	type row struct {
		name string
		a    Assessment
		min  int
	}
	rows := []row{
		{"healthy new", Assessment{Verdict: VerdictHealthy}, 0},
		{"failing old", Assessment{Verdict: VerdictFailing}, -300},
		{"degraded", Assessment{Verdict: VerdictDegraded}, -10},
		{"failing baking", Assessment{Verdict: VerdictFailing, Provisional: true}, -400},
		{"unknown", Assessment{Verdict: VerdictUnknown}, -1},
		{"failing new", Assessment{Verdict: VerdictFailing}, -5},
	}
	sort.SliceStable(rows, func(i, j int) bool { return TriageLess(rows[i].a, rows[j].a, at(rows[i].min), at(rows[j].min)) })
	want := []string{"failing baking", "failing new", "failing old", "degraded", "unknown", "healthy new"}
	for i, w := range want {
		if rows[i].name != w {
			t.Fatalf("position %d: %s, want %s (order %v)", i, rows[i].name, w, rows)
		}
	}
	if Worst() != VerdictHealthy || Worst(VerdictUnknown, VerdictDegraded, VerdictHealthy) != VerdictDegraded {
		t.Error("Worst picks the most severe verdict")
	}
}
