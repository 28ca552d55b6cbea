//go:build !nosim

package source

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// The Runs tab of the incident (about 35 minutes old) with the system tables an hour late
// lists what it lists without the delay: the runs the tables lack come from the REST API,
// marked live, the failed one among them, each once.
func TestTheRunsTabListsWhatOnlyTheAPIKnowsYet(t *testing.T) {
	ctx := context.Background()
	runsOf := func(s *Source) map[string]model.JobRun {
		t.Helper()
		runs, _, err := s.Runs(ctx, "prod", theIncident(t, s))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]model.JobRun{}
		for _, r := range runs {
			if _, dup := out[r.RunID]; dup {
				t.Errorf("run %s listed twice", r.RunID)
			}
			out[r.RunID] = r
		}
		return out
	}
	late, now := runsOf(openLagged(t, time.Hour)), runsOf(openLagged(t, 0))
	live, failedLive := 0, 0
	for id, want := range now {
		got, ok := late[id]
		switch {
		case !ok:
			t.Errorf("run %s (%s) is listed without the delay, not with it", id, want.ResultState)
		case got.ResultState != want.ResultState:
			t.Errorf("run %s: %q with the delay, %q without", id, got.ResultState, want.ResultState)
		case got.Live:
			live++
			if got.Failed() {
				failedLive++
			}
		}
		if want.Live {
			t.Errorf("run %s is marked live with the tables on time", id)
		}
	}
	if len(late) != len(now) || live == 0 || failedLive == 0 {
		t.Errorf("%d runs with the delay (%d live, %d of them failed), %d without", len(late), live, failedLive, len(now))
	}
}

// A storm on the REST API leaves the Runs tab the warehouse's runs, with an error that says
// the live facts are missing and why, instead of failing the tab or saying nothing.
func TestTheRunsTabSaysWhenTheLiveRunsAreMissing(t *testing.T) {
	ctx := context.Background()
	s := openLagged(t, time.Hour)
	d := theIncident(t, s)
	storm(t, s)
	runs, _, err := s.Runs(ctx, "prod", d)
	if !errors.Is(err, model.ErrLiveFactsMissing) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("runs during a storm: %v", err)
	}
	for _, r := range runs {
		if r.Live {
			t.Errorf("run %s is marked live while the API does not answer", r.RunID)
		}
	}
	if err := s.DemoRESTFault(0); err != nil {
		t.Fatal(err)
	}
	if runs, _, err := s.Runs(ctx, "prod", d); err != nil || len(runs) == 0 {
		t.Errorf("after the storm: %d runs, %v", len(runs), err)
	}
}
