package model

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

func TestMergeLive(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 25, 0, 0, time.UTC)
	w := LiveWindow{Window: Window{Start: t0}, Jobs: map[int64]bool{7: true}, Pipelines: map[string]bool{"p1": true}}
	failed := Run{JobID: 7, RunID: 101, Start: t0.Add(time.Minute), LifeCycleState: "TERMINATED", ResultState: "FAILED"}
	ok := Run{JobID: 7, RunID: 102, Start: t0.Add(2 * time.Minute), LifeCycleState: "TERMINATED", ResultState: "SUCCESS"}
	running := Run{JobID: 7, RunID: 103, Start: t0.Add(3 * time.Minute), LifeCycleState: "RUNNING"}
	otherJob := Run{JobID: 8, RunID: 104, Start: t0.Add(time.Minute), LifeCycleState: "TERMINATED", ResultState: "FAILED"}
	before := Run{JobID: 7, RunID: 105, Start: t0.Add(-time.Minute), LifeCycleState: "TERMINATED", ResultState: "FAILED"}
	upd := LiveUpdate{PipelineID: "p1", UpdateID: "u1", Start: t0.Add(time.Minute), State: "COMPLETED", Expectations: true, Passed: 820, Failed: 180}
	none := Known{}
	cases := []struct {
		name    string
		h       Health
		known   Known
		runs    []Run
		updates []LiveUpdate
		want    Health
		prov    int
	}{
		{"nothing live keeps the warehouse's health", Health{RunsSucceeded: 3}, none, nil, nil, Health{RunsSucceeded: 3}, 0},
		{"live only: a failed, a succeeded and an active run",
			Health{}, none, []Run{failed, ok, running}, nil, Health{RunsFailed: 1, RunsSucceeded: 1, RunsActive: 1}, 3},
		{"runs of other jobs or before the window do not count",
			Health{}, none, []Run{otherJob, before}, nil, Health{}, 0},
		{"the same run listed twice counts once",
			Health{}, none, []Run{failed, failed}, nil, Health{RunsFailed: 1}, 1},
		{"warehouse wins for a run it holds",
			Health{RunsFailed: 1}, Known{Runs: map[string]string{"101": "FAILED"}}, []Run{failed}, nil, Health{RunsFailed: 1}, 0},
		{"a run the warehouse shows active and the API ended moves",
			Health{RunsActive: 1}, Known{Runs: map[string]string{"101": ""}}, []Run{failed}, nil, Health{RunsFailed: 1}, 1},
		{"live update with its expectations",
			Health{}, none, nil, []LiveUpdate{upd}, Health{UpdatesOK: 1, RecordsPassed: 820, RecordsFailed: 180}, 2},
		{"warehouse holds the update and its expectations",
			Health{UpdatesOK: 1, RecordsPassed: 820, RecordsFailed: 180},
			Known{Updates: map[string]string{"u1": "COMPLETED"}, Expectations: map[string]bool{"u1": true}}, nil, []LiveUpdate{upd},
			Health{UpdatesOK: 1, RecordsPassed: 820, RecordsFailed: 180}, 0},
		{"warehouse holds the update, not yet its expectations",
			Health{UpdatesOK: 1}, Known{Updates: map[string]string{"u1": "COMPLETED"}}, nil, []LiveUpdate{upd},
			Health{UpdatesOK: 1, RecordsPassed: 820, RecordsFailed: 180}, 1},
		{"an update of another pipeline does not count",
			Health{}, none, nil, []LiveUpdate{{PipelineID: "p2", UpdateID: "u9", Start: t0.Add(time.Minute), State: "FAILED"}}, Health{}, 0},
		{"an active update counts nothing yet",
			Health{}, none, nil, []LiveUpdate{{PipelineID: "p1", UpdateID: "u2", Start: t0.Add(time.Minute), State: "RUNNING"}}, Health{}, 1},
		// Durations: a successful run, and a completed update whose events gave its end, are
		// held against the p95 of their job or pipeline before the deploy, slower only when
		// they lasted longer (as deployments_baseline.sql counts them).
		{"a successful run longer than its job's p95 is slower",
			Health{Baseline: p95(DurationSample{Earlier: 40, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute})}, none,
			[]Run{took(ok, 12*time.Minute)}, nil,
			Health{RunsSucceeded: 1, Baseline: p95(DurationSample{Runs: 1, Slower: 1, Earlier: 40, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute})}, 1},
		{"one exactly as long as the p95 is not",
			Health{Baseline: p95(DurationSample{Earlier: 40, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute})}, none,
			[]Run{took(ok, 10*time.Minute)}, nil,
			Health{RunsSucceeded: 1, Baseline: p95(DurationSample{Runs: 1, Earlier: 40, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute})}, 1},
		{"a job with no runs before the deploy gets a sample that compares nothing",
			Health{}, none, []Run{took(ok, 12*time.Minute)}, nil,
			Health{RunsSucceeded: 1, Baseline: p95(DurationSample{Runs: 1, Slower: 1, ResourceType: "job", ResourceID: "7"})}, 1},
		{"failed and active runs have no duration to hold",
			Health{Baseline: p95(DurationSample{Earlier: 40, ResourceType: "job", ResourceID: "7", P95: time.Minute})}, none,
			[]Run{took(failed, time.Hour), running}, nil,
			Health{RunsFailed: 1, RunsActive: 1, Baseline: p95(DurationSample{Earlier: 40, ResourceType: "job", ResourceID: "7", P95: time.Minute})}, 2},
		{"a run the warehouse holds keeps the warehouse's duration count",
			Health{RunsSucceeded: 1, Baseline: p95(DurationSample{Runs: 1, Earlier: 40, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute})},
			Known{Runs: map[string]string{"102": "SUCCEEDED"}}, []Run{took(ok, 12*time.Minute)}, nil,
			Health{RunsSucceeded: 1, Baseline: p95(DurationSample{Runs: 1, Earlier: 40, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute})}, 0},
		{"a completed update with its end",
			Health{Baseline: p95(DurationSample{Earlier: 20, ResourceType: "pipeline", ResourceID: "p1", P95: 10 * time.Minute})}, none, nil,
			[]LiveUpdate{{PipelineID: "p1", UpdateID: "u3", Start: t0.Add(time.Minute), End: t0.Add(16 * time.Minute), State: "COMPLETED"}},
			Health{UpdatesOK: 1, Baseline: p95(DurationSample{Runs: 1, Slower: 1, Earlier: 20, ResourceType: "pipeline", ResourceID: "p1", P95: 10 * time.Minute})}, 1},
		{"a completed update whose end is not known yet holds nothing",
			Health{Baseline: p95(DurationSample{Earlier: 20, ResourceType: "pipeline", ResourceID: "p1", P95: 10 * time.Minute})}, none, nil,
			[]LiveUpdate{{PipelineID: "p1", UpdateID: "u3", Start: t0.Add(time.Minute), State: "COMPLETED"}},
			Health{UpdatesOK: 1, Baseline: p95(DurationSample{Earlier: 20, ResourceType: "pipeline", ResourceID: "p1", P95: 10 * time.Minute})}, 1},
	}
	for _, c := range cases {
		held := append([]DurationSample(nil), c.h.Baseline.Durations...)
		got := MergeLive(c.h, c.known, w, c.runs, c.updates)
		c.want.LiveFacts = c.prov
		if !reflect.DeepEqual(got.Health, c.want) || got.Provisional != c.prov {
			t.Errorf("%s: got %+v (%d live), want %+v (%d live)", c.name, got.Health, got.Provisional, c.want, c.prov)
		}
		if !reflect.DeepEqual(c.h.Baseline.Durations, held) {
			t.Errorf("%s: the warehouse's duration samples were changed in place: %+v", c.name, c.h.Baseline.Durations)
		}
	}
}

