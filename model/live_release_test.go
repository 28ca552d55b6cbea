package model

import (
	"fmt"
	"testing"
	"time"
)

func TestMergeLiveUpdatesListsWhatOnlyTheAPIKnowsOnce(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	w := LiveWindow{Window: Window{Start: t0}, Pipelines: map[string]bool{"p1": true}}
	held := []PipelineUpdate{
		{UpdateID: "u100", PipelineID: "p1", Start: t0.Add(time.Minute), End: t0.Add(5 * time.Minute), ResultState: "COMPLETED"},
		{UpdateID: "u101", PipelineID: "p1", Start: t0.Add(10 * time.Minute)}, // active in the warehouse
	}
	up := func(id string, start time.Duration, state string) LiveUpdate {
		return LiveUpdate{PipelineID: "p1", PipelineName: "orders_pipeline", UpdateID: id, Start: t0.Add(start), State: state}
	}
	// ended is an update whose events were read: its final update_progress said when it ended.
	ended := func(id string, start, took time.Duration, state string) LiveUpdate {
		u := up(id, start, state)
		u.End = u.Start.Add(took)
		return u
	}
	cases := []struct {
		name  string
		live  []LiveUpdate
		want  []string // update id, state and how long it took (when it has an end), in order
		lives int
	}{
		{"nothing new", nil, []string{"u100 COMPLETED 4m0s", "u101 "}, 0},
		{"a failed update only the API knows", []LiveUpdate{up("u102", 20*time.Minute, "FAILED")}, []string{"u100 COMPLETED 4m0s", "u101 ", "u102 FAILED"}, 1},
		{"a held update the API shows ended", []LiveUpdate{up("u101", 10*time.Minute, "CANCELED")}, []string{"u100 COMPLETED 4m0s", "u101 CANCELED"}, 1},
		{"a held ended update keeps the warehouse's state", []LiveUpdate{up("u100", time.Minute, "FAILED")}, []string{"u100 COMPLETED 4m0s", "u101 "}, 0},
		{"listed twice by the API, listed once", []LiveUpdate{up("u102", 20*time.Minute, "COMPLETED"), up("u102", 20*time.Minute, "COMPLETED")}, []string{"u100 COMPLETED 4m0s", "u101 ", "u102 COMPLETED"}, 1},
		{"another pipeline's update", []LiveUpdate{{PipelineID: "p2", UpdateID: "u103", Start: t0.Add(time.Minute), State: "FAILED"}}, []string{"u100 COMPLETED 4m0s", "u101 "}, 0},
		{"an update before the window", []LiveUpdate{up("u104", -time.Minute, "FAILED")}, []string{"u100 COMPLETED 4m0s", "u101 "}, 0},
		{"a running update only the API knows", []LiveUpdate{up("u105", 30*time.Minute, "RUNNING")}, []string{"u100 COMPLETED 4m0s", "u101 ", "u105 "}, 1},
		{"an ended update only the API knows, its end from its events", []LiveUpdate{ended("u106", 20*time.Minute, 7*time.Minute, "COMPLETED")}, []string{"u100 COMPLETED 4m0s", "u101 ", "u106 COMPLETED 7m0s"}, 1},
		{"a held active update the API shows ended, with its end", []LiveUpdate{ended("u101", 10*time.Minute, 3*time.Minute, "FAILED")}, []string{"u100 COMPLETED 4m0s", "u101 FAILED 3m0s"}, 1},
		{"a held ended update keeps the warehouse's end", []LiveUpdate{ended("u100", time.Minute, 9*time.Minute, "COMPLETED")}, []string{"u100 COMPLETED 4m0s", "u101 "}, 0},
		{"an active update has no end, whatever the feed holds", []LiveUpdate{ended("u107", 30*time.Minute, time.Minute, "RUNNING")}, []string{"u100 COMPLETED 4m0s", "u101 ", "u107 "}, 1},
	}
	for _, c := range cases {
		got := MergeLiveUpdates(held, w, c.live, "ws")
		var ids []string
		lives := 0
		for _, u := range got {
			took := ""
			if !u.End.IsZero() {
				took = " " + u.End.Sub(u.Start).String()
			}
			ids = append(ids, u.UpdateID+" "+u.ResultState+took)
			if u.Live {
				lives++
			}
			// An update only the API knows takes its pipeline's name from the pipelines
			// list; a held one keeps the warehouse's.
			if held := u.UpdateID == "u100" || u.UpdateID == "u101"; !held && u.Name != "orders_pipeline" || held && u.Name != "" {
				t.Errorf("%s: update %s is named %q", c.name, u.UpdateID, u.Name)
			}
		}
		if fmt.Sprint(ids) != fmt.Sprint(c.want) || lives != c.lives {
			t.Errorf("%s: %q (%d live), want %q (%d live)", c.name, ids, lives, c.want, c.lives)
		}
		if held[1].ResultState != "" || held[1].Live || !held[1].End.IsZero() {
			t.Fatalf("%s: the warehouse's rows were changed in place", c.name)
		}
	}
}

