package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

// BenchmarkWarmStartReleases is `cockpit demo releases --env prod -o json` on an estate
// generated beforehand (90 days): open the file, catch up (nothing to do), start the local
// API servers, query the first day of prod deployments, judge and print them.
// Run with: go test ./cmd/cockpit -run XXX -bench WarmStart -benchtime 5x
func BenchmarkWarmStartReleases(b *testing.B) {
	benchmarkStart(b, "--demo-now", testNow)
}

// BenchmarkWarmStartReleasesClockMoving is the same start with the wall clock, as a user
// runs it: the estate first catches up the time since the last start.
func BenchmarkWarmStartReleasesClockMoving(b *testing.B) {
	benchmarkStart(b)
}

// benchmarkStart times `cockpit demo [clock...] releases` on an estate the first run generates.
func benchmarkStart(b *testing.B, clock ...string) {
	db := filepath.Join(b.TempDir(), "estate90.duckdb")
	args := append(append([]string{"demo", "--demo-db", db}, clock...), "releases", "--env", "prod", "-o", "json")
	if code := run(context.Background(), args, io.Discard, io.Discard); code != 0 {
		b.Fatalf("generating the estate: exit %d", code)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := run(context.Background(), args, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
