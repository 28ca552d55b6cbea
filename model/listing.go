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
}

// BaselineRuns is how many runs of each job before a deployment its duration baseline holds.
const BaselineRuns = 20

// Listing is a list of judged deployments and the ledger rows left out of it because they
// cannot be deployments.
type Listing struct {
	Deployments []AssessedDeployment
	Skipped     Skipped
	// LiveErr says why the live facts (the REST API's runs and updates the system tables
	// have not got yet) are missing from the open windows' health; nil when they are in
	// or no window is open. The deployments are then the warehouse's alone.
	LiveErr error
}
