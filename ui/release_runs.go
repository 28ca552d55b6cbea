package ui

import (
	"fmt"
	"strings"
	"time"

	domain "github.com/release-cockpit/cockpit/model"
)

// runsTable is the Runs tab: the window's job runs and pipeline updates, what failed first,
// then what runs, then the rest, each newest first (model.SortRuns), each job run held
// against the median of its job's runs before the deploy and each pipeline update against
// its pipeline's updates, with a sparkline of those. enter opens a job run or a pipeline
// update.
func runsTable(c *Common, d domain.Deployment, data runsTabData) *relTable {
	t, now := c.Theme, c.Time()
	type item struct {
		failed, active bool
		start          time.Time
		row            relRow
	}
	var items []item
	failed, active, live, liveUpdates := 0, 0, 0, 0
	for _, r := range data.runs {
		st := runStatus(c, r.ResultState)
		took := runTook(c, now, r.Start, r.End, r.Active())
		base := data.baselines.Jobs[r.JobID]
		dur := r.Duration()
		if r.Active() {
			dur = now.Sub(r.Start)
		}
		vs := againstBaseline(c, dur, r.Active(), base)
		if r.Failed() {
			failed++
		}
		if r.Active() {
			active++
		}
		name := r.RunName
		if name == "" {
			name = "job " + r.JobID
		}
		id := mutedCell(c, r.RunID)
		if r.Live {
			live++
			id = plainCell(c, c.Glyphs.Provisional+r.RunID)
		}
		items = append(items, item{r.Failed(), r.Active(), r.Start, relRow{Ref: r, Cells: []relCell{
			st.cell(), plainCell(c, name), id, mutedCell(c, FormatAge(now, r.Start)),
			took, vs, {Text: Sparkline(base, c.Glyphs.Spark, domain.BaselineRuns), Style: t.Muted},
		}}})
	}
	for _, u := range data.updates {
		st := updateStatus(c, u.ResultState)
		running := u.ResultState == ""
		if u.Failed() {
			failed++
		}
		if running {
			active++
		}
		id, took := mutedCell(c, shortID(u.UpdateID)), runTook(c, now, u.Start, u.End, running)
		base := data.baselines.Pipelines[u.PipelineID]
		vs := mutedCell(c, "-")
		switch {
		case running:
			vs = againstBaseline(c, now.Sub(u.Start), true, base)
		case !u.End.IsZero():
			vs = againstBaseline(c, u.End.Sub(u.Start), false, base)
		}
		if u.Live {
			liveUpdates++
			id = plainCell(c, c.Glyphs.Provisional+shortID(u.UpdateID))
			if !running && u.End.IsZero() {
				took = mutedCell(c, "-") // the API's listing of an update carries no end
			}
		}
		items = append(items, item{u.Failed(), running, u.Start, relRow{Ref: u, Cells: []relCell{
			st.cell(), plainCell(c, strings.TrimSpace(updateName(u)+" "+u.UpdateType)), id,
			mutedCell(c, FormatAge(now, u.Start)), took, vs, {Text: Sparkline(base, c.Glyphs.Spark, domain.BaselineRuns), Style: t.Muted},
		}}})
	}
	domain.SortRuns(items, func(it item) (bool, bool, time.Time) { return it.failed, it.active, it.start })
	tb := &relTable{
		Cursor: true,
		Empty:  "no job runs or pipeline updates have started since the deploy",
		Cols: []Column{
			{Title: "STATE", Min: 9},
			{Title: "NAME", Min: 12, Flex: true, Name: true},
			{Title: "ID", Max: 12, Priority: 3},
			{Title: "STARTED", Priority: 2},
			{Title: "TOOK"},
			{Title: "VS BASELINE"},
			{Title: "RECENT", Min: 6, Max: domain.BaselineRuns, Tail: true, Priority: 1},
		},
	}
	for _, it := range items {
		tb.Rows = append(tb.Rows, it.row)
	}
	summary := fmt.Sprintf("%d job run(s) and %d pipeline update(s) since the deploy", len(data.runs), len(data.updates))
	counts := relCell{fmt.Sprintf("  %d failed, %d running", failed, active), t.Base}
	if failed > 0 {
		counts.Style = t.Failing
	}
	tb.Notes = append(tb.Notes, []relCell{{summary, t.Base}, counts})
	var only []string
	if live > 0 {
		only = append(only, fmt.Sprintf("%d run(s)", live))
	}
	if liveUpdates > 0 {
		only = append(only, fmt.Sprintf("%d pipeline update(s)", liveUpdates))
	}
	if len(only) > 0 {
		tb.Notes = append(tb.Notes, []relCell{{fmt.Sprintf("%s %s only the REST API knows yet: the system tables arrive about an hour late", c.Glyphs.Provisional, strings.Join(only, " and ")), t.Muted}})
	}
	if data.liveErr != nil {
		tb.Notes = append(tb.Notes, []relCell{{Clean(data.liveErr.Error()) + "; these are the system tables' runs and updates, which may lack the last hour's", t.Warning}})
	}
	note := []relCell{{fmt.Sprintf("baseline: each job's last %d runs and pipeline's last %d updates before %s", domain.BaselineRuns, domain.BaselineRuns, clockText(now, d.DeployedAt, false)), t.Muted}}
	if data.baselineErr != nil {
		note = []relCell{{"baselines unavailable: " + data.baselineErr.Error(), t.Warning}}
	}
	tb.Notes = append(tb.Notes, note)
	return tb
}

// againstBaseline holds a run's or update's duration (how long it has been going, while
// active) against the median of its job's or pipeline's before the deploy: "+40% vs median
// 11m", in the warning style beyond half again or half as long; "no baseline" without one.
func againstBaseline(c *Common, d time.Duration, active bool, base []time.Duration) relCell {
	if len(base) == 0 {
		return mutedCell(c, "no baseline")
	}
	suffix := ""
	if active {
		suffix = " so far"
	}
	vs := plainCell(c, CompareToMedian(d, base)+suffix)
	if m, ok := Median(base); ok {
		if pct, ok := AgainstMedian(d, m); ok && (pct >= 50 || pct <= -50) {
			vs.Style = c.Theme.Warning
		}
	}
	return vs
}

// runTook is a run's duration, or how long it has been going.
func runTook(c *Common, now, start, end time.Time, active bool) relCell {
	if active || end.IsZero() {
		return mutedCell(c, FormatDuration(now.Sub(start))+" so far")
	}
	return plainCell(c, FormatDuration(end.Sub(start)))
}

// shortID is the first part of a long id (a UUID's first eight characters), enough to tell
// ids apart on screen.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:8]
	}
	return id
}

// updateName names a pipeline update's pipeline: its name, or its short id when unknown.
func updateName(u domain.PipelineUpdate) string {
	if u.Name != "" {
		return u.Name
	}
	return "pipeline " + shortID(u.PipelineID)
}
