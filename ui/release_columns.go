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

// noteLines draws the notes in width, one line each, cut; with WrapNotes, the last segment
// of a note that does not fit goes on over the next lines, indented under its start.
func (tb *relTable) noteLines(c *Common, width int) []string {
	var out []string
	for _, n := range tb.Notes {
		total := 0
		for _, s := range n {
			total += Width(Clean(s.Text))
		}
		if !tb.WrapNotes || len(n) == 0 || total <= width || width <= 0 {
			out = append(out, drawLine(c, width, n...))
			continue
		}
		head, last := n[:len(n)-1], n[len(n)-1]
		lead := total - Width(Clean(last.Text))
		if lead > width/2 {
			out = append(out, drawLine(c, width, head...))
			head, lead = nil, 0
		}
		for rest := Clean(last.Text); rest != ""; {
			piece := ansi.Truncate(rest, width-lead, "")
			if piece == "" { // a character wider than the room left
				piece = rest[:len(string([]rune(rest)[0]))]
			}
			rest = rest[len(piece):]
			segs := append(append([]relCell(nil), head...), relCell{piece, last.Style})
			if head == nil {
				segs = []relCell{{strings.Repeat(" ", lead), last.Style}, {piece, last.Style}}
			}
			out = append(out, drawLine(c, width, segs...))
			head = nil
		}
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
