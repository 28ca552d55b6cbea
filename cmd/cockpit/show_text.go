package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/ui"
)

// showWidth is the width `cockpit show` prints to: an incident channel's.
const showWidth = 100

// showRows bounds the rows a section prints; -o json has them all.
const showRows = 15

// writeShowText prints the release screen as text, section by section, every line within
// 100 columns and every workspace string cleaned.
func writeShowText(w io.Writer, s *shown, now time.Time, st tableStyle) {
	st.width, st.wide = showWidth, false
	g := st.glyphs
	p := func(format string, a ...any) {
		fmt.Fprintln(w, ui.FitWith(ui.Clean(fmt.Sprintf(format, a...)), showWidth, g.Ellipsis))
	}
	d := s.d
	p("%s  %s  %s  %s", d.Release.ID(), d.Environment, cell(shortSHA(d.Release.GitSHA)), cell(d.Ticket))
	p("deployed %s (%s) by %s", d.DeployedAt.UTC().Format("2006-01-02 15:04 MST"), ui.FormatAge(now, d.DeployedAt), cell(d.DeployedBy))
	p("%s", statusLabel(d.Assessment, g))
	for _, r := range d.Reasons {
		p("  - %s", r)
	}
	section := func(name, title string) bool {
		fmt.Fprintln(w)
		if err := s.errs[name]; err != nil {
			p("%s: could not be read: %v", strings.ToUpper(title), err)
			return false
		}
		if line := s.leftOut[name].Line(); line != "" {
			p("%s: %s", strings.ToUpper(title), line)
		}
		return true
	}
	more := func(n int) {
		if n > showRows {
			p("%s %d more (-o json lists them all)", g.Ellipsis, n-showRows)
		}
	}
	if section("runs", "runs") {
		p("RUNS: %d job run(s), %d pipeline update(s) since the deploy", len(s.runs), len(s.updates))
		// As on the release screen, what only the REST API knows yet is marked ~.
		var rows [][]string
		live := 0
		for _, r := range s.runs {
			rows = append(rows, []string{stateText(r.ResultState), "job", cell(r.RunName), liveMark(r.Live, &live) + r.RunID, clock(r.Start), spanText(r.Start, r.End)})
		}
		for _, u := range s.updates {
			rows = append(rows, []string{stateText(u.ResultState), "pipeline", cell(u.Name), liveMark(u.Live, &live) + u.UpdateID, clock(u.Start), spanText(u.Start, u.End)})
		}
		if live > 0 {
			p("~ %d of them only the REST API knows yet (the system tables arrive about an hour late)", live)
		}
		writeShowRows(w, []column{{title: "STATE", max: 10}, {title: "TYPE"}, {title: "NAME", max: 40, min: 12},
			{title: "RUN / UPDATE", max: 36, min: 8}, {title: "START"}, {title: "TOOK"}}, rows, st, more)
	}
	if section("checks", "checks") {
		p("CHECKS: %d", len(s.checks))
		var rows [][]string
		for _, c := range s.checks {
			obs := c.Observed
			if c.NoData {
				obs = "no data"
			}
			rows = append(rows, []string{string(c.Outcome), cell(c.Name), string(c.Phase), cell(obs), cell(c.Threshold), clock(c.At)})
		}
		writeShowRows(w, []column{{title: "OUTCOME"}, {title: "NAME", max: 24}, {title: "PHASE"}, {title: "OBSERVED", max: 30, min: 8},
			{title: "THRESHOLD", max: 24, min: 8}, {title: "AT"}}, rows, st, more)
	}
	if section("data_quality", "data quality") {
		p("DATA QUALITY: %d expectation(s), worst first", len(s.quality))
		q := append([]model.ExpectationDelta(nil), s.quality...)
		sort.SliceStable(q, func(i, j int) bool { return q[i].FailureRatio() > q[j].FailureRatio() })
		var rows [][]string
		live := 0
		for _, e := range q {
			before := "-"
			if e.BaselineRatio >= 0 {
				before = fmt.Sprintf("%.2f%%", 100*e.BaselineRatio)
			}
			rows = append(rows, []string{cell(e.Dataset), liveMark(e.Live, &live) + cell(e.Expectation), fmt.Sprint(e.PassedRecords), fmt.Sprint(e.FailedRecords),
				fmt.Sprintf("%.2f%%", 100*e.FailureRatio()), before})
		}
		if live > 0 {
			p("~ %d of them count records only the REST API knows yet", live)
		}
		writeShowRows(w, []column{{title: "DATASET", max: 40, min: 12}, {title: "EXPECTATION", max: 24, min: 8}, {title: "PASSED"},
			{title: "FAILED"}, {title: "RATIO"}, {title: "BEFORE"}}, rows, st, more)
	}
	if section("lineage", "lineage") {
		writeShowLineage(p, s.lineage, d.Health, g)
	}
	if section("changes", "changes") {
		writeShowChanges(p, s.changes, d.Deployment, g, now)
	}
	if section("cost", "cost") {
		late := "no billing data since the deploy"
		if !s.cost.DataThrough.IsZero() {
			late = "billing data through " + clock(s.cost.DataThrough)
		}
		if started := d.Health.Started(); len(s.cost.Items) == 0 && started > 0 {
			// Not "0.00 DBUs for 0 runs": they ran, and the system tables list them late.
			p("COST: not billed yet: the %d run(s) and update(s) since the deploy reach the system tables", started)
			p("about an hour late; %s (late by up to 12 h)", late)
		} else {
			p("COST: %.2f DBUs for %d run(s) and update(s); %s (late by up to 12 h)", s.cost.DBUs, len(s.cost.Items), late)
		}
		items := append([]model.CostItem(nil), s.cost.Items...)
		sort.SliceStable(items, func(i, j int) bool { return items[i].DBUs > items[j].DBUs })
		var rows [][]string
		for _, it := range items {
			dbus := "not billed yet"
			if it.DBUs != 0 {
				dbus = fmt.Sprintf("%.2f", it.DBUs)
			}
			rows = append(rows, []string{it.ResourceType, cell(it.ResourceName), it.RunID, dbus})
		}
		writeShowRows(w, []column{{title: "TYPE"}, {title: "RESOURCE", max: 44, min: 12}, {title: "RUN / UPDATE", max: 36, min: 8}, {title: "DBUS"}}, rows, st, more)
	}
	if section("audit", "audit") {
		p("AUDIT: %d ledger event(s)", len(s.audit))
		var rows [][]string
		for _, e := range s.audit {
			rows = append(rows, []string{clock(e.At), string(e.Kind), cell(e.Status), cell(ui.ShortUser(e.Actor)), cell(e.Reason)})
		}
		writeShowRows(w, []column{{title: "AT"}, {title: "KIND", max: 18}, {title: "STATUS", max: 18}, {title: "BY", max: 16}, {title: "REASON", max: 40, min: 6}}, rows, st, more)
	}
}

