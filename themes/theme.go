// Package themes holds the cockpit's palettes (dark, light, high-contrast, mono) and the
// lipgloss styles built from them. Screens take their styles from the Theme passed in,
// never from package-level colours. Status is never told by colour alone: every status
// style is paired with a glyph and a word by the screens.
package themes

import "charm.land/lipgloss/v2"

// Theme is the set of styles every screen draws with.
type Theme struct {
	Name string

	Base     lipgloss.Style // body text
	Muted    lipgloss.Style // secondary text: ages, ids, help descriptions
	Title    lipgloss.Style // screen and section titles
	Crumb    lipgloss.Style // the breadcrumb line
	Header   lipgloss.Style // table column headers
	Selected lipgloss.Style // the cursor row
	Border   lipgloss.Style // rules and box borders

	TabActive   lipgloss.Style
	TabInactive lipgloss.Style

	Healthy  lipgloss.Style
	Degraded lipgloss.Style
	Failing  lipgloss.Style
	Unknown  lipgloss.Style

	Tag     lipgloss.Style // CURRENT, PINNED, VETOED
	Key     lipgloss.Style // a key in help ("enter")
	Banner  lipgloss.Style // the stale-data banner
	Error   lipgloss.Style
	Warning lipgloss.Style
	Status  lipgloss.Style // the status bar
}
