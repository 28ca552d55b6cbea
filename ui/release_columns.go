package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The release and run screens draw their tabs as scrollable tables: a few fixed note lines,
// a column header, and rows of which only the visible ones are drawn. Columns size to their
// content within bounds, flexible columns take what is left, and optional columns are
// dropped, least useful first, when the terminal is narrow.

// relCell is one cell or one segment of a line: text from anywhere (cleaned and cut to fit
// when drawn) and its style.
type relCell struct {
	Text  string
	Style lipgloss.Style
}

// relCol describes a column.
type relCol struct {
	Title    string
	Min, Max int  // width bounds (Max 0: no bound); the content decides in between
	Flex     bool // grows into the width left over, up to its content
	Drop     int  // 0: always shown; otherwise dropped when narrow, highest first
	Right    bool // right-aligned (numbers)
	Tail     bool // when cut, keep the end (sparklines: the newest values)
}

// relRow is a row of cells, or, when Span is set, one line of segments across the whole
// width (section titles, tree lines).
type relRow struct {
	Cells []relCell
	Span  []relCell
	// Ref is what the row stands for (a job run the cursor can open); nil for none.
	Ref any
}

// relTable is one tab's content.
type relTable struct {
	Notes  [][]relCell // fixed lines above the header, each a line of segments
	Cols   []relCol    // no columns: rows are spans only and there is no header
	Rows   []relRow
	Empty  string // said when there are no rows
	Cursor bool   // rows are selected with a cursor (otherwise the tab just scrolls)
	// Ellipsis ends cut text: the glyph set's, so ASCII mode stays ASCII.
	Ellipsis string

	widths   []int // column widths at forWidth; 0 for a dropped column
	forWidth int
}

const relGap = 2 // spaces between columns

// gutter is the width of the cursor column.
func (t *relTable) gutter() int {
	if t.Cursor {
		return 2
	}
	return 0
}

// layout computes the column widths for a total width, once per width.
func (t *relTable) layout(width int) []int {
	if t.widths != nil && t.forWidth == width {
		return t.widths
	}
	avail := width - t.gutter()
	content := make([]int, len(t.Cols))
	ws := make([]int, len(t.Cols))
	for i, c := range t.Cols {
		content[i] = Width(c.Title)
		for _, r := range t.Rows {
			if r.Span == nil && i < len(r.Cells) {
				content[i] = max(content[i], Width(Clean(r.Cells[i].Text)))
			}
		}
		ws[i] = max(content[i], c.Min)
		if c.Max > 0 {
			ws[i] = min(ws[i], c.Max)
		}
		if c.Flex {
			ws[i] = c.Min
		}
	}
	total := func() int {
		n, sum := 0, 0
		for _, w := range ws {
			if w > 0 {
				n++
				sum += w
			}
		}
		return sum + relGap*max(n-1, 0)
	}
	for total() > avail {
		drop := -1
		for i, c := range t.Cols {
			if ws[i] > 0 && c.Drop > 0 && (drop < 0 || c.Drop > t.Cols[drop].Drop) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		ws[drop] = 0
	}
	extra := avail - total()
	for i, c := range t.Cols {
		if c.Flex && ws[i] > 0 && extra > 0 {
			want := content[i]
			if c.Max > 0 {
				want = min(want, c.Max)
			}
			grow := min(extra, max(want-ws[i], 0))
			ws[i] += grow
			extra -= grow
		}
	}
	t.widths, t.forWidth = ws, width
	return ws
}

// header draws the column titles.
func (t *relTable) header(th lipgloss.Style, width int) string {
	if len(t.Cols) == 0 {
		return ""
	}
	ws := t.layout(width)
	cells := make([]relCell, len(t.Cols))
	for i, c := range t.Cols {
		cells[i] = relCell{Text: c.Title, Style: th}
	}
	return padCut(strings.Repeat(" ", t.gutter())+t.joinCells(cells, ws, false), width)
}

// line draws row i; a selected row is drawn plain in the selection style behind the
// cursor glyph, so it shows without colour too.
func (t *relTable) line(c *Common, i, width int, selected bool) string {
	r := t.Rows[i]
	gutter := strings.Repeat(" ", t.gutter())
	if selected && t.Cursor {
		gutter = padCut(c.Glyphs.Cursor, t.gutter())
	}
	var body string
	if r.Span != nil {
		body = spanLine(r.Span, width-t.gutter(), selected, t.Ellipsis)
	} else {
		body = t.joinCells(r.Cells, t.layout(width), selected)
	}
	if selected {
		return c.Theme.Selected.Render(padCut(gutter+body, width))
	}
	return padCut(gutter+body, width)
}

// joinCells pads each visible cell to its column and joins them.
func (t *relTable) joinCells(cells []relCell, ws []int, plain bool) string {
	var b strings.Builder
	first := true
	for i, col := range t.Cols {
		w := ws[i]
		if w <= 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", relGap))
		}
		first = false
		var cell relCell
		if i < len(cells) {
			cell = cells[i]
		}
		text := FitWith(cell.Text, w, t.Ellipsis)
		if col.Tail {
			text = fitTail(cell.Text, w)
		}
		pad := strings.Repeat(" ", w-Width(text))
		if !plain {
			text = cell.Style.Render(text)
		}
		if col.Right {
			b.WriteString(pad + text)
		} else {
			b.WriteString(text + pad)
		}
	}
	return b.String()
}

