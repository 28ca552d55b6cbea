package warehouse

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
)

// The full 90-day estate, opened only by benchmarks (they run only with -bench).
var full struct {
	once  sync.Once
	sim   *sim.Sim
	store *Store
	err   error
}

func fullStore(b *testing.B) *Store {
	b.Helper()
	full.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		s, err := sim.Open(ctx, sim.Options{Seed: 7, Clock: func() time.Time { return now }, Days: 90})
		if err != nil {
			full.err = err
			return
		}
		full.sim = s
		full.store, full.err = NewStore(s.DB(), simTables(b), DuckDB)
	})
	if full.err != nil {
		b.Fatal(full.err)
	}
	return full.store
}

// BenchmarkListDeploymentsFirstPageProd is the cockpit's start: prod's first page on 90 days
// of history (about 45k deployments and 400k runs across environments).
func BenchmarkListDeploymentsFirstPageProd(b *testing.B) {
	s := fullStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := s.ListDeployments(ctx, prod, DeploymentQuery{})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Deployments) != DefaultLimit {
			b.Fatalf("%d deployments on the first page", len(p.Deployments))
		}
	}
}

// BenchmarkListDeploymentsDeepPageProd pages from a month back: the page's windows are old,
// the cost must not grow with what came after them.
func BenchmarkListDeploymentsDeepPageProd(b *testing.B) {
	s := fullStore(b)
	ctx := context.Background()
	after := &Cursor{DeployedAt: now.Add(-30 * 24 * time.Hour), ID: "~"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ListDeployments(ctx, prod, DeploymentQuery{After: after}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReleaseScreenReads is what opening a release costs on the full estate, per tab:
// the newest prod deployment's runs, updates, expectations, lineage (two hops) and cost.
func BenchmarkReleaseScreenReads(b *testing.B) {
	s := fullStore(b)
	ctx := context.Background()
	p, err := s.ListDeployments(ctx, prod, DeploymentQuery{Limit: 1})
	if err != nil || len(p.Deployments) != 1 {
		b.Fatalf("no deployment to open: %v", err)
	}
	d := p.Deployments[0]
	for _, tab := range []struct {
		name string
		read func() error
	}{
		{"runs", func() error { _, _, err := s.DeploymentRuns(ctx, prod, d); return err }},
		{"updates", func() error { _, _, err := s.DeploymentUpdates(ctx, prod, d); return err }},
		{"expectations", func() error { _, _, err := s.DeploymentExpectations(ctx, prod, d); return err }},
		{"lineage", func() error { _, _, err := s.DeploymentLineage(ctx, prod, d); return err }},
		{"cost", func() error { _, err := s.DeploymentCost(ctx, prod, d); return err }},
	} {
		b.Run(tab.name, func(b *testing.B) {
			for b.Loop() {
				if err := tab.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
