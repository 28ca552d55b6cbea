package model

import "time"

// AssessedDeployment is a deployment with its verdict: what the home lists.
type AssessedDeployment struct {
	Deployment
	Assessment
}

// ListQuery says which deployments of an environment to list.
type ListQuery struct {
	Bundle string
	Since  time.Duration // 0: all
	Limit  int
	Status Verdict // empty: all
	// After continues a listing from a previous one's Next.
	After *Cursor
	// Early, when set, is told of the listing's deployments before their health, checks and
	// verdicts are read (each Pending), when the source can read them first: a screen shows
	// what was deployed while the rest is on its way. It is called at most once, on a
	// goroutine of the call, and never after the call returned.
	Early func(Listing)
}

// Cursor is the key of the last deployment a listing returned, newest first: the next
// listing starts after it.
type Cursor struct {
	DeployedAt time.Time
	ID         string
}

// BaselineRuns is how many runs of each job before a deployment its duration baseline holds.
const BaselineRuns = 20

// Listing is a list of judged deployments and the ledger rows left out of it because they
// cannot be deployments.
type Listing struct {
	Deployments []AssessedDeployment
	Skipped     Skipped
	// LiveErr says why the live facts (it Is ErrLiveFactsMissing) (the REST API's runs and updates the system tables
	// have not got yet) are missing from the open windows' health; nil when they are in
	// or no window is open. The deployments are then the warehouse's alone.
	LiveErr error
	// Next is set when the limit stopped the listing before the window's end: a listing
	// with After: Next returns the deployments after these.
	Next *Cursor
	// Matching is how many deployments of the window the query matches from where it
	// started (After), these included; 0 when the source does not say. Without After and
	// with Next set, "the newest len(Deployments) of Matching".
	Matching int
}

// Probe is what asking an environment's live feed found (source.Source.Probe).
type Probe struct {
	// Changed: something happened that can change the environment's open windows.
	Changed bool
	// Ledger: the ledger moved (a deployment, check, approval, pin or veto was recorded),
	// which is what the bundles' states are folded from.
	Ledger bool
}
