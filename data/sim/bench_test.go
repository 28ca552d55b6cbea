package sim

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
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

// BenchmarkIdleProbe is what one probe of an idle cockpit asks the simulated API of the dev
// workspace on the demo's 90-day estate, clock frozen: a page of 100 pipelines with their
// latest updates and the runs started in the last two minutes. "kept": nothing was written
// since the last probe, so the reads are the memo's; "written": the estate changed before
// every probe (what every probe cost before the memo).
// Run with: go test ./data/sim -run XXX -bench IdleProbe -benchtime 20x
func BenchmarkIdleProbe(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Seed: 1, Clock: fixedClock(testNow), Days: 90})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	srv, err := s.Serve(ctx, WorkspaceID("dev"))
	if err != nil {
		b.Fatal(err)
	}
	fx := &fixture{sim: s, srv: srv}
	since := strconv.FormatInt(testNow.Add(-2*time.Minute).UnixMilli(), 10)
	for _, c := range []struct {
		name  string
		write bool
	}{{"kept", false}, {"written", true}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if c.write {
					s.wrote()
				}
				if st := fx.get(b, "/api/2.0/pipelines", url.Values{"max_results": {"100"}}, nil); st != http.StatusOK {
					b.Fatalf("pipelines: %d", st)
				}
				if st := fx.get(b, "/api/2.2/jobs/runs/list", url.Values{"start_time_from": {since}}, nil); st != http.StatusOK {
					b.Fatalf("runs: %d", st)
				}
			}
		})
	}
}

// BenchmarkCatchUpThenProbe is an open demo on the wall clock, from the simulation's side:
// the clock moves 10 s, the estate catches up (as the demo does every 10 s), then the
// cockpit probes prod as its live feed does: every page of pipelines with their latest
// updates and every page of the runs started in the last day. Each part's time is
// reported (catchup, pipelines, runs: ms per cycle).
// Run with: go test ./data/sim -run XXX -bench CatchUpThenProbe -benchtime 20x
func BenchmarkCatchUpThenProbe(b *testing.B) {
	ctx := context.Background()
	s, clock := openMoving(b, 1, 90)
	srv, err := s.Serve(ctx, WorkspaceID("prod"))
	if err != nil {
		b.Fatal(err)
	}
	fx := &fixture{sim: s, srv: srv}
	var catchup, pipes, runs time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		clock.move(10 * time.Second)
		if err := s.CatchUp(ctx); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		fx.pages(b, "/api/2.0/pipelines", url.Values{"max_results": {"100"}}, nil)
		t2 := time.Now()
		fx.pages(b, "/api/2.2/jobs/runs/list", url.Values{"start_time_from": {strconv.FormatInt(s.Now().Add(-24*time.Hour).UnixMilli(), 10)}}, nil)
		t3 := time.Now()
		catchup, pipes, runs = catchup+t1.Sub(t0), pipes+t2.Sub(t1), runs+t3.Sub(t2)
	}
	n := float64(b.N) * float64(time.Millisecond)
	b.ReportMetric(float64(catchup)/n, "catchup-ms")
	b.ReportMetric(float64(pipes)/n, "pipelines-ms")
	b.ReportMetric(float64(runs)/n, "runs-ms")
}

// BenchmarkEventsAtStart is what a cockpit's start asks of the events API of prod on the
// demo's 90-day estate, clock frozen: the events of the 18 newest finished updates among
// the pipelines' latest updates (the live feed reads the flow_progress events of each,
// filtered by update, every page of 250). Every iteration starts from an empty memo, as a
// new process does. "events": the pipelines were listed first (untimed), as the cockpit
// does before it asks for events; "listing+events": the listing is timed too. cpu-ms is the
// CPU the process used (DuckDB's threads too; 0 where not measured).
// Run with: go test ./data/sim -run XXX -bench EventsAtStart -benchtime 10x -count 5
func BenchmarkEventsAtStart(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Seed: 1, Clock: fixedClock(testNow), Days: 90})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	srv, err := s.Serve(ctx, WorkspaceID("prod"))
	if err != nil {
		b.Fatal(err)
	}
	fx := &fixture{sim: s, srv: srv}
	ups := startUpdates(b, fx, 18)
	list := func() { fx.pages(b, "/api/2.0/pipelines", url.Values{"max_results": {"100"}}, nil) }
	events := func() {
		for _, u := range ups {
			fx.pages(b, "/api/2.0/pipelines/"+u.pipeline+"/events", url.Values{"filter": {"update_id = '" + u.update + "'"}, "max_results": {"250"}}, nil)
		}
	}
	b.Run("events", func(b *testing.B) {
		b.ReportAllocs()
		var cpu time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s.wrote()
			list()
			b.StartTimer()
			c := cpuTime()
			events()
			cpu += cpuTime() - c
		}
		b.ReportMetric(float64(cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
	})
	b.Run("listing+events", func(b *testing.B) {
		b.ReportAllocs()
		c := cpuTime()
		for i := 0; i < b.N; i++ {
			s.wrote()
			list()
			events()
		}
		b.ReportMetric(float64(cpuTime()-c)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
	})
}

// startUpdate names a pipeline update.
type startUpdate struct{ pipeline, update string }

// startUpdates are the n newest finished updates among the latest updates of the
// pipelines listing.
func startUpdates(t testing.TB, fx *fixture, n int) []startUpdate {
	t.Helper()
	type latest struct {
		startUpdate
		created string
	}
	var all []latest
	fx.pages(t, "/api/2.0/pipelines", url.Values{"max_results": {"100"}}, func(raw json.RawMessage) {
		var page struct {
			Statuses []struct {
				ID     string `json:"pipeline_id"`
				Latest []struct {
					ID      string `json:"update_id"`
					State   string `json:"state"`
					Created string `json:"creation_time"`
				} `json:"latest_updates"`
			} `json:"statuses"`
		}
		if err := json.Unmarshal(raw, &page); err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Statuses {
			for _, u := range p.Latest {
				if u.State == "COMPLETED" || u.State == "FAILED" || u.State == "CANCELED" {
					all = append(all, latest{startUpdate{p.ID, u.ID}, u.Created})
				}
			}
		}
	})
	slices.SortFunc(all, func(a, b latest) int { return strings.Compare(b.created, a.created) })
	if len(all) < n {
		t.Fatalf("%d finished updates listed, want %d", len(all), n)
	}
	out := make([]startUpdate, n)
	for i := range out {
		out[i] = all[i].startUpdate
	}
	return out
}
