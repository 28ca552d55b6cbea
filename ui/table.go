package ui

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
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
// (or wraps) and styles it.
type Cell struct {
	Text string
	Tone Tone
}

// Row is one entry of a Table: cells under the columns or, when Span is set, one line of
// segments across the whole width (section titles, tree lines). A row is immutable once
// handed to the table: a changed value is a new Row, which is how the table knows to
// render it again.
type Row struct {
	Key   string // stable identity (a deployment ID): the cursor follows it
	Cells []Cell
	Span  []relCell
	// SpanCont, when set, starts each further line of a span that wraps (a tree line's
	// pipes, drawn in the first segment's style), and the span then wraps between words:
	// a name moves whole to the next line rather than being split.
	SpanCont string
	Ref      any    // what the row stands for (a job run the cursor opens); nil for none
	Find     Fields // what the filter matches, lower-case

	// styles, when set, draw the cells instead of their tones (rows built for one theme).
	styles []lipgloss.Style

	line, sel       string // rendered as a plain row and as the cursor row
	lineGen, selGen uint64 // the table generation each was rendered for
	height          int    // lines the row takes (a wrapped name), for heightGen
	heightGen       uint64
	text            string // lower-cased text that / searches, built on the first search
}

// Column describes one column. One rule lays out every table of the cockpit:
//
//   - each column wants its content's width (its widest cell and its title) within
//     [Min, Max] (Max 0: no bound); a Flex column starts at Min and takes what is left;
//   - a Name column (what identifies the row: run, job, pipeline, table, bundle names)
//     keeps its whole content before any optional column is shown;
//   - while the row is too wide, the optional column with the highest Priority is hidden
//     (Priority 0: never hidden), so sparklines and decorations give way to names;
//   - when even then the names do not fit, they get narrower and wrap onto more lines
//     rather than being cut;
//   - the width left over goes to the Flex columns, in order, up to their content.
type Column struct {
	Title    string
	Min, Max int
	Priority int  // 0: always shown; otherwise hidden when narrow, highest first
	Flex     bool // grows into the width left over, up to its content
	Name     bool // identifies the row: whole before optional columns; wraps, never cut
	Wrap     bool // wraps onto more lines instead of being cut (messages, details)
	Right    bool // right-aligned (numbers)
	Tail     bool // when cut, keep the end (sparklines: the newest values)
	// Cut shortens a value to a width; nil cuts with ui.FitWith (ending in "…").
	Cut func(s string, width int) string
}

// Table is the cockpit's list component (the home, the release tabs, the run's tasks, the
// board, :audit): a cursor over rows, of which only the visible window is drawn. Each
// row's rendered line is cached and reused until the width, the theme or the row changes,
// so a cursor move renders two lines; the whole frame is reused while nothing changed.
// Filtering runs over precomputed lower-case keys (Row.Find); / searches the rows' text.
type Table struct {
	c    *Common
	keys TableKeys
	cols []Column

	gutter, gap int  // the cursor column's width and the spaces between columns
	cursorShown bool // false: keys scroll the rows and none is selected

	content []int // per column, the widest cell of the rows (and the title)
	widths  []int // per column, 0 when hidden
	wraps   bool  // a Name column is narrower than its content: rows may take more lines
	clip    bool  // even the narrowest layout is wider than the table: cut each line
	fits    bool  // every visible row fits: no position line

	rows  []*Row
	view  []int // indices into rows of the rows that pass the filter, in order
	match func(*Fields) bool
	find  []Fields // each row's Find, packed in row order (see pack)

	cursor, offset int
	mark           int    // the row a search found in a table without a cursor; -1: none
	query          string // the last search, lower-case
	width, height  int

	sortCol  int // the column the rows are sorted by, marked in the header; -1: none
	sortDesc bool

	gen   uint64 // renewed when width, layout or theme change: cached lines of another gen are stale
	theme *themes.Theme
	empty string
	blank string

	header string
	frame  string
	dirty  bool

	renders int // rows rendered, for tests of the cache
}

// NewTable makes a table with these columns, a one-cell cursor column and one space
// between columns (the home's look).
func NewTable(c *Common, cols []Column) *Table {
	return &Table{c: c, keys: NewTableKeys(), cols: cols, widths: make([]int, len(cols)), content: make([]int, len(cols)),
		gutter: 1, gap: 1, cursorShown: true, mark: -1, sortCol: -1, gen: nextGen(), dirty: true}
}

