package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// loadCmd is a command that reads through the source under the program's context and the
// load timeout (Common.Timeout, else defaultLoadTimeout); read returns the result message.
// It captures what it needs from c when made, so the command never touches the model.
func loadCmd(c *Common, read func(ctx context.Context, src Source) tea.Msg) tea.Cmd {
	src, parent, timeout := c.Source, c.context(), c.Timeout
	if timeout <= 0 {
		timeout = defaultLoadTimeout
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		return read(ctx, src)
	}
}
