package ui

import (
	"fmt"
	"math"
	"sort"

	domain "github.com/release-cockpit/cockpit/model"
)

// qualityRank orders expectations worst first: a regression past the failing ratio, a
// regression past the degraded ratio, an elevated but steady failure rate, expectations
// no longer checked, then the rest.
func qualityRank(e domain.ExpectationDelta, p domain.VerdictPolicy) int {
	r := e.FailureRatio()
	switch {
	case e.Dropped:
		return 1
	case e.Regressed(p.RegressionFactor) && r >= p.FailingRatio:
		return 4
	case e.Regressed(p.RegressionFactor) && r >= p.DegradedRatio:
		return 3
	case r >= p.DegradedRatio:
		return 2
	}
	return 0
}

// qualityStatus shows an expectation's rank as a glyph and a word.
func qualityStatus(c *Common, rank int) relStatus {
	g, t := c.Glyphs, c.Theme
	switch rank {
	case 4:
		return relStatus{g.Failing, "regressed", t.Failing}
	case 3:
		return relStatus{g.Degraded, "regressed", t.Degraded}
	case 2:
		return relStatus{g.Degraded, "elevated", t.Degraded}
	case 1:
		return relStatus{g.Unknown, "not run", t.Unknown}
	}
	return relStatus{g.Healthy, "ok", t.Healthy}
}

// qualityTable is the Data quality tab: expectations grouped by dataset, datasets and the
// expectations in them worst first (by rank, then by failed records: the expectation that
// lost the most rows leads), each with its failure ratio and the change in points against
// the previous deployment.
func qualityTable(c *Common, es []domain.ExpectationDelta) *relTable {
	t := c.Theme
	p := domain.DefaultVerdictPolicy()
	es = append([]domain.ExpectationDelta(nil), es...)
	worse := func(a, b domain.ExpectationDelta) bool {
		ra, rb := qualityRank(a, p), qualityRank(b, p)
		if ra != rb {
			return ra > rb
		}
		if a.FailedRecords != b.FailedRecords {
			return a.FailedRecords > b.FailedRecords
		}
		return a.FailureRatio() > b.FailureRatio()
	}
	sort.SliceStable(es, func(i, j int) bool {
		if worse(es[i], es[j]) != worse(es[j], es[i]) {
			return worse(es[i], es[j])
		}
		if es[i].Dataset != es[j].Dataset {
			return es[i].Dataset < es[j].Dataset
		}
		return es[i].Expectation < es[j].Expectation
	})
	// Datasets in the order of their worst expectation; rows stay worst first within each.
	var datasets []string
	rows := map[string][]domain.ExpectationDelta{}
	for _, e := range es {
		if _, ok := rows[e.Dataset]; !ok {
			datasets = append(datasets, e.Dataset)
		}
		rows[e.Dataset] = append(rows[e.Dataset], e)
	}
	tb := &relTable{
		Empty: "no expectation results: the release's pipelines have not run an update since the deploy",
		Cols: []Column{
			{Title: "STATUS", Min: 8},
			{Title: "EXPECTATION", Min: 12, Flex: true, Name: true},
			{Title: "PASSED", Right: true, Priority: 2},
			{Title: "FAILED", Right: true},
			{Title: "RATIO", Right: true},
			{Title: "PREVIOUS", Right: true, Priority: 1},
			{Title: "CHANGE", Right: true},
		},
	}
	var passed, failed, basePassed, baseFailed int64
	live := 0
	for _, ds := range datasets {
		first := rows[ds][0]
		tb.Rows = append(tb.Rows, relRow{Span: []relCell{{ds, t.Title}, {"  pipeline " + shortID(first.PipelineID), t.Muted}}})
		for _, e := range rows[ds] {
			passed, failed = passed+e.PassedRecords, failed+e.FailedRecords
			basePassed, baseFailed = basePassed+e.BaselinePassed, baseFailed+e.BaselineFailed
			rank := qualityRank(e, p)
			st := qualityStatus(c, rank)
			ratio := relCell{percent(e.FailureRatio()), t.Base}
			if rank >= 3 {
				ratio.Style = st.Style
			}
			prev, change := mutedCell(c, "none"), mutedCell(c, "new")
			if e.BaselineRatio >= 0 {
				prev = mutedCell(c, percent(e.BaselineRatio))
				change = relCell{points(e.FailureRatio() - e.BaselineRatio), t.Base}
				if rank >= 3 {
					change.Style = st.Style
				}
			}
			cur := []relCell{plainCell(c, groupDigits(e.PassedRecords)), plainCell(c, groupDigits(e.FailedRecords)), ratio}
			if e.Dropped {
				cur = []relCell{mutedCell(c, "-"), mutedCell(c, "-"), mutedCell(c, "-")}
				change = mutedCell(c, "not run")
			}
			name := plainCell(c, e.Expectation)
			if e.Live {
				live++
				name.Text = c.Glyphs.Provisional + e.Expectation
			}
			tb.Rows = append(tb.Rows, relRow{Cells: append(append([]relCell{st.cell(), name}, cur...), prev, change)})
		}
	}
	tb.WrapNotes = true // the summary says what it counts: whole, at 80 columns too
	tb.Notes = [][]relCell{
		qualitySummary(c, len(es), len(datasets), passed, failed, basePassed, baseFailed),
		{{"a row is one expectation's ratio; a check's OBSERVED (2 Checks) is its own", t.Muted}},
	}
	if live > 0 {
		tb.Notes = append(tb.Notes, []relCell{{fmt.Sprintf("%s %d expectation(s) count records only the REST API knows yet: the system tables arrive about an hour late", c.Glyphs.Provisional, live), t.Muted}})
	}
	return tb
}

