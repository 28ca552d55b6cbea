package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/ui"
)

// TestTableFitsTheTerminal: on a terminal the widest columns give way until every line
// fits; cells are cut with the style's ellipsis and missing values read "-".
func TestTableFitsTheTerminal(t *testing.T) {
	cols := []column{{title: "A", max: 40, min: 3}, {title: "B", max: 40, min: 3}, {title: "C", max: 5, min: 1}}
	rows := [][]string{{strings.Repeat("a", 60), strings.Repeat("b", 30), cell("")}}
	for _, width := range []int{0, 50, 30} {
		var out bytes.Buffer
		writeColumns(&out, cols, rows, tableStyle{glyphs: ui.ASCIIGlyphs, width: width})
		for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if width > 0 && ui.Width(l) > width {
				t.Errorf("width %d: line of %d cells: %q", width, ui.Width(l), l)
			}
			if width == 0 && ui.Width(l) > 40+2+30+2+1 {
				t.Errorf("no terminal: line of %d cells exceeds the column maxima: %q", ui.Width(l), l)
			}
		}
		if !strings.Contains(out.String(), "...") || !strings.HasSuffix(strings.TrimSpace(out.String()), "-") {
			t.Errorf("width %d: no ASCII ellipsis or no '-' for the missing value:\n%s", width, out.String())
		}
	}
}
