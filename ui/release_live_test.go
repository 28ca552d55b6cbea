package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	domain "github.com/release-cockpit/cockpit/model"
)

// An update only the REST API knows yet is marked on the Runs tab like a live run, its
// duration the one its events gave, or unknown rather than "so far" when they were not
// read, and the tab says how many there are.
func TestTheRunsTabMarksTheUpdatesOnlyTheAPIKnows(t *testing.T) {
	c := testCommon()
	at := time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC)
	c.Now = func() time.Time { return at.Add(30 * time.Minute) }
	updates := []domain.PipelineUpdate{
		{UpdateID: "0b5c7d1e-aaaa-4bbb-8ccc-111111111111", PipelineID: "p1", Name: "prod-orders-dlt", UpdateType: "REFRESH", Start: at, End: at.Add(5 * time.Minute), ResultState: "COMPLETED"},
		{UpdateID: "9f3e2d1c-aaaa-4bbb-8ccc-222222222222", PipelineID: "p1", Name: "prod-orders-dlt", Start: at.Add(10 * time.Minute), ResultState: "FAILED", Live: true},
		{UpdateID: "4d2a6b8c-aaaa-4bbb-8ccc-333333333333", PipelineID: "p1", Name: "prod-orders-dlt", Start: at.Add(12 * time.Minute), End: at.Add(19 * time.Minute), ResultState: "COMPLETED", Live: true},
	}
	base := domain.DurationBaselines{Pipelines: map[string][]time.Duration{"p1": {5 * time.Minute, 5 * time.Minute, 5 * time.Minute}}}
	tb := runsTable(c, domain.Deployment{DeployedAt: at}, runsTabData{updates: updates, baselines: base})
	cells := map[string][]relCell{}
	for _, r := range tb.Rows {
		if u, ok := r.Ref.(domain.PipelineUpdate); ok {
			cells[u.UpdateID[:8]] = r.Cells
		}
	}
	if live, held := cells["9f3e2d1c"], cells["0b5c7d1e"]; live[2].Text != c.Glyphs.Provisional+"9f3e2d1c" || held[2].Text != "0b5c7d1e" {
		t.Errorf("ID cells %q and %q: want the live update marked %s and the other not", live[2].Text, held[2].Text, c.Glyphs.Provisional)
	} else if live[4].Text != "-" || held[4].Text != FormatDuration(5*time.Minute) {
		t.Errorf("TOOK cells %q and %q: want - for the live update (the API gives no end) and its duration", live[4].Text, held[4].Text)
	}
	if ended := cells["4d2a6b8c"]; ended[4].Text != FormatDuration(7*time.Minute) {
		t.Errorf("TOOK cell %q of a live update whose events said when it ended: want %q", ended[4].Text, FormatDuration(7*time.Minute))
	}
	// Each update is held against its pipeline's updates before the deploy, as a run against
	// its job's; one with no end known is not.
	if ended, held, live := cells["4d2a6b8c"], cells["0b5c7d1e"], cells["9f3e2d1c"]; !strings.Contains(ended[5].Text, "vs median") ||
		!strings.Contains(held[5].Text, "vs median") || live[5].Text != "-" || ended[6].Text == "" {
		t.Errorf("VS BASELINE cells %q, %q and %q (sparkline %q): want the ended updates against their pipeline's median, - without an end",
			ended[5].Text, held[5].Text, live[5].Text, ended[6].Text)
	}
	if all := notesText(tb); !strings.Contains(all, "2 pipeline update(s) only the REST API knows yet") {
		t.Errorf("the notes do not say an update is live: %q", all)
	}
}

// An expectation with records only the REST API knows yet is marked on the Data quality
// tab, which says how many are; when the live results are missing, it says so and why.
func TestTheQualityTabMarksWhatOnlyTheAPIKnows(t *testing.T) {
	c := testCommon()
	e := func(name string, passed, failed int64, live bool) domain.ExpectationDelta {
		return domain.ExpectationDelta{ExpectationResult: domain.ExpectationResult{PipelineID: "p", Dataset: "orders", Expectation: name,
			PassedRecords: passed, FailedRecords: failed}, BaselineRatio: 0.002, Live: live}
	}
	tb := qualityTable(c, []domain.ExpectationDelta{e("valid_id", 800, 200, true), e("not_null", 999, 1, false)})
	names := map[string]bool{}
	for _, r := range tb.Rows {
		if len(r.Cells) > 1 {
			names[r.Cells[1].Text] = true
		}
	}
	if !names[c.Glyphs.Provisional+"valid_id"] || !names["not_null"] {
		t.Errorf("EXPECTATION cells %v: want valid_id marked %s and not_null not", names, c.Glyphs.Provisional)
	}
	if all := notesText(tb); !strings.Contains(all, "1 expectation(s) count records only the REST API knows yet") {
		t.Errorf("the notes do not say an expectation is live: %q", all)
	}
	missing := fmt.Errorf("%w: the workspace's REST API did not answer in time", domain.ErrLiveFactsMissing)
	tb = withQualityLiveErr(c, qualityTable(c, []domain.ExpectationDelta{e("not_null", 999, 1, false)}), missing)
	if all := notesText(tb); !strings.Contains(all, "live facts missing: the workspace's REST API did not answer in time; these are the system tables' results") {
		t.Errorf("the notes do not say the live results are missing: %q", all)
	}
}

