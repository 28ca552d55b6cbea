package ui

import domain "github.com/release-cockpit/cockpit/model"

// The rows a read left out (data/warehouse decodes every row and leaves out those that
// cannot be what was asked for: a run without a run id, an update without a start time)
// are said on one line above the tab's table, never dropped in silence.

// withLeftOut adds to a tab's table the line saying how many rows its reads left out and
// why ("2 rows left out: no run id"), in the warning colour; nothing when none were.
func withLeftOut(c *Common, tb *relTable, skipped domain.Skipped) *relTable {
	if line := skipped.Line(); line != "" && tb != nil {
		tb.Notes = append(tb.Notes, []relCell{{line, c.Theme.Warning}})
	}
	return tb
}
