//go:build !nosim

package source

import (
	"context"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// A remote warehouse answers each statement hundreds of milliseconds late. The pipelines
// list needs no statement's answer (the live scope's statement only says which pipelines
// matter), so a list, and a release's pipeline updates, ask for it while their statements
// wait, not one round trip after them.
func TestThePipelinesListIsAskedWhileTheStatementsWait(t *testing.T) {
	s := openDemo(t)
	ctx := context.Background()
	l, err := s.ListAll(ctx, "prod", Query{Since: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var live model.Deployment
	for _, d := range l.Deployments {
		if d.Window.Live(testNow) && d.Health.UpdatesOK+d.Health.UpdatesFailed > 0 {
			live = d.Deployment
			break
		}
	}
	if live.Release.ID() == "" {
		t.Fatal("no deployment of prod in the last day has an open window with pipeline updates")
	}
	const late = 800 * time.Millisecond
	s.counters.latency = late
	reads := []struct {
		name string
		read func() error
	}{
		{"the home's list", func() error { _, err := s.List(ctx, "prod", Query{Since: 24 * time.Hour}); return err }},
		{"a list of the failing", func() error {
			_, err := s.List(ctx, "prod", Query{Since: 24 * time.Hour, Status: model.VerdictFailing})
			return err
		}},
		{"the release's pipeline updates", func() error { _, _, err := s.Updates(ctx, "prod", live); return err }},
	}
	for _, r := range reads {
		before := s.Usage()
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- r.read() }()
		first := time.Duration(-1)
		for first < 0 && time.Since(start) < late {
			if s.Usage().Since(before).Envs["prod"].Calls > 0 {
				first = time.Since(start)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if first < 0 || first >= late/2 {
			t.Errorf("%s: no REST call went out in the first %s, while its statements waited %s; want the pipelines list asked at once",
				r.name, late/2, late)
		}
	}
}
