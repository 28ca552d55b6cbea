// Package ui is Release Cockpit's terminal interface: Bubble Tea models, screens and
// components, and the text rules every screen follows (sanitize what the workspace sends,
// never rely on colour alone).
//
// ui does no I/O in Update: work runs in tea.Cmds whose results come back as messages.
package ui
