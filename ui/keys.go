package ui

import "charm.land/bubbles/v2/key"

// The cockpit's keys, declared once: the same binding means the same thing on every
// screen, and help is generated from these declarations.

// globalKeys work on every screen (the root handles them).
type globalKeys struct {
	Quit, Help, Command, Back key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Command: key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command (:env :bundle :failing :since :board :audit :theme :q)")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back / close")),
	}
}

func (k globalKeys) list() []key.Binding { return []key.Binding{k.Help, k.Command, k.Back, k.Quit} }

// TableKeys move the cursor of a table; every list in the cockpit uses them.
type TableKeys struct {
	Up, Down, Top, Bottom, HalfDown, HalfUp, PageDown, PageUp key.Binding
}

// NewTableKeys are vi keys and arrows, as in k9s and gh-dash.
func NewTableKeys() TableKeys {
	return TableKeys{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
	}
}

func (k TableKeys) list() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.HalfDown, k.HalfUp, k.PageDown, k.PageUp}
}

// homeKeys are the home screen's own keys.
type homeKeys struct {
	Open, Filter, Sort, Reverse, Refresh, NextTab, PrevTab, PickTab key.Binding
	// Board opens the promotion board (also :board).
	Board key.Binding
	// While the filter is being typed.
	Accept, Cancel key.Binding
}

func newHomeKeys() homeKeys {
	return homeKeys{
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open release")),
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter: words match bundle, version, sha, who, ticket; bundle: status: by: tag: ticket: env:")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by the next column: status (triage), age, bundle, version, who, runs, checks, exp")),
		Reverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse the sort")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh now")),
		NextTab: key.NewBinding(key.WithKeys("tab", "l", "right"), key.WithHelp("tab", "next environment")),
		PrevTab: key.NewBinding(key.WithKeys("shift+tab", "h", "left"), key.WithHelp("shift+tab", "previous environment")),
		PickTab: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "pick environment")),
		Board:   key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "promotion board: what waits for the next environment (:board)")),
		Accept:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}
