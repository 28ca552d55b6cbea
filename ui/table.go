package ui

import (
	"slices"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/themes"
)

// Tone says which of the theme's styles a cell is drawn with; the style itself is looked up
// at render time, so a theme change re-renders without rebuilding rows.
type Tone uint8

// Tones of a cell.
const (
	ToneBase Tone = iota
	ToneMuted
	ToneHealthy
	ToneDegraded
	ToneFailing
	ToneUnknown
	ToneTag
	ToneWarning
)

func (t Tone) style(th *themes.Theme) lipgloss.Style {
	switch t {
	case ToneMuted:
		return th.Muted
	case ToneHealthy:
		return th.Healthy
	case ToneDegraded:
		return th.Degraded
	case ToneFailing:
		return th.Failing
	case ToneUnknown:
		return th.Unknown
	case ToneTag:
		return th.Tag
	case ToneWarning:
		return th.Warning
	}
	return th.Base
}

// Cell is one value of a row, already cleaned (ui.Clean) and in words: the table only cuts
// and styles it.
type Cell struct {
	Text string
	Tone Tone
}

// Row is one line of a Table. A row is immutable once handed to the table: a changed
// value is a new Row, which is how the table knows to render it again.
type Row struct {
	Key   string // stable identity (a deployment ID): the cursor follows it
	Cells []Cell
	Find  Fields // what the filter matches, lower-case

	line, sel       string // rendered as a plain row and as the cursor row
	lineGen, selGen uint64 // the table generation each was rendered for
}

// Column describes one column. Widths are decided per terminal width: every column starts
// at Min; while the row is too wide the column with the highest Drop is hidden (0: never);
// spare cells go to the columns with Grow 1, then 2, ..., each up to Max.
type Column struct {
	Title string
	Min   int
	Max   int
	Grow  int
	Drop  int
	Right bool
	// Cut shortens a value to a width; nil cuts with ui.Fit (ending in "…").
	Cut func(s string, width int) string
}

// Table is the cockpit's list component: a cursor over rows, of which only the visible
// window is drawn. Each row's rendered line is cached and reused until the width, the
// theme or the row changes, so a cursor move renders two lines; the whole frame is reused
// while nothing changed. Filtering runs over precomputed lower-case keys (Row.Find).
type Table struct {
	c    *Common
	keys TableKeys
	cols []Column

	widths []int // per column, 0 when hidden
	clip   bool  // even the narrowest layout is wider than the table: cut each line

	rows  []*Row
	view  []int // indices into rows of the rows that pass the filter, in order
	match func(*Fields) bool
	find  []Fields // each row's Find, packed in row order (see pack)

	cursor, offset int
	width, height  int

	gen   uint64 // renewed when width or theme change: cached lines of another gen are stale
	theme *themes.Theme
	empty string
	blank string

	header string
	frame  string
	dirty  bool

	renders int // rows rendered, for tests of the cache
}

// NewTable makes a table with these columns.
func NewTable(c *Common, cols []Column) *Table {
	return &Table{c: c, keys: NewTableKeys(), cols: cols, widths: make([]int, len(cols)), gen: nextGen(), dirty: true}
}

// generations are unique across tables, so a row handed to a second table is never drawn
// from a line cached for the first.
var generations atomic.Uint64

func nextGen() uint64 { return generations.Add(1) }

// Keys are the table's cursor keys, for help.
func (t *Table) Keys() []key.Binding { return t.keys.list() }

// SetSize sets the table's area; the first line is the header.
func (t *Table) SetSize(width, height int) {
	if width == t.width && height == t.height {
		return
	}
	if width != t.width {
		t.width = width
		t.layout()
		t.gen = nextGen()
		t.blank = strings.Repeat(" ", max(0, width))
	}
	t.height = height
	t.scroll()
	t.dirty = true
}

// SetRows replaces the rows, keeping the cursor on the same key when it is still there.
func (t *Table) SetRows(rows []*Row) {
	key := t.selectedKey()
	t.rows = rows
	t.pack()
	t.refilter(false)
	if key != "" {
		for i, ri := range t.view {
			if t.rows[ri].Key == key {
				t.cursor = i
				break
			}
		}
	}
	t.settle()
}

// SetFilter keeps only the rows match accepts (nil keeps all), keeping the cursor on the
// same row when it still passes. Matching reads the packed fields in sequence: 100k rows
// take a few milliseconds.
func (t *Table) SetFilter(match func(*Fields) bool) { t.filter(match, false) }

// NarrowFilter is SetFilter for a filter that keeps no row the current one hides (a typed
// word grew, or a word was added): only the rows now visible are tested.
func (t *Table) NarrowFilter(match func(*Fields) bool) {
	t.filter(match, match != nil && t.match != nil)
}

