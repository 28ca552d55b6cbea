package ui

import (
	"fmt"
	"github.com/release-cockpit/cockpit/model"
)

// billingLateness is how late Databricks says billing usage may arrive.
const billingLateness = "12 h"

// costTable is the Cost tab: the DBUs of each run and update of the window, most expensive
// first, the total, and how far billing data reaches: usage arrives up to 12 hours late,
// so a young deployment's cost is incomplete and says so. started is how many runs and
// updates the deployment's health counts (model.Health.Started, live facts included): the
// cost lists them only once the system tables hold them, about an hour late.
func costTable(c *Common, cost model.Cost, started int) *relTable {
	t, now := c.Theme, c.Time()
	empty := "no job runs or pipeline updates since the deploy, so no cost yet"
	if started > 0 {
		empty = "its runs and updates are not in the system tables yet, so no cost to show yet"
	}
	tb := &relTable{
		Empty: empty,
		Cols: []Column{
			{Title: "TYPE"},
			{Title: "RESOURCE", Min: 12, Name: true},
			// A run or update id identifies the row (y on the Runs tab copies its URL): whole,
			// wrapped after half an update's UUID at the narrowest.
			{Title: "RUN / UPDATE", Min: 19, Name: true},
			{Title: "DBUS", Min: 10, Flex: true, Wrap: true, Right: true}, // "not billed yet" wraps before an id does
		},
	}
	billed := 0
	for _, it := range cost.Items {
		dbus := relCell{fmt.Sprintf("%.2f", it.DBUs), t.Base}
		if it.DBUs == 0 {
			dbus = relCell{"not billed yet", t.Muted}
		} else {
			billed++
		}
		// People read job and pipeline names; the id stands in where the name is unknown.
		resource := plainCell(c, it.ResourceName)
		if it.ResourceName == "" {
			resource = mutedCell(c, it.ResourceID)
		}
		tb.Rows = append(tb.Rows, relRow{Cells: []relCell{plainCell(c, it.ResourceType), resource, plainCell(c, it.RunID), dbus}})
	}
	tb.Notes = append(tb.Notes, costSummary(c, cost, billed, started))
	late := "no billing data since the deploy " + ruleDash(c.Glyphs) + " late by up to " + billingLateness
	if !cost.DataThrough.IsZero() {
		late = "billing data through " + clockText(now, cost.DataThrough, false) + " " + ruleDash(c.Glyphs) +
			" late by up to " + billingLateness + ": usage after it is not counted yet"
	}
	tb.Notes = append(tb.Notes, []relCell{{late, t.Warning}})
	tb.WrapNotes = true // how late billing is must be read whole, at 80 columns too
	return tb
}

// costSummary is the total: "not billed yet" while no run or update of the window is
// billed (a total of 0.00 DBUs would read as free), else the DBUs billed so far and for how
// many of them. Runs and updates the health counts but the cost does not list yet are not
// "nothing ran": the system tables list them about an hour late.
func costSummary(c *Common, cost model.Cost, billed, started int) []relCell {
	t := c.Theme
	switch {
	case len(cost.Items) == 0 && started > 0:
		return []relCell{{"not billed yet", t.Title}, {fmt.Sprintf(": the %d run(s) and update(s) since the deploy reach the system tables about an hour late", started), t.Base}}
	case len(cost.Items) == 0:
		return []relCell{{"no cost: nothing ran since the deploy", t.Muted}}
	case billed == 0:
		return []relCell{{"not billed yet", t.Title}, {fmt.Sprintf(": none of the %d run(s) and update(s) since the deploy", len(cost.Items)), t.Base}}
	case billed < len(cost.Items):
		return []relCell{{fmt.Sprintf("total %.2f DBUs", cost.DBUs), t.Title}, {fmt.Sprintf(" billed so far for %d of %d run(s) and update(s)", billed, len(cost.Items)), t.Base}}
	}
	return []relCell{{fmt.Sprintf("total %.2f DBUs", cost.DBUs), t.Title}, {fmt.Sprintf(" for %d run(s) and update(s), all billed", len(cost.Items)), t.Base}}
}
