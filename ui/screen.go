package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Screen is one page of the cockpit on the root model's stack (home, release, run). Like a
// soft-serve component it is a model with its key map and a size; the root routes messages
// to the top screen, draws the crumb line and status bar around it, and generates help
// from its KeyMap.
type Screen interface {
	// Init starts the screen's loads (tea.Cmds); it is called when the screen is pushed.
	Init() tea.Cmd
	// Update handles a message. It never does I/O: work runs in the returned tea.Cmd.
	Update(msg tea.Msg) (Screen, tea.Cmd)
	// View draws exactly Width x Height cells (see SetSize) and only what is visible.
	View() string
	// SetSize gives the screen the area between the crumb line and the status bar.
	SetSize(width, height int)
	// KeyMap lists the screen's bindings for the help view and the footer hints.
	KeyMap() []key.Binding
	// Crumb names the screen in the breadcrumb line ("prod", "ecommerce_orders@2026.1122.21").
	Crumb() string
}

// Push asks the root to put a screen on top of the stack.
type Push struct{ Screen Screen }

// Pop asks the root to go back to the screen below (esc).
type Pop struct{}

// push is the command form of Push.
func push(s Screen) tea.Cmd { return func() tea.Msg { return Push{Screen: s} } }
