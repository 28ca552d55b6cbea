package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/themes"
)

// helpOverlay is the ? overlay: the keys of what is under it and the global keys, the
// : commands, and the screen's legend (what its columns and glyphs mean). It is generated
// from the key maps, so it cannot drift from what the keys do. Entries sit in as many
// columns as the width allows (two from 80 cells), descriptions wrap instead of being cut,
// and what does not fit the height goes on to more pages, turned with the table keys.
type helpOverlay struct {
	c       *Common
	title   string
	keys    []key.Binding // the screen's (or dialog's) keys, then the global ones
	legend  []legendEntry
	global  globalKeys
	scrollK TableKeys
	done    bool
	offset  int

	width, height int
}

// legendEntry explains one column or glyph of a screen.
type legendEntry struct{ Term, Meaning string }

// legender is a screen that explains its columns and glyphs in help.
type legender interface{ Legend() []legendEntry }

// newHelp makes the help of a screen or dialog titled title with the bindings ks and the
// screen's legend (none: nil).
func newHelp(c *Common, title string, ks []key.Binding, legend []legendEntry, global globalKeys) *helpOverlay {
	all := append(append([]key.Binding(nil), ks...), global.list()...)
	return &helpOverlay{c: c, title: title, keys: all, legend: legend, global: global, scrollK: NewTableKeys()}
}

// Placement: help takes the whole body.
func (o *helpOverlay) Placement() Placement { return PlaceBody }

// Result reports whether ? closed it.
func (o *helpOverlay) Result() (tea.Msg, bool) { return nil, o.done }

// KeyMap: ? closes help (esc too, as every overlay), q quits, the table keys turn pages.
func (o *helpOverlay) KeyMap() []key.Binding {
	return append([]key.Binding{o.global.Help, o.global.Back, o.global.Quit}, o.scrollK.list()...)
}

// SetSize gives help the body.
func (o *helpOverlay) SetSize(width, height int) {
	o.width, o.height = width, height
	o.clamp()
}

// Update: ? closes, q quits, the table keys turn pages; other keys do nothing (they must
// not reach the screen below).
func (o *helpOverlay) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, o.global.Help):
			o.done = true
		case key.Matches(k, o.global.Quit):
			return o, tea.Quit
		default:
			if delta, top, bottom, ok := scrollBy(o.scrollK, k, 1); ok {
				switch {
				case top:
					o.offset = 0
				case bottom:
					o.offset = o.pages()
				case delta > 0:
					o.offset++
				default:
					o.offset--
				}
				o.clamp()
			}
		}
	}
	return o, nil
}

// page is the lines of entries shown at once: the body less the title, a blank line and
// the closing line.
func (o *helpOverlay) page() int { return max(1, o.height-3) }

func (o *helpOverlay) clamp() {
	o.offset = max(0, min(o.offset, o.pages()-1))
}

// helpColumns is how many columns of entries the width holds: two from 80 cells, three
// from 150.
func helpColumns(width int) int {
	switch {
	case width >= 150:
		return 3
	case width >= 80:
		return 2
	}
	return 1
}

// helpEntry is one key (or command, or legend term) and what it does.
type helpEntry struct {
	key, desc string
	title     bool // a section title
}

// entries are the sections: keys, commands, and the legend.
func (o *helpOverlay) entries() []helpEntry {
	var out []helpEntry
	out = append(out, helpEntry{key: "keys", title: true})
	for _, b := range o.keys {
		if b.Enabled() && b.Help().Key != "" {
			out = append(out, helpEntry{key: b.Help().Key, desc: b.Help().Desc})
		}
	}
	out = append(out, helpEntry{key: "commands", title: true})
	for _, b := range commandHelp() {
		out = append(out, helpEntry{key: b.Help().Key, desc: b.Help().Desc})
	}
	if len(o.legend) > 0 {
		out = append(out, helpEntry{key: "legend", title: true})
		for _, l := range o.legend {
			out = append(out, helpEntry{key: l.Term, desc: l.Meaning})
		}
	}
	return out
}