func TestMergeLiveExpectationsAddsWhatOnlyTheAPIKnowsOnce(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	w := LiveWindow{Window: Window{Start: t0}, Pipelines: map[string]bool{"p1": true}}
	res := func(ds, name string, passed, failed int64) ExpectationResult {
		return ExpectationResult{Dataset: ds, Expectation: name, PassedRecords: passed, FailedRecords: failed}
	}
	held := []ExpectationDelta{
		{ExpectationResult: res("orders", "valid_id", 900, 100), BaselineRatio: 0.01, BaselinePassed: 990, BaselineFailed: 10},
		{ExpectationResult: ExpectationResult{PipelineID: "p0", Dataset: "orders", Expectation: "old_rule"}, BaselineRatio: 0.02, Dropped: true},
	}
	done := func(id string, start time.Duration, rs ...ExpectationResult) LiveUpdate {
		u := LiveUpdate{PipelineID: "p1", UpdateID: id, Start: t0.Add(start), State: "COMPLETED", Expectations: true, Results: rs}
		for _, r := range rs {
			u.Passed, u.Failed = u.Passed+r.PassedRecords, u.Failed+r.FailedRecords
		}
		return u
	}
	fresh := done("u2", 20*time.Minute, res("orders", "valid_id", 80, 20), res("orders", "positive_total", 99, 1))
	known := Known{Expectations: map[string]bool{"u1": true}}
	cases := []struct {
		name  string
		live  []LiveUpdate
		want  []string // dataset.expectation passed/failed, live and dropped marks, in order
		added int64    // records added, as MergeLive adds them to the home's counts
	}{
		{"nothing new", nil, []string{"orders.valid_id 900/100", "orders.old_rule 0/0 dropped"}, 0},
		{"an update only the API knows", []LiveUpdate{fresh},
			[]string{"orders.valid_id 980/120 live", "orders.old_rule 0/0 dropped", "orders.positive_total 99/1 live"}, 200},
		{"the same update listed twice", []LiveUpdate{fresh, fresh},
			[]string{"orders.valid_id 980/120 live", "orders.old_rule 0/0 dropped", "orders.positive_total 99/1 live"}, 200},
		{"an update whose results the warehouse holds", []LiveUpdate{done("u1", time.Minute, res("orders", "valid_id", 900, 100))},
			[]string{"orders.valid_id 900/100", "orders.old_rule 0/0 dropped"}, 0},
		{"a rule only the previous deployment ran runs again", []LiveUpdate{done("u3", 5*time.Minute, res("orders", "old_rule", 10, 0))},
			[]string{"orders.valid_id 900/100", "orders.old_rule 10/0 live"}, 10},
		{"another pipeline's update", []LiveUpdate{{PipelineID: "p2", UpdateID: "u4", Start: t0.Add(time.Minute), State: "COMPLETED", Expectations: true, Results: []ExpectationResult{res("x", "y", 1, 1)}, Passed: 1, Failed: 1}},
			[]string{"orders.valid_id 900/100", "orders.old_rule 0/0 dropped"}, 0},
		{"an update before the window", []LiveUpdate{done("u5", -time.Minute, res("orders", "valid_id", 1, 1))},
			[]string{"orders.valid_id 900/100", "orders.old_rule 0/0 dropped"}, 0},
		{"a running update has no results yet", []LiveUpdate{{PipelineID: "p1", UpdateID: "u6", Start: t0.Add(time.Minute), State: "RUNNING"}},
			[]string{"orders.valid_id 900/100", "orders.old_rule 0/0 dropped"}, 0},
	}
	for _, c := range cases {
		got := MergeLiveExpectations(held, known, w, c.live)
		var rows []string
		var total int64
		for _, e := range got {
			s := fmt.Sprintf("%s.%s %d/%d", e.Dataset, e.Expectation, e.PassedRecords, e.FailedRecords)
			if e.Live {
				s += " live"
			}
			if e.Dropped {
				s += " dropped"
			}
			rows = append(rows, s)
			total += e.PassedRecords + e.FailedRecords
		}
		if fmt.Sprint(rows) != fmt.Sprint(c.want) {
			t.Errorf("%s: %q, want %q", c.name, rows, c.want)
		}
		// The same facts as the home's: the records added are those MergeLive counts.
		h := MergeLive(Health{RecordsPassed: 900, RecordsFailed: 100}, known, w, nil, c.live).Health
		if got, want := total-1000, h.RecordsPassed+h.RecordsFailed-1000; got != c.added || want != c.added {
			t.Errorf("%s: %d records added to the tab, %d to the home's counts, want %d", c.name, got, want, c.added)
		}
		if held[0].PassedRecords != 900 || !held[1].Dropped || held[0].Live {
			t.Fatalf("%s: the warehouse's rows were changed in place", c.name)
		}
	}
}

// Health.Started counts what the Cost tab expects billed: every run and update of the
// window, ended or running, not the expectation records.
func TestHealthStartedCountsRunsAndUpdatesEndedOrRunning(t *testing.T) {
	cases := []struct {
		name string
		h    Health
		want int
	}{
		{"nothing", Health{}, 0},
		{"records only", Health{RecordsPassed: 10, RecordsFailed: 1}, 0},
		{"a run failed, one running, two updates", Health{RunsFailed: 1, RunsActive: 1, UpdatesOK: 1, UpdatesFailed: 1}, 4},
		{"runs succeeded", Health{RunsSucceeded: 3}, 3},
	}
	for _, c := range cases {
		if got := c.h.Started(); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}
