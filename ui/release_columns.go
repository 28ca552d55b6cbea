package ui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The release and run screens' tabs are described by a relTable (a few fixed note lines,
// columns and rows) and drawn by the cockpit's one Table component (table.go), which lays
// the columns out, wraps names, scrolls and draws only the visible rows.

// relCell is one cell or one segment of a line: text from anywhere (cleaned and cut to fit
// when drawn) and its style.
type relCell struct {
	Text  string
	Style lipgloss.Style
}

// relRow is a row of cells, or, when Span is set, one line of segments across the whole
// width (section titles, tree lines).
type relRow struct {
	Cells []relCell
	Span  []relCell
	// Cont starts the further lines of a span that wraps (Row.SpanCont).
	Cont string
	// Ref is what the row stands for (a job run the cursor can open); nil for none.
	Ref any
}

// relTable is one tab's content: notes above the table, its columns and rows.
type relTable struct {
	Notes  [][]relCell // fixed lines above the header, each a line of segments
	Cols   []Column    // no columns: rows are spans only and there is no header
	Rows   []relRow
	Empty  string // said when there are no rows
	Cursor bool   // rows are selected with a cursor (otherwise the tab just scrolls)
	// WrapNotes: a note too wide continues its last segment on the next lines (a link
	// kept whole) instead of being cut.
	WrapNotes bool
}

// tableRows turns the rows into the Table's, keyed by their index so that a rebuilt tab
// (ages change every minute) keeps its cursor.
func (t *relTable) tableRows() []*Row {
	out := make([]*Row, len(t.Rows))
	for i, r := range t.Rows {
		row := &Row{Key: strconv.Itoa(i), Ref: r.Ref, Span: r.Span, SpanCont: r.Cont}
		if r.Span == nil {
			row.Cells = make([]Cell, len(r.Cells))
			row.styles = make([]lipgloss.Style, len(r.Cells))
			for j, c := range r.Cells {
				row.Cells[j] = Cell{Text: Clean(c.Text)}
				row.styles[j] = c.Style
			}
		}
		out[i] = row
	}
	return out
}

// tabView is a tab's Table, kept while the screen lives (its position survives the
// minute's rebuild), fed with the tab's rows when they change.
type tabView struct {
	table *Table
	built *relTable // the content it shows
}

// show makes v's table show tb in width x height (notes not included), creating it the
// first time; called from Update (after a load, a key, a resize) and, for a rebuilt tab,
// from View.
func (v *tabView) show(c *Common, tb *relTable, width, height int) *Table {
	if v.table == nil {
		v.table = newTabTable(c, tb.Cols, tb.Cursor)
	}
	if v.built != tb {
		v.built = tb
		v.table.SetEmpty(tb.Empty)
		v.table.SetRows(tb.tableRows())
	}
	v.table.SetSize(width, max(0, height-len(tb.noteLines(c, width))))
	return v.table
}

// drawTab draws a tab's notes and its table in height lines.
func drawTab(c *Common, tb *relTable, t *Table, width, height int) []string {
	var out []string
	out = append(out, tb.noteLines(c, width)...)
	if v := t.View(); v != "" {
		out = append(out, strings.Split(v, "\n")...)
	}
	return out[:min(len(out), max(height, 0))]
}

// noteLines draws the notes in width, one line each, cut; with WrapNotes, a note too wide
// goes on over the next lines instead (wrapNote).
func (tb *relTable) noteLines(c *Common, width int) []string {
	var out []string
	for _, n := range tb.Notes {
		if !tb.WrapNotes {
			out = append(out, drawLine(c, width, n...))
			continue
		}
		out = append(out, wrapNote(c, n, width)...)
	}
	return out
}

// wrapNote draws a line of segments in width, on one line when it fits (exactly as
// drawLine), else wrapped between words over as many lines as it takes (wrapCells), the
// further lines indented under the start of the last segment (a link after its label)
// when that start is in the left half, else not indented.
func wrapNote(c *Common, n []relCell, width int) []string {
	total := 0
	for _, s := range n {
		total += Width(Clean(s.Text))
	}
	if len(n) == 0 || total <= width || width <= 0 {
		return []string{drawLine(c, width, n...)}
	}
	lead := total - Width(Clean(n[len(n)-1].Text))
	if lead > width/2 {
		lead = 0
	}
	var out []string
	for _, l := range wrapCells(n, width, lead) {
		out = append(out, drawLine(c, width, l...))
	}
	return out
}

// wrapCells lays segments out over lines of at most width cells, breaking between words
// (at spaces, which are dropped at a break) and keeping every piece in its segment's
// style; a word too long for a line of its own starts where it is and is cut where each
// line ends (a link stays whole over lines). Lines after the first start with indent
// spaces. The text is cleaned first.
func wrapCells(segs []relCell, width, indent int) [][]relCell {
	type unit struct {
		r      rune
		w, seg int
	}
	var units []unit
	for i, s := range segs {
		for _, r := range Clean(s.Text) {
			units = append(units, unit{r, Width(string(r)), i})
		}
	}
	if width <= 0 {
		return nil
	}
	if indent >= width {
		indent = 0
	}
	var lines [][]unit
	var line []unit
	used := 0
	newLine := func() {
		lines = append(lines, line)
		line, used = nil, indent
	}
	widthOf := func(us []unit) int {
		n := 0
		for _, u := range us {
			n += u.w
		}
		return n
	}
	for i := 0; i < len(units); {
		// A gap (spaces) and the word after it.
		j := i
		for j < len(units) && units[j].r == ' ' {
			j++
		}
		k := j
		for k < len(units) && units[k].r != ' ' {
			k++
		}
		gap, word := units[i:j], units[j:k]
		i = k
		if len(word) == 0 {
			break // trailing spaces
		}
		start := len(lines) == 0 && len(line) == 0
		if !start && len(line) == 0 {
			gap = nil // a further line starts with its word
		}
		gw, ww := widthOf(gap), widthOf(word)
		switch {
		case used+gw+ww <= width:
			line, used = append(append(line, gap...), word...), used+gw+ww
			continue
		case len(line) > 0 && indent+ww <= width:
			newLine()
			line, used = append(line, word...), used+ww
			continue
		}
		// Too long for a line of its own: from here, cut at each line's end.
		if used+gw < width {
			line, used = append(line, gap...), used+gw
		} else if len(line) > 0 {
			newLine()
		}
		for _, u := range word {
			if used+u.w > width && len(line) > 0 {
				newLine()
			}
			line, used = append(line, u), used+u.w
		}
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	out := make([][]relCell, len(lines))
	for n, l := range lines {
		var cells []relCell
		if n > 0 && indent > 0 {
			cells = append(cells, relCell{Text: strings.Repeat(" ", indent)})
		}
		for a := 0; a < len(l); {
			b := a
			var text strings.Builder
			for b < len(l) && l[b].seg == l[a].seg {
				text.WriteRune(l[b].r)
				b++
			}
			cells = append(cells, relCell{text.String(), segs[l[a].seg].Style})
			a = b
		}
		out[n] = cells
	}
	return out
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
