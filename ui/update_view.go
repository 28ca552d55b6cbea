package ui

import (
	"fmt"
	"strings"

	domain "github.com/release-cockpit/cockpit/model"
)

// updateBody draws the update screen's scrollable part at a width: why the update failed,
// its expectation results worst first (grouped by dataset), the errors and warnings of its
// flows, and its flows with their output rows. Every string from the workspace is cleaned
// and wrapped rather than cut.
func updateBody(c *Common, d domain.UpdateDetail, width int) []string {
	t, g := c.Theme, c.Glyphs
	var out []string
	line := func(segs ...relCell) { out = append(out, drawLine(c, width, segs...)) }
	wrapped := func(text, indent string, style relCell) {
		for _, l := range wrapWords(text, max(width-Width(indent), 10), g.Ellipsis) {
			line(relCell{indent, t.Base}, relCell{l, style.Style})
		}
	}
	title := func(text string) { line(relCell{text, t.Header}) }

	if d.SystemResultState() == "FAILED" {
		title("cause of failure")
		if len(d.Failure) == 0 {
			line(relCell{"  the event log names no error of the update itself; see the flows below", t.Muted})
		}
		for _, f := range d.Failure {
			wrapped(f, "  ", relCell{Style: t.Error})
		}
	}

	out = append(out, expectationLines(c, d.Expectations, width)...)

	title(fmt.Sprintf("flow errors and warnings (%d)", len(d.FlowErrors)))
	if len(d.FlowErrors) == 0 {
		line(relCell{"  none in the event log", t.Muted})
	}
	now := c.Time()
	for _, e := range d.FlowErrors {
		st := relStatus{g.Degraded, "warning", t.Degraded}
		if e.Level == "ERROR" {
			st = relStatus{g.Failing, "error", t.Failing}
		}
		line(relCell{"  ", t.Base}, st.cell(), relCell{"  " + e.Flow, t.Base}, relCell{"  " + clockText(now, e.At, true), t.Muted})
		wrapped(e.Message, "    ", relCell{Style: t.Base})
	}

	flows := &relTable{
		Empty: "  no flow reported progress",
		Cols: []Column{
			{Title: "STATE", Min: 9},
			{Title: "FLOW", Min: 12, Name: true},
			{Title: "ROWS", Right: true},
			{Title: "AT", Priority: 1},
		},
	}
	for _, f := range d.Flows {
		rows := mutedCell(c, "-")
		if f.HasRows {
			rows = plainCell(c, groupDigits(f.OutputRows))
		}
		flows.Rows = append(flows.Rows, relRow{Cells: []relCell{flowStatus(c, f.Status).cell(), plainCell(c, f.Name), rows, mutedCell(c, clockText(now, f.At, true))}})
	}
	flows.Notes = [][]relCell{{{fmt.Sprintf("flows (%d)", len(d.Flows)), t.Header}}}
	out = append(out, tableLines(c, flows, width)...)
	line(relCell{fmt.Sprintf("%d event(s) read from the update's event log", d.Events), t.Muted})
	return out
}

// expectationLines are the update's expectation results grouped by dataset, datasets in
// the order of their worst expectation, worst first within each.
func expectationLines(c *Common, es []domain.ExpectationResult, width int) []string {
	t := c.Theme
	p := domain.DefaultVerdictPolicy()
	es = domain.WorstExpectationsFirst(es)
	var datasets []string
	rows := map[string][]domain.ExpectationResult{}
	var passed, failed int64
	for _, e := range es {
		if _, ok := rows[e.Dataset]; !ok {
			datasets = append(datasets, e.Dataset)
		}
		rows[e.Dataset] = append(rows[e.Dataset], e)
		passed, failed = passed+e.PassedRecords, failed+e.FailedRecords
	}
	tb := &relTable{
		Empty: "  no expectation results in the event log",
		Cols: []Column{
			{Title: "STATUS", Min: 8},
			{Title: "EXPECTATION", Min: 12, Name: true},
			{Title: "PASSED", Right: true, Priority: 1},
			{Title: "FAILED", Right: true},
			{Title: "RATIO", Right: true},
		},
	}
	for _, ds := range datasets {
		tb.Rows = append(tb.Rows, relRow{Span: []relCell{{ds, t.Title}}})
		for _, e := range rows[ds] {
			r := e.FailureRatio()
			st := relStatus{c.Glyphs.Healthy, "ok", t.Healthy}
			switch {
			case r >= p.FailingRatio:
				st = relStatus{c.Glyphs.Failing, "failing", t.Failing}
			case r >= p.DegradedRatio:
				st = relStatus{c.Glyphs.Degraded, "elevated", t.Degraded}
			}
			tb.Rows = append(tb.Rows, relRow{Cells: []relCell{
				st.cell(), plainCell(c, e.Expectation), plainCell(c, groupDigits(e.PassedRecords)),
				plainCell(c, groupDigits(e.FailedRecords)), {percent(r), st.Style},
			}})
		}
	}
	// The same sum as the Data quality tab's summary: failed records over all records of
	// every expectation in this update.
	summary := fmt.Sprintf("expectations (%d on %d dataset(s)): %s of %s records failed (%s)",
		len(es), len(datasets), groupDigits(failed), groupDigits(passed+failed), homeRatio(failed, passed))
	tb.Notes = [][]relCell{{{summary, t.Header}}}
	return tableLines(c, tb, width)
}

// flowStatus shows a flow's status from the event log as a glyph and a word.
func flowStatus(c *Common, status string) relStatus {
	g, t := c.Glyphs, c.Theme
	switch status {
	case "COMPLETED":
		return relStatus{g.Healthy, "completed", t.Healthy}
	case "FAILED":
		return relStatus{g.Failing, "failed", t.Failing}
	case "RUNNING", "STARTING", "QUEUED", "PLANNING", "INITIALIZING":
		return relStatus{g.Provisional, strings.ToLower(status), t.Unknown}
	case "SKIPPED", "STOPPED", "EXCLUDED":
		return relStatus{g.Degraded, strings.ToLower(status), t.Degraded}
	case "":
		return relStatus{g.Unknown, "unknown", t.Unknown}
	}
	return relStatus{g.Unknown, strings.ToLower(Clean(status)), t.Unknown}
}

// tableLines draws a whole table (its notes, header and every row, names wrapped) at a
// width, for a screen that scrolls its body as lines.
func tableLines(c *Common, tb *relTable, width int) []string {
	t := newTabTable(c, tb.Cols, false)
	t.SetEmpty(tb.Empty)
	t.SetRows(tb.tableRows())
	t.SetSize(width, 1) // lays the columns out, so that rows know their height
	h := t.headerHeight()
	if len(tb.Rows) == 0 {
		h += max(1, len(wrap(Clean(tb.Empty), width-2)))
	}
	for _, r := range t.rows {
		h += t.rowHeight(r)
	}
	t.SetSize(width, h)
	var out []string
	for _, n := range tb.Notes {
		out = append(out, drawLine(c, width, n...))
	}
	return append(out, strings.Split(t.View(), "\n")...)
}
