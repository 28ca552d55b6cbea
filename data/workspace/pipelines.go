package workspace

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/databricks/databricks-sdk-go/client"
	"github.com/databricks/databricks-sdk-go/service/pipelines"
)

// Pipeline is one declarative pipeline with its live state.
type Pipeline struct {
	ID              string
	Name            string
	State           string // IDLE, RUNNING, FAILED, DEPLOYING, STARTING, STOPPING, ...
	Health          string // HEALTHY, UNHEALTHY or empty
	CreatorUserName string
	RunAsUserName   string
	// LatestUpdates are the newest updates, newest first.
	LatestUpdates []UpdateState
}

// UpdateState is the short form of an update that pipeline lists carry.
type UpdateState struct {
	ID      string
	State   string // QUEUED, ..., RUNNING, COMPLETED, FAILED, CANCELED
	Created time.Time
}

// Pipelines lists every pipeline of the workspace with its state and latest updates,
// through all pages (100 a page).
func (c *Client) Pipelines(ctx context.Context) ([]Pipeline, error) {
	all, err := allPages(ctx, func(ctx context.Context, token string) ([]Pipeline, string, error) {
		return c.pipelinesPage(ctx, c.lists, token)
	})
	return all, wrap(err, "listing pipelines")
}

// pipelinesPage reads one page (100 pipelines) of the pipelines list through via: the
// request goes out as the SDK's ListPipelines sends it, the answer is decoded into
// wirePipeline (wire.go says why).
func (c *Client) pipelinesPage(ctx context.Context, via *client.DatabricksClient, token string) ([]Pipeline, string, error) {
	var resp wirePipelinesPage
	if err := c.get(ctx, via, "/api/2.0/pipelines", pipelines.ListPipelinesRequest{MaxResults: 100, PageToken: token}, &resp); err != nil {
		return nil, "", err
	}
	return mapped(resp.Statuses, pipelineOf), resp.NextPageToken, nil
}

// wirePipelinesPage is a page of the pipelines list.
type wirePipelinesPage struct {
	Statuses      []wirePipeline `json:"statuses"`
	NextPageToken string         `json:"next_page_token"`
}

// wirePipeline is a pipelines list's entry, the fields the cockpit reads.
type wirePipeline struct {
	PipelineID      string `json:"pipeline_id"`
	Name            string `json:"name"`
	State           string `json:"state"`
	Health          string `json:"health"`
	CreatorUserName string `json:"creator_user_name"`
	RunAsUserName   string `json:"run_as_user_name"`
	LatestUpdates   []struct {
		UpdateID     string   `json:"update_id"`
		State        string   `json:"state"`
		CreationTime jsonText `json:"creation_time"`
	} `json:"latest_updates"`
}

// pipelineOf is a pipelines list's entry.
func pipelineOf(p wirePipeline) Pipeline {
	out := Pipeline{ID: p.PipelineID, Name: p.Name, State: p.State, Health: p.Health,
		CreatorUserName: p.CreatorUserName, RunAsUserName: p.RunAsUserName}
	for _, u := range p.LatestUpdates {
		out.LatestUpdates = append(out.LatestUpdates, UpdateState{ID: u.UpdateID, State: u.State, Created: parseCreationTime(string(u.CreationTime))})
	}
	return out
}

// parseCreationTime reads latest_updates[].creation_time, a string: RFC 3339, or epoch
// milliseconds in some API versions. Unreadable values are the zero time.
func parseCreationTime(s string) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return fromMillis(ms)
	}
	return time.Time{}
}

// Update is one pipeline update as the updates API reports it.
type Update struct {
	ID           string
	PipelineID   string
	Cause        string // API_CALL, JOB_TASK, RETRY_ON_FAILURE, USER_ACTION, ...
	State        string // QUEUED, ..., RUNNING, COMPLETED, FAILED, CANCELED
	Created      time.Time
	FullRefresh  bool
	ValidateOnly bool
}

// Active reports whether the update has not reached a final state.
func (u Update) Active() bool {
	switch u.State {
	case "COMPLETED", "FAILED", "CANCELED":
		return false
	}
	return true
}

// SystemResultState is the update's result_state as system.lakeflow
// .pipeline_update_timeline writes it (COMPLETED, FAILED, CANCELED); empty while active.
func (u Update) SystemResultState() string {
	if u.Active() {
		return ""
	}
	return u.State
}

// Updates lists the newest updates of a pipeline, newest first: one page of at most limit
// (1 to 100; 0 is the API's default of 25).
func (c *Client) Updates(ctx context.Context, pipelineID string, limit int) ([]Update, error) {
	op := fmt.Sprintf("listing the updates of pipeline %s", pipelineID)
	if err := checkID("pipeline id", pipelineID); err != nil {
		return nil, wrap(err, op)
	}
	if limit < 0 || limit > 100 {
		return nil, &Error{Op: op, Kind: ErrInvalidInput, Err: fmt.Errorf("limit %d is not between 1 and 100", limit)}
	}
	resp, err := c.w.Pipelines.ListUpdates(ctx, pipelines.ListUpdatesRequest{PipelineId: pipelineID, MaxResults: limit})
	if err != nil {
		return nil, wrap(err, op)
	}
	out := make([]Update, len(resp.Updates))
	for i, u := range resp.Updates {
		out[i] = Update{ID: u.UpdateId, PipelineID: u.PipelineId, Cause: string(u.Cause), State: string(u.State),
			Created: fromMillis(u.CreationTime), FullRefresh: u.FullRefresh, ValidateOnly: u.ValidateOnly}
	}
	return out, nil
}
