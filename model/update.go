package model

import (
	"sort"
	"time"
)

// UpdateDetail is one pipeline update as the workspace tells it: its state and cause from
// the updates API, and from its event log why it failed, its expectation results and its
// flows with their errors.
type UpdateDetail struct {
	PipelineID   string
	PipelineName string
	UpdateID     string
	// State is the REST state: QUEUED, ..., RUNNING, COMPLETED, FAILED, CANCELED.
	State string
	// Cause is what started it: API_CALL, JOB_TASK, RETRY_ON_FAILURE, USER_ACTION, ...
	Cause        string
	FullRefresh  bool
	ValidateOnly bool
	Created      time.Time
	// Ended is the time of the event that gave the final state; zero while it runs.
	Ended time.Time
	// Failure says why it failed: the final event's message and the exceptions of its
	// error ("ClassName: message"), in order; empty unless it failed.
	Failure []string
	// Expectations are summed over the update's flow_progress events per dataset and
	// expectation, in order of first appearance.
	Expectations []ExpectationResult
	// Flows are the update's flows, in order of first appearance, each with its last status.
	Flows []FlowState
	// FlowErrors are the warnings and errors the event log reports of flows, oldest first.
	FlowErrors []FlowError
	// Events is how many events of the update were read.
	Events int
	// URL is the update's page in the workspace.
	URL string
}

// Active reports whether the update has not reached a final state.
func (u UpdateDetail) Active() bool {
	switch u.State {
	case "COMPLETED", "FAILED", "CANCELED":
		return false
	}
	return true
}

// SystemResultState is the state in the system tables' vocabulary (COMPLETED, FAILED,
// CANCELED), empty while the update runs: what PipelineUpdate.ResultState holds.
func (u UpdateDetail) SystemResultState() string {
	if u.Active() {
		return ""
	}
	return u.State
}

// FlowState is one flow of an update: its last status and output rows.
type FlowState struct {
	Name, Dataset string
	Status        string // QUEUED, STARTING, RUNNING, COMPLETED, FAILED, SKIPPED, ...
	OutputRows    int64
	HasRows       bool
	At            time.Time
}

// FlowError is a warning or an error the event log reports of a flow.
type FlowError struct {
	Flow, Dataset string
	Level         string // WARN or ERROR
	Message       string
	At            time.Time
}

// WorstExpectationsFirst orders expectation results by failure ratio, highest first, then
// by failed records, then by dataset and name: the update screen's order.
func WorstExpectationsFirst(es []ExpectationResult) []ExpectationResult {
	out := append([]ExpectationResult(nil), es...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := a.FailureRatio(), b.FailureRatio(); ra != rb {
			return ra > rb
		}
		if a.FailedRecords != b.FailedRecords {
			return a.FailedRecords > b.FailedRecords
		}
		if a.Dataset != b.Dataset {
			return a.Dataset < b.Dataset
		}
		return a.Expectation < b.Expectation
	})
	return out
}
