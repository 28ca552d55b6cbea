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

// VerdictPolicy holds the thresholds a verdict is judged by.
type VerdictPolicy struct {
	// BakeTime is how long a deployment stays provisional before its checks decide.
	BakeTime time.Duration
	// FailingRatio is the expectation failure ratio at or above which a deployment fails,
	// when it is also a regression against the previous deployment.
	FailingRatio float64
	// DegradedRatio is the ratio at or above which a regression degrades a deployment.
	DegradedRatio float64
	// RegressionFactor: a ratio counts as a regression when it is at least this many times
	// the previous deployment's ratio (or there is no previous deployment).
	RegressionFactor float64
	// FailingRunShare is the share of finished runs and updates that failed at or above
	// which a deployment fails (with at least two failures).
	FailingRunShare float64
}

// DefaultVerdictPolicy is used where an environment's policy sets nothing.
func DefaultVerdictPolicy() VerdictPolicy {
	return VerdictPolicy{
		BakeTime:         30 * time.Minute,
		FailingRatio:     0.05,
		DegradedRatio:    0.01,
		RegressionFactor: 2,
		FailingRunShare:  0.5,
	}
}

// Assessment is a verdict with the reasons behind it.
type Assessment struct {
	Verdict     Verdict
	Provisional bool
	Reasons     []string
}

// Assess judges a deployment from what its window holds. The failure signals come first, so
// a clear failure is reported even when other data is missing; missing data is explicit:
// nothing in the window, or half or more checks without data, gives unknown.
func Assess(h Health, c CheckCounts, w Window, now time.Time, p VerdictPolicy) Assessment {
	a := Assessment{Provisional: w.Open() && (now.Before(w.Start.Add(p.BakeTime)) || c.Pending > 0)}
	ratio := h.ExpectationFailureRatio()
	regression := h.BaselineRatio < 0 || ratio >= p.RegressionFactor*h.BaselineRatio
	finished := h.RunsSucceeded + h.RunsFailed + h.UpdatesOK + h.UpdatesFailed
	failed := h.RunsFailed + h.UpdatesFailed

	if c.Fail > 0 {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d check(s) failed", c.Fail))
	}
	if ratio >= p.FailingRatio && regression {
		a.Reasons = append(a.Reasons, fmt.Sprintf("expectation failure ratio %.1f%%%s", 100*ratio, baselineNote(h.BaselineRatio)))
	}
	if failed >= 2 && float64(failed) >= p.FailingRunShare*float64(finished) {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d of %d runs and updates failed", failed, finished))
	}
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

	if failed > 0 {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d of %d runs and updates failed", failed, finished))
	}
	if ratio >= p.DegradedRatio && regression {
		a.Reasons = append(a.Reasons, fmt.Sprintf("expectation failure ratio %.1f%%%s", 100*ratio, baselineNote(h.BaselineRatio)))
	}
	if c.Inconclusive > 0 {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%d check(s) inconclusive: a person must decide", c.Inconclusive))
	}
	if len(a.Reasons) > 0 {
		a.Verdict = VerdictDegraded
		return a
	}
	a.Verdict = VerdictHealthy
	return a
}

func baselineNote(baseline float64) string {
	if baseline < 0 {
		return " (no previous deployment)"
	}
	return fmt.Sprintf(" (previous %.1f%%)", 100*baseline)
}
