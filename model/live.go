package model

import (
	"errors"
	"slices"
	"strconv"
	"time"
)

// The system tables arrive about an hour late; the REST API answers at once. For a window
// that can still change, what the REST API says now is merged into the health the warehouse
// computed, with run ids and update ids as the keys so that nothing is counted twice: a fact
// the warehouse already holds is the warehouse's, except that a run or update it still shows
// as active may have finished since (the API is newer there).

// ErrLiveFactsMissing is what an error Is when a read's live facts are missing and the data it
// came with is the warehouse's alone (about an hour behind for the open windows): the data
// stands, and the error says why the rest is missing.
var ErrLiveFactsMissing = errors.New("live facts missing")

// LiveUpdate is a pipeline update as the REST API reports it (pipelines latest_updates and
// the update's events).
type LiveUpdate struct {
	PipelineID string
	// PipelineName is the pipeline's name in the pipelines list the update came from.
	PipelineName string
	UpdateID     string
	Start        time.Time
	// State is the update's state: COMPLETED, FAILED or CANCELED once it ended, anything
	// else (QUEUED, RUNNING, ...) while active.
	State string
	// Expectations says whether Passed and Failed hold the update's expectation results
	// (read once from its flow_progress events after it ended).
	Expectations   bool
	Passed, Failed int64
	// Results are those expectation results one by one (their sum is Passed and Failed),
	// for the release screen's Data quality tab (MergeLiveExpectations).
	Results []ExpectationResult
	// End is when the update ended, from its final update_progress event (read with its
	// expectation results): zero while active, or when not read (the API's listing of
	// updates carries no end).
	End time.Time
}

// Known is what the warehouse's health of a window already counted: the state of each run
// and update by id (the system tables' result_state, "" while active) and the updates whose
// expectation results it holds.
type Known struct {
	Runs         map[string]string
	Updates      map[string]string
	Expectations map[string]bool
}

// LiveWindow is one window's scope: its span and the jobs and pipelines of its release.
type LiveWindow struct {
	Window    Window
	Jobs      map[int64]bool
	Pipelines map[string]bool
}

// LiveHealth is a window's health with the live facts merged in.
type LiveHealth struct {
	// Health is the merged health; its LiveFacts adds Provisional to what it counted before.
	Health Health
	// Provisional counts the facts this merge took from the REST API only (the warehouse has
	// not got them yet); zero means the health is the warehouse's alone.
	Provisional int
}

// MergeLive adds to h (the warehouse's health of the window, which counted known) the runs
// and updates of the REST API that belong to the window: a run of one of its jobs or an
// update of one of its pipelines that started inside it. Each id counts once; ids the
// warehouse holds keep the warehouse's counts unless it shows them active and the API
// shows them ended. Runs are counted as the health statement counts them: SUCCEEDED,
// failed (FAILED, ERROR, TIMED_OUT, CANCELLED), active; updates COMPLETED or FAILED. A
// successful run, and a completed update whose end its events gave, is held against its
// job's or pipeline's p95 before the deploy as the baseline statement holds the
// warehouse's (addDuration), so the verdict is the same whichever source the facts came from.
func MergeLive(h Health, known Known, w LiveWindow, runs []Run, updates []LiveUpdate) LiveHealth {
	out := LiveHealth{Health: h}
	out.Health.Baseline.Durations = slices.Clone(h.Baseline.Durations) // h's stay as they were
	seen := map[string]bool{}
	for _, r := range runs {
		id := strconv.FormatInt(r.RunID, 10)
		if !w.Jobs[r.JobID] || !w.Window.Contains(r.Start) || seen[id] {
			continue
		}
		seen[id] = true
		state := SystemResultState(r.LifeCycleState, r.ResultState)
		was, ok := known.Runs[id]
		switch {
		case !ok:
			addRun(&out.Health, state, 1)
			out.Provisional++
		case was == "" && state != "":
			addRun(&out.Health, "", -1)
			addRun(&out.Health, state, 1)
			out.Provisional++
		default:
			continue
		}
		if state == "SUCCEEDED" && !r.End.Before(r.Start) {
			addDuration(&out.Health.Baseline, "job", strconv.FormatInt(r.JobID, 10), r.End.Sub(r.Start))
		}
	}
	seenU := map[string]bool{}
	for _, u := range updates {
		if !w.Pipelines[u.PipelineID] || !w.Window.Contains(u.Start) || seenU[u.UpdateID] {
			continue
		}
		seenU[u.UpdateID] = true
		was, ok := known.Updates[u.UpdateID]
		state := u.State
		if !UpdateEnded(state) {
			state = ""
		}
		// Unknown to the warehouse, or ended since it saw it active.
		if !ok || was == "" && state != "" {
			addUpdate(&out.Health, state, 1)
			out.Provisional++
			if state == "COMPLETED" && !u.End.IsZero() && !u.End.Before(u.Start) {
				addDuration(&out.Health.Baseline, "pipeline", u.PipelineID, u.End.Sub(u.Start))
			}
		}
		if u.Expectations && !known.Expectations[u.UpdateID] {
			out.Health.RecordsPassed += u.Passed
			out.Health.RecordsFailed += u.Failed
			out.Provisional++
		}
	}
	out.Health.LiveFacts += out.Provisional
	return out
}

// addDuration holds one successful run or completed update of a job or pipeline, which
// only the REST API knows yet, against its p95 before the deploy (DurationSample.P95), as
// deployments_baseline.sql holds the warehouse's: slower exactly when it lasted longer. A
// job or pipeline with no sample gets one with no earlier runs, which compares nothing.
func addDuration(b *Baseline, resourceType, resourceID string, took time.Duration) {
	for i := range b.Durations {
		d := &b.Durations[i]
		if d.ResourceType == resourceType && d.ResourceID == resourceID {
			d.Runs++
			if took > d.P95 {
				d.Slower++
			}
			return
		}
	}
	b.Durations = append(b.Durations, DurationSample{Runs: 1, Slower: 1, ResourceType: resourceType, ResourceID: resourceID})
}

// addRun counts n runs of a system result state ("" active) as the health statement does.
func addRun(h *Health, state string, n int) {
	switch state {
	case "":
		h.RunsActive += n
	case "SUCCEEDED":
		h.RunsSucceeded += n
	case "FAILED", "ERROR", "TIMED_OUT", "CANCELLED":
		h.RunsFailed += n
	}
}

// addUpdate counts n updates of a state ("" active): the health counts only ended ones.
func addUpdate(h *Health, state string, n int) {
	switch state {
	case "COMPLETED":
		h.UpdatesOK += n
	case "FAILED":
		h.UpdatesFailed += n
	}
}

// UpdateEnded reports whether a pipeline update state is final.
func UpdateEnded(state string) bool {
	return state == "COMPLETED" || state == "FAILED" || state == "CANCELED"
}