// p95 is a baseline of one job's or pipeline's duration sample.
func p95(d DurationSample) Baseline { return Baseline{Durations: []DurationSample{d}} }

// took is a run that ended d after it started.
func took(r Run, d time.Duration) Run {
	r.End = r.Start.Add(d)
	return r
}

// TestVerdictIsTheSameFromEitherSource: the same facts give the same health and verdict
// whether the warehouse counted them (wh, as the health statement counts) or the REST API
// reported them, and merging the feed into the warehouse's health adds nothing.
func TestVerdictIsTheSameFromEitherSource(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 25, 0, 0, time.UTC)
	now := t0.Add(35 * time.Minute)
	w := LiveWindow{Window: Window{Start: t0}, Jobs: map[int64]bool{7: true}, Pipelines: map[string]bool{"p1": true}}
	p := DefaultVerdictPolicy()
	clean := Baseline{Lookback: 7 * 24 * time.Hour, Finished: 400}
	for _, c := range []struct {
		name    string
		runs    []Run
		updates []LiveUpdate
		wh      Health
		want    Verdict
		// at is when the verdict is given, after the deploy (zero: 35 minutes, past the bake).
		at time.Duration
		// before is the warehouse's baseline without the window's runs (what it holds while
		// the system tables lag); zero: wh's.
		before *Baseline
	}{
		{"failed run", []Run{{JobID: 7, RunID: 1, Start: t0.Add(time.Minute), LifeCycleState: "TERMINATED", ResultState: "FAILED"}}, nil,
			// One failure and nothing before the deploy to compare with: a person decides.
			Health{RunsFailed: 1, BaselineRatio: 0.001}, VerdictHealthy, 0, nil},
		{"healthy", []Run{{JobID: 7, RunID: 1, Start: t0.Add(time.Minute), LifeCycleState: "TERMINATED", ResultState: "SUCCESS"}},
			[]LiveUpdate{{PipelineID: "p1", UpdateID: "u1", Start: t0.Add(time.Minute), State: "COMPLETED", Expectations: true, Passed: 999, Failed: 1}},
			Health{RunsSucceeded: 1, UpdatesOK: 1, RecordsPassed: 999, RecordsFailed: 1, BaselineRatio: 0.001}, VerdictHealthy, 0, nil},
		{"expectations regress", nil,
			[]LiveUpdate{{PipelineID: "p1", UpdateID: "u1", Start: t0.Add(time.Minute), State: "COMPLETED", Expectations: true, Passed: 820, Failed: 180}},
			Health{UpdatesOK: 1, RecordsPassed: 820, RecordsFailed: 180, BaselineRatio: 0.001}, VerdictFailing, 0, nil},
		// The early warning: the first run fails a minute after the deploy, against a clean week.
		{"first run failed while it bakes", []Run{{JobID: 7, RunID: 1, Start: t0.Add(30 * time.Second), LifeCycleState: "TERMINATED", ResultState: "FAILED"}}, nil,
			Health{RunsFailed: 1, BaselineRatio: 0.001, Baseline: clean}, VerdictFailing, 90 * time.Second, nil},
		{"first run failed, after the bake", []Run{{JobID: 7, RunID: 1, Start: t0.Add(30 * time.Second), LifeCycleState: "TERMINATED", ResultState: "FAILED"}}, nil,
			Health{RunsFailed: 1, BaselineRatio: 0.001, Baseline: clean}, VerdictHealthy, 0, nil},
		// Every run three times its job's p95 before the deploy, and the pipeline's update too.
		{"runs and an update slower than before", slowRuns(t0, 6, 30*time.Minute),
			[]LiveUpdate{{PipelineID: "p1", UpdateID: "u1", Start: t0.Add(time.Minute), End: t0.Add(31 * time.Minute), State: "COMPLETED"}},
			Health{RunsSucceeded: 6, UpdatesOK: 1, BaselineRatio: 0.001, Baseline: Baseline{Lookback: clean.Lookback, Finished: 400, Durations: []DurationSample{
				{Runs: 6, Slower: 6, Earlier: 100, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute},
				{Runs: 1, Slower: 1, Earlier: 50, ResourceType: "pipeline", ResourceID: "p1", P95: 10 * time.Minute}}}},
			VerdictDegraded, 0, &Baseline{Lookback: clean.Lookback, Finished: 400, Durations: []DurationSample{
				{Earlier: 100, ResourceType: "job", ResourceID: "7", P95: 10 * time.Minute},
				{Earlier: 50, ResourceType: "pipeline", ResourceID: "p1", P95: 10 * time.Minute}}}},
	} {
		now := now
		if c.at != 0 {
			now = t0.Add(c.at)
		}
		before := c.wh.Baseline
		if c.before != nil {
			before = *c.before
		}
		live := MergeLive(Health{BaselineRatio: 0.001, Baseline: before}, Known{}, w, c.runs, c.updates)
		if live.Health.LiveFacts == 0 {
			t.Errorf("%s: the REST API's facts are not marked live", c.name)
		}
		h := live.Health
		h.LiveFacts = 0
		if !reflect.DeepEqual(h, c.wh) {
			t.Errorf("%s: from the REST API %+v, from the warehouse %+v", c.name, live.Health, c.wh)
		}
		known := Known{Runs: map[string]string{}, Updates: map[string]string{}, Expectations: map[string]bool{}}
		for _, r := range c.runs {
			known.Runs[strconv.FormatInt(r.RunID, 10)] = SystemResultState(r.LifeCycleState, r.ResultState)
		}
		for _, u := range c.updates {
			known.Updates[u.UpdateID] = u.State
			known.Expectations[u.UpdateID] = true
		}
		merged := MergeLive(c.wh, known, w, c.runs, c.updates)
		if !reflect.DeepEqual(merged.Health, c.wh) || merged.Provisional != 0 {
			t.Errorf("%s: the warehouse's facts were counted again: %+v, want %+v", c.name, merged.Health, c.wh)
		}
		a, b := Assess(live.Health, CheckCounts{}, w.Window, now, p), Assess(merged.Health, CheckCounts{}, w.Window, now, p)
		if a.Verdict != b.Verdict || a.Verdict != c.want || a.NeedsDecision != b.NeedsDecision ||
			a.Provisional != b.Provisional || !reflect.DeepEqual(a.Reasons, b.Reasons) {
			t.Errorf("%s: verdict %s %v from the REST API, %s %v from the warehouse, want %s", c.name, a.Verdict, a.Reasons, b.Verdict, b.Reasons, c.want)
		}
		if !a.Live || b.Live {
			t.Errorf("%s: the verdict says it rests on live facts %v from the REST API, %v from the warehouse; want true, false", c.name, a.Live, b.Live)
		}
	}
}

// slowRuns are n successful runs of job 7, a minute apart from a minute after t0, each
// lasting d.
func slowRuns(t0 time.Time, n int, d time.Duration) []Run {
	var out []Run
	for i := range n {
		start := t0.Add(time.Duration(i+1) * time.Minute)
		out = append(out, Run{JobID: 7, RunID: int64(100 + i), Start: start, End: start.Add(d), LifeCycleState: "TERMINATED", ResultState: "SUCCESS"})
	}
	return out
}