// withQualityLiveErr adds to the Data quality tab the line saying that the results only the
// REST API knows yet are missing, and why, when they are: the rows are the warehouse's.
func withQualityLiveErr(c *Common, tb *relTable, liveErr error) *relTable {
	if liveErr != nil {
		tb.Notes = append(tb.Notes, []relCell{{Clean(liveErr.Error()) + "; these are the system tables' results, which may lack the last hour's", c.Theme.Warning}})
	}
	return tb
}

// qualitySummary says what the tab counts: failed records over the records of every
// expectation, with two decimals as the home's EXP column shows the same ratio (each row
// below is one expectation's own ratio, which the header's reasons quote; the Checks tab's
// expectations check reports what it measured itself).
func qualitySummary(c *Common, n, datasets int, passed, failed, basePassed, baseFailed int64) []relCell {
	t := c.Theme
	note := []relCell{
		{fmt.Sprintf("%s of %s records failed (%s, the home's EXP)", groupDigits(failed), groupDigits(passed+failed), homeRatio(failed, passed)), t.Base},
		{fmt.Sprintf(" over %d expectation(s) on %d dataset(s)", n, datasets), t.Base},
	}
	if basePassed+baseFailed > 0 {
		note = append(note, relCell{", previous deployment " + homeRatio(baseFailed, basePassed), t.Muted})
	}
	return note
}

// homeRatio is failed over all records written as the home's EXP column writes it
// (ratioText: "5.92%", "-" when nothing was checked).
func homeRatio(failed, passed int64) string {
	s, _ := ratioText(domain.Health{RecordsPassed: passed, RecordsFailed: failed})
	return s
}

// percent writes a ratio as a percentage with one decimal; a small non-zero ratio reads
// "<0.1%" rather than a misleading "0.0%".
func percent(r float64) string {
	if r > 0 && r < 0.0005 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", 100*r)
}

// points writes a change of ratio in percentage points: "+18.4 pts", "-0.1 pts", "0.0 pts".
func points(d float64) string {
	p := math.Round(1000*d) / 10
	switch {
	case p > 0:
		return fmt.Sprintf("+%.1f pts", p)
	case p < 0:
		return fmt.Sprintf("-%.1f pts", -p)
	}
	return "0.0 pts"
}
