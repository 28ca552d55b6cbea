package model

import "time"

// Outcome is the result of a check, in the three-outcome style of Argo Rollouts' analysis
// plus pending for a check that has not reported yet.
type Outcome string

// Check outcomes.
const (
	OutcomePass         Outcome = "pass"
	OutcomeFail         Outcome = "fail"
	OutcomeInconclusive Outcome = "inconclusive"
	OutcomePending      Outcome = "pending"
)

// Phase says whether a check runs before or after the deployment.
type Phase string

// Check phases.
const (
	PhasePre  Phase = "pre"
	PhasePost Phase = "post"
)

// Check is a named verification of a deployment.
type Check struct {
	Name      string
	Phase     Phase
	Outcome   Outcome
	Observed  string
	Threshold string
	At        time.Time
	// NoData marks a check that could not observe anything; it counts as inconclusive.
	NoData bool
	// EventID is the ledger event that reported it.
	EventID string
	// DetailsUnreadable marks a check whose details were not JSON: its name, phase and
	// values are unknown, its outcome is still the status column.
	DetailsUnreadable bool
}

// CheckCounts tallies checks by outcome.
type CheckCounts struct {
	Pass         int `json:"pass"`
	Fail         int `json:"fail"`
	Inconclusive int `json:"inconclusive"`
	Pending      int `json:"pending"`
	// NoData counts the checks among the above that had no data to judge by.
	NoData int `json:"-"`
}

// Total is the number of checks counted.
func (c CheckCounts) Total() int { return c.Pass + c.Fail + c.Inconclusive + c.Pending }

// CountChecks keeps the latest report of each named check and tallies them. A check with no
// data is counted as inconclusive, whatever outcome it carried.
func CountChecks(cs []Check) CheckCounts {
	latest := map[string]Check{}
	for _, c := range cs {
		if prev, ok := latest[c.Key()]; !ok || !c.At.Before(prev.At) {
			latest[c.Key()] = c
		}
	}
	var n CheckCounts
	for _, c := range latest {
		if c.NoData {
			n.NoData++
			n.Inconclusive++
			continue
		}
		switch c.Outcome {
		case OutcomePass:
			n.Pass++
		case OutcomeFail:
			n.Fail++
		case OutcomePending:
			n.Pending++
		default:
			n.Inconclusive++
		}
	}
	return n
}

// Key identifies the check whose reports replace each other: its name, or for a nameless
// one (details unreadable) its own event, so that two of them are two checks.
func (c Check) Key() string {
	if c.Name == "" && c.EventID != "" {
		return "event:" + c.EventID
	}
	return "name:" + c.Name
}
