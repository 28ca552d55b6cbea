package config

import (
	"fmt"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// Verdict tunes how an environment's deployments are judged against their baseline
// (README, "Verdicts"). Zero values take the defaults of model.DefaultVerdictPolicy.
type Verdict struct {
	// Significance is the p-value below which a failure rate or a duration shift is a
	// regression (default 0.01).
	Significance float64 `yaml:"significance"`
	// MinRuns is how many finished runs and updates a window needs before a rate can
	// condemn it (default 5).
	MinRuns int `yaml:"min_runs"`
	// RatioFloor and RegressionFactor are the noise floor of an expectation ratio: a rise
	// counts when at least this much (absolute, default 0.005) and this many times (default
	// 2) the ratio before the deploy.
	RatioFloor       float64 `yaml:"ratio_floor"`
	RegressionFactor float64 `yaml:"regression_factor"`
}

// validate says which key of a verdict policy is out of range, and what range is right.
func (v Verdict) validate() (key, msg string) {
	switch {
	case v.Significance < 0 || v.Significance > 0.5:
		return "significance", fmt.Sprintf("%g is not a p-value threshold: use a number between 0 and 0.5, e.g. 0.01", v.Significance)
	case v.MinRuns < 0 || v.MinRuns > 1000:
		return "min_runs", fmt.Sprintf("%d: use a number of runs from 1 to 1000", v.MinRuns)
	case v.RatioFloor < 0 || v.RatioFloor >= 1:
		return "ratio_floor", fmt.Sprintf("%g is not a ratio: use e.g. 0.005 for half a percentage point", v.RatioFloor)
	case v.RegressionFactor != 0 && v.RegressionFactor < 1:
		return "regression_factor", fmt.Sprintf("%g: use a factor of at least 1, e.g. 2", v.RegressionFactor)
	}
	return "", ""
}

// Policy is the verdict policy of an environment whose deployments bake for bake (0 keeps
// the default): model.DefaultVerdictPolicy with the keys this Verdict sets.
func (v Verdict) Policy(bake time.Duration) model.VerdictPolicy {
	p := model.DefaultVerdictPolicy()
	if bake > 0 {
		p.BakeTime = bake
	}
	if v.Significance > 0 {
		p.Significance = v.Significance
	}
	if v.MinRuns > 0 {
		p.MinRuns = v.MinRuns
	}
	if v.RatioFloor > 0 {
		p.RatioFloor = v.RatioFloor
	}
	if v.RegressionFactor > 0 {
		p.RegressionFactor = v.RegressionFactor
	}
	return p
}
