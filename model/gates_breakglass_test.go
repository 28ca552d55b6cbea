package model

import (
	"strings"
	"testing"
)

// What a dialog offers before anything is typed: break-glass only when the freeze and the
// budget are all that block (besides the ticket and reason still to type), and a preview
// of the gates as they will be.
func TestOnlyBreakGlassBlocks(t *testing.T) {
	budget := Gate{Name: GateBudget, Reason: "spent", BreakGlass: true}
	freeze := Gate{Name: GateNoFreeze, Reason: "frozen", BreakGlass: true}
	ticket := Gate{Name: GateTicket, Reason: "give one"}
	reason := Gate{Name: GateReason, Reason: "give one"}
	okGate := Gate{Name: GateAuthorized, OK: true}
	typed := []GateName{GateTicket, GateReason}
	cases := []struct {
		name   string
		action Action
		gates  []Gate
		want   bool
	}{
		{"frozen, ticket and reason still to type", ActionRollback, []Gate{okGate, freeze, ticket, reason}, true},
		{"budget spent, ticket and reason still to type", ActionPromote, []Gate{okGate, budget, ticket, reason}, true},
		{"freeze and budget", ActionPromote, []Gate{okGate, freeze, budget}, true},
		{"nothing blocks: nothing to break", ActionRollback, []Gate{okGate, ticket}, false},
		{"an approval missing too", ActionPromote, []Gate{okGate, budget, {Name: GateApprovals, Reason: "has 0"}}, false},
		{"not authorized too", ActionRollback, []Gate{{Name: GateAuthorized, Reason: "not in the list"}, budget}, false},
		{"a pin is not a deployment", ActionPin, []Gate{okGate, budget}, false},
		{"already overridden", ActionRollback, []Gate{okGate, {Name: GateNoFreeze, BreakGlass: true, Overridden: true}}, false},
	}
	for _, c := range cases {
		r := GateReport{Action: c.action, Gates: c.gates}
		if got := r.OnlyBreakGlassBlocks(typed...); got != c.want {
			t.Errorf("%s: OnlyBreakGlassBlocks = %v, want %v", c.name, got, c.want)
		}
	}
	// Without the typed gates answered, the ticket still blocks.
	if (GateReport{Action: ActionRollback, Gates: []Gate{freeze, ticket}}).OnlyBreakGlassBlocks() {
		t.Error("a missing ticket is not answered by break-glass")
	}
}

func TestBreakGlassPreviewOverridesOnlyFreezeAndBudget(t *testing.T) {
	r := GateReport{Action: ActionPromote, Gates: []Gate{
		{Name: GateAuthorized, OK: true},
		{Name: GateNoFreeze, OK: true, BreakGlass: true},
		{Name: GateBudget, Reason: "spent", BreakGlass: true},
		{Name: GateTicket, Reason: "give one"},
	}}
	p := r.BreakGlassPreview(priya.User)
	if r.Gates[2].Overridden || r.BreakGlassUsed || len(r.Gates) != 4 {
		t.Fatal("the preview changed the report it was made from")
	}
	if !p.BreakGlassUsed {
		t.Error("the preview does not say break-glass is used")
	}
	if g, _ := p.Gate(GateBudget); !g.Overridden || !g.Passes() {
		t.Errorf("the spent budget is not overridden: %+v", g)
	}
	if g, _ := p.Gate(GateNoFreeze); g.Overridden {
		t.Errorf("a passing freeze gate was marked overridden: %+v", g)
	}
	if g, _ := p.Gate(GateTicket); g.Passes() {
		t.Error("break-glass answered the ticket")
	}
	g, ok := p.Gate(GateBreakGlass)
	if !ok || !g.OK || !strings.Contains(g.Reason, priya.User) {
		t.Errorf("no passing break_glass gate naming who: %+v", g)
	}
}
