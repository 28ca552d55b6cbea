package model

import (
	"strconv"
	"time"
)

// Run is one job run as the Jobs API reports it (JobRun is the system tables' row). States
// are in the REST vocabulary (TERMINATED/SUCCESS, ...); SystemResultState translates to the
// system tables' one.
type Run struct {
	JobID int64
	RunID int64
	Name  string
	Start time.Time
	End   time.Time // zero while the run is active
	// LifeCycleState is PENDING, QUEUED, RUNNING, TERMINATING, TERMINATED, SKIPPED,
	// INTERNAL_ERROR, BLOCKED or WAITING_FOR_RETRY.
	LifeCycleState string
	// ResultState is SUCCESS, FAILED, TIMEDOUT, CANCELED, ...; empty while active.
	ResultState string
	// StateMessage is the run's human-readable state, e.g. why it failed.
	StateMessage string
	// TerminationCode and TerminationType come from status.termination_details
	// (RUN_EXECUTION_ERROR / CLIENT_ERROR, ...); empty while active.
	TerminationCode string
	TerminationType string
	Trigger         string // PERIODIC, ONE_TIME, RETRY, ...
	CreatorUserName string
	RunPageURL      string
}

// Active reports whether the run has not reached a final state.
func (r Run) Active() bool {
	switch r.LifeCycleState {
	case "TERMINATED", "SKIPPED", "INTERNAL_ERROR":
		return false
	}
	return true
}

// SystemResultState is the run's result in the vocabulary of system.lakeflow
// .job_run_timeline (SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, ERROR, SKIPPED), which the
// model uses; empty while the run is active.
func (r Run) SystemResultState() string {
	return SystemResultState(r.LifeCycleState, r.ResultState)
}

// SystemResultState maps a REST life cycle and result state to the system tables' result_state.
func SystemResultState(lifeCycle, result string) string {
	switch lifeCycle {
	case "INTERNAL_ERROR":
		return "ERROR"
	case "SKIPPED":
		return "SKIPPED"
	case "TERMINATED":
	default:
		return ""
	}
	switch result {
	case "SUCCESS", "SUCCESS_WITH_FAILURES":
		return "SUCCEEDED"
	case "CANCELED", "UPSTREAM_CANCELED":
		return "CANCELLED"
	case "TIMEDOUT":
		return "TIMED_OUT"
	case "EXCLUDED", "DISABLED", "MAXIMUM_CONCURRENT_RUNS_REACHED":
		return "SKIPPED"
	}
	return "FAILED"
}

// RunDetail is one run with its tasks and parameters.
type RunDetail struct {
	Run
	Parameters map[string]string
	Tasks      []RunTask
}

// RunTask is one task run of a job run.
type RunTask struct {
	Key             string
	RunID           int64
	Start           time.Time
	End             time.Time
	LifeCycleState  string
	ResultState     string
	StateMessage    string
	TerminationCode string
	DependsOn       []string
	PipelineID      string // set for pipeline tasks
	RunPageURL      string
}

// SystemResultState is the task's result in the system tables' vocabulary.
func (t RunTask) SystemResultState() string {
	return SystemResultState(t.LifeCycleState, t.ResultState)
}

// JobRun is the run as the model knows runs (system-table vocabulary, string ids).
func (r Run) JobRun(workspaceID string) JobRun {
	code := r.TerminationCode
	if code == "CANCELED" {
		code = "CANCELLED"
	}
	return JobRun{
		WorkspaceID: workspaceID, JobID: strconv.FormatInt(r.JobID, 10), RunID: strconv.FormatInt(r.RunID, 10),
		RunName: r.Name, Start: r.Start, End: r.End, ResultState: r.SystemResultState(), TerminationCode: code,
	}
}