// lines lays the entries out in columns, each entry's description wrapped to its column:
// drawn lines of the full width, a page (o.page lines) after another.
func (o *helpOverlay) lines() []string {
	th, g := o.c.Theme, o.c.Glyphs
	ncol := helpColumns(o.width)
	colW := max(10, (o.width-1)/ncol-1)
	entries := o.entries()
	keyW := 0
	for _, e := range entries {
		if !e.title {
			keyW = max(keyW, Width(e.key))
		}
	}
	keyW = min(keyW, colW/3)
	// Each entry as its lines within one column (plain text, styled when joined).
	type cell struct {
		key, desc string
		title     bool
	}
	var col []cell
	for _, e := range entries {
		k := e.key
		if g.Arrow != UnicodeGlyphs.Arrow {
			k = asciiArrows.Replace(k) // ASCII mode: the key maps name arrow keys with arrows
		}
		if e.title {
			if len(col) > 0 {
				col = append(col, cell{})
			}
			col = append(col, cell{key: strings.ToUpper(k[:1]) + k[1:], title: true})
			continue
		}
		kw := keyW
		if Width(k) > kw {
			// A long term (a legend's) takes its own line, the meaning goes below it.
			col = append(col, cell{key: FitWith(k, colW, g.Ellipsis)})
			k = ""
		}
		desc := wrapWords(e.desc, colW-kw-1, g.Ellipsis)
		if len(desc) == 0 {
			desc = []string{""}
		}
		for i, d := range desc {
			if i > 0 {
				k = ""
			}
			col = append(col, cell{key: padRight(k, kw), desc: d})
		}
	}
	// Flow the lines into the columns, top to bottom, then left to right, a page at a time
	// when they do not fit: balanced columns when they do.
	page := o.page()
	perCol := page
	if len(col) <= ncol*page {
		perCol = max(1, (len(col)+ncol-1)/ncol)
	}
	var out []string
	for start := 0; start < len(col); start += ncol * perCol {
		for i := range perCol {
			var b strings.Builder
			for c := range ncol {
				j := start + c*perCol + i
				var s string
				if j < len(col) {
					e := col[j]
					switch {
					case e.title:
						s = th.Title.Render(FitWith(e.key, colW, g.Ellipsis))
					case e.key == "" && e.desc == "":
					default:
						s = th.Key.Render(e.key) + " " + th.Base.Render(e.desc)
					}
				}
				b.WriteString(" ")
				b.WriteString(padCut(s, colW))
			}
			out = append(out, padCut(b.String(), o.width))
		}
	}
	return out
}

// pages is how many pages of entries there are.
func (o *helpOverlay) pages() int { return max(1, (len(o.lines())+o.page()-1)/o.page()) }

// View draws the title, a page of the entries and how to close (and turn) help.
func (o *helpOverlay) View() string {
	th, g := o.c.Theme, o.c.Glyphs
	lines := o.lines()
	var b strings.Builder
	b.WriteString(th.Title.Render(padRight(FitWith(" "+o.title, o.width, g.Ellipsis), o.width)))
	b.WriteString("\n")
	b.WriteString(strings.Repeat(" ", o.width))
	page := o.page()
	start := o.offset * page
	end := min(len(lines), start+page)
	for _, l := range lines[start:end] {
		b.WriteString("\n")
		b.WriteString(l)
	}
	for range page - (end - start) {
		b.WriteString("\n")
		b.WriteString(strings.Repeat(" ", o.width))
	}
	foot := " esc or ? closes help"
	if n := o.pages(); n > 1 {
		foot = fmt.Sprintf(" page %d of %d%sj/k or pgdn/pgup turn pages%sesc or ? closes help", o.offset+1, n, g.Dot, g.Dot)
	}
	b.WriteString("\n")
	b.WriteString(th.Muted.Render(padRight(FitWith(foot, o.width, g.Ellipsis), o.width)))
	return fitHeight(b.String(), o.height, o.width)
}

// openHelp opens the top screen's help. (A dialog's keys are in its own footer.)
func (m *root) openHelp() {
	title := "keys"
	if c := m.top().Crumb(); c != "" {
		title += m.c.Glyphs.Dot + Clean(c)
	}
	var legend []legendEntry
	if l, ok := m.top().(legender); ok {
		legend = l.Legend()
	}
	m.openOverlay(newHelp(m.c, title, m.top().KeyMap(), legend, m.keys))
}

// helpOpen reports whether help is on top.
func (m *root) helpOpen() bool {
	_, ok := m.topOverlay().(*helpOverlay)
	return ok
}

// asciiArrows spells out the arrow keys for ASCII mode.
var asciiArrows = strings.NewReplacer("↑", "up", "↓", "down", "←", "left", "→", "right", "•", "-")

// commandHelp lists the : commands as help entries.
func commandHelp() []key.Binding {
	c := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	return []key.Binding{
		c(":env NAME", "switch environment"),
		c(":bundle NAME", "only this bundle"),
		c(":failing", "only failing"),
		c(":since 2h", "time window (0: all)"),
		c(":board", "promotion board"),
		c(":audit", "the environment's ledger events"),
		c(":theme NAME", "change theme"),
		c(":q", "quit"),
	}
}

// helpStyles draws a bubbles help (a dialog's keys line) with the theme: keys in the key
// style, descriptions muted.
func helpStyles(th *themes.Theme) help.Styles {
	return help.Styles{
		Ellipsis:       th.Muted,
		ShortKey:       th.Key,
		ShortDesc:      th.Muted,
		ShortSeparator: th.Border,
		FullKey:        th.Key,
		FullDesc:       th.Base,
		FullSeparator:  th.Border,
	}
}
