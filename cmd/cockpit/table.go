package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
)

// column is one column of a plain-text table: its title, the most cells it takes (0: no
// limit) and the fewest it may be squeezed to on a narrow terminal.
type column struct {
	title    string
	max, min int
}

// tableStyle says how plain-text output is drawn: the glyphs (Unicode or ASCII), whether
// columns are cut to their maximum width (not with --wide), and the width of the terminal
// to fit (0: not a terminal, no fitting).
type tableStyle struct {
	glyphs ui.Glyphs
	wide   bool
	width  int
}

// style is the table style of the flags and of where stdout goes.
func (g *globals) style() tableStyle {
	s := tableStyle{glyphs: ui.UnicodeGlyphs, wide: g.wide, width: terminalWidth(g.stdout)}
	if g.tui.ascii {
		s.glyphs = ui.ASCIIGlyphs
	}
	return s
}

// terminalWidth is the width of w when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}

// cell makes a workspace string safe to print: escape sequences and controls removed,
// missing shown as "-" rather than as an empty cell that reads like data.
func cell(s string) string {
	s = strings.TrimSpace(ui.Clean(s))
	if s == "" {
		return "-"
	}
	return s
}

// writeColumns prints rows under a header, two spaces between columns. Each cell is cut
// with an ellipsis to its column's maximum width (unless wide), and on a terminal the
// widest columns give way until the line fits.
func writeColumns(w io.Writer, cols []column, rows [][]string, st tableStyle) {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = ui.Width(c.title)
		for _, r := range rows {
			widths[i] = max(widths[i], ui.Width(r[i]))
		}
		if !st.wide && c.max > 0 {
			widths[i] = min(widths[i], c.max)
		}
	}
	if st.width > 0 && !st.wide {
		fitColumns(widths, cols, st.width)
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			text := ui.FitWith(c, widths[i], st.glyphs.Ellipsis)
			b.WriteString(text)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ui.Width(text)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	line(titles)
	for _, r := range rows {
		line(r)
	}
}

// fitColumns narrows the widest columns, one cell at a time, down to their minimum, until
// the line (with two spaces between columns) fits the terminal.
func fitColumns(widths []int, cols []column, width int) {
	total := func() int {
		n := 2 * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for total() > width {
		widest := -1
		for i, w := range widths {
			if w > max(cols[i].min, 1) && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}

// skippedLine is the one line that says how many ledger rows were left out of a listing
// and why, and where to find them; empty when none were.
func skippedLine(env string, s model.Skipped) string {
	if s.Total() == 0 {
		return ""
	}
	return fmt.Sprintf("%s: %s: `cockpit doctor` lists their event ids", env, s)
}