// A read of the Runs or Data quality tab whose live updates or results are missing keeps
// the tab (the warehouse's rows and the reason); any other error still fails it.
func TestReleaseTabsWithoutLiveUpdatesOrResultsKeepTheirRows(t *testing.T) {
	missing := fmt.Errorf("%w: not signed in to the workspace", domain.ErrLiveFactsMissing)
	src := newFakeSource()
	src.updates = []domain.PipelineUpdate{{UpdateID: "u1", PipelineID: "p1", Start: testNow.Add(-time.Hour)}}
	src.exps = []domain.ExpectationDelta{{ExpectationResult: domain.ExpectationResult{Dataset: "orders", Expectation: "valid_id", PassedRecords: 9}}}
	src.updatesErr, src.expsErr = missing, missing
	data, _, err := fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabRuns)
	if rd, ok := data.(runsTabData); err != nil || !ok || len(rd.updates) != 1 || len(rd.runs) != 2 || rd.liveErr == nil {
		t.Errorf("runs and updates without live facts: %+v, %v", data, err)
	}
	data, _, err = fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabQuality)
	if qd, ok := data.(qualityTabData); err != nil || !ok || len(qd.exps) != 1 || qd.liveErr == nil {
		t.Errorf("expectations without live facts: %+v, %v", data, err)
	}
	data, _, err = fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabLineage)
	if ld, ok := data.(lineageTabData); err != nil || !ok || ld.marksErr != nil || len(ld.exps) != 1 {
		t.Errorf("lineage marks without live results: %+v, %v", data, err)
	}
	src.updatesErr, src.expsErr = errors.New("warehouse down"), errors.New("warehouse down")
	if _, _, err := fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabRuns); err == nil {
		t.Error("a failed read of the updates did not fail the Runs tab")
	}
	if _, _, err := fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabQuality); err == nil {
		t.Error("a failed read of the expectations did not fail the Data quality tab")
	}
}

// While the system tables hold none of a young window's lineage, the lineage of the
// release's jobs and pipelines from before the deploy stands in (model.LineageTable's
// BeforeDeploy): the tree says they wrote it before the deploy, and the notes say why.
func TestTheLineageTabSaysWhenItsLineageIsFromBeforeTheDeploy(t *testing.T) {
	c := testCommon()
	d := domain.Deployment{Release: domain.Release{Bundle: "orders", Version: "1.2.0"}}
	rows := func(before bool) []domain.LineageTable {
		return []domain.LineageTable{
			{Direction: domain.LineageUpstream, Table: "main.bronze.orders", BeforeDeploy: before},
			{Direction: domain.LineageWritten, Table: "main.silver.orders", BeforeDeploy: before},
			{Direction: domain.LineageDownstream, Hops: 1, Table: "main.gold.revenue", Via: "main.silver.orders", Consumer: "42", ConsumerName: "revenue-dlt", BeforeDeploy: before},
		}
	}
	for _, before := range []bool{false, true} {
		tb := lineageTable(c, d, lineageTabData{tables: rows(before)})
		var spans []string
		for _, r := range tb.Rows {
			var line string
			for _, s := range r.Span {
				line += s.Text
			}
			spans = append(spans, line)
		}
		var lines []string
		for _, n := range tb.Notes {
			var line string
			for _, cell := range n {
				line += cell.Text
			}
			lines = append(lines, line)
		}
		tree, notes := strings.Join(spans, "\n"), strings.Join(lines, "\n")
		said := strings.Contains(notes, "lineage from the week before the deploy") && strings.Contains(notes, "1 table(s) written before the deploy")
		wrote := strings.Contains(tree, "orders@1.2.0 (its jobs and pipelines) wrote before the deploy")
		if said != before || wrote != before {
			t.Errorf("lineage before the deploy %v: the notes say so %v, the tree says so %v:\n%s\n%s", before, said, wrote, notes, tree)
		}
		if !strings.Contains(tree, "main.gold.revenue") || !strings.Contains(notes, "blast radius: 1 consumer(s)") {
			t.Errorf("lineage before the deploy %v: the tree or blast radius lost the consumer:\n%s\n%s", before, notes, tree)
		}
	}
}
