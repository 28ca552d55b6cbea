package model

import "time"

// The action executor's terms (data/source's executor uses these very types; the terminal
// UI depends on model only): what a person asks for, what the executor plans to do with
// every gate judged, how a followed deployer run progresses, and how the action ended.

// ActionRequest is what a person asks for.
type ActionRequest struct {
	Action Action // promote, rollback, approve, pin, unpin or veto
	Bundle string
	// Version is the release promoted, approved or vetoed; for a rollback the target (empty:
	// the last verified earlier deployment); unused by pin and unpin.
	Version string
	// Environment is the target: promoted into, rolled back, approved in, pinned, unpinned;
	// for a veto where it is given (a veto applies everywhere).
	Environment string
	Reason      string
	Ticket      string
	BreakGlass  bool
	// RetryOf is the failed request a retry is a new attempt of (cockpit retry REQUEST_ID);
	// Action, Bundle, Version and Environment then come from it.
	RetryOf string
	// RequestID judges a request already in the ledger (`cockpit gate` in the deployer run,
	// reconciliation): it is not in flight against itself and its approvals count.
	RequestID string
}

// ActionPlan is what an action will do, judged before anything is written.
type ActionPlan struct {
	Request ActionRequest
	// Actor is who acts (SCIM userName), Groups their groups, Permission their level on
	// the deployer job.
	Actor      string
	Groups     []string
	Permission PermissionLevel
	// Report is every gate with its status.
	Report GateReport
	// From is the current deployment in the environment (zero when none); To the release
	// the action lands (promote, rollback, retry) or acts on.
	From Deployment
	To   Release
	// Resources are the jobs and pipelines the deployment touches.
	Resources []ReleaseResource
	// RequestID is the deploy_requested event id (and RunNow's idempotency token); Existing
	// says the request is already in the ledger (approved earlier, or a racing cockpit's).
	RequestID string
	Existing  bool
	// AwaitsApproval: a promotion whose only blocking gate is its approvals and that has no
	// pending request: executing it records the request for approvers and stops.
	AwaitsApproval bool
	// JobID, Parameters and Call describe the deployer run (promote, rollback, retry): Call
	// is the exact call executing makes (the deployer's run-now), or the ledger write.
	JobID      int64
	Parameters map[string]string
	Call       string
	// Writes lists what executing will do, in order.
	Writes []string
	// State is the bundle's ledger state the plan was judged on.
	State BundleState
}

// OK reports whether every gate passes.
func (p ActionPlan) OK() bool { return p.Report.OK() }

// RunsDeployer reports whether executing the plan runs the deployer job.
func (p ActionPlan) RunsDeployer() bool {
	return p.Request.Action == ActionPromote || p.Request.Action == ActionRollback
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

// ActionOutcome is how an executed action ended.
type ActionOutcome struct {
	RequestID string
	RunID     int64
	RunURL    string
	// State is succeeded, failed, running (not followed: --no-wait), awaiting_approval, or
	// done for the actions that only write the ledger.
	State   string
	Message string
	// Events are the ids of the ledger events this execution wrote (or found written).
	Events []string
}
