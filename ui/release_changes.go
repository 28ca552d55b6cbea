package ui

import (
	"fmt"
	"strings"

	domain "github.com/release-cockpit/cockpit/model"
)

// changesTable is the Changes tab: what differs from the previous deployment of the bundle
// in the environment. On top the git range (previous commit → this commit, and the compare
// link where the origin is known) and the counts; then one row per setting that changed,
// resources added and removed first, and the unchanged resources last, muted.
func changesTable(c *Common, d domain.Deployment, ch domain.Changes) *relTable {
	t, g := c.Theme, c.Glyphs
	tb := &relTable{
		Empty: "the system tables hold no settings of this release's jobs and pipelines at the deploy",
		Cols: []Column{
			{Title: "CHANGE", Min: 11},
			{Title: "TYPE", Priority: 1},
			{Title: "RESOURCE", Min: 12, Name: true},
			{Title: "WHAT", Min: 12, Flex: true, Wrap: true},
		},
		WrapNotes: true, // the compare link stays whole
	}
	tb.Notes = append(tb.Notes, changesGitNote(c, d, ch))
	if ch.Git.CompareURL != "" {
		// Hosts resolve abbreviated commits; twelve digits keep the link on one line.
		link := strings.NewReplacer(ch.Git.From, prefix(ch.Git.From, 12), ch.Git.To, prefix(ch.Git.To, 12)).Replace(ch.Git.CompareURL)
		tb.Notes = append(tb.Notes, []relCell{{"compare: ", t.Muted}, {link, t.Base}})
	}
	if !ch.Known {
		return tb
	}
	summary := []relCell{{ch.Summary(), t.Title}}
	if ch.Previous == "" {
		summary = append(summary, relCell{" (the first deployment of " + d.Release.Bundle + " here: nothing to compare)", t.Muted})
	}
	tb.Notes = append(tb.Notes, summary)
	for _, r := range ch.Resources {
		st := changeStatus(c, r.Change)
		first := []relCell{st, plainCell(c, r.Type), plainCell(c, r.Name)}
		if r.Change == domain.ChangeNone {
			first = []relCell{st, mutedCell(c, r.Type), mutedCell(c, r.Name)}
		}
		if len(r.Fields) == 0 {
			what := map[string]string{domain.ChangeAdded: "new", domain.ChangeRemoved: "no longer deployed"}[r.Change]
			tb.Rows = append(tb.Rows, relRow{Cells: append(first, mutedCell(c, what))})
			continue
		}
		for i, f := range r.Fields {
			cells := first
			if i > 0 {
				cells = []relCell{plainCell(c, ""), plainCell(c, ""), plainCell(c, "")}
			}
			tb.Rows = append(tb.Rows, relRow{Cells: append(cells, plainCell(c, fieldText(g, f)))})
		}
	}
	return tb
}

// changesGitNote says which commits the deployment spans: "git a1b2c3d4 → e5f6a7b8 (since
// bundle@version, 1d ago)", or that there is no earlier deployment.
func changesGitNote(c *Common, d domain.Deployment, ch domain.Changes) []relCell {
	t, g := c.Theme, c.Glyphs
	if ch.Previous == "" {
		return []relCell{{"git ", t.Muted}, {orDash(shortSHA(ch.Git.To)), t.Base}, {"  no earlier deployment of " + d.Release.Bundle + " in " + d.Environment, t.Muted}}
	}
	rng := orDash(shortSHA(ch.Git.From)) + " " + g.Arrow + " " + orDash(shortSHA(ch.Git.To))
	if ch.Git.From != "" && ch.Git.From == ch.Git.To {
		rng = shortSHA(ch.Git.To) + " (same commit)"
	}
	since := "  since " + ch.Previous
	if !ch.PreviousAt.IsZero() {
		since += ", deployed " + FormatAge(c.Time(), ch.PreviousAt)
	}
	return []relCell{{"git ", t.Muted}, {rng, t.Title}, {since, t.Muted}}
}

// changeStatus is a resource's change as glyph and word: + added, - removed, ~ changed.
func changeStatus(c *Common, change string) relCell {
	t := c.Theme
	switch change {
	case domain.ChangeAdded:
		return relCell{"+ added", t.Warning}
	case domain.ChangeRemoved:
		return relCell{"- removed", t.Warning}
	case domain.ChangeModified:
		return relCell{"~ changed", t.Degraded}
	}
	return relCell{"= unchanged", t.Muted}
}

// fieldText is one setting that changed: "timeout 4h → 6h", "task + validate", "tag
// cost_center + cc-101", "run as ci → etl".
func fieldText(g Glyphs, f domain.FieldChange) string {
	switch {
	case f.From == "":
		return f.Field + " + " + f.To
	case f.To == "":
		return f.Field + " - " + f.From
	}
	return fmt.Sprintf("%s %s %s %s", f.Field, f.From, g.Arrow, f.To)
}
