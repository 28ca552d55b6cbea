package ui

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	domain "github.com/release-cockpit/cockpit/model"
)

// checksTable is the Checks tab: the latest report of each check first, the ones that need
// attention on top (failed, then inconclusive, then pending, then passed; pre-deploy
// before post-deploy, in the order they reported), then the earlier reports they replace.
func checksTable(c *Common, d domain.Deployment, cs []domain.Check) *relTable {
	t, now := c.Theme, c.Time()
	latest := map[string]int{}
	for i, k := range cs {
		if j, ok := latest[k.Key()]; !ok || !k.At.Before(cs[j].At) {
			latest[k.Key()] = i
		}
	}
	var current, earlier []domain.Check
	for i, k := range cs {
		if latest[k.Key()] == i {
			current = append(current, k)
		} else {
			earlier = append(earlier, k)
		}
	}
	phase := map[domain.Phase]int{domain.PhasePre: 0, domain.PhasePost: 1}
	attention := func(k domain.Check) int {
		switch {
		case k.Outcome == domain.OutcomeFail && !k.NoData:
			return 0
		case k.Outcome == domain.OutcomeInconclusive || k.NoData:
			return 1
		case k.Outcome == domain.OutcomePending:
			return 2
		}
		return 3
	}
	sort.SliceStable(current, func(i, j int) bool {
		if ai, aj := attention(current[i]), attention(current[j]); ai != aj {
			return ai < aj
		}
		pi, pj := phase[current[i].Phase], phase[current[j].Phase]
		if pi != pj {
			return pi < pj
		}
		return current[i].At.Before(current[j].At)
	})
	sort.SliceStable(earlier, func(i, j int) bool { return earlier[i].At.After(earlier[j].At) })

	row := func(k domain.Check, old bool) relRow {
		observed := plainCell(c, k.Observed)
		if k.NoData {
			observed = relCell{Text: "no data", Style: t.Warning}
			if k.Observed != "" {
				observed.Text = k.Observed + " (no data)"
			}
		}
		name := plainCell(c, k.Name)
		if k.DetailsUnreadable {
			// The status column still says how it went; the raw details are in the debug log.
			name = relCell{Text: "details unreadable", Style: t.Warning}
		}
		cells := []relCell{
			checkStatus(c, k).cell(), name, mutedCell(c, string(k.Phase)),
			observed, mutedCell(c, k.Threshold), mutedCell(c, clockText(now, k.At, true)),
		}
		if old {
			for i := range cells {
				cells[i].Style = t.Muted
			}
		}
		return relRow{Cells: cells}
	}
	tb := &relTable{
		Empty: "no checks reported for this release in this environment",
		Cols: []Column{
			{Title: "OUTCOME", Min: 8},
			{Title: "CHECK", Name: true},
			{Title: "PHASE", Priority: 2},
			{Title: "OBSERVED", Min: 12, Flex: true, Name: true},
			{Title: "THRESHOLD", Max: 28, Priority: 1},
			{Title: "AT", Priority: 3},
		},
	}
	for _, k := range current {
		tb.Rows = append(tb.Rows, row(k, false))
	}
	if len(earlier) > 0 {
		tb.Rows = append(tb.Rows, relRow{Span: []relCell{{fmt.Sprintf("earlier reports (%d), replaced by the ones above", len(earlier)), t.Muted}}})
		for _, k := range earlier {
			tb.Rows = append(tb.Rows, row(k, true))
		}
	}
	tb.Notes = checksSummary(c, d, cs)
	return tb
}

// checksSummary counts the checks as the home does (the latest report of each check
// reported since the deploy: its CHECKS column, "4/6 2✗"), then those reported before it
// (the pre-deploy checks a promotion was gated on), so that both screens tell one story.
func checksSummary(c *Common, d domain.Deployment, cs []domain.Check) [][]relCell {
	t := c.Theme
	var since, before []domain.Check
	for _, k := range cs {
		if k.At.Before(d.DeployedAt) {
			before = append(before, k)
		} else {
			since = append(since, k)
		}
	}
	n := domain.CountChecks(since)
	home, _ := checksText(c.Glyphs, n)
	style := t.Base
	if n.Fail > 0 {
		style = t.Failing
	}
	note := []relCell{{fmt.Sprintf("%d check(s) since the deploy (the home's CHECKS %s): %s", n.Total(), home, outcomes(n)), style}}
	if n.NoData > 0 {
		note = append(note, relCell{fmt.Sprintf("  (%d without data)", n.NoData), t.Warning})
	}
	b := domain.CountChecks(before)
	pre := fmt.Sprintf("%d before the deploy (pre-deploy): %s", b.Total(), outcomes(b))
	return [][]relCell{note, {{pre, t.Muted}}}
}

// outcomes lists the counts that are not zero: "4 pass, 2 fail"; "none" for no check.
func outcomes(n domain.CheckCounts) string {
	var parts []string
	for _, p := range []struct {
		n    int
		word string
	}{{n.Pass, "pass"}, {n.Fail, "fail"}, {n.Inconclusive, "inconclusive"}, {n.Pending, "pending"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// auditTable is the Audit tab: the release's ledger events in this environment (and its
// vetoes from anywhere), oldest first.
func auditTable(c *Common, env string, evs []domain.LedgerEvent) *relTable {
	now := c.Time()
	tb := &relTable{
		Empty: "no ledger events for this release in this environment",
		Cols: []Column{
			{Title: "TIME"},
			{Title: "KIND"},
			{Title: "STATUS", Min: 8},
			{Title: "ACTOR", Max: 32, Priority: 1},
			{Title: "DETAILS", Min: 24, Flex: true, Wrap: true},
		},
	}
	for _, e := range evs {
		tb.Rows = append(tb.Rows, relRow{Cells: []relCell{
			mutedCell(c, clockText(now, e.At, true)), plainCell(c, string(e.Kind)), eventStatus(c, e.Status),
			plainCell(c, e.Actor), plainCell(c, eventDetails(c, env, e)),
		}})
	}
	tb.Notes = [][]relCell{{{fmt.Sprintf("%d event(s) in the ledger, oldest first", len(evs)), c.Theme.Muted}}}
	return tb
}

// eventDetails says what an event was about: the check and its phase, the action and
// versions of a request, its reason, ticket and deployer run, and its environment when it
// is another one (a veto applies everywhere).
func eventDetails(c *Common, env string, e domain.LedgerEvent) string {
	var d struct {
		Name, Phase, Action, From, To string
	}
	if e.Details != "" {
		_ = json.Unmarshal([]byte(e.Details), &d) // the ledger has several writers: show what parses
	}
	var parts []string
	if d.Name != "" {
		p := d.Name
		if d.Phase != "" {
			p += " (" + d.Phase + ")"
		}
		parts = append(parts, p)
	}
	if d.Action != "" {
		a := d.Action
		if d.From != "" || d.To != "" {
			a += " " + d.From + " " + c.Glyphs.Arrow + " " + d.To
		}
		parts = append(parts, a)
	}
	if e.Environment != "" && e.Environment != env {
		parts = append(parts, "in "+e.Environment)
	}
	if e.Reason != "" {
		parts = append(parts, "reason: "+e.Reason)
	}
	if e.Ticket != "" {
		parts = append(parts, e.Ticket)
	}
	if e.RunID != 0 {
		parts = append(parts, fmt.Sprintf("run %d", e.RunID))
	}
	return strings.Join(parts, "; ")
}
