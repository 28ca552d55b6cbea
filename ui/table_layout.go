package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// The table's layout (Column describes the rule) and its rendering: cells cut, aligned
// and styled, names wrapped, lines cached per row.

// measure records each column's widest cell over every row (the filter does not change
// the layout) and lays the columns out again when that changed.
func (t *Table) measure() {
	content := make([]int, len(t.cols))
	for i, c := range t.cols {
		content[i] = Width(c.Title) + t.sortMarkWidth(i)
	}
	for _, r := range t.rows {
		for i := range min(len(r.Cells), len(content)) {
			if w := cellWidth(r.Cells[i].Text); w > content[i] {
				content[i] = w
			}
		}
	}
	if !slicesEqual(content, t.content) {
		t.content = content
		t.layout()
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cellWidth is Width, without its cost for plain ASCII (most cells).
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return Width(s)
		}
	}
	return len(s)
}

// want is the width column i asks for: its content within its bounds.
func (t *Table) want(i int) int {
	c := t.cols[i]
	w := max(t.content[i], c.Min, Width(c.Title)+t.sortMarkWidth(i))
	if c.Max > 0 {
		w = min(w, max(c.Max, c.Min))
	}
	return w
}

// layout decides column widths for the current width and content (see Column).
func (t *Table) layout() {
	t.header = ""
	t.gen = nextGen()
	avail := t.width - t.gutter
	w := t.widths
	for i, c := range t.cols {
		w[i] = t.want(i)
		if c.Flex && !c.Name {
			w[i] = max(c.Min, Width(c.Title)+t.sortMarkWidth(i))
		}
	}
	// Optional columns give way, least important first.
	for t.rowWidth() > avail {
		drop := -1
		for i, c := range t.cols {
			if w[i] > 0 && c.Priority > 0 && (drop < 0 || c.Priority >= t.cols[drop].Priority) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		w[drop] = 0
	}
	// A column dropped early may fit again once a wider one has gone: the most important first.
	for {
		back := -1
		for i, c := range t.cols {
			if w[i] == 0 && c.Priority > 0 && t.rowWidth()+t.gap+t.want(i) <= avail && (back < 0 || c.Priority < t.cols[back].Priority) {
				back = i
			}
		}
		if back < 0 {
			break
		}
		w[back] = t.want(back)
		if c := t.cols[back]; c.Flex && !c.Name {
			w[back] = max(c.Min, Width(c.Title)+t.sortMarkWidth(back))
		}
	}
	// Then names get narrower, down to their minimum, the last first: they wrap.
	for i := len(t.cols) - 1; i >= 0 && t.rowWidth() > avail; i-- {
		if c := t.cols[i]; c.Name && w[i] > 0 {
			w[i] = max(c.Min, 1, w[i]-(t.rowWidth()-avail))
		}
	}
	// Flex columns take what is left, up to their content.
	for i, c := range t.cols {
		if spare := avail - t.rowWidth(); c.Flex && w[i] > 0 && spare > 0 {
			w[i] += min(spare, max(0, t.want(i)-w[i]))
		}
	}
	t.wraps = false
	for i, c := range t.cols {
		if (c.Name || c.Wrap) && w[i] > 0 && w[i] < t.content[i] {
			t.wraps = true
		}
	}
	for _, r := range t.rows {
		if r.Span != nil {
			t.wraps = true // spans wrap at any width
			break
		}
	}
	t.clip = t.rowWidth() > avail
}

// rowWidth is the width of a row without the cursor column: shown columns and the gaps.
func (t *Table) rowWidth() int {
	n, sum := 0, 0
	for _, w := range t.widths {
		if w > 0 {
			n++
			sum += w
		}
	}
	return sum + t.gap*max(0, n-1)
}

// sortMarkWidth is the room the sort mark takes after column i's title.
func (t *Table) sortMarkWidth(i int) int {
	if i == t.sortCol {
		return 2
	}
	return 0
}

// title is column i's title, with an arrow when the rows are sorted by it.
func (t *Table) title(i int) string {
	s := t.cols[i].Title
	if i == t.sortCol {
		if t.sortDesc {
			return s + " " + t.c.Glyphs.SortDown
		}
		return s + " " + t.c.Glyphs.SortUp
	}
	return s
}

func (t *Table) renderHeader() string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", t.gutter))
	first := true
	for i, c := range t.cols {
		if t.widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", t.gap))
		}
		first = false
		b.WriteString(align(FitWith(t.title(i), t.widths[i], t.c.Glyphs.Ellipsis), t.widths[i], c.Right))
	}
	return t.theme.Header.Render(t.finish(b.String()))
}

// line is a row's rendered lines (joined by newlines), from the cache when current.
func (t *Table) line(r *Row, selected bool) string {
	if selected {
		if r.selGen != t.gen {
			r.sel, r.selGen = t.render(r, true), t.gen
		}
		return r.sel
	}
	if r.lineGen != t.gen {
		r.line, r.lineGen = t.render(r, false), t.gen
	}
	return r.line
}

