package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	domain "github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// Issue 13 at 80 columns: what identifies a thing (a consumer's name, a run or update id)
// and what the board answers (what blocks a promotion) wrap whole; nothing is cut to a
// shared prefix.

// columnText is a cell of a row as the table draws it at its width: the pieces of every
// line the row takes, without the spaces the wrap added or dropped.
func columnText(t *Table, r *Row, col int) string {
	var b strings.Builder
	for _, l := range t.cellLines(r) {
		b.WriteString(l[col])
	}
	return strings.ReplaceAll(b.String(), " ", "")
}

// The Lineage tab at 80x24: every consumer's name is on one line, whole, and a tree line
// that wraps goes on under its pipes (│), so the tree still reads as a tree.
func TestLineageAt80KeepsNamesWholeAndWrapsInsideTheTree(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabLineage, 80, 24)
	tl := s.list()
	if tl.width != 80 {
		t.Fatalf("the tab's table is %d wide", tl.width)
	}
	var drawn []string
	wrapped := 0
	for _, r := range tl.rows {
		var lines []string
		for _, segs := range tl.cellLines(r) {
			lines = append(lines, strings.Join(segs, ""))
		}
		if r.SpanCont == "" {
			t.Fatalf("the tree line %q has no continuation", lines[0])
		}
		for _, l := range lines[1:] {
			wrapped++
			if !strings.HasPrefix(l, r.SpanCont) {
				t.Errorf("a wrapped line of %q does not go on under the tree's pipes %q: %q", lines[0], r.SpanCont, l)
			}
		}
		drawn = append(drawn, lines...)
	}
	if wrapped == 0 {
		t.Fatal("no lineage line wraps at 80 columns: the test needs one")
	}
	piped := false
	for _, r := range tl.rows {
		piped = piped || strings.Contains(r.SpanCont, strings.TrimSpace(UnicodeGlyphs.TreePipe))
	}
	if !piped {
		t.Error("no continuation repeats the tree's pipe")
	}
	text := strings.Join(drawn, "\n")
	for _, l := range s.tabs[tabLineage].data.(lineageTabData).tables {
		if l.ConsumerName != "" && !strings.Contains(text, l.ConsumerName) {
			t.Errorf("the consumer %q is not whole on one line:\n%s", l.ConsumerName, text)
		}
	}
	body := strings.Split(ansi.Strip(s.View()), "\n")[s.headerHeight():]
	if v := strings.Join(body, "\n"); strings.Contains(v, UnicodeGlyphs.Ellipsis) {
		t.Errorf("something is cut on the Lineage tab at 80x24:\n%s", v)
	}
}

// The Cost tab at 80x24: every run id and update id is whole (wrapped when it must be).
func TestCostAt80KeepsRunAndUpdateIDsWhole(t *testing.T) {
	s := openIncident(t, relCommon(t, themes.Mono(), UnicodeGlyphs), tabCost, 80, 24)
	tl := s.list()
	cost := s.tabs[tabCost].data.(domain.Cost)
	if len(cost.Items) == 0 || len(tl.rows) != len(cost.Items) {
		t.Fatalf("%d rows for %d items", len(tl.rows), len(cost.Items))
	}
	uuid := false
	for i, it := range cost.Items {
		if got := columnText(tl, tl.rows[i], 2); got != it.RunID {
			t.Errorf("row %d shows the id %q, want %q whole", i, got, it.RunID)
		}
		uuid = uuid || len(it.RunID) > 30
	}
	if !uuid {
		t.Error("no update id among the costs: the test needs a long id")
	}
	if v := ansi.Strip(s.View()); strings.Contains(v, "-"+UnicodeGlyphs.Ellipsis) || strings.Contains(v, "0"+UnicodeGlyphs.Ellipsis) {
		t.Errorf("an id is cut:\n%s", v)
	}
}

// The promotion board at 80x24: what blocks a promotion wraps whole in BLOCKED BY.
func TestBoardAt80SaysWhatBlocksWhole(t *testing.T) {
	m := startRoot(t, rootCommon(t, themes.Mono()), rootOptions(), 80, 24)
	sendKeys(t, m, "B")
	b, ok := m.stack[len(m.stack)-1].(*board)
	if !ok {
		t.Fatalf("B opened %T", m.stack[len(m.stack)-1])
	}
	col := len(b.table.cols) - 1
	if b.table.cols[col].Title != "BLOCKED BY" || b.table.widths[col] == 0 {
		t.Fatalf("BLOCKED BY is not shown at 80 columns")
	}
	blocked := 0
	for _, r := range b.table.rows {
		want := strings.ReplaceAll(r.Cells[col].Text, " ", "")
		if got := columnText(b.table, r, col); got != want {
			t.Errorf("%s: BLOCKED BY shows %q, want %q whole", r.Key, got, r.Cells[col].Text)
		}
		if strings.Contains(r.Cells[col].Text, "approval") {
			blocked++
		}
	}
	if blocked == 0 {
		t.Error("no bundle waits for an approval: the test needs a long BLOCKED BY")
	}
	plain := ansi.Strip(rootFrame(m))
	if !strings.Contains(plain, "(asked by") {
		t.Errorf("the blocked row does not say who asked at 80x24:\n%s", plain)
	}
}
