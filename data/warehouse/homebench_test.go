//go:build unix

package warehouse

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/data/sim"
)

// The demo's warm estate as `cockpit demo` reads it (seed 1, the delayed system tables of
// the default 45 minutes), opened by benchmarks given its file in COCKPIT_BENCH_ESTATE: a
// copy of one `cockpit demo --demo-db FILE --demo-now 2026-11-23T12:00:00Z` generated (the
// benchmarks open it, so never point it at a file a cockpit is using).
var demoEstate struct {
	once  sync.Once
	store *Store
	err   error
}

// processCPU is the CPU time the process has used, user and system: on a machine others
// load too, what a statement costs is steadier in CPU than in wall time.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// homeStore is the demo's estate when COCKPIT_BENCH_ESTATE names its file, else the
// benchmarks' full estate (seed 7, no delay).
func homeStore(b *testing.B) *Store {
	b.Helper()
	path := os.Getenv("COCKPIT_BENCH_ESTATE")
	if path == "" {
		return fullStore(b)
	}
	demoEstate.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		s, err := sim.Open(ctx, sim.Options{Path: path, Seed: 1, Clock: func() time.Time { return now }, Days: 90, Lag: 45 * time.Minute})
		if err != nil {
			demoEstate.err = err
			return
		}
		tables, err := DefaultTables().Overrides(sim.DelayedTables())
		if err != nil {
			demoEstate.err = err
			return
		}
		tables.Ledger = sim.LedgerSchema
		tables.ExpectationResults = sim.DelayedExpectations
		demoEstate.store, demoEstate.err = NewStore(s.DB(), tables, DuckDB)
	})
	if demoEstate.err != nil {
		b.Fatal(demoEstate.err)
	}
	return demoEstate.store
}

// BenchmarkHomeFirstRoundProd is each statement of the home's first list of prod (the last
// 24 hours, up to 1,000 deployments, one round trip), one at a time, then the bundles'
// states read after it, then the whole list (ListDeployments, its statements side by side):
// what the first frame with data waits for. cpu-ms/op is the process's CPU per read.
func BenchmarkHomeFirstRoundProd(b *testing.B) {
	s := homeStore(b)
	ctx := context.Background()
	since := now.Add(-24 * time.Hour)
	sel := filterSel{since: since, limit: 1001}
	bounds := boundsOfWindow(since)
	for _, st := range []struct {
		name string
		read func() error
	}{
		{"page", func() error {
			_, _, _, err := s.page(ctx, prod, pageFilter{since: since, limit: 1001, oneRound: true})
			return err
		}},
		{"not_deployments", func() error { _, err := s.notDeployments(ctx, prod, "", since); return err }},
		{"health", func() error { _, _, err := s.health(ctx, prod, "", sel, bounds); return err }},
		{"checks", func() error { _, err := s.pageChecks(ctx, prod, "", sel); return err }},
		{"baselines", func() error { _, err := s.baselines(ctx, prod, "", sel, bounds); return err }},
		{"expectations", func() error { _, err := s.worstExpectations(ctx, prod, "", sel, bounds); return err }},
		{"live_window", func() error { _, err := s.LiveScopeOfWindow(ctx, prod, "", since, now); return err }},
		{"board", func() error { _, err := s.BoardEvents(ctx, now.Add(-14*24*time.Hour)); return err }},
		{"whole", func() error {
			_, err := s.ListDeployments(ctx, prod, DeploymentQuery{Since: since, Limit: 1000, OneRound: true})
			return err
		}},
	} {
		b.Run(st.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				if err := st.read(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((processCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
