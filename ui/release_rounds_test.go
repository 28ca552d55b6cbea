package ui

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
)

// A remote warehouse answers each statement hundreds of milliseconds late: the Runs tab's
// statements (the runs, the pipeline updates, their live scopes and the jobs' and
// pipelines' duration baselines) all go out in its first round trip, none after an answer;
// the baselines are its release's jobs' and pipelines', not read from its runs.
func TestTheRunsTabCostsOneRoundTrip(t *testing.T) {
	needSim(t)
	const late = time.Second
	ctx := context.Background()
	src, err := source.OpenDemo(ctx, config.Default(), source.DemoOptions{
		Path: filepath.Join(t.TempDir(), "estate.duckdb"), Seed: 1, Now: testNow, Days: 3, Latency: late,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	ds, err := src.List(ctx, "prod", source.Query{Since: 2 * time.Hour, Bundle: incidentBundle})
	if err != nil || len(ds) == 0 {
		t.Fatalf("the incident: %d deployments, %v", len(ds), err)
	}
	d := ds[0].Deployment
	before := src.Usage()
	type result struct {
		data any
		err  error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		data, _, err := fetchReleaseTab(ctx, src, "prod", d, tabRuns)
		done <- result{data, err}
	}()
	time.Sleep(late*3/4 - time.Since(start))
	first := src.Usage().Since(before).Envs["prod"].Statements
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	all := src.Usage().Since(before).Envs["prod"].Statements
	if first != all || all < 3 {
		t.Errorf("the Runs tab sent %d statements in its first round trip and %d in all; want all of them in the first", first, all)
	}
	data, ok := r.data.(runsTabData)
	if !ok || len(data.runs) == 0 || data.baselineErr != nil {
		t.Fatalf("the Runs tab read %T (%v)", r.data, data.baselineErr)
	}
	for _, run := range data.runs {
		if len(data.baselines.Jobs[run.JobID]) == 0 {
			t.Errorf("run %s of job %s has no baseline: %v", run.RunID, run.JobID, slices.Sorted(maps.Keys(data.baselines.Jobs)))
		}
	}
	for _, u := range data.updates {
		if len(data.baselines.Pipelines[u.PipelineID]) == 0 {
			t.Errorf("update %s of pipeline %s has no baseline: %v", u.UpdateID, u.PipelineID, slices.Sorted(maps.Keys(data.baselines.Pipelines)))
		}
	}
	if len(data.updates) == 0 {
		t.Error("the incident has no pipeline updates: the test proves little")
	}
}
