//go:build !nosim

package workspace_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/jobs"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/workspace"
)

// recorder is an HTTP transport that writes down what each request asked for.
type recorder struct {
	mu   sync.Mutex
	reqs []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Method+" "+req.URL.RequestURI()+" Accept="+req.Header.Get("Accept")+
		" Workspace="+req.Header.Get("X-Databricks-Workspace-Id"))
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// take returns what was asked since the last take.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// recordedClient opens a client of the server whose requests rec writes down.
func recordedClient(t *testing.T, srv *sim.Server, rec *recorder) *workspace.Client {
	t.Helper()
	open, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := workspace.Open(open, workspace.Config{Host: srv.URL(), Token: oncallToken, Transport: rec})
	if err != nil {
		t.Fatal(err)
	}
	rec.take()
	return c
}

// TestRunsListingsAskAndListWhatTheSDKDid: the runs listings the client decodes itself
// send, page after page, the requests the SDK's iterator sent (query, headers) and list the
// same runs, whatever the options.
func TestRunsListingsAskAndListWhatTheSDKDid(t *testing.T) {
	_, srv := estate(t)
	rec := &recorder{}
	c := recordedClient(t, srv, rec)
	since := fixedNow.Add(-6 * time.Hour).UnixMilli()
	for _, tc := range []struct {
		name  string
		req   jobs.ListRunsRequest
		pages int // at least
	}{
		{"the feed since 6 hours", jobs.ListRunsRequest{StartTimeFrom: since, Limit: 25}, 2},
		{"a slice of it", jobs.ListRunsRequest{StartTimeFrom: since, StartTimeTo: fixedNow.Add(-3*time.Hour).UnixMilli() - 1, Limit: 25}, 2},
		{"the active runs", jobs.ListRunsRequest{ActiveOnly: true, Limit: 25}, 1},
		{"a job's finished runs of a day", jobs.ListRunsRequest{JobId: prodJob(t), CompletedOnly: true, StartTimeFrom: fixedNow.Add(-24 * time.Hour).UnixMilli(), Limit: 25}, 1},
		{"no limit (the API's default)", jobs.ListRunsRequest{StartTimeFrom: since}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := workspace.ListRuns(ctx(t), c, tc.req, false)
			if err != nil {
				t.Fatal(err)
			}
			asked := rec.take()
			want, err := workspace.ListRuns(ctx(t), c, tc.req, true)
			if err != nil {
				t.Fatal(err)
			}
			sdkAsked := rec.take()
			if !slices.Equal(asked, sdkAsked) {
				t.Errorf("asked\n%q\nthe SDK asked\n%q", asked, sdkAsked)
			}
			if len(got) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("listed %d runs, the SDK %d:\n%+v\n%+v", len(got), len(want), got, want)
			}
			if len(asked) < tc.pages {
				t.Errorf("%d pages: the case needs at least %d", len(asked), tc.pages)
			}
		})
	}
}

