package model

import (
	"fmt"
	"time"
)

// Verdict is a deployment's health.
type Verdict string

// Verdicts, from best to worst; unknown means there is not enough data to judge.
const (
	VerdictHealthy  Verdict = "healthy"
	VerdictDegraded Verdict = "degraded"
	VerdictFailing  Verdict = "failing"
	VerdictUnknown  Verdict = "unknown"
)

// Severity orders verdicts for "worst first" sorting: failing 3, degraded 2, unknown 1, healthy 0.
func (v Verdict) Severity() int {
	switch v {
	case VerdictFailing:
		return 3
	case VerdictDegraded:
		return 2
	case VerdictUnknown:
		return 1
	}
	return 0
}

// ParseVerdict accepts a verdict's name.
func ParseVerdict(s string) (Verdict, error) {
	switch v := Verdict(s); v {
	case VerdictHealthy, VerdictDegraded, VerdictFailing, VerdictUnknown:
		return v, nil
	}
	return "", fmt.Errorf("unknown status %q: use healthy, degraded, failing or unknown", s)
}

// VerdictPolicy holds the thresholds a verdict is judged by (README, "Verdicts").
type VerdictPolicy struct {
	// BakeTime is how long a deployment stays provisional before its checks decide.
	BakeTime time.Duration
	// FailingRatio is the expectation failure ratio at or above which a deployment fails,
	// when it is also a regression against the previous deployment.
	FailingRatio float64
	// DegradedRatio is the ratio at or above which a regression degrades a deployment.
	DegradedRatio float64
	// RegressionFactor and RatioFloor are the noise floor of an expectation ratio: it counts
	// as a regression only when it is at least RegressionFactor times the previous
	// deployment's ratio and at least RatioFloor above it (or there is no previous ratio).
	RegressionFactor float64
	RatioFloor       float64
	// FailingRunShare is the share of finished runs and updates that failed at or above
	// which a significant failure regression fails a deployment (with at least two failures).
	FailingRunShare float64
	// Significance is the p-value below which a failure rate or a duration shift counts as
	// a regression rather than chance.
	Significance float64
	// MinRuns is how many finished runs and updates a window (and the pre-deploy baseline)
	// needs before a rate can condemn it.
	MinRuns int
}

// DefaultVerdictPolicy is used where an environment's policy sets nothing. Significance
// 0.01: a deployment faces three comparisons, so a healthy one is wrongly condemned by
// chance at most about 3% of the time (the false-alarm budget).
func DefaultVerdictPolicy() VerdictPolicy {
	return VerdictPolicy{
		BakeTime:         30 * time.Minute,
		FailingRatio:     0.05,
		DegradedRatio:    0.01,
		RegressionFactor: 2,
		RatioFloor:       0.005,
		FailingRunShare:  0.5,
		Significance:     0.01,
		MinRuns:          5,
	}
}

// Assessment is a verdict with the reasons behind it.
type Assessment struct {
	Verdict     Verdict
	Provisional bool
	// NeedsDecision marks a healthy verdict that awaits a person: an inconclusive check, or
	// failures too few (or without a baseline) to condemn. It never comes with degraded or
	// failing, and such deployments are not counted as degraded.
	NeedsDecision bool
	Reasons       []string
	// Comparisons are the signals held against the baseline, with their numbers.
	Comparisons []Comparison
	// Live says that the verdict rests in part on facts only the REST API has reported
	// (Health.LiveFacts): the system tables have not got them yet. It never changes the
	// verdict itself: the same facts give the same verdict from either source.
	Live bool
	// Pending says that the deployment's health, checks and verdict are still being read
	// (ListQuery.Early): there is no verdict yet, not even unknown. Assess never sets it.
	Pending bool
}

// Assess judges a deployment from what its window holds, against its baseline. The failure
// signals come first, so a clear failure is reported even when other data is missing;
// missing data is explicit: nothing in the window, or half or more checks without data,
// gives unknown. Runs failing or running long as often as they did before the deploy are
// not a regression; a blemish that only a person can judge (an inconclusive check, too few
// runs) leaves the verdict healthy with NeedsDecision, except that while the deployment
// bakes, its first runs failing where the baseline rarely failed make it failing and
// provisional (compareFailures, FindingEarly).
func Assess(h Health, c CheckCounts, w Window, now time.Time, p VerdictPolicy) Assessment {
	baking := w.Open() && now.Before(w.Start.Add(p.BakeTime))
	a := Assessment{Provisional: baking || (w.Open() && c.Pending > 0), Live: h.LiveFacts > 0}
	a.Comparisons = []Comparison{compareFailures(h, baking, p), compareDurations(h, p), compareExpectations(h, p)}
	found := func(findings ...string) []string {
		var out []string
		for _, cmp := range a.Comparisons {
			for _, f := range findings {
				if cmp.Finding == f {
					out = append(out, cmp.Reason)
				}
			}
		}
		return out
	}

	if c.Fail > 0 {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d check(s) failed", c.Fail))
	}
	a.Reasons = append(a.Reasons, found(FindingFailing, FindingEarly)...)
	if len(a.Reasons) > 0 {
		a.Verdict = VerdictFailing
		return a
	}

	if !h.HasData() && c.Total() == 0 {
		a.Verdict = VerdictUnknown
		a.Reasons = append(a.Reasons, "no runs, updates or checks in the window yet")
		return a
	}
	if c.Total() > 0 && 2*c.NoData >= c.Total() {
		a.Verdict = VerdictUnknown
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d of %d checks have no data", c.NoData, c.Total()))
		return a
	}

	a.Reasons = found(FindingRegressed)
	if len(a.Reasons) > 0 {
		a.Verdict = VerdictDegraded
		return a
	}
	a.Verdict = VerdictHealthy
	a.Reasons = found(FindingTooFew, FindingNoBase)
	if c.Inconclusive > 0 {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d check(s) inconclusive: a person must decide", c.Inconclusive))
	}
	a.NeedsDecision = len(a.Reasons) > 0
	return a
}