// spanLine draws segments one after the other, each cut to what is left of the width.
func spanLine(segs []relCell, width int, plain bool, ellipsis string) string {
	var b strings.Builder
	left := width
	for _, s := range segs {
		if left <= 0 {
			break
		}
		text := FitWith(s.Text, left, ellipsis)
		left -= Width(text)
		if !plain {
			text = s.Style.Render(text)
		}
		b.WriteString(text)
	}
	return b.String()
}

// drawLine draws segments as one line of exactly width cells.
func drawLine(c *Common, width int, segs ...relCell) string {
	return padCut(spanLine(segs, width, false, c.Glyphs.Ellipsis), width)
}

// fitTail cleans s and keeps its last width cells.
func fitTail(s string, width int) string {
	s = Clean(s)
	if Width(s) <= width {
		return s
	}
	return ansi.TruncateLeft(s, Width(s)-width, "")
}

// padCut makes a drawn line (styles included) exactly width cells: cut or padded.
func padCut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "")
		w = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", width-w)
}

// wrapWords breaks workspace text into lines of at most width cells at spaces (wrap),
// cleaned, cutting words that do not fit on a line of their own.
func wrapWords(text string, width int, ellipsis string) []string {
	lines := wrap(Clean(text), width)
	for i, l := range lines {
		lines[i] = FitWith(l, width, ellipsis)
	}
	return lines
}

// relScroll is a tab's position: the first row shown and, in cursor tables, the selected row.
type relScroll struct {
	Offset, Cursor int
}

// move applies a movement of delta rows (or to the top or bottom) for n rows of which
// visible fit on screen.
func (s *relScroll) move(delta int, top, bottom bool, n, visible int, cursor bool) {
	visible = max(visible, 1)
	if !cursor {
		switch {
		case top:
			s.Offset = 0
		case bottom:
			s.Offset = n
		default:
			s.Offset += delta
		}
		s.Offset = max(0, min(s.Offset, n-visible))
		return
	}
	switch {
	case top:
		s.Cursor = 0
	case bottom:
		s.Cursor = n - 1
	default:
		s.Cursor += delta
	}
	s.Cursor = max(0, min(s.Cursor, n-1))
	s.follow(n, visible)
}

// clamp keeps the position inside n rows of which visible fit on screen (after a load or
// a resize); Update calls it, View only reads the position.
func (s *relScroll) clamp(n, visible int, cursor bool) {
	visible = max(visible, 1)
	if cursor {
		s.Cursor = max(0, min(s.Cursor, n-1))
		s.follow(n, visible)
		return
	}
	s.Offset = max(0, min(s.Offset, n-visible))
}

// follow keeps the cursor on screen.
func (s *relScroll) follow(n, visible int) {
	if s.Cursor < s.Offset {
		s.Offset = s.Cursor
	}
	if s.Cursor >= s.Offset+visible {
		s.Offset = s.Cursor - visible + 1
	}
	s.Offset = max(0, min(s.Offset, n-visible))
}
