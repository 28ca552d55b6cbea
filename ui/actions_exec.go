package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// startAction plans an enabled action and opens its dialog. Planning and executing need
// the data layer's executor, which ActionSource does not carry yet: until then the
// cockpit says so instead of acting.
func startAction(a *actionKeys, act model.Action, t *actionTarget) tea.Cmd {
	return notify(actionTitle(act, t)+": this cockpit cannot execute actions yet (use the CLI)", true)
}
