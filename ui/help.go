package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/release-cockpit/cockpit/themes"
)

// helpView is the ? overlay: the top screen's keys and the global keys, in columns as tall
// as the screen allows, then the commands (when the width allows). It is generated from the key maps, so it
// cannot drift from what the keys do.
func (m *root) helpView(height int) string {
	th := m.c.Theme
	title := "keys"
	if c := m.top().Crumb(); c != "" {
		title += m.c.Glyphs.Dot + Clean(c)
	}
	rows := max(1, height-3)
	var groups [][]key.Binding
	all := append(append([]key.Binding(nil), m.top().KeyMap()...), m.keys.list()...)
	for len(all) > 0 {
		n := min(rows, len(all))
		groups = append(groups, all[:n])
		all = all[n:]
	}
	groups = append(groups, commandHelp())
	var b strings.Builder
	b.WriteString(th.Title.Render(padRight(FitWith(" "+title, m.width, m.c.Glyphs.Ellipsis), m.width)))
	b.WriteString("\n")
	b.WriteString(strings.Repeat(" ", m.width))
	text := m.help.FullHelpView(groups)
	if m.c.Glyphs.Arrow != UnicodeGlyphs.Arrow {
		// ASCII mode: the key maps name arrow keys with arrows.
		text = asciiArrows.Replace(text)
	}
	for _, line := range strings.Split(text, "\n") {
		b.WriteString("\n")
		b.WriteString(fitLine(" "+line, m.width, m.c.Glyphs.Ellipsis))
	}
	b.WriteString("\n")
	b.WriteString(th.Muted.Render(padRight(FitWith(" esc or ? closes help", m.width, m.c.Glyphs.Ellipsis), m.width)))
	return b.String()
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
