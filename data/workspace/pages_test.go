package workspace_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/workspace"
)

// TestPagesOneAtATimeListWhatTheWholeListsDo: reading the active runs and the pipelines a
// page per call, each from the token the last returned, gives what the whole lists give,
// in the workspace dev and staging share (more than a page of each).
func TestPagesOneAtATimeListWhatTheWholeListsDo(t *testing.T) {
	s, _ := estate(t)
	srv, err := s.Serve(context.Background(), sim.WorkspaceID("dev"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	open, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := workspace.Open(open, workspace.Config{Host: srv.URL(), Token: oncallToken})
	if err != nil {
		t.Fatal(err)
	}
	// The deployer's runs move on wall-clock seconds: what the pages list is compared with
	// the whole list read before and after them.
	before, err := c.ActiveRuns(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(before) <= 25 { // a page
		t.Fatalf("%d active runs: the test needs more than a page", len(before))
	}
	var runs []workspace.Run
	pages := 0
	for token := ""; pages == 0 || token != ""; pages++ {
		page, next, err := c.ActiveRunsPage(ctx(t), token)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 25 {
			t.Fatalf("a page of %d runs, want at most 25", len(page))
		}
		runs, token = append(runs, page...), next
	}
	after, err := c.ActiveRuns(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	ids := func(rs []workspace.Run) map[int64]bool {
		m := map[int64]bool{}
		for _, r := range rs {
			m[r.RunID] = true
		}
		return m
	}
	paged, was, is := ids(runs), ids(before), ids(after)
	for id := range was {
		if is[id] && !paged[id] {
			t.Errorf("run %d was active before and after, yet on no page", id)
		}
	}
	for id := range paged {
		if !was[id] && !is[id] {
			t.Errorf("run %d is on a page, yet in neither whole list", id)
		}
	}
	if len(runs) != len(paged) {
		t.Errorf("%d runs on the pages, %d of them distinct", len(runs), len(paged))
	}
	if pages < 2 {
		t.Errorf("%d page of active runs: the test needs more than one", pages)
	}

	wantPipes, err := c.Pipelines(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var ps []workspace.Pipeline
	pages = 0
	for token := ""; pages == 0 || token != ""; pages++ {
		page, next, err := c.PipelinesPage(ctx(t), token)
		if err != nil {
			t.Fatal(err)
		}
		ps, token = append(ps, page...), next
	}
	if pages < 2 {
		t.Errorf("%d page of pipelines: the test needs more than one", pages)
	}
	if len(ps) != len(wantPipes) {
		t.Fatalf("%d pipelines read a page at a time, %d in one list", len(ps), len(wantPipes))
	}
	for i := range ps {
		if ps[i].ID != wantPipes[i].ID || !slices.Equal(ps[i].LatestUpdates, wantPipes[i].LatestUpdates) {
			t.Errorf("pipeline %d: %+v a page at a time, %+v in one list", i, ps[i], wantPipes[i])
		}
	}
	for _, read := range []func() error{
		func() error { _, _, err := c.ActiveRunsPage(ctx(t), "not-a-token"); return err },
		func() error { _, _, err := c.PipelinesPage(ctx(t), "not-a-token"); return err },
	} {
		if err := read(); !errors.Is(err, workspace.ErrInvalidInput) {
			t.Errorf("a page from a token the API refuses: %v, want ErrInvalidInput (the caller starts again)", err)
		}
	}
}