// liveMark is "~" for what only the REST API knows yet (counted in n), else "".
func liveMark(live bool, n *int) string {
	if !live {
		return ""
	}
	*n++
	return "~"
}

// writeShowRows prints at most showRows rows as columns, then says how many were left out.
func writeShowRows(w io.Writer, cols []column, rows [][]string, st tableStyle, more func(int)) {
	if len(rows) == 0 {
		return
	}
	writeColumns(w, cols, rows[:min(len(rows), showRows)], st)
	more(len(rows))
}

// writeShowLineage prints the blast radius, the tables read and written, and the consumers.
func writeShowLineage(p func(string, ...any), ls []model.LineageTable, h model.Health, g ui.Glyphs) {
	p("LINEAGE: blast radius %d consumer(s) within two hops", model.BlastRadius(ls))
	if model.LineageBeforeDeploy(ls) {
		p("%s lineage from the week before the deploy: %s", g.Provisional, model.WhyLineageBeforeDeploy(h))
	}
	var read, wrote []string
	for _, l := range ls {
		switch l.Direction {
		case model.LineageUpstream:
			read = append(read, l.Table)
		case model.LineageWritten:
			wrote = append(wrote, l.Table)
		}
	}
	p("read:  %s", listText(read))
	p("wrote: %s", listText(wrote))
	n := 0
	for _, l := range ls {
		if l.Direction != model.LineageDownstream {
			continue
		}
		if n++; n > showRows {
			continue
		}
		who := l.ConsumerName
		if who == "" {
			who = l.Consumer
		}
		target := l.Table
		if target == "" {
			target = "(reads only)"
		}
		p("  hop %d: %s %s %s by %s", l.Hops, l.Via, g.Arrow, target, who)
	}
	if n > showRows {
		p("  %s %d more (-o json lists them all)", g.Ellipsis, n-showRows)
	}
}

// writeShowChanges prints the git range and compare link, then each resource that changed
// with its settings, and how many did not.
func writeShowChanges(p func(string, ...any), c model.Changes, d model.Deployment, g ui.Glyphs, now time.Time) {
	if c.Previous == "" {
		p("CHANGES: the first deployment of %s in %s: nothing to compare (git %s)", d.Release.Bundle, d.Environment, cell(shortSHA(c.Git.To)))
		return
	}
	p("CHANGES since %s (deployed %s): %s", c.Previous, ui.FormatAge(now, c.PreviousAt), c.Summary())
	p("git %s %s %s", cell(c.Git.From), g.Arrow, cell(c.Git.To))
	if c.Git.CompareURL != "" {
		p("compare: %s", strings.NewReplacer(c.Git.From, shortSHA12(c.Git.From), c.Git.To, shortSHA12(c.Git.To)).Replace(c.Git.CompareURL))
	}
	if !c.Known {
		p("the system tables hold no settings of this release's jobs and pipelines at the deploy")
		return
	}
	for _, r := range c.Resources {
		if r.Change == model.ChangeNone {
			continue
		}
		p("  %s %s %s", r.Change, r.Type, r.Name)
		for _, f := range r.Fields {
			switch {
			case f.From == "":
				p("      %s + %s", f.Field, f.To)
			case f.To == "":
				p("      %s - %s", f.Field, f.From)
			default:
				p("      %s %s %s %s", f.Field, f.From, g.Arrow, f.To)
			}
		}
	}
}

func listText(ts []string) string {
	if len(ts) == 0 {
		return "-"
	}
	return strings.Join(ts, ", ")
}

func stateText(s string) string {
	if s == "" {
		return "active"
	}
	return strings.ToLower(s)
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("01-02 15:04")
}

func spanText(a, b time.Time) string {
	if b.IsZero() || a.IsZero() {
		return "-"
	}
	return ui.FormatDuration(b.Sub(a))
}

func shortSHA(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

func shortSHA12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