func (t *Table) filter(match func(*Fields) bool, narrow bool) {
	cur := t.selectedIndex()
	t.match = match
	t.refilter(narrow)
	// The rows did not change and the visible ones are in row order: find the cursor's row
	// by bisection.
	if i, found := slices.BinarySearch(t.view, cur); found {
		t.cursor = i
	}
	t.settle()
}

// SetEmpty is what the table says when no row is visible.
func (t *Table) SetEmpty(msg string) {
	if msg != t.empty {
		t.empty = msg
		t.dirty = true
	}
}

// Selected is the row under the cursor, nil when none is visible.
func (t *Table) Selected() *Row {
	if t.cursor < 0 || t.cursor >= len(t.view) {
		return nil
	}
	return t.rows[t.view[t.cursor]]
}

// Cursor is the cursor's position among the visible rows.
func (t *Table) Cursor() int { return t.cursor }

// Len is the number of rows that pass the filter; Total counts them all.
func (t *Table) Len() int   { return len(t.view) }
func (t *Table) Total() int { return len(t.rows) }

// Select puts the cursor on the row with this key, when visible; it reports whether it did.
func (t *Table) Select(key string) bool {
	for i, ri := range t.view {
		if t.rows[ri].Key == key {
			t.MoveTo(i)
			return true
		}
	}
	return false
}

// Update moves the cursor on a cursor key and reports whether the key was one.
func (t *Table) Update(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	delta, top, bottom, ok := scrollBy(t.keys, k, t.bodyHeight())
	switch {
	case !ok:
		return false
	case top:
		t.MoveTo(0)
	case bottom:
		t.MoveTo(len(t.view) - 1)
	default:
		t.MoveBy(delta)
	}
	return true
}

// MoveBy moves the cursor n rows (negative: up), stopping at the ends.
func (t *Table) MoveBy(n int) { t.MoveTo(t.cursor + n) }

// MoveTo puts the cursor on the i-th visible row, clamped.
func (t *Table) MoveTo(i int) {
	i = max(0, min(i, len(t.view)-1))
	if i == t.cursor {
		return
	}
	t.cursor = i
	t.scroll()
	t.dirty = true
}

// View draws the header and the visible rows: exactly width x height cells.
func (t *Table) View() string {
	if t.theme != t.c.Theme {
		t.theme = t.c.Theme
		t.gen = nextGen()
		t.dirty = true
		t.header = ""
	}
	if !t.dirty {
		return t.frame
	}
	if t.height <= 0 || t.width <= 0 {
		t.frame, t.dirty = "", false
		return ""
	}
	var b strings.Builder
	b.Grow((t.width + 32) * t.height)
	if t.header == "" {
		t.header = t.renderHeader()
	}
	b.WriteString(t.header)
	var empty []string
	if len(t.view) == 0 && t.empty != "" {
		empty = wrap(Clean(t.empty), t.width-2)
	}
	for i := range t.bodyHeight() {
		b.WriteByte('\n')
		at := t.offset + i
		switch {
		case at < len(t.view):
			b.WriteString(t.line(t.rows[t.view[at]], at == t.cursor))
		case i < len(empty):
			b.WriteString(t.theme.Muted.Render(padRight(" "+Fit(empty[i], t.width-1), t.width)))
		default:
			b.WriteString(t.blank)
		}
	}
	t.frame, t.dirty = b.String(), false
	return t.frame
}

func (t *Table) bodyHeight() int { return max(0, t.height-1) }

// selectedIndex is the cursor's row as an index into rows, -1 when none.
func (t *Table) selectedIndex() int {
	if t.cursor < 0 || t.cursor >= len(t.view) {
		return -1
	}
	return t.view[t.cursor]
}

func (t *Table) selectedKey() string {
	if r := t.Selected(); r != nil {
		return r.Key
	}
	return ""
}

// refilter recomputes the visible rows in one pass, over the visible ones only when the
// filter narrows.
func (t *Table) refilter(narrow bool) {
	if narrow {
		kept := t.view[:0]
		for _, i := range t.view {
			if t.match(&t.find[i]) {
				kept = append(kept, i)
			}
		}
		t.view = kept
		return
	}
	t.view = t.view[:0]
	for i := range t.find {
		if t.match == nil || t.match(&t.find[i]) {
			t.view = append(t.view, i)
		}
	}
}

