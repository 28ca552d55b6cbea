package sim

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkColdStart90Days generates the full estate (90 days, 40 bundles, three
// environments) into a new file: what the first `cockpit demo` does.
// Run with: go test ./data/sim -run XXX -bench ColdStart -benchtime 1x
func BenchmarkColdStart90Days(b *testing.B) {
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "estate.duckdb")
		s, err := Open(context.Background(), Options{Path: path, Seed: 1, Clock: fixedClock(testNow), Days: 90})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWarmOpen reopens a generated estate whose clock has not moved: what every later
// start does before it can query.
func BenchmarkWarmOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "estate.duckdb")
	s, err := Open(context.Background(), Options{Path: path, Seed: 1, Clock: fixedClock(testNow), Days: 90})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(context.Background(), Options{Path: path, Seed: 1, Clock: fixedClock(testNow), Days: 90})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
