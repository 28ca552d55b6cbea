package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

func tabCommon() *Common {
	return &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs, Now: func() time.Time { return testNow }}
}

func rowTexts(tb *relTable) []string {
	var out []string
	for _, r := range tb.Rows {
		var parts []string
		for _, c := range append(r.Span, r.Cells...) {
			parts = append(parts, c.Text)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func TestChecksShowTheLatestReportFailuresFirstAndSayWhenThereIsNoData(t *testing.T) {
	at := func(m int) time.Time { return testNow.Add(time.Duration(m) * time.Minute) }
	tb := checksTable(tabCommon(), domain.Deployment{DeployedAt: at(-35)}, []domain.Check{
		{Name: "sla", Phase: domain.PhasePost, Outcome: domain.OutcomePending, At: at(-30)},
		{Name: "tests", Phase: domain.PhasePre, Outcome: domain.OutcomePass, At: at(-40)},
		{Name: "sla", Phase: domain.PhasePost, Outcome: domain.OutcomeInconclusive, NoData: true, Threshold: "p95 ≤ 20m", At: at(-5)},
		{Name: "freshness", Phase: domain.PhasePost, Outcome: domain.OutcomeFail, Observed: "written 3h ago", At: at(-10)},
	})
	want := []string{
		"✗ fail|freshness|post|written 3h ago||11:50:00",
		"? inconclusive|sla|post|no data|p95 ≤ 20m|11:55:00",
		"✓ pass|tests|pre|||11:20:00",
		"earlier reports (1), replaced by the ones above",
		"~ pending|sla|post|||11:30:00",
	}
	if got := rowTexts(tb); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Counted as the home counts them (since the deploy), then those before it.
	if n := tb.Notes[0][0].Text; n != "2 check(s) since the deploy (the home's CHECKS 0/2 1✗): 1 fail, 1 inconclusive" {
		t.Errorf("summary %q", n)
	}
	if n := tb.Notes[1][0].Text; n != "1 before the deploy (pre-deploy): 1 pass" {
		t.Errorf("pre-deploy summary %q", n)
	}
}

func TestDataQualityRanksRegressionsFirstAndMarksNewAndDroppedExpectations(t *testing.T) {
	e := func(ds, name string, passed, failed int64, base float64, dropped bool) warehouse.ExpectationDelta {
		return warehouse.ExpectationDelta{ExpectationResult: domain.ExpectationResult{PipelineID: "p", Dataset: ds, Expectation: name,
			PassedRecords: passed, FailedRecords: failed}, BaselineRatio: base, Dropped: dropped}
	}
	tb := qualityTable(tabCommon(), []warehouse.ExpectationDelta{
		e("a", "steady", 97, 3, 0.03, false),    // 3% every time: failing, not regressed
		e("a", "fine", 1000, 1, 0.001, false),   // ok
		e("b", "jumped", 80, 20, 0.002, false),  // regressed past 5%
		e("b", "brand_new", 98, 2, -1, false),   // no baseline: regressed past 1%
		e("a", "gone", 0, 0, 0.01, true),        // only the previous deployment checked it
		e("b", "bigger_jump", 0, 0, 0.01, true), // dropped too
	})
	want := []string{
		"b|  pipeline p",
		"✗ regressed|jumped|80|20|20.0%|0.2%|+19.8 pts",
		"! regressed|brand_new|98|2|2.0%|none|new",
		"? not run|bigger_jump|-|-|-|1.0%|not run",
		"a|  pipeline p",
		"! elevated|steady|97|3|3.0%|3.0%|0.0 pts",
		"? not run|gone|-|-|-|1.0%|not run",
		"✓ ok|fine|1,000|1|0.1%|0.1%|0.0 pts",
	}
	if got := rowTexts(tb); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAuditDetailsSayWhatEachEventWasAbout(t *testing.T) {
	c := tabCommon()
	for _, tc := range []struct {
		e    domain.LedgerEvent
		want string
	}{
		{domain.LedgerEvent{Environment: "prod", Kind: domain.EventCheck, Details: `{"name":"sla","phase":"post"}`, Ticket: "CHG-1"}, "sla (post); CHG-1"},
		{domain.LedgerEvent{Environment: "prod", Details: `{"action":"rollback","from":"2","to":"1"}`, Reason: "bad data", RunID: 7}, "rollback 2 → 1; reason: bad data; run 7"},
		{domain.LedgerEvent{Environment: "staging", Kind: domain.EventVetoed, Details: `not json`}, "in staging"},
	} {
		if got := eventDetails(c, "prod", tc.e); got != tc.want {
			t.Errorf("details %q, want %q", got, tc.want)
		}
	}
}