// pack copies the rows' filter fields next to each other, their text into one block in
// row order, so that matching 100k rows reads memory in sequence instead of chasing a
// pointer and a string per row: a keystroke's scan stays within a few milliseconds.
func (t *Table) pack() {
	n := 0
	for _, r := range t.rows {
		f := &r.Find
		n += len(f.All) + len(f.Bundle) + len(f.Version) + len(f.SHA) + len(f.By) + len(f.Status) + len(f.Tags)
	}
	var b strings.Builder
	b.Grow(n)
	for _, r := range t.rows {
		f := &r.Find
		for _, s := range [...]string{f.All, f.Bundle, f.Version, f.SHA, f.By, f.Status, f.Tags} {
			b.WriteString(s)
		}
	}
	block := b.String()
	t.find = slices.Grow(t.find[:0], len(t.rows))[:len(t.rows)]
	at := 0
	take := func(s string) string {
		at += len(s)
		return block[at-len(s) : at]
	}
	for i, r := range t.rows {
		f := &r.Find
		t.find[i] = Fields{All: take(f.All), Bundle: take(f.Bundle), Version: take(f.Version), SHA: take(f.SHA),
			By: take(f.By), Status: take(f.Status), Tags: take(f.Tags), Provisional: f.Provisional}
	}
}

// settle keeps the cursor on a visible row and in the window.
func (t *Table) settle() {
	t.cursor = max(0, min(t.cursor, len(t.view)-1))
	t.scroll()
	t.dirty = true
}

// scroll keeps the cursor inside the visible window, moving the window as little as
// possible (the same rule as the release and run screens' lists: relScroll.follow).
func (t *Table) scroll() {
	p := relScroll{Offset: t.offset, Cursor: t.cursor}
	p.follow(len(t.view), max(1, t.bodyHeight()))
	t.offset = p.Offset
}

// layout decides column widths for the current width (see Column).
func (t *Table) layout() {
	inner := t.width - 1 // the cursor column
	w := t.widths
	for i, c := range t.cols {
		w[i] = c.Min
	}
	for t.rowWidth() > inner {
		drop := -1
		for i, c := range t.cols {
			if w[i] > 0 && c.Drop > 0 && (drop < 0 || c.Drop >= t.cols[drop].Drop) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		w[drop] = 0
	}
	spare := inner - t.rowWidth()
	for rank := 1; spare > 0 && rank <= len(t.cols); rank++ {
		for i, c := range t.cols {
			if c.Grow == rank && w[i] > 0 && c.Max > w[i] {
				add := min(spare, c.Max-w[i])
				w[i] += add
				spare -= add
			}
		}
	}
	t.clip = t.rowWidth() > inner
	t.header = ""
}

// rowWidth is the width of a row without the cursor column: shown columns and a space between each.
func (t *Table) rowWidth() int {
	n, sum := 0, 0
	for _, w := range t.widths {
		if w > 0 {
			n++
			sum += w
		}
	}
	return sum + max(0, n-1)
}

func (t *Table) renderHeader() string {
	var b strings.Builder
	b.WriteByte(' ')
	first := true
	for i, c := range t.cols {
		if t.widths[i] == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(align(FitWith(c.Title, t.widths[i], t.c.Glyphs.Ellipsis), t.widths[i], c.Right))
	}
	return t.theme.Header.Render(t.finish(b.String()))
}

// line is a row's rendered line, from the cache when it is current.
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

// render draws a row. The cursor row is the Selected style over plain text with the
// cursor glyph in front, so it stands out without colour too.
func (t *Table) render(r *Row, selected bool) string {
	t.renders++
	var b strings.Builder
	b.Grow(t.width * 2)
	if selected {
		b.WriteString(Fit(t.c.Glyphs.Cursor, 1))
	} else {
		b.WriteByte(' ')
	}
	first := true
	for i, c := range t.cols {
		w := t.widths[i]
		if w == 0 {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		var cell Cell
		if i < len(r.Cells) {
			cell = r.Cells[i]
		}
		var text string
		if c.Cut != nil {
			text = c.Cut(Clean(cell.Text), w)
		} else {
			text = FitWith(cell.Text, w, t.c.Glyphs.Ellipsis)
		}
		text = align(text, w, c.Right)
		if selected || cell.Tone == ToneBase || strings.TrimSpace(text) == "" {
			b.WriteString(text)
		} else {
			b.WriteString(cell.Tone.style(t.theme).Render(text))
		}
	}
	if selected {
		return t.theme.Selected.Render(t.finish(b.String()))
	}
	return t.finish(b.String())
}

// finish pads a line to the table's width, or cuts it when no layout fits.
func (t *Table) finish(s string) string {
	if t.clip {
		return ansi.Truncate(s, t.width, "")
	}
	return padRight(s, t.width)
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
