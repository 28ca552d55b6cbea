package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/themes"
)

// setTheme is :theme NAME: it swaps the shared theme, which every screen reads when it
// draws, so cached rows are rendered again in the new styles. Without a name it lists them.
func (m *root) setTheme(name string) tea.Cmd {
	if strings.TrimSpace(name) == "" {
		cur := ""
		if m.c.Theme != nil {
			cur = m.c.Theme.Name
		}
		m.note = Notify{Text: "theme " + cur + "; choose with :theme " + strings.Join(themes.Names()[1:], "|")}
		return nil
	}
	th, err := themes.ByName(name)
	if err != nil {
		return m.fail(err.Error())
	}
	if strings.EqualFold(strings.TrimSpace(name), themes.Auto) && m.c.Theme != nil {
		// auto keeps what the terminal's background chose, unless colour was refused.
		return nil
	}
	m.c.Theme = th
	return nil
}
