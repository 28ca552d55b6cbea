package model

import (
	"fmt"
	"math"
	"time"
)

// DurationBaselines are the durations of a deployment's jobs' last runs and pipelines' last
// updates before it, oldest first, by job id and by pipeline id: what the Runs tab holds
// each run and update against (its median) and draws as a sparkline.
type DurationBaselines struct {
	Jobs, Pipelines map[string][]time.Duration
}

// Baseline is what a deployment's window is held against, like Kayenta's baseline: the same
// jobs' and pipelines' runs before the deploy, and the previous deployment's expectations.
// The zero value means nothing was measured, and nothing is condemned on it.
type Baseline struct {
	// Lookback is how far before the deploy Finished, Failed and the durations reach.
	Lookback time.Duration
	// Finished and Failed count the runs and updates of the deployment's jobs and pipelines
	// that started in the lookback and finished (succeeded or failed).
	Finished, Failed int
	// Durations compare the window's successful runs and updates with the same job's or
	// pipeline's successful ones in the lookback, one sample per job or pipeline.
	Durations []DurationSample
	// Expectation is the window's expectation whose failure ratio rose most against its
	// median before the deploy; empty Name when the window checked no records.
	Expectation ExpectationChange
}

// ExpectationChange is one expectation's failed-record ratio in a window and before it.
type ExpectationChange struct {
	Name     string
	Ratio    float64
	Previous float64 // negative: nothing checked it before the deploy
	Records  int64
}

// DurationSample is one job's or pipeline's successful runs in a window held against its
// Earlier successful runs before the deploy: Slower of the Runs took longer than the p95 of
// those, i.e. at most floor(5% of Earlier) of them lasted as long.
type DurationSample struct {
	Runs, Slower, Earlier int
	// ResourceType (job or pipeline) and ResourceID say whose runs these are.
	ResourceType, ResourceID string
	// P95 is the longest an earlier run may last without a window run that lasts as long
	// being slower: the floor(5% of Earlier) + 1-th longest earlier duration (zero when
	// Earlier is). A window run is Slower exactly when it lasted longer; MergeLive holds the
	// runs only the REST API knows yet against it.
	P95 time.Duration
}

// rank is r of the p95 threshold: the r-th longest of the earlier runs.
func (d DurationSample) rank() int { return int(math.Floor(0.05*float64(d.Earlier))) + 1 }

// Chance is the probability that one run of an unchanged job is slower: (r)/(Earlier+1),
// exact for exchangeable durations whatever Earlier is.
func (d DurationSample) Chance() float64 { return float64(d.rank()) / float64(d.Earlier+1) }

// distribution is the null distribution of Slower: with the Runs and Earlier durations
// exchangeable, the number of runs above the r-th longest earlier one is beta-binomial
// (Runs, r, Earlier-r+1). The runs share one threshold, so they are not independent: a
// threshold that happens to be low makes many runs slower at once, which a binomial would
// take for a regression.
func (d DurationSample) distribution() []float64 {
	n, a, b := d.Runs, float64(d.rank()), float64(d.Earlier-d.rank()+1)
	lbeta := func(x, y float64) float64 {
		gx, _ := math.Lgamma(x)
		gy, _ := math.Lgamma(y)
		gxy, _ := math.Lgamma(x + y)
		return gx + gy - gxy
	}
	out := make([]float64, n+1)
	base := lbeta(a, b)
	for k := 0; k <= n; k++ {
		out[k] = math.Exp(logChoose(n, k) + lbeta(float64(k)+a, float64(n-k)+b) - base)
	}
	return out
}

// Timed is how many of the window's successful runs had earlier ones to compare with.
func (b Baseline) Timed() (runs, slower int, expected float64) {
	for _, d := range b.Durations {
		if d.Earlier == 0 {
			continue
		}
		runs += d.Runs
		slower += d.Slower
		expected += float64(d.Runs) * d.Chance()
	}
	return runs, slower, expected
}

// SlowerTail is the probability that an unchanged deployment has at least as many runs
// slower than their p95 as this one: the tail of the sum of the jobs' beta-binomials.
func (b Baseline) SlowerTail() float64 {
	dist := []float64{1}
	slower := 0
	for _, d := range b.Durations {
		if d.Earlier == 0 {
			continue
		}
		slower += d.Slower
		dist = convolve(dist, d.distribution())
	}
	tail := 0.0
	for k := slower; k < len(dist); k++ {
		tail += dist[k]
	}
	return math.Min(1, tail)
}