// rowHeight is how many lines a row takes at the current layout.
func (t *Table) rowHeight(r *Row) int {
	if !t.wraps {
		return 1
	}
	if r.heightGen != t.gen {
		r.height, r.heightGen = len(t.cellLines(r)), t.gen
	}
	return r.height
}

// cellLines are a row's lines of plain text, each a list of cells (or, for a span, of
// segments), before styling.
func (t *Table) cellLines(r *Row) [][]string {
	if r.Span != nil {
		if r.SpanCont != "" {
			return t.spanWords(r.Span, r.SpanCont)
		}
		return t.spanLines(r.Span)
	}
	lines := [][]string{make([]string, len(t.cols))}
	for i, c := range t.cols {
		w := t.widths[i]
		if w == 0 {
			continue
		}
		var text string
		if i < len(r.Cells) {
			text = r.Cells[i].Text
		}
		var parts []string
		switch {
		case (c.Name || c.Wrap) && cellWidth(text) > w:
			parts = wrapName(Clean(text), w)
		case c.Cut != nil:
			parts = []string{c.Cut(Clean(text), w)}
		case c.Tail:
			parts = []string{fitTail(text, w)}
		default:
			parts = []string{FitWith(text, w, t.c.Glyphs.Ellipsis)}
		}
		for len(lines) < len(parts) {
			lines = append(lines, make([]string, len(t.cols)))
		}
		for j, p := range parts {
			lines[j][i] = p
		}
	}
	return lines
}

// spanLines breaks a span's segments into lines of the table's width: what does not fit
// goes on to the next line, indented under the last segment (a tree line's node) when
// that leaves room, so a long table name wraps instead of being cut.
func (t *Table) spanLines(segs []relCell) [][]string {
	avail := t.width - t.gutter
	total, lead := 0, 0
	for i, s := range segs {
		w := Width(Clean(s.Text))
		total += w
		if i < len(segs)-1 {
			lead += w
		}
	}
	if total <= avail || avail <= 0 {
		out := make([]string, len(segs))
		left := avail
		for i, s := range segs {
			out[i] = FitWith(s.Text, max(0, left), t.c.Glyphs.Ellipsis)
			left -= Width(out[i])
		}
		return [][]string{out}
	}
	indent := lead
	if indent > avail/2 {
		indent = 2
	}
	indent = max(0, min(indent, avail-1))
	// Lay the text out cell by cell, remembering which segment each piece came from.
	var lines [][]string
	cur := make([]string, len(segs))
	used := 0
	for i, s := range segs {
		text := Clean(s.Text)
		for text != "" {
			room := avail - used
			if room <= 0 {
				lines = append(lines, cur)
				cur = make([]string, len(segs))
				cur[0] = strings.Repeat(" ", indent)
				used, room = indent, avail-indent
			}
			piece := text
			if Width(piece) > room {
				piece = breakAt(text, room, true)
			}
			cur[i] += piece
			used += Width(piece)
			text = text[len(piece):]
			if text != "" {
				used = avail // the rest goes on the next line
			}
		}
	}
	return append(lines, cur)
}

// spanWords breaks a span's segments into lines of the table's width between words: a
// word that does not fit on the line goes whole to the next one, which starts with cont
// (a tree line's pipes, in the first segment's style); only a word longer than a whole
// line is broken (breakAt).
func (t *Table) spanWords(segs []relCell, cont string) [][]string {
	avail := t.width - t.gutter
	cont = Clean(cont)
	if Width(cont) >= avail/2 {
		cont = ansi.Truncate(cont, max(0, avail/2), "")
	}
	total := 0
	for _, s := range segs {
		total += Width(Clean(s.Text))
	}
	if total <= avail || avail <= 0 {
		return t.spanLines(segs)
	}
	var lines [][]string
	cur := make([]string, len(segs))
	used, fresh := 0, true // fresh: nothing but the continuation on the line yet
	newLine := func() {
		lines = append(lines, cur)
		cur = make([]string, len(segs))
		cur[0] = cont
		used, fresh = Width(cont), true
	}
	for i, s := range segs {
		text := Clean(s.Text)
		for text != "" {
			if fresh && len(lines) > 0 {
				text = strings.TrimLeft(text, " ")
				if text == "" {
					break
				}
			}
			tok := nextWord(text)
			room := avail - used
			if w := Width(tok); w > room {
				if !fresh && Width(strings.TrimLeft(tok, " ")) <= avail-Width(cont) {
					newLine()
					continue
				}
				if room <= 0 {
					newLine()
					continue
				}
				tok = breakAt(tok, room, true)
			}
			cur[i] += tok
			used += Width(tok)
			text = text[len(tok):]
			if strings.TrimSpace(tok) != "" {
				fresh = false
			}
		}
	}
	return append(lines, cur)
}

