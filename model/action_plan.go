package model

import "time"

// The action executor as the TUI sees it (the terminal UI depends on model only): what a
// person asks for, what the executor plans to do with every gate judged, how a followed
// deployer run progresses, and how the action ended. data/source's executor fills them.

// ActionRequest is what a person asks for.
type ActionRequest struct {
	Action Action // promote, rollback, approve, pin, unpin or veto
	Bundle string
	// Version is the release promoted, approved or vetoed; for a rollback the target (empty:
	// the last verified earlier deployment); unused by pin and unpin.
	Version string
	// Environment is the target: promoted into, rolled back, approved in, pinned, unpinned.
	Environment string
	Reason      string
	Ticket      string
	BreakGlass  bool
	// RetryOf is the failed request a retry is a new attempt of.
	RetryOf string
}

// ActionPlan is what an action will do, judged before anything is written.
type ActionPlan struct {
	Request ActionRequest
	Actor   string
	// Report is every gate with its status.
	Report GateReport
	// From is the current deployment in the environment (zero when none); To the release
	// the action lands or acts on.
	From Deployment
	To   Release
	// Resources are the jobs and pipelines the deployment touches.
	Resources []ReleaseResource
	// RequestID is the deploy_requested event id (the run's idempotency token).
	RequestID string
	// AwaitsApproval: executing records the request for approvers and stops.
	AwaitsApproval bool
	// Call is the exact call executing makes (the deployer's run-now, or the ledger write).
	Call string
	// Writes lists what executing will do, in order.
	Writes []string
	// Handle is the executor's own plan, handed back to it untouched.
	Handle any
}

// ActionProgress is one observation of a deployer run being followed.
type ActionProgress struct {
	RequestID string
	RunID     int64
	// State is PENDING, RUNNING, TERMINATED, ...; Task the task running, if any.
	State   string
	Task    string
	Elapsed time.Duration
	RunURL  string
}

// ActionOutcome is how an executed action ended: State is succeeded, failed, running,
// awaiting_approval or done (ledger-only actions).
type ActionOutcome struct {
	RequestID string
	RunID     int64
	RunURL    string
	State     string
	Message   string
}