// TestThePipelinesListAsksAndListsWhatTheSDKDid: the pipelines list sends, page after
// page, the requests the SDK's iterator sent and lists the same pipelines, in the
// workspace dev and staging share (more than a page).
func TestThePipelinesListAsksAndListsWhatTheSDKDid(t *testing.T) {
	s, _ := estate(t)
	srv, err := s.Serve(context.Background(), sim.WorkspaceID("dev"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	rec := &recorder{}
	c := recordedClient(t, srv, rec)
	got, err := workspace.ListPipelines(ctx(t), c, false)
	if err != nil {
		t.Fatal(err)
	}
	asked := rec.take()
	want, err := workspace.ListPipelines(ctx(t), c, true)
	if err != nil {
		t.Fatal(err)
	}
	sdkAsked := rec.take()
	if !slices.Equal(asked, sdkAsked) || len(asked) < 2 {
		t.Errorf("asked\n%q\nthe SDK asked\n%q\n(the test needs more than a page)", asked, sdkAsked)
	}
	if len(got) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("listed %d pipelines, the SDK %d:\n%+v\n%+v", len(got), len(want), got, want)
	}
}

// TestTheListsRetryAStormAsTheSDKDid: a storm of 429s or 503s during the runs feed or the
// pipelines list is retried (after its Retry-After) as the SDK's own calls retried it: a
// listing that outlives the storm lists what it lists without one; a listing whose
// deadline comes first is ErrUnavailable.
func TestTheListsRetryAStormAsTheSDKDid(t *testing.T) {
	s, srv := estate(t)
	t.Cleanup(func() { _ = s.SetRESTFault(0) })
	rec := &recorder{}
	c := recordedClient(t, srv, rec)
	since := fixedNow.Add(-time.Hour)
	wantRuns, err := c.RunsSince(ctx(t), since, workspace.RunsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantPipes, err := c.Pipelines(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	calm := len(rec.take())
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		if err := s.SetRESTFault(status); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(300*time.Millisecond, func() { _ = s.SetRESTFault(0) })
		runs, err := c.RunsSince(ctx(t), since, workspace.RunsOptions{})
		if err != nil || !reflect.DeepEqual(runs, wantRuns) {
			t.Errorf("the runs feed through a storm of %ds: %d runs, %v; want the %d of a calm", status, len(runs), err, len(wantRuns))
		}
		if err := s.SetRESTFault(status); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(300*time.Millisecond, func() { _ = s.SetRESTFault(0) })
		pipes, err := c.Pipelines(ctx(t))
		if err != nil || !reflect.DeepEqual(pipes, wantPipes) {
			t.Errorf("the pipelines through a storm of %ds: %d pipelines, %v; want the %d of a calm", status, len(pipes), err, len(wantPipes))
		}
		if n := len(rec.take()); n <= calm {
			t.Errorf("a storm of %ds: %d requests, as many as without one (%d): nothing was retried", status, n, calm)
		}
	}
	if err := s.SetRESTFault(http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if _, err := c.RunsSince(short, since, workspace.RunsOptions{}); !errors.Is(err, workspace.ErrUnavailable) {
		t.Errorf("the runs feed in a storm longer than its deadline: %v, want ErrUnavailable", err)
	}
	if _, err := c.Pipelines(short); !errors.Is(err, workspace.ErrUnavailable) {
		t.Errorf("the pipelines in a storm longer than their deadline: %v, want ErrUnavailable", err)
	}
}

// TestEveryReadNamesTheWorkspace: the reads through the raw client (the lists, the pages,
// the events, the directory) carry the workspace id header as the SDK's own calls do: on
// a host that serves several workspaces it is what routes them.
func TestEveryReadNamesTheWorkspace(t *testing.T) {
	_, srv := estate(t)
	rec := &recorder{}
	c := recordedClient(t, srv, rec)
	pid := incidentPipeline(t)
	ups, err := c.Updates(ctx(t), pid, 1)
	if err != nil || len(ups) == 0 {
		t.Fatalf("updates: %d, %v", len(ups), err)
	}
	for name, read := range map[string]func() error{
		"the runs feed": func() error {
			_, err := c.RunsSince(ctx(t), fixedNow.Add(-time.Hour), workspace.RunsOptions{})
			return err
		},
		"a page of runs":      func() error { _, _, err := c.ActiveRunsPage(ctx(t), ""); return err },
		"the pipelines":       func() error { _, err := c.Pipelines(ctx(t)); return err },
		"a page of pipelines": func() error { _, _, err := c.PipelinesPage(ctx(t), ""); return err },
		"an update's events":  func() error { _, err := c.UpdateEvents(ctx(t), pid, ups[0].ID); return err },
		"a user":              func() error { _, err := c.UserByName(ctx(t), "marco.bianchi@example.com"); return err },
	} {
		rec.take()
		if err := read(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		asked := rec.take()
		if len(asked) == 0 {
			t.Errorf("%s: no request", name)
		}
		for _, a := range asked {
			if strings.HasSuffix(a, " Workspace=") || !strings.Contains(a, " Accept=application/json ") {
				t.Errorf("%s: %s, want the workspace id and JSON accepted", name, a)
			}
		}
	}
}