func convolve(a, b []float64) []float64 {
	out := make([]float64, len(a)+len(b)-1)
	for i, x := range a {
		for j, y := range b {
			out[i+j] += x * y
		}
	}
	return out
}

// Findings of a comparison.
const (
	FindingWithin    = "within_baseline" // no worse than before
	FindingTooFew    = "too_few"         // worse, but on too few runs to condemn
	FindingNoBase    = "no_baseline"     // nothing before the deploy to compare with
	FindingRegressed = "regressed"       // significantly worse: degraded
	FindingFailing   = "failing"         // regressed and bad enough to fail
	// FindingEarly: while the deployment bakes, significantly worse on too few runs to
	// condemn, and most of them failed: failing, provisionally (the early warning).
	FindingEarly = "failing_early"
)

// Comparison is one signal of a deployment held against its baseline, with the numbers a
// person needs to check the verdict: `cockpit releases -o json` prints them.
type Comparison struct {
	// Signal is failures, durations or expectations.
	Signal string `json:"signal"`
	// Observed of Of: failed runs and updates, or runs and updates slower than the p95.
	Observed int `json:"observed,omitempty"`
	Of       int `json:"of,omitempty"`
	// BaselineObserved of BaselineOf: the failures before the deploy (failures).
	BaselineObserved int `json:"baseline_observed,omitempty"`
	BaselineOf       int `json:"baseline_of,omitempty"`
	// Expected is how many slower runs chance alone gives (durations).
	Expected float64 `json:"expected,omitempty"`
	// Expectation, Ratio and PreviousRatio (negative: none) describe expectations.
	Expectation   string  `json:"expectation,omitempty"`
	Ratio         float64 `json:"ratio,omitempty"`
	PreviousRatio float64 `json:"previous_ratio,omitempty"`
	// P is the one-sided p-value of the test (failures, durations): how likely a result at
	// least this bad is when nothing changed.
	P       float64 `json:"p,omitempty"`
	Finding string  `json:"finding"`
	Reason  string  `json:"reason,omitempty"`
}

// compareFailures holds the window's failure rate against the same jobs' and pipelines'
// before the deploy with Fisher's exact test. It condemns only with at least MinRuns
// finished in the window and p below the significance threshold; it fails the deployment
// when, on top, at least FailingRunShare of them failed (and two or more).
//
// The early warning (issue 10): while the deployment bakes, the failures that would be too
// few to condemn fail it provisionally (FindingEarly) when at least FailingRunShare of the
// finished runs failed, with the same test at the same threshold against the same
// baseline. For the first run after the deploy Fisher's p is (k+1)/(n+1) for a baseline of
// k failures in n runs: exactly the chance, when nothing changed, that the first run is a
// failure. So a clean week of 400 runs makes a failed first run significant (p = 0.0025),
// jobs that failed 1 in 120 do not (p = 0.017), and flaky ones never; without a baseline
// nothing is condemned. Once the bake time is over, the MinRuns rule holds unchanged.
func compareFailures(h Health, baking bool, p VerdictPolicy) Comparison {
	b := h.Baseline
	failed, finished := h.RunsFailed+h.UpdatesFailed, h.RunsSucceeded+h.RunsFailed+h.UpdatesOK+h.UpdatesFailed
	c := Comparison{Signal: "failures", Observed: failed, Of: finished, BaselineObserved: b.Failed, BaselineOf: b.Finished, P: 1, Finding: FindingWithin}
	if failed == 0 {
		return c
	}
	what := fmt.Sprintf("%d of %d runs and updates failed", failed, finished)
	if b.Finished < p.MinRuns {
		c.Finding = FindingNoBase
		c.Reason = fmt.Sprintf("%s; %s to compare with: a person must decide", what, noBaseline(b))
		return c
	}
	c.P = math.Max(FisherGreater(failed, finished, b.Failed, b.Finished), math.SmallestNonzeroFloat64)
	before := fmt.Sprintf("before the deploy these jobs and pipelines failed %s (%s)", oneIn(b.Failed, b.Finished), pValue(c.P))
	switch {
	case c.P >= p.Significance:
		c.Reason = what + "; " + before
	case finished < p.MinRuns && baking && float64(failed) >= p.FailingRunShare*float64(finished):
		c.Finding = FindingEarly
		c.Reason = fmt.Sprintf("%s since the deploy; %s; provisional: %d runs needed to condemn", what, before, p.MinRuns)
	case finished < p.MinRuns:
		c.Finding = FindingTooFew
		c.Reason = fmt.Sprintf("%s; %s; too few runs to condemn (%d needed): a person must decide", what, before, p.MinRuns)
	case failed >= 2 && float64(failed) >= p.FailingRunShare*float64(finished):
		c.Finding = FindingFailing
		c.Reason = what + "; " + before
	default:
		c.Finding = FindingRegressed
		c.Reason = what + "; " + before
	}
	return c
}

