package ui

import (
	"fmt"

	domain "github.com/release-cockpit/cockpit/model"
)

// Legend explains the release screen's columns and glyphs in help (?), the current tab's
// first.
func (s *ReleaseScreen) Legend() []legendEntry {
	g := s.c.Glyphs
	runs := []legendEntry{
		{"VS BASELINE", "the run's duration against the median of its job's runs before the deploy; 50% or more either way is marked"},
		{"RECENT", fmt.Sprintf("a sparkline of the job's last %d runs before the deploy, oldest left, newest right", domain.BaselineRuns)},
		{"so far", "the run or update is still going: how long until now"},
		{g.Provisional + " ID", "only the REST API knows the run or update yet (the system tables arrive about an hour late)"},
	}
	checks := []legendEntry{
		{"PHASE", "pre: reported before the deploy (validate, tests, policy); post: after it (canary, SLA, freshness, drift, budget)"},
		{"no data", "the check had nothing to measure: inconclusive, not passed"},
	}
	quality := []legendEntry{
		{"RATIO", "failed records over all records of the expectation since the deploy"},
		{"CHANGE", "the ratio's change in points against the previous deployment; " + g.Failing + " regressed beyond the policy"},
		{g.Provisional + " EXPECTATION", "some of its records only the REST API knows yet (the system tables arrive about an hour late)"},
	}
	lineage := []legendEntry{
		{g.TreeBranch + g.TreeLast, "the tables the release read, the release, the tables it wrote and their consumers (two hops); what is broken comes first"},
		{g.Failing + " table", "broken: a failing check names it (what it saw, -64% rows) or an expectation on it regressed; y copies a table's name"},
	}
	changes := []legendEntry{
		{"CHANGE", "+ added, - removed, ~ changed since the bundle's previous deployment here; = unchanged (muted)"},
		{"git " + g.Arrow, "the previous deployment's commit and this one's; compare: the host's link between them"},
	}
	common := []legendEntry{
		{"1-13 of 17", "the rows shown, when a tab is longer than the screen; 3/40 where the cursor is"},
		{"y Y", "y copies the row's URL (Runs), table name (Lineage) or the release id; Y offers the sha, ids, ticket"},
		{"/", "searches the tab's text; n and N go to the next and previous match"},
	}
	tabs := map[relTab][]legendEntry{tabRuns: runs, tabChecks: checks, tabQuality: quality, tabLineage: lineage, tabChanges: changes}
	out := append([]legendEntry(nil), tabs[s.tab]...)
	for _, t := range []relTab{tabRuns, tabChecks, tabQuality, tabLineage, tabChanges} {
		if t != s.tab {
			out = append(out, tabs[t]...)
		}
	}
	return append(out, common...)
}
