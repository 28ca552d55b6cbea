package workspace

import (
	"context"

	"github.com/databricks/databricks-sdk-go/listing"
	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/pipelines"
)

// SetEventsPageSize makes UpdateEvents ask for n events a page, so that tests can follow
// several pages of a short event log; the returned func restores the default.
func SetEventsPageSize(n int) (restore func()) {
	old := eventsPageSize
	eventsPageSize = n
	return func() { eventsPageSize = old }
}

// ListRuns is one runs listing as the client reads it, or, with sdk, as it read it before
// it decoded the pages itself (the SDK's iterator and types), for tests to compare.
func ListRuns(ctx context.Context, c *Client, req jobs.ListRunsRequest, sdk bool) ([]Run, error) {
	if !sdk {
		return c.listRuns(ctx, req)
	}
	base, err := listing.ToSlice(ctx, c.w.Jobs.ListRuns(ctx, req))
	if err != nil {
		return nil, err
	}
	return mapped(base, sdkRunOf), nil
}

// sdkRunOf is runOf for the SDK's type (what listRuns did before).
func sdkRunOf(b jobs.BaseRun) Run {
	return runOf(wireOf(b.JobId, b.RunId, b.RunName, b.StartTime, b.EndTime, b.State, b.Status, b.Trigger, b.CreatorUserName, b.RunPageUrl))
}

// ListPipelines is the pipelines list as the client reads it, or, with sdk, as it read it
// before it decoded the pages itself, for tests to compare.
func ListPipelines(ctx context.Context, c *Client, sdk bool) ([]Pipeline, error) {
	if !sdk {
		return c.Pipelines(ctx)
	}
	all, err := listing.ToSlice(ctx, c.w.Pipelines.ListPipelines(ctx, pipelines.ListPipelinesRequest{MaxResults: 100}))
	if err != nil {
		return nil, err
	}
	return mapped(all, sdkPipelineOf), nil
}

// sdkPipelineOf is pipelineOf for the SDK's type (what Pipelines did before).
func sdkPipelineOf(p pipelines.PipelineStateInfo) Pipeline {
	out := Pipeline{ID: p.PipelineId, Name: p.Name, State: string(p.State), Health: string(p.Health),
		CreatorUserName: p.CreatorUserName, RunAsUserName: p.RunAsUserName}
	for _, u := range p.LatestUpdates {
		out.LatestUpdates = append(out.LatestUpdates, UpdateState{ID: u.UpdateId, State: string(u.State), Created: parseCreationTime(u.CreationTime)})
	}
	return out
}