// newTabTable makes a table with the release tabs' look: two spaces between columns, and
// a two-cell cursor column when rows are selected (otherwise keys scroll).
func newTabTable(c *Common, cols []Column, cursor bool) *Table {
	t := NewTable(c, cols)
	t.gap, t.cursorShown, t.gutter = 2, cursor, 0
	if cursor {
		t.gutter = 2
	}
	return t
}

// generations are unique across tables, so a row handed to a second table is never drawn
// from a line cached for the first.
var generations atomic.Uint64

func nextGen() uint64 { return generations.Add(1) }

// Keys are the table's cursor keys, for help.
func (t *Table) Keys() []key.Binding { return t.keys.list() }

// SetSize sets the table's area: the header, the rows, and a line saying where the cursor
// is when not every row fits.
func (t *Table) SetSize(width, height int) {
	if width == t.width && height == t.height {
		return
	}
	if width != t.width {
		t.width = width
		t.layout()
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
	t.measure()
	t.refilter(false)
	t.mark = -1
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
	t.mark = -1
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

// SetSort marks the column the rows are sorted by in the header (-1: none).
func (t *Table) SetSort(col int, desc bool) {
	if col != t.sortCol || desc != t.sortDesc {
		t.sortCol, t.sortDesc = col, desc
		t.layout()
		t.dirty = true
	}
}

// Selected is the row under the cursor, nil when none is visible or the table has no cursor.
func (t *Table) Selected() *Row {
	if !t.cursorShown || t.cursor < 0 || t.cursor >= len(t.view) {
		return nil
	}
	return t.rows[t.view[t.cursor]]
}

// Cursor is the cursor's position among the visible rows.
func (t *Table) Cursor() int { return t.cursor }

// Offset is the first visible row.
func (t *Table) Offset() int { return t.offset }

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

// Update moves the cursor (or, without a cursor, the rows) on a cursor key and reports
// whether the key was one.
func (t *Table) Update(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	delta, top, bottom, ok := scrollBy(t.keys, k, t.bodyHeight())
	switch {
	case !ok:
		return false
	case !t.cursorShown:
		t.mark = -1
		switch {
		case top:
			t.offset = 0
		case bottom:
			t.offset = len(t.view)
		default:
			t.offset += delta
		}
		t.scroll()
		t.dirty = true
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

// Search finds the next row (dir 1) or the previous one (dir -1) after the cursor (or the
// row found last) whose text contains query, case-insensitively, wrapping around; dir 0
// starts at the cursor's row (a query being typed); an empty query repeats the last one. The row found gets the cursor, or in a table without one is
// marked and scrolled into view. It reports whether a row matched.
func (t *Table) Search(query string, dir int) bool {
	if q := strings.ToLower(strings.TrimSpace(query)); q != "" {
		t.query = q
	}
	n := len(t.view)
	if t.query == "" || n == 0 {
		return false
	}
	cur, none := t.cursor, false
	if !t.cursorShown {
		cur, none = t.mark, t.mark < 0
		if none {
			cur = t.offset
		}
	}
	start, step := cur+dir, dir
	switch {
	case dir == 0: // as the query is typed: the cursor's row first
		start, step = cur, 1
	case none && dir > 0:
		start = cur
	}
	for k := range n {
		i := ((start+step*k)%n + n) % n
		if strings.Contains(t.searchText(t.rows[t.view[i]]), t.query) {
			if t.cursorShown {
				t.MoveTo(i)
			} else {
				t.mark, t.cursor = i, i
				t.scrollTo(i)
			}
			t.dirty = true
			return true
		}
	}
	return false
}

// Query is the last search, lower-case.
func (t *Table) Query() string { return t.query }

// searchText is what / matches in a row: its cells' or segments' text, lower-case.
func (t *Table) searchText(r *Row) string {
	if r.text == "" {
		var b strings.Builder
		for _, c := range r.Cells {
			b.WriteString(c.Text)
			b.WriteByte(' ')
		}
		for _, s := range r.Span {
			b.WriteString(s.Text)
		}
		r.text = strings.ToLower(Clean(b.String())) + " "
	}
	return r.text
}

// View draws the header, the visible rows and, when not every row fits, where the cursor
// is: exactly width x height cells.
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
	lines := 0
	emit := func(s string) {
		if lines > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
		lines++
	}
	if len(t.cols) > 0 {
		if t.header == "" {
			t.header = t.renderHeader()
		}
		emit(t.header)
	}
	body := t.bodyHeight()
	end := lines + body
	if len(t.view) == 0 && t.empty != "" {
		for _, l := range wrap(Clean(t.empty), t.width-2) {
			if lines < end {
				emit(t.theme.Muted.Render(padRight(" "+FitWith(l, t.width-1, t.c.Glyphs.Ellipsis), t.width)))
			}
		}
	}
	last := t.offset - 1
	for at := t.offset; at < len(t.view) && lines < end; at++ {
		r := t.rows[t.view[at]]
		if at > t.offset && lines+t.rowHeight(r) > end {
			break // a row is shown whole or not at all (unless it alone is taller than the body)
		}
		s := t.line(r, at == t.cursor && t.cursorShown || at == t.mark)
		for {
			first, rest, more := strings.Cut(s, "\n")
			emit(first)
			if !more || lines >= end {
				break
			}
			s = rest
		}
		last = at
	}
	for lines < end {
		emit(t.blank)
	}
	if !t.fits {
		emit(t.theme.Muted.Render(padRight(FitWith(" "+t.position(last), t.width, t.c.Glyphs.Ellipsis), t.width)))
	}
	for lines < t.height {
		emit(t.blank)
	}
	t.frame, t.dirty = b.String(), false
	return t.frame
}

// position says where the cursor is among the rows (12/240), or which rows are shown in a
// table without a cursor (1-20 of 240).
func (t *Table) position(last int) string {
	if t.cursorShown {
		return fmt.Sprintf("%d/%d", t.cursor+1, len(t.view))
	}
	return fmt.Sprintf("%d-%d of %d", t.offset+1, last+1, len(t.view))
}

// headerHeight is 1 with columns, 0 for a table of spans.
func (t *Table) headerHeight() int {
	if len(t.cols) > 0 {
		return 1
	}
	return 0
}

// bodyHeight is the lines rows can take.
func (t *Table) bodyHeight() int {
	n := t.height - t.headerHeight()
	if !t.fits {
		n--
	}
	return max(0, n)
}

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
		n += len(f.All) + len(f.Bundle) + len(f.Version) + len(f.SHA) + len(f.By) + len(f.Status) + len(f.Tags) + len(f.Ticket)
	}
	var b strings.Builder
	b.Grow(n)
	for _, r := range t.rows {
		f := &r.Find
		for _, s := range [...]string{f.All, f.Bundle, f.Version, f.SHA, f.By, f.Status, f.Tags, f.Ticket} {
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
			By: take(f.By), Status: take(f.Status), Tags: take(f.Tags), Ticket: take(f.Ticket), Provisional: f.Provisional}
	}
}

// settle keeps the cursor on a visible row and in the window.
func (t *Table) settle() {
	t.cursor = max(0, min(t.cursor, len(t.view)-1))
	t.scroll()
	t.dirty = true
}

// scrollTo moves the window as little as possible so that row i shows whole.
func (t *Table) scrollTo(i int) {
	if i < 0 || i >= len(t.view) {
		t.offset = 0
		return
	}
	t.offset = min(t.offset, i)
	body := max(1, t.bodyHeight())
	if !t.wraps {
		t.offset = max(t.offset, i-body+1)
		return
	}
	used := 0
	for j := t.offset; j <= i; j++ {
		used += t.rowHeight(t.rows[t.view[j]])
	}
	for used > body && t.offset < i {
		used -= t.rowHeight(t.rows[t.view[t.offset]])
		t.offset++
	}
}

// scroll keeps the cursor inside the visible window (moving the window as little as
// possible) and the window inside the rows. Update calls it (after a key, a load, a
// resize); View only reads the position.
func (t *Table) scroll() {
	t.fits = t.allFit()
	if t.cursorShown {
		t.cursor = max(0, min(t.cursor, len(t.view)-1))
		t.scrollTo(t.cursor)
	}
	t.offset = max(0, min(t.offset, t.maxOffset()))
}

// allFit reports whether every visible row fits below the header.
func (t *Table) allFit() bool {
	room := t.height - t.headerHeight()
	if len(t.view) > room {
		return false
	}
	if !t.wraps {
		return true
	}
	used := 0
	for _, i := range t.view {
		used += t.rowHeight(t.rows[i])
	}
	return used <= room
}

// maxOffset is the first row of the last window: the rows from it to the end fill the body.
func (t *Table) maxOffset() int {
	body := max(1, t.bodyHeight())
	if !t.wraps {
		return max(0, len(t.view)-body)
	}
	used := 0
	for i := len(t.view) - 1; i >= 0; i-- {
		used += t.rowHeight(t.rows[t.view[i]])
		if used > body {
			return min(i+1, len(t.view)-1)
		}
	}
	return 0
}
