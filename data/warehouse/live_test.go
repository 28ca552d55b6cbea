package warehouse

import (
	"context"
	"reflect"
	"slices"
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

// The scope of a window, found by its own statement, is the scope of the page's open
// windows named after the page is read: the same releases, oldest window, cut, jobs and
// pipelines, and everything known of what started from there.
func TestTheScopeOfAWindowIsTheScopeOfItsPagesOpenWindows(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	for _, c := range []struct {
		env    Env
		bundle string
		since  time.Time
	}{
		{prod, "", now.Add(-24 * time.Hour)},
		{staging, "", now.Add(-72 * time.Hour)},
		{prod, "ecommerce_orders", now.Add(-72 * time.Hour)},
	} {
		page, err := s.ListDeployments(ctx, c.env, DeploymentQuery{Since: c.since, Bundle: c.bundle, Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		var oldest time.Time
		var open []string
		for _, d := range page.Deployments {
			if d.Window.Live(now) {
				open = append(open, d.Release.ID())
				if oldest.IsZero() || d.Window.Start.Before(oldest) {
					oldest = d.Window.Start
				}
			}
		}
		if len(open) == 0 {
			t.Fatalf("%s %s: no open window to compare", c.env.Name, c.bundle)
		}
		want, err := s.LiveScope(ctx, c.env, oldest, open)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.LiveScopeOfWindow(ctx, c.env, c.bundle, c.since, now)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(open)
		slices.Sort(got.Open)
		if !slices.Equal(got.Open, open) || !got.OldestOpen.Equal(oldest) || !got.Since.Equal(want.Since) ||
			!reflect.DeepEqual(sorted(got.Jobs), sorted(want.Jobs)) || !reflect.DeepEqual(sorted(got.Pipelines), sorted(want.Pipelines)) {
			t.Errorf("%s %s: the window's scope\n%v %s %s %v %v\nthe page's\n%v %s %s %v %v", c.env.Name, c.bundle,
				got.Open, got.OldestOpen, got.Since, got.Jobs, got.Pipelines, open, oldest, want.Since, want.Jobs, want.Pipelines)
		}
		for id, state := range want.Known.Runs {
			if s, ok := got.Known.Runs[id]; !ok || s != state {
				t.Errorf("%s: run %s known by the page's scope as %q, by the window's as %q (%v)", c.env.Name, id, state, s, ok)
			}
		}
		for id, state := range want.Known.Updates {
			if s, ok := got.Known.Updates[id]; !ok || s != state {
				t.Errorf("%s: update %s known by the page's scope as %q, by the window's as %q (%v)", c.env.Name, id, state, s, ok)
			}
		}
		for id := range want.Known.Expectations {
			if !got.Known.Expectations[id] {
				t.Errorf("%s: the expectations of update %s known by the page's scope, not the window's", c.env.Name, id)
			}
		}
	}
}

// sorted sorts each list of a map, for comparing what two statements list in no order.
func sorted(m map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range m {
		out[k] = slices.Sorted(slices.Values(v))
	}
	return out
}
