package ui

import (
	"context"
	"errors"
	"fmt"
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
	if all := notesText(tb); !strings.Contains(all, "1 run(s) only the REST API knows yet") {
		t.Errorf("the notes do not say a run is live: %q", all)
	}
}

// When the runs feed fails, the tab keeps the warehouse's runs and says what is missing.
func TestTheRunsTabSaysWhyLiveRunsAreMissing(t *testing.T) {
	c := testCommon()
	at := time.Date(2026, 11, 23, 11, 30, 0, 0, time.UTC)
	c.Now = func() time.Time { return at.Add(30 * time.Minute) }
	runs := []domain.JobRun{{RunID: "41", JobID: "7", RunName: "prod-orders", Start: at, End: at.Add(5 * time.Minute), ResultState: "SUCCEEDED"}}
	missing := fmt.Errorf("%w: the workspace's REST API did not answer in time", domain.ErrLiveFactsMissing)
	tb := runsTable(c, domain.Deployment{DeployedAt: at}, runsTabData{runs: runs, liveErr: missing})
	if all := notesText(tb); !strings.Contains(all, "live facts missing: the workspace's REST API did not answer in time; these are the system tables' runs") {
		t.Errorf("the notes do not say the live runs are missing: %q", all)
	}
	if len(tb.Rows) != 1 {
		t.Errorf("%d rows, want the warehouse's run", len(tb.Rows))
	}
}

// A read of the Runs tab whose live runs are missing keeps the tab (its runs and the reason);
// any other error still fails it.
func TestARunsReadWithoutLiveFactsKeepsTheTab(t *testing.T) {
	src := newFakeSource()
	src.runs = []domain.JobRun{{RunID: "41", JobID: "11", Start: testNow.Add(-time.Hour)}}
	src.runsErr = fmt.Errorf("%w: not signed in to the workspace", domain.ErrLiveFactsMissing)
	data, _, err := fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabRuns)
	rd, ok := data.(runsTabData)
	if err != nil || !ok || len(rd.runs) != 1 || rd.liveErr == nil {
		t.Fatalf("runs without live facts: %+v, %v", data, err)
	}
	src.runsErr = errors.New("warehouse down")
	if _, _, err := fetchReleaseTab(context.Background(), src, "prod", domain.Deployment{}, tabRuns); err == nil {
		t.Error("a failed warehouse read did not fail the tab")
	}
}

// notesText is the text of a tab's notes, one space between cells.
func notesText(tb *relTable) string {
	var notes []string
	for _, n := range tb.Notes {
		for _, cell := range n {
			notes = append(notes, cell.Text)
		}
	}
	return strings.Join(notes, " ")
}
