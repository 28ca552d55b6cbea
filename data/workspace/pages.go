package workspace

import (
	"context"

	"github.com/databricks/databricks-sdk-go/service/jobs"
)

// One page at a time: a caller that watches the workspace spreads a long list over several
// calls of its own (one page each, continuing from the token the last one returned), so
// that what one call costs does not grow with the workspace. The SDK's iterators read every
// page and keep the token to themselves; these are the same reads as the whole lists'
// pages (runsPage, pipelinesPage), one a call. A token is the API's own: one that has
// expired is refused, and the caller starts again from the first page.

// ActiveRunsPage reads one page (25 runs) of the runs that have not finished, of every
// job, newest first: the first page for an empty token. next is the next page's token,
// empty after the last page.
func (c *Client) ActiveRunsPage(ctx context.Context, token string) ([]Run, string, error) {
	runs, next, err := c.runsPage(ctx, c.api, jobs.ListRunsRequest{ActiveOnly: true, Limit: 25, PageToken: token})
	if err != nil {
		return nil, "", wrap(err, "listing the active job runs")
	}
	return runs, next, nil
}

// PipelinesPage reads one page (100 pipelines) of the pipelines list with their state and
// latest updates: the first page for an empty token. next is the next page's token, empty
// after the last page.
func (c *Client) PipelinesPage(ctx context.Context, token string) ([]Pipeline, string, error) {
	ps, next, err := c.pipelinesPage(ctx, c.api, token)
	if err != nil {
		return nil, "", wrap(err, "listing pipelines")
	}
	return ps, next, nil
}

// allPages reads a listing page after page, from the first (empty token) until a page has
// no next token. A token that comes back a second time ends it too: a server that pages in
// a circle must not keep the caller forever.
func allPages[T any](ctx context.Context, page func(ctx context.Context, token string) ([]T, string, error)) ([]T, error) {
	var out []T
	seen := map[string]bool{}
	for token := ""; ; {
		items, next, err := page(ctx, token)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || seen[next] {
			return out, nil
		}
		seen[next] = true
		token = next
	}
}
