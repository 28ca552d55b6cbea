package workspace_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/workspace"
)

// The tests run the real SDK against the simulation's REST server: one estate (seed 7,
// two days, frozen at fixedNow) per test binary, serving the prod workspace. Tests that
// start runs only add to it, so they can share it.

var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var prodWS = sim.WorkspaceID("prod")

var shared struct {
	once sync.Once
	sim  *sim.Sim
	srv  *sim.Server
	err  error
}

// estate opens the shared estate and its server on first use.
func estate(t *testing.T) (*sim.Sim, *sim.Server) {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background()
		shared.sim, shared.err = sim.Open(ctx, sim.Options{Seed: 7, Clock: func() time.Time { return fixedNow }, Days: 2})
		if shared.err != nil {
			return
		}
		shared.srv, shared.err = shared.sim.Serve(ctx, prodWS)
	})
	if shared.err != nil {
		t.Fatalf("opening the simulated estate: %v", shared.err)
	}
	return shared.sim, shared.srv
}

// clientAs opens a workspace client that signs in with a simulated user's token.
func clientAs(t *testing.T, token string) *workspace.Client {
	t.Helper()
	_, srv := estate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := workspace.Open(ctx, workspace.Config{Host: srv.URL(), Token: token})
	if err != nil {
		t.Fatalf("opening a client: %v", err)
	}
	return c
}

// ctx is a test's call context with a deadline, as the cockpit's callers set one.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// Tokens of the simulation's users (sim/users.go).
const (
	oncallToken = "dapi-sim-oncall"
	leadToken   = "dapi-sim-lead"
)

// query runs a query on the estate, for the expected side of a comparison.
func query[T any](t *testing.T, scan func(func(...any) error) (T, error), q string, args ...any) []T {
	t.Helper()
	s, _ := estate(t)
	rows, err := s.DB().Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows.Scan)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
