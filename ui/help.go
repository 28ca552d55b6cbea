package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/themes"
)

// helpOverlay is the ? overlay: the keys of what is under it and the global keys, in columns
// as tall as the body allows, then the commands (when the width allows). It is generated
// from the key maps, so it cannot drift from what the keys do.
type helpOverlay struct {
	c      *Common
	title  string
	keys   []key.Binding // the screen's (or dialog's) keys, then the global ones
	global globalKeys
	help   help.Model
	done   bool

	width, height int
}

// newHelp makes the help of a screen or dialog titled title with the bindings ks.
func newHelp(c *Common, title string, ks []key.Binding, global globalKeys) *helpOverlay {
	h := help.New()
	h.Ellipsis = c.Glyphs.Ellipsis
	all := append(append([]key.Binding(nil), ks...), global.list()...)
	return &helpOverlay{c: c, title: title, keys: all, global: global, help: h}
}

// Placement: help takes the whole body.
func (o *helpOverlay) Placement() Placement { return PlaceBody }

// Result reports whether ? closed it.
func (o *helpOverlay) Result() (tea.Msg, bool) { return nil, o.done }

// KeyMap: ? closes help (esc too, as every overlay), q quits.
func (o *helpOverlay) KeyMap() []key.Binding {
	return []key.Binding{o.global.Help, o.global.Back, o.global.Quit}
}

// SetSize gives help the body.
func (o *helpOverlay) SetSize(width, height int) {
	o.width, o.height = width, height
	o.help.SetWidth(max(1, width-1))
}

// Update: ? closes, q quits, other keys do nothing (they must not reach the screen below).
func (o *helpOverlay) Update(msg tea.Msg) (Overlay, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, o.global.Help):
			o.done = true
		case key.Matches(k, o.global.Quit):
			return o, tea.Quit
		}
	}
	return o, nil
}

// View draws the title, the key columns and how to close help.
func (o *helpOverlay) View() string {
	th := o.c.Theme
	o.help.Styles = helpStyles(th)
	rows := max(1, o.height-3)
	var groups [][]key.Binding
	all := o.keys
	for len(all) > 0 {
		n := min(rows, len(all))
		groups = append(groups, all[:n])
		all = all[n:]
	}
	groups = append(groups, commandHelp())
	var b strings.Builder
	b.WriteString(th.Title.Render(padRight(FitWith(" "+o.title, o.width, o.c.Glyphs.Ellipsis), o.width)))
	b.WriteString("\n")
	b.WriteString(strings.Repeat(" ", o.width))
	text := o.help.FullHelpView(groups)
	if o.c.Glyphs.Arrow != UnicodeGlyphs.Arrow {
		// ASCII mode: the key maps name arrow keys with arrows.
		text = asciiArrows.Replace(text)
	}
	for _, line := range strings.Split(text, "\n") {
		b.WriteString("\n")
		b.WriteString(fitLine(" "+line, o.width, o.c.Glyphs.Ellipsis))
	}
	b.WriteString("\n")
	b.WriteString(th.Muted.Render(padRight(FitWith(" esc or ? closes help", o.width, o.c.Glyphs.Ellipsis), o.width)))
	return fitHeight(b.String(), o.height, o.width)
}

// openHelp opens the top screen's help. (A dialog's keys are in its own footer.)
func (m *root) openHelp() {
	title := "keys"
	if c := m.top().Crumb(); c != "" {
		title += m.c.Glyphs.Dot + Clean(c)
	}
	m.openOverlay(newHelp(m.c, title, m.top().KeyMap(), m.keys))
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
		c(":theme NAME", "change theme"),
		c(":q", "quit"),
	}
}

// helpStyles draws help with the theme: keys in the key style, descriptions muted.
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
