package workspace

import (
	"context"
	"net/http"

	"github.com/databricks/databricks-sdk-go/service/jobs"
	"github.com/databricks/databricks-sdk-go/service/pipelines"
)

// One page at a time: a caller that watches the workspace spreads a long list over several
// calls of its own (one page each, continuing from the token the last one returned), so
// that what one call costs does not grow with the workspace. The SDK's iterators read every
// page and keep the token to themselves, hence the raw client. A token is the API's own:
// one that has expired is refused, and the caller starts again from the first page.

// ActiveRunsPage reads one page (25 runs) of the runs that have not finished, of every
// job, newest first: the first page for an empty token. next is the next page's token,
// empty after the last page.
func (c *Client) ActiveRunsPage(ctx context.Context, token string) ([]Run, string, error) {
	q := map[string]any{"active_only": true, "limit": 25}
	if token != "" {
		q["page_token"] = token
	}
	var resp jobs.ListRunsResponse
	if err := c.api.Do(ctx, http.MethodGet, "/api/2.2/jobs/runs/list", nil, q, nil, &resp); err != nil {
		return nil, "", wrap(err, "listing the active job runs")
	}
	runs := make([]Run, len(resp.Runs))
	for i, b := range resp.Runs {
		runs[i] = runOfBase(b)
	}
	return runs, resp.NextPageToken, nil
}

// PipelinesPage reads one page (100 pipelines) of the pipelines list with their state and
// latest updates: the first page for an empty token. next is the next page's token, empty
// after the last page.
func (c *Client) PipelinesPage(ctx context.Context, token string) ([]Pipeline, string, error) {
	q := map[string]any{"max_results": 100}
	if token != "" {
		q["page_token"] = token
	}
	var resp pipelines.ListPipelinesResponse
	if err := c.api.Do(ctx, http.MethodGet, "/api/2.0/pipelines", nil, q, nil, &resp); err != nil {
		return nil, "", wrap(err, "listing pipelines")
	}
	ps := make([]Pipeline, len(resp.Statuses))
	for i, p := range resp.Statuses {
		ps[i] = pipelineOf(p)
	}
	return ps, resp.NextPageToken, nil
}
