package warehouse

import (
	"strings"
	"testing"
	"time"
)

// TestPreDeployBaselines checks what deployments_baseline.sql and deployments_expectations.sql
// give every deployment of staging: counts that fit the window they describe, a week of
// history for deployments of jobs that run hourly, and expectations named as dataset.name.
func TestPreDeployBaselines(t *testing.T) {
	s := testStore(t)
	ds := allDeployments(t, s, staging, DeploymentQuery{Since: now.Add(-24 * time.Hour)})
	if len(ds) == 0 {
		t.Fatal("no staging deployments in the last day")
	}
	var withHistory, withDurations, withExpectation int
	for _, d := range ds {
		b, h := d.Health.Baseline, d.Health
		if b.Lookback != BaselineLookback || b.Failed > b.Finished || b.Finished < 0 {
			t.Errorf("%s: baseline %+v", d.Release.ID(), b)
		}
		timed, slower, expected := b.Timed()
		if timed > h.RunsSucceeded+h.UpdatesOK || slower > timed || expected > float64(timed) {
			t.Errorf("%s: %d of %d slower (%.2f expected) with %d successful runs and updates in the window",
				d.Release.ID(), slower, timed, expected, h.RunsSucceeded+h.UpdatesOK)
		}
		for _, x := range b.Durations {
			// A sample is a job or pipeline with successful runs in the window or before it;
			// with earlier ones it has their p95, which no window run faster than is slower.
			if x.Slower > x.Runs || x.Runs < 0 || x.Earlier < 0 || x.Runs+x.Earlier == 0 || x.ResourceID == "" ||
				(x.ResourceType != "job" && x.ResourceType != "pipeline") || (x.Earlier > 0) != (x.P95 > 0) {
				t.Errorf("%s: duration sample %+v", d.Release.ID(), x)
			}
		}
		if b.Finished > 0 {
			withHistory++
		}
		if timed > 0 {
			withDurations++
		}
		if e := b.Expectation; e.Name != "" {
			withExpectation++
			if e.Records <= 0 || e.Ratio < 0 || e.Ratio > 1 || e.Previous > 1 || !strings.Contains(e.Name, ".") {
				t.Errorf("%s: expectation %+v", d.Release.ID(), e)
			}
			if h.RecordsPassed+h.RecordsFailed == 0 {
				t.Errorf("%s: expectation %+v but no records in the window", d.Release.ID(), e)
			}
		}
	}
	// Three days of history: most deployments have earlier runs of their jobs, and the
	// hourly ones durations to compare with.
	if withHistory < len(ds)*3/4 || withDurations == 0 || withExpectation == 0 {
		t.Errorf("of %d deployments, %d have pre-deploy runs, %d durations, %d an expectation", len(ds), withHistory, withDurations, withExpectation)
	}
}
