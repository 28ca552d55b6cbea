package warehouse

import (
	"context"
	"testing"
	"time"
)

// TestLiveScopeCutsWhereTheSystemTablesStop: the feed is to read from an hour (plus a
// margin) before the newest end the system tables hold, or from the oldest run or update
// they show active; what they hold from there is known, with the resources of the releases.
func TestLiveScopeCutsWhereTheSystemTablesStop(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	page, err := s.ListDeployments(ctx, prod, DeploymentQuery{Since: now.Add(-24 * time.Hour), Limit: 50})
	if err != nil || len(page.Deployments) == 0 {
		t.Fatalf("listing prod: %v (%d)", err, len(page.Deployments))
	}
	d := page.Deployments[0]
	oldest := now.Add(-24 * time.Hour)
	scope, err := s.LiveScope(ctx, prod, oldest, []string{d.Release.ID()})
	if err != nil {
		t.Fatal(err)
	}
	if scope.Since.IsZero() || scope.Since.After(now.Add(-70*time.Minute)) || !scope.Since.After(oldest) {
		t.Errorf("the feed is to read from %s: want after the oldest open window %s and at least 70 minutes before %s", scope.Since, oldest, now)
	}
	if len(scope.Known.Runs) == 0 || len(scope.Known.Updates) == 0 {
		t.Errorf("the system tables hold %d runs and %d updates from the cut, want some of both", len(scope.Known.Runs), len(scope.Known.Updates))
	}
	if len(scope.Jobs[d.Release.ID()])+len(scope.Pipelines[d.Release.ID()]) == 0 {
		t.Errorf("%s has no jobs or pipelines", d.Release.ID())
	}
	none, err := s.LiveScope(ctx, prod, now.Add(time.Hour), []string{d.Release.ID()})
	if err != nil || !none.Since.IsZero() || len(none.Known.Runs) != 0 {
		t.Errorf("nothing held after the oldest open window: cut %s, %d runs known (%v)", none.Since, len(none.Known.Runs), err)
	}
}