// nextWord is the start of s up to the end of its first word, with the spaces before it.
func nextWord(s string) string {
	i := len(s) - len(strings.TrimLeft(s, " "))
	if j := strings.IndexByte(s[i:], ' '); j >= 0 {
		return s[:i+j]
	}
	return s
}

// wrapName breaks a name into lines of at most width cells, after a separator (- _ . / or
// a space) when one falls in the second half of the line, else at the width.
func wrapName(s string, width int) []string {
	var out []string
	for s != "" {
		if Width(s) <= width {
			out = append(out, s)
			break
		}
		piece := breakAt(s, width, true)
		out = append(out, strings.TrimRight(piece, " "))
		s = strings.TrimLeft(s[len(piece):], " ")
	}
	return out
}

// breakAt is the longest start of s that fits width cells, ending after a separator in its
// second half when soft is set and there is one.
func breakAt(s string, width int, soft bool) string {
	if width <= 0 {
		return ""
	}
	cut := ansi.Truncate(s, width, "")
	if cut == "" {
		_, size := utf8.DecodeRuneInString(s)
		return s[:size]
	}
	if soft && len(cut) < len(s) {
		// The kindest break first: a space, then what separates a name's parts.
		for _, sep := range []string{" ", ".", "/", ":", ",", "-", "_"} {
			if i := strings.LastIndex(cut, sep); i >= 0 && Width(cut[:i+1]) >= width/2 {
				return cut[:i+1]
			}
		}
	}
	return cut
}

// render draws a row's lines. The cursor row is the Selected style over plain text with
// the cursor glyph in front, so it stands out without colour too.
func (t *Table) render(r *Row, selected bool) string {
	t.renders++
	lines := t.cellLines(r)
	if t.wraps {
		r.height, r.heightGen = len(lines), t.gen
	}
	var out strings.Builder
	for li, cells := range lines {
		if li > 0 {
			out.WriteByte('\n')
		}
		var b strings.Builder
		b.Grow(t.width * 2)
		switch {
		case selected && li == 0 && t.cursorShown:
			b.WriteString(padRight(FitWith(t.c.Glyphs.Cursor, t.gutter, ""), t.gutter))
		default:
			b.WriteString(strings.Repeat(" ", t.gutter))
		}
		if r.Span != nil {
			t.writeSpan(&b, r, cells, selected)
		} else {
			t.writeCells(&b, r, cells, selected)
		}
		if selected {
			out.WriteString(t.theme.Selected.Render(t.finish(b.String())))
		} else {
			out.WriteString(t.finish(b.String()))
		}
	}
	return out.String()
}

func (t *Table) writeCells(b *strings.Builder, r *Row, cells []string, plain bool) {
	first := true
	for i, c := range t.cols {
		w := t.widths[i]
		if w == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", t.gap))
		}
		first = false
		text := align(cells[i], w, c.Right)
		switch {
		case plain || strings.TrimSpace(text) == "":
			b.WriteString(text)
		case r.styles != nil && i < len(r.styles):
			b.WriteString(styleAligned(r.styles[i].Render, cells[i], w, c.Right))
		case i < len(r.Cells) && r.Cells[i].Tone != ToneBase:
			b.WriteString(r.Cells[i].Tone.style(t.theme).Render(text))
		default:
			b.WriteString(text)
		}
	}
}

// styleAligned styles the text and pads it outside the style, as the release tabs draw.
func styleAligned(render func(...string) string, text string, width int, right bool) string {
	pad := strings.Repeat(" ", max(0, width-Width(text)))
	if right {
		return pad + render(text)
	}
	return render(text) + pad
}

func (t *Table) writeSpan(b *strings.Builder, r *Row, pieces []string, plain bool) {
	for i, p := range pieces {
		if p == "" {
			continue
		}
		if plain || strings.TrimSpace(p) == "" {
			b.WriteString(p)
		} else {
			lead := len(p) - len(strings.TrimLeft(p, " "))
			b.WriteString(p[:lead] + r.Span[i].Style.Render(p[lead:]))
		}
	}
}

// finish pads a line to the table's width, or cuts it when no layout fits.
func (t *Table) finish(s string) string {
	w := ansi.StringWidth(s)
	if w > t.width {
		s = ansi.Truncate(s, t.width, "")
		w = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", t.width-w)
}

// align pads s to width, on the left for right-aligned columns.
func align(s string, width int, right bool) string {
	pad := width - Width(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// padRight pads s with spaces to width cells.
func padRight(s string, width int) string {
	if pad := width - ansi.StringWidth(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}

// wrap breaks text into lines of at most width cells at spaces (a longer word is cut).
func wrap(s string, width int) []string {
	if width <= 0 {
		return nil
	}
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case Width(line)+1+Width(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