// compareDurations counts the window's successful runs and updates slower than their
// job's or pipeline's pre-deploy p95 and holds the count against its exact distribution
// when nothing changed (SlowerTail).
func compareDurations(h Health, p VerdictPolicy) Comparison {
	timed, slower, expected := h.Baseline.Timed()
	c := Comparison{Signal: "durations", Observed: slower, Of: timed, Expected: expected, P: 1, Finding: FindingWithin}
	if slower == 0 {
		return c
	}
	c.P = math.Max(h.Baseline.SlowerTail(), math.SmallestNonzeroFloat64)
	what := fmt.Sprintf("%d of %d successful runs and updates took longer than their pre-deploy p95 (%.1f expected by chance, %s)",
		slower, timed, expected, pValue(c.P))
	c.Reason = what
	switch {
	case c.P >= p.Significance:
	case timed < p.MinRuns:
		c.Finding = FindingTooFew
		c.Reason = fmt.Sprintf("%s; too few runs to condemn (%d needed): a person must decide", what, p.MinRuns)
	default:
		c.Finding = FindingRegressed
	}
	return c
}

// compareExpectations holds the expectation whose failure ratio rose most against its
// median before the deploy (Baseline.Expectation). A rise counts only above the noise floor: at least RatioFloor
// (absolute) and RegressionFactor times the previous ratio (relative); then the ratio
// degrades at DegradedRatio and fails at FailingRatio. Without a previous ratio, the ratio
// alone decides. Without per-expectation numbers, the window's overall ratio against the
// previous deployment's stands in.
func compareExpectations(h Health, p VerdictPolicy) Comparison {
	e := h.Baseline.Expectation
	name := "expectation " + e.Name
	if e.Name == "" {
		e = ExpectationChange{Ratio: h.ExpectationFailureRatio(), Previous: h.BaselineRatio, Records: h.RecordsPassed + h.RecordsFailed}
		name = "expectation failure ratio"
	}
	c := Comparison{Signal: "expectations", Expectation: e.Name, Ratio: e.Ratio, PreviousRatio: e.Previous, Finding: FindingWithin}
	if e.Records == 0 {
		return c
	}
	// A ratio is compared with a noise floor, not tested: records of one update are not
	// independent trials, so no p-value is given (P stays 0, left out of JSON).
	regression := e.Previous < 0 || (e.Ratio-e.Previous >= p.RatioFloor && e.Ratio >= p.RegressionFactor*e.Previous)
	note := baselineNote(e.Previous)
	if e.Name != "" {
		note = fmt.Sprintf(" (before the deploy %.1f%%)", 100*e.Previous)
		if e.Previous < 0 {
			note = " (not checked before the deploy)"
		}
	}
	reason := fmt.Sprintf("%s %.1f%%%s", name, 100*e.Ratio, note)
	switch {
	case regression && e.Ratio >= p.FailingRatio:
		c.Finding, c.Reason = FindingFailing, reason
	case regression && e.Ratio >= p.DegradedRatio:
		c.Finding, c.Reason = FindingRegressed, reason
	}
	return c
}

// oneIn writes a rate as people say it: "1 in 40", "none of 40", "3 of 40".
func oneIn(k, n int) string {
	switch {
	case k == 0:
		return fmt.Sprintf("none of %d", n)
	case k == 1:
		return fmt.Sprintf("1 in %d", n)
	}
	return fmt.Sprintf("%d of %d", k, n)
}

func noBaseline(b Baseline) string {
	if b.Finished == 0 {
		return "no runs before the deploy"
	}
	return fmt.Sprintf("only %d runs before the deploy", b.Finished)
}

// pValue prints a p-value with two significant digits, "p = 0.013", and tiny ones as
// "p < 0.0001".
func pValue(p float64) string {
	if p < 0.0001 {
		return "p < 0.0001"
	}
	return fmt.Sprintf("p = %.2g", p)
}

func baselineNote(baseline float64) string {
	if baseline < 0 {
		return " (no previous deployment)"
	}
	return fmt.Sprintf(" (previous %.1f%%)", 100*baseline)
}
