package ui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

func testCommon() *Common { return &Common{Theme: themes.Mono(), Glyphs: UnicodeGlyphs} }

func TestColumnsGiveWayByImportanceAndNamesKeepTheirWidth(t *testing.T) {
	cols := []Column{
		{Title: "A"},
		{Title: "NAME", Min: 6, Flex: true, Name: true},
		{Title: "OPT1", Priority: 1},
		{Title: "SPARK", Min: 4, Max: 6, Tail: true, Priority: 2},
		{Title: "NOTE", Min: 4, Flex: true},
	}
	rows := []*Row{{Cells: []Cell{{Text: "aaaa"}, {Text: "prod-logistics-cost-report"}, {Text: "x"}, {Text: "▁▂▃▄▅▆▇█"}, {Text: "a long note here"}}}}
	for _, c := range []struct {
		width int
		want  []int
		wraps bool
	}{
		{100, []int{4, 26, 4, 6, 16}, false}, // room for everything
		{60, []int{4, 26, 4, 6, 12}, false},  // the flexible note gives way first
		{52, []int{4, 26, 4, 6, 4}, false},   // down to its minimum
		{51, []int{4, 26, 4, 0, 11}, false},  // then the sparkline (priority 2) goes, before the name is cut
		{40, []int{4, 26, 0, 0, 6}, false},   // then OPT1 (and the note has room again)
		{30, []int{4, 18, 0, 0, 4}, true},    // only then does the name get narrower: it wraps
	} {
		tb := newTabTable(testCommon(), cols, false)
		tb.SetRows(rows)
		tb.SetSize(c.width, 10)
		if !reflect.DeepEqual(tb.widths, c.want) || tb.wraps != c.wraps {
			t.Errorf("width %d: widths %v wraps %v, want %v wraps %v", c.width, tb.widths, tb.wraps, c.want, c.wraps)
		}
	}
}

func TestANameThatDoesNotFitWrapsWhole(t *testing.T) {
	c := testCommon()
	tb := newTabTable(c, []Column{{Title: "STATE"}, {Title: "NAME", Min: 10, Name: true}, {Title: "TOOK"}}, true)
	tb.SetRows([]*Row{
		{Key: "0", Cells: []Cell{{Text: "✗ failed"}, {Text: "prod-logistics-cost-report-hourly"}, {Text: "8m00s"}}},
		{Key: "1", Cells: []Cell{{Text: "✓ ok"}, {Text: "prod-logistics-cost-streaming"}, {Text: "15m"}}},
	})
	tb.SetSize(40, 8)
	v := ansi.Strip(tb.View())
	for _, piece := range []string{"prod-logistics-cost-", "report-hourly", "streaming"} {
		if !strings.Contains(v, piece) {
			t.Errorf("%q is not on screen: the names are not whole or wrapped:\n%s", piece, v)
		}
	}
	if strings.Contains(v, "…") {
		t.Errorf("a name was cut:\n%s", v)
	}
	lines := strings.Split(tb.View(), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want 8", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 40 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
}

func TestTableLinesAreExactlyTheWidth(t *testing.T) {
	c := &Common{Theme: themes.Dark(), Glyphs: UnicodeGlyphs}
	tb := &relTable{
		Cursor: true,
		Cols:   []Column{{Title: "STATE"}, {Title: "N", Right: true}, {Title: "SPARK", Tail: true, Max: 3}},
		Rows: []relRow{
			{Cells: []relCell{{Text: "✗ failed", Style: c.Theme.Failing}, {Text: "12"}, {Text: "▁▂▃▄▅"}}},
			{Span: []relCell{{Text: "a span line that is far too long for the width", Style: c.Theme.Muted}}},
		},
	}
	for _, w := range []int{10, 24, 80} {
		var v tabView
		lines := strings.Split(v.show(c, tb, w, 8).View(), "\n")
		for i, l := range lines {
			if got := ansi.StringWidth(l); got != w {
				t.Errorf("width %d line %d: %d cells", w, i, got)
			}
		}
	}
	var v tabView
	l := ansi.Strip(strings.Split(v.show(c, tb, 40, 8).View(), "\n")[1])
	if !strings.HasPrefix(l, UnicodeGlyphs.Cursor+" ✗ failed") || !strings.Contains(l, "12  ▃▄▅") {
		t.Errorf("selected row %q: want the cursor glyph, right-aligned numbers and the newest sparkline values", l)
	}
}

func TestSpanRowsWrapUnderTheirLastSegment(t *testing.T) {
	c := testCommon()
	tb := newTabTable(c, nil, false)
	tb.SetRows([]*Row{{Span: []relCell{{Text: "│  ├─ "}, {Text: "ecommerce.gold.daily_revenue -64% rows"}}}})
	tb.SetSize(30, 4)
	lines := strings.Split(ansi.Strip(tb.View()), "\n")
	if !strings.HasPrefix(lines[0], "│  ├─ ecommerce.gold.") || !strings.HasPrefix(lines[1], "      daily_revenue") {
		t.Errorf("want the table name wrapped under itself:\n%s", strings.Join(lines, "\n"))
	}
}

func TestSearchFindsRowsAndWraps(t *testing.T) {
	c := testCommon()
	tb := newTabTable(c, []Column{{Title: "NAME", Name: true}}, true)
	var rows []*Row
	for _, n := range []string{"alpha", "beta", "gamma", "alphabet"} {
		rows = append(rows, &Row{Key: n, Cells: []Cell{{Text: n}}})
	}
	tb.SetRows(rows)
	tb.SetSize(20, 10)
	for _, step := range []struct {
		query string
		dir   int
		want  string
	}{{"ALPHA", 1, "alphabet"}, {"", 1, "alpha"}, {"", -1, "alphabet"}, {"gam", 1, "gamma"}} {
		if !tb.Search(step.query, step.dir) || tb.Selected().Key != step.want {
			t.Errorf("search %q %d: on %v, want %s", step.query, step.dir, tb.Selected(), step.want)
		}
	}
	if tb.Search("zeta", 1) {
		t.Error("zeta found")
	}
}

func TestWrapWords(t *testing.T) {
	got := wrapWords("reading from warehouse x: \x1b[31mcontext deadline exceeded averyveryverylongword", 12, "…")
	want := []string{"reading from", "warehouse x:", "context", "deadline", "exceeded", "averyveryve…"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wrapWords = %q, want %q", got, want)
	}
}
