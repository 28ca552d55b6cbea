package source

import (
	"context"
	"fmt"
	"time"

	"github.com/release-cockpit/cockpit/data/warehouse"
)

// startLiveWindow starts reading the live feed for the live windows (model.Window.Live) of
// the deployments of an environment (and bundle) deployed at or after since, without waiting
// for a page: its statement finds those windows itself (warehouse.LiveScopeOfWindow), so a
// page read in one round trip has its live facts one round trip later than the page's
// statements only by the REST calls. nil when there is no workspace to ask.
func (s *Source) startLiveWindow(ctx context.Context, e *Environment, since time.Time, bundle string) *liveRead {
	if e.Workspace == nil {
		return nil
	}
	return s.goLive(e, nil, func() (liveFeed, error) { return s.readLiveWindow(ctx, e, since, bundle) })
}

// readLiveWindow is readLive for the open windows its statement finds: nothing more when
// there are none.
func (s *Source) readLiveWindow(ctx context.Context, e *Environment, since time.Time, bundle string) (liveFeed, error) {
	ctx, cancel := context.WithTimeout(ctx, s.liveBudget())
	defer cancel()
	pipes := readPipelines(ctx, e)
	scope, err := e.Store.LiveScopeOfWindow(ctx, e.Env, bundle, since, s.clock())
	if err != nil {
		return liveFeed{}, fmt.Errorf("reading what the system tables hold: %w", err)
	}
	return s.feedOf(ctx, e, scope, pipes)
}

// feedOf reads the feed for the open windows of scope: nothing when there are none. pipes
// is the pipelines list read beside the scope's statement (nil: read now).
func (s *Source) feedOf(ctx context.Context, e *Environment, scope warehouse.LiveScope, pipes *pipelinesRead) (liveFeed, error) {
	f := liveFeed{scope: scope}
	if len(scope.Open) == 0 {
		return f, nil
	}
	return f, s.readFeed(ctx, e, &f, feedFrom(scope), pipes)
}
