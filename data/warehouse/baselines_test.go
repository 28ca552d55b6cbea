package warehouse

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"testing"
	"time"
)

func init() {
	statements["baselines"] = baselinesByIDSQL
	statements["baselines_of_release"] = baselinesOfReleaseSQL
	statements["update_baselines"] = updateBaselinesSQL
}

// A release's pipelines' baselines are an independent fold of the update timeline in Go,
// as the jobs' are of the runs': per pipeline of the release, the updates whose slices all
// started before the deployment and whose last slice carries a result, the last n by
// start, oldest first; every pipeline of the window's updates among them.
func TestPipelineDurationBaselinesAreTheLastUpdatesEndedBeforeTheDeploy(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	d := incident(t, s)
	const n = 5
	before := d.DeployedAt
	ended := endedBefore(t, s, `SELECT pipeline_id, update_id, period_start_time, period_end_time, result_state
		FROM sim.lakeflow.pipeline_update_timeline WHERE workspace_id = ?`, before)
	got, err := s.PipelineDurationBaselines(ctx, prod, d.Release.ID(), before, n)
	if err != nil {
		t.Fatal(err)
	}
	updates, _, err := s.DeploymentUpdates(ctx, prod, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(updates) == 0 || len(got) == 0 {
		t.Fatalf("%d updates in the window, baselines of %d pipelines: the test proves little", len(updates), len(got))
	}
	for _, u := range updates {
		if _, ok := got[u.PipelineID]; !ok {
			t.Errorf("update %s of pipeline %s has no baseline", u.UpdateID, u.PipelineID)
		}
	}
	for pipeline, ds := range got {
		fs := ended[pipeline]
		sort.Slice(fs, func(i, j int) bool { return fs[i].start.Before(fs[j].start) })
		if len(fs) > n {
			fs = fs[len(fs)-n:]
		}
		if len(ds) != len(fs) {
			t.Errorf("pipeline %s: %d baseline updates, the timeline holds %d", pipeline, len(ds), len(fs))
			continue
		}
		for i, f := range fs {
			if want := f.end.Sub(f.start); ds[i] != want {
				t.Errorf("pipeline %s update %s: baseline %v, timeline %v", pipeline, f.run, ds[i], want)
			}
		}
	}
}

// A release's baselines (read beside its runs, without them) are those of its jobs named by
// id: every job of its runs among them.
func TestAReleasesBaselinesAreThoseOfItsJobs(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	d := incident(t, s)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT resource_id FROM sim.release_cockpit.release_resources
		WHERE release_id = ? AND environment = 'prod' AND resource_type = 'job'`, d.Release.ID())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	byID, err := s.JobDurationBaselines(ctx, prod, ids, d.DeployedAt, 20)
	if err != nil {
		t.Fatal(err)
	}
	ofRelease, err := s.ReleaseDurationBaselines(ctx, prod, d.Release.ID(), d.DeployedAt, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(ofRelease) == 0 || !reflect.DeepEqual(ofRelease, byID) {
		t.Fatalf("the release's baselines (%d jobs) are not its %d jobs' (%d with a baseline)", len(ofRelease), len(ids), len(byID))
	}
	runs, _, err := s.DeploymentRuns(ctx, prod, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if _, ok := ofRelease[r.JobID]; !ok {
			t.Errorf("run %s of job %s has no baseline among the release's", r.RunID, r.JobID)
		}
	}
	if len(runs) == 0 {
		t.Error("the incident has no runs in the warehouse: the test proves little")
	}
}

// endedBefore folds a timeline's slices (query: id, run or update id, start, end, result;
// one parameter, prod's workspace) that started before an instant, and keeps, per id, the
// runs or updates with a result that started within the baseline lookback before it.
func endedBefore(t *testing.T, s *Store, query string, before time.Time) map[string][]*slice {
	t.Helper()
	var early []slice
	for _, sl := range readSlices(t, s, query, prod.WorkspaceID) {
		if sl.start.Before(before) {
			early = append(early, sl)
		}
	}
	out := map[string][]*slice{}
	for k, f := range fold(early) {
		if f.result.Valid && !f.start.Before(before.Add(-baselineLookback)) {
			out[k[0]] = append(out[k[0]], f)
		}
	}
	return out
}

// The baselines are an independent fold of the timeline in Go: per job, the runs whose
// slices all started before the deployment and whose last slice carries a result, the last
// n of them by start, oldest first.
func TestJobDurationBaselinesAreTheLastRunsFinishedBeforeTheDeploy(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	d := incident(t, s)
	runs, _, err := s.DeploymentRuns(ctx, prod, d)
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	before := d.DeployedAt
	finished := endedBefore(t, s, `SELECT job_id, run_id, period_start_time, period_end_time, result_state
		FROM sim.lakeflow.job_run_timeline WHERE workspace_id = ?`, before)
	// The incident's jobs, and the three jobs that ran most, so that some baselines are full.
	jobs := map[string]bool{}
	for _, r := range runs {
		jobs[r.JobID] = true
	}
	if len(jobs) == 0 {
		t.Fatal("the incident has no runs to hold against a baseline")
	}
	busy := make([]string, 0, len(finished))
	for j := range finished {
		busy = append(busy, j)
	}
	sort.Slice(busy, func(a, b int) bool {
		if len(finished[busy[a]]) != len(finished[busy[b]]) {
			return len(finished[busy[a]]) > len(finished[busy[b]])
		}
		return busy[a] < busy[b]
	})
	for _, j := range busy[:min(3, len(busy))] {
		jobs[j] = true
	}
	ids := []string{"no-such-job"}
	want := map[string][]*slice{}
	for j := range jobs {
		ids = append(ids, j, j) // duplicates are harmless
		if len(finished[j]) > 0 {
			want[j] = finished[j]
		}
	}
	got, err := s.JobDurationBaselines(ctx, prod, ids, before, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["no-such-job"]; ok {
		t.Error("an unknown job has a baseline")
	}
	full := 0
	for job, fs := range want {
		sort.Slice(fs, func(i, j int) bool { return fs[i].start.Before(fs[j].start) })
		if len(fs) > n {
			fs = fs[len(fs)-n:]
		}
		if len(got[job]) != len(fs) {
			t.Errorf("job %s: %d baseline runs, the timeline holds %d", job, len(got[job]), len(fs))
			continue
		}
		for i, f := range fs {
			if d := f.end.Sub(f.start); got[job][i] != d {
				t.Errorf("job %s run %s: baseline %v, timeline %v", job, f.run, got[job][i], d)
			}
		}
		if len(fs) == n {
			full++
		}
	}
	if len(got) != len(want) || full == 0 {
		t.Errorf("baselines for %d jobs (%d full), want %d jobs with at least one of %d runs", len(got), full, len(want), n)
	}
}

func TestJobDurationBaselinesRejectBadInput(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"no workspace": func() error {
			_, err := s.JobDurationBaselines(ctx, Env{Name: "prod"}, []string{"1"}, now, 5)
			return err
		},
		"n of 0": func() error { _, err := s.JobDurationBaselines(ctx, prod, []string{"1"}, now, 0); return err },
		"n too large": func() error {
			_, err := s.JobDurationBaselines(ctx, prod, []string{"1"}, now, MaxBaselineRuns+1)
			return err
		},
		"comma in id": func() error { _, err := s.JobDurationBaselines(ctx, prod, []string{"1,2"}, now, 5); return err },
		"empty id":    func() error { _, err := s.JobDurationBaselines(ctx, prod, []string{""}, now, 5); return err },
	} {
		if err := call(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: err %v, want ErrInvalidInput", name, err)
		}
	}
	got, err := s.JobDurationBaselines(ctx, prod, nil, now, 5)
	if err != nil || len(got) != 0 {
		t.Errorf("no jobs: %v, %v; want an empty map", got, err)
	}
	if _, err := s.JobDurationBaselines(ctx, prod, []string{"1"}, now.Add(-time.Hour), 1); err != nil {
		t.Errorf("a job without runs: %v", err)
	}
}
