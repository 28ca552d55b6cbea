package model

// ExpectationDelta is one expectation on one dataset across a deployment's pipeline updates,
// next to the same expectation in the deployment before it. UpdateID is empty: the records
// are summed over the window's updates.
type ExpectationDelta struct {
	ExpectationResult
	// BaselineRatio is the previous deployment's failure ratio of this expectation; negative
	// when the previous deployment checked no records of it (or there is none).
	BaselineRatio float64
	// BaselinePassed and BaselineFailed are the previous deployment's record counts.
	BaselinePassed, BaselineFailed int64
	// Dropped is true when only the previous deployment checked it: the expectation is gone
	// or its updates have not run yet.
	Dropped bool
	// Live is true when some of the records are the REST API's alone: results of updates
	// the system tables do not hold yet (MergeLiveExpectations).
	Live bool
}

// Regressed reports whether the failure ratio is at least factor times the baseline (or
// fails records with no baseline at all).
func (e ExpectationDelta) Regressed(factor float64) bool {
	r := e.FailureRatio()
	if e.Dropped || r == 0 {
		return false
	}
	return e.BaselineRatio < 0 || r >= factor*e.BaselineRatio
}
