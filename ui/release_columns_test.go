package ui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

func TestColumnsSizeToContentAndDropOptionalOnesWhenNarrow(t *testing.T) {
	tb := func() *relTable {
		return &relTable{
			Cols: []relCol{
				{Title: "A"},
				{Title: "NAME", Min: 6, Flex: true},
				{Title: "OPT1", Drop: 1},
				{Title: "OPT2", Drop: 2},
			},
			Rows: []relRow{{Cells: []relCell{{Text: "aaaa"}, {Text: "a long name here"}, {Text: "x"}, {Text: "yyyyyy"}}}},
		}
	}
	for _, c := range []struct {
		width int
		want  []int
	}{
		{100, []int{4, 16, 4, 6}}, // room for everything: the flexible column takes its content
		{34, []int{4, 14, 4, 6}},  // the flexible column gives way first
		{26, []int{4, 6, 4, 6}},   // down to its minimum
		{25, []int{4, 13, 4, 0}},  // then OPT2 (dropped first) goes, and NAME grows back
		{16, []int{4, 10, 0, 0}},  // then OPT1
		{5, []int{4, 6, 0, 0}},    // never the others: the line is cut
	} {
		if got := tb().layout(c.width); !reflect.DeepEqual(got, c.want) {
			t.Errorf("width %d: widths %v, want %v", c.width, got, c.want)
		}
	}
}

func TestTableLinesAreExactlyTheWidth(t *testing.T) {
	c := &Common{Theme: themes.Dark(), Glyphs: UnicodeGlyphs}
	tb := &relTable{
		Cursor: true,
		Cols:   []relCol{{Title: "STATE"}, {Title: "N", Right: true}, {Title: "SPARK", Tail: true, Max: 3}},
		Rows: []relRow{
			{Cells: []relCell{{Text: "✗ failed", Style: c.Theme.Failing}, {Text: "12"}, {Text: "▁▂▃▄▅"}}},
			{Span: []relCell{{Text: "a span line that is far too long for the width", Style: c.Theme.Muted}}},
		},
	}
	for _, w := range []int{10, 24, 80} {
		for i := range tb.Rows {
			for _, sel := range []bool{false, true} {
				if got := ansi.StringWidth(tb.line(c, i, w, sel)); got != w {
					t.Errorf("width %d row %d selected %v: %d cells", w, i, sel, got)
				}
			}
		}
	}
	if l := ansi.Strip(tb.line(c, 0, 40, true)); !strings.HasPrefix(l, UnicodeGlyphs.Cursor+" ✗ failed") || !strings.Contains(l, "12  ▃▄▅") {
		t.Errorf("selected row %q: want the cursor glyph, right-aligned numbers and the newest sparkline values", l)
	}
}

func TestWrapWords(t *testing.T) {
	got := wrapWords("reading from warehouse x: \x1b[31mcontext deadline exceeded averyveryverylongword", 12, "…")
	want := []string{"reading from", "warehouse x:", "context", "deadline", "exceeded", "averyveryve…"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wrapWords = %q, want %q", got, want)
	}
}
