package ui

import (
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/model"
)

// Each row says the error budget left where its promotion would be judged: the
// environment its release waits for, else the last one; a spent budget blocks what waits.
func TestTheBoardShowsTheBudgetLeftWhereThePromotionWouldBeJudged(t *testing.T) {
	cell := func(env string) model.BoardCell {
		return model.BoardCell{Environment: env, HasCurrent: true,
			Current: model.LedgerDeployment{Deployment: model.Deployment{Release: model.Release{Bundle: "kpi", Version: "1.2"}}}}
	}
	cells := []model.BoardCell{cell("dev"), cell("staging"), cell("prod")}
	const budgetCol = boardColFirst + 4 // after the three environments and WAITING
	if got := boardColumns([]string{"dev", "staging", "prod"})[budgetCol].Title; got != "BUDGET" {
		t.Fatalf("column %d is %q, want BUDGET", budgetCol, got)
	}
	toStaging := boardEntry{Bundle: "kpi", Cells: cells, Wait: &boardWait{Version: "1.2", From: "dev", To: "staging"}}
	left := map[string]model.Budget{"prod": {Remaining: 0.42}, "staging": {Remaining: 0.9}}
	if got := boardRow(UnicodeGlyphs, toStaging, left).Cells[budgetCol]; got.Text != "90%" {
		t.Errorf("a release waiting for staging shows %+v, want staging's budget (90%%)", got)
	}
	idle := boardEntry{Bundle: "kpi", Cells: cells}
	if got := boardRow(UnicodeGlyphs, idle, left).Cells[budgetCol]; got.Text != "42%" {
		t.Errorf("a bundle with nothing waiting shows %+v, want the last environment's budget (42%%)", got)
	}
	spent := map[string]model.Budget{"prod": {Remaining: -0.3, Spent: true}}
	if c := boardRow(UnicodeGlyphs, idle, spent).Cells[budgetCol]; c.Text != "spent" || c.Tone != ToneDegraded {
		t.Errorf("a spent budget: %+v", c)
	}
	for name, b := range map[string]map[string]model.Budget{"no data": {"prod": {NoData: true}}, "not read": nil, "another environment's": {"staging": {Remaining: 0.5}}} {
		if c := boardRow(UnicodeGlyphs, idle, b).Cells[budgetCol]; c.Text != "-" {
			t.Errorf("%s budget, yet %+v", name, c)
		}
	}

	// model.Board judges the budget gate with it: a spent budget in prod blocks the waiting release.
	pol := model.Policy{Environments: []model.EnvPolicy{{Name: "staging"}, {Name: "prod", SLO: model.DefaultSLO()}}}
	pol.Environments[1].SLO.Gate = true
	st := model.DeriveState("kpi", []model.LedgerEvent{
		{EventID: "d1", Bundle: "kpi", Version: "1.2", Environment: "staging", Kind: model.EventDeploySucceeded, Status: "succeeded", At: testNow.Add(-48 * 3600e9)},
		{EventID: "v1", Bundle: "kpi", Version: "1.2", Environment: "staging", Kind: model.EventVerdict, Status: "healthy", At: testNow.Add(-47 * 3600e9)},
	})
	entries := buildBoard(boardInput{States: []model.BundleState{st}, Policy: pol, Now: testNow,
		Budgets: map[string]map[string]model.Budget{"kpi": {"prod": {Remaining: -0.3, Spent: true}}}})
	if len(entries) != 1 || entries[0].Wait == nil || !strings.Contains(strings.Join(entries[0].Wait.Blocks, ","), "budget spent") {
		t.Errorf("a spent prod budget does not block the waiting release: %+v", entries)
	}
}
