package ui

import (
	"strings"
	"testing"
	"time"

	domain "github.com/release-cockpit/cockpit/model"
)

// A run only the REST API knows yet (the system tables an hour late) is marked on the Runs
// tab, and the tab says how many there are and why.
func TestTheRunsTabMarksWhatOnlyTheAPIKnows(t *testing.T) {
	c := testCommon()
	at := time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC)
	c.Now = func() time.Time { return at.Add(30 * time.Minute) }
	runs := []domain.JobRun{
		{RunID: "41", JobID: "7", RunName: "prod-orders", Start: at, End: at.Add(5 * time.Minute), ResultState: "SUCCEEDED"},
		{RunID: "42", JobID: "7", RunName: "prod-orders", Start: at.Add(10 * time.Minute), End: at.Add(12 * time.Minute), ResultState: "FAILED", Live: true},
	}
	tb := runsTable(c, domain.Deployment{DeployedAt: at}, runsTabData{runs: runs})
	ids := map[string]string{}
	for _, r := range tb.Rows {
		if run, ok := r.Ref.(domain.JobRun); ok {
			ids[run.RunID] = r.Cells[2].Text
		}
	}
	if ids["42"] != c.Glyphs.Provisional+"42" || ids["41"] != "41" {
		t.Errorf("ID cells %q: want the live run marked %s and the other not", ids, c.Glyphs.Provisional)
	}
	var notes []string
	for _, n := range tb.Notes {
		for _, cell := range n {
			notes = append(notes, cell.Text)
		}
	}
	if all := strings.Join(notes, " "); !strings.Contains(all, "1 run(s) only the REST API knows yet") {
		t.Errorf("the notes do not say a run is live: %q", all)
	}
}
