package model

import (
	"testing"
	"time"
)

func TestMergeLiveRunsListsWhatOnlyTheAPIKnowsOnce(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)
	w := LiveWindow{Window: Window{Start: t0}, Jobs: map[int64]bool{7: true}}
	held := []JobRun{
		{RunID: "100", JobID: "7", Start: t0.Add(time.Minute), End: t0.Add(5 * time.Minute), ResultState: "SUCCEEDED"},
		{RunID: "101", JobID: "7", Start: t0.Add(10 * time.Minute)}, // active in the warehouse
	}
	ended := func(id int64, start time.Duration, result string) Run {
		return Run{JobID: 7, RunID: id, Name: "prod-orders", Start: t0.Add(start), End: t0.Add(start + 3*time.Minute), LifeCycleState: "TERMINATED", ResultState: result, TerminationCode: "RUN_EXECUTION_ERROR"}
	}
	cases := []struct {
		name  string
		live  []Run
		want  []string // run id and state, in order
		lives int
	}{
		{"nothing new", nil, []string{"100 SUCCEEDED", "101 "}, 0},
		{"a failed run only the API knows", []Run{ended(102, 20*time.Minute, "FAILED")}, []string{"100 SUCCEEDED", "101 ", "102 FAILED"}, 1},
		{"a held run the API shows ended", []Run{ended(101, 10*time.Minute, "TIMEDOUT")}, []string{"100 SUCCEEDED", "101 TIMED_OUT"}, 1},
		{"a held ended run keeps the warehouse's state", []Run{ended(100, time.Minute, "FAILED")}, []string{"100 SUCCEEDED", "101 "}, 0},
		{"listed twice by the API, counted once", []Run{ended(102, 20*time.Minute, "FAILED"), ended(102, 20*time.Minute, "FAILED")}, []string{"100 SUCCEEDED", "101 ", "102 FAILED"}, 1},
		{"another job's run", []Run{{JobID: 8, RunID: 103, Start: t0.Add(time.Minute), LifeCycleState: "RUNNING"}}, []string{"100 SUCCEEDED", "101 "}, 0},
		{"a run before the window", []Run{ended(104, -time.Minute, "FAILED")}, []string{"100 SUCCEEDED", "101 "}, 0},
		{"an active run only the API knows", []Run{{JobID: 7, RunID: 105, Start: t0.Add(30 * time.Minute), LifeCycleState: "RUNNING"}}, []string{"100 SUCCEEDED", "101 ", "105 "}, 1},
	}
	for _, c := range cases {
		got := MergeLiveRuns(held, w, c.live, "ws")
		var ids []string
		lives := 0
		for _, r := range got {
			ids = append(ids, r.RunID+" "+r.ResultState)
			if r.Live {
				lives++
			}
		}
		if len(ids) != len(c.want) || lives != c.lives {
			t.Errorf("%s: %q (%d live), want %q (%d live)", c.name, ids, lives, c.want, c.lives)
			continue
		}
		for i := range ids {
			if ids[i] != c.want[i] {
				t.Errorf("%s: %q, want %q", c.name, ids, c.want)
				break
			}
		}
		if held[1].ResultState != "" {
			t.Fatalf("%s: the warehouse's rows were changed in place", c.name)
		}
	}
}
