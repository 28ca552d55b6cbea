package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestCarriedReadsAnswerAsFreshReads: with the clock moving and the estate catching up as
// an open demo does, what a cockpit asks of the REST API (every page of pipelines with
// their latest updates, every page of the runs of the last day, in slices as the live feed
// lists them, and of one job) is answered after each catch-up exactly as it is once every
// kept read is dropped and read afresh, while catch-ups keep adding runs and updates to
// those answers; and the kept reads are carried through catch-ups, not read again.
func TestCarriedReadsAnswerAsFreshReads(t *testing.T) {
	ctx := context.Background()
	s, clock := openMoving(t, 7, 2)
	srv, err := s.Serve(ctx, WorkspaceID("prod"))
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{sim: s, srv: srv}
	since := testNow.Add(-24 * time.Hour)
	var job string
	// pages reads every page of a listing; the answers joined are what a client sees. The
	// first run listed names the job whose runs are listed too.
	pages := func(path string, q url.Values) []byte {
		t.Helper()
		return fx.pages(t, path, q, func(raw json.RawMessage) {
			var page struct {
				Runs []struct {
					JobID int64 `json:"job_id"`
				} `json:"runs"`
			}
			json.Unmarshal(raw, &page)
			if job == "" && len(page.Runs) > 0 {
				job = strconv.FormatInt(page.Runs[0].JobID, 10)
			}
		})
	}
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	probe := func() (pipes, runs []byte) {
		t.Helper()
		pipes = pages("/api/2.0/pipelines", url.Values{"max_results": {"7"}})
		at := s.Now()
		// The live feed's slices: three of the day, the last one open-ended.
		step := at.Sub(since) / 3
		for i := range 3 {
			q := url.Values{"start_time_from": {ms(since.Add(time.Duration(i) * step))}, "limit": {"25"}}
			if i < 2 {
				q.Set("start_time_to", ms(since.Add(time.Duration(i+1)*step-time.Millisecond)))
			}
			runs = append(runs, pages("/api/2.2/jobs/runs/list", q)...)
		}
		if job != "" {
			runs = append(runs, pages("/api/2.2/jobs/runs/list", url.Values{"job_id": {job}, "start_time_from": {ms(at.Add(-6 * time.Hour))}})...)
		}
		return pipes, runs
	}
	probe()
	var lastPipes, lastRuns []byte
	changedPipes, changedRuns, carried := 0, 0, 0
	for i, d := range []time.Duration{10 * time.Second, 10 * time.Second, 3 * time.Minute, 10 * time.Second, 7 * time.Minute, 20 * time.Minute, 10 * time.Second, 45 * time.Minute} {
		clock.move(d)
		if err := s.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		reads := s.memo.reads.Load()
		pipes, runs := probe()
		keptReads := s.memo.reads.Load() - reads
		s.wrote() // every kept read is dropped: the next answers are read afresh
		reads = s.memo.reads.Load()
		freshPipes, freshRuns := probe()
		freshReads := s.memo.reads.Load() - reads
		if !bytes.Equal(pipes, freshPipes) {
			t.Errorf("step %d (+%s): the pipelines after catch-up differ from a fresh read:\n%s\nfresh:\n%s", i, d, pipes, freshPipes)
		}
		if !bytes.Equal(runs, freshRuns) {
			t.Errorf("step %d (+%s): the runs after catch-up differ from a fresh read:\n%s\nfresh:\n%s", i, d, runs, freshRuns)
		}
		if keptReads < freshReads {
			carried++
		}
		if lastPipes != nil && !bytes.Equal(pipes, lastPipes) {
			changedPipes++
		}
		if lastRuns != nil && !bytes.Equal(runs, lastRuns) {
			changedRuns++
		}
		lastPipes, lastRuns = pipes, runs
	}
	if changedPipes < 2 || changedRuns < 2 {
		t.Errorf("catch-ups changed the pipelines %d times and the runs %d times: the test shows nothing", changedPipes, changedRuns)
	}
	if carried < 6 {
		t.Errorf("after %d of 8 catch-ups the kept reads were carried, want nearly all", carried)
	}
}

// movingClock is a clock tests move.
type movingClock struct{ at atomic.Int64 }

func (c *movingClock) now() time.Time       { return time.Unix(0, c.at.Load()).UTC() }
func (c *movingClock) move(d time.Duration) { c.at.Add(int64(d)) }

// openMoving opens an in-memory estate of days with a clock at testNow that the test moves.
func openMoving(t testing.TB, seed int64, days int) (*Sim, *movingClock) {
	t.Helper()
	c := &movingClock{}
	c.at.Store(testNow.UnixNano())
	s, err := Open(context.Background(), Options{Seed: seed, Clock: c.now, Days: days})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// pages reads every page of a listing and returns the answers joined; each is given to
// each (if not nil) too.
func (fx *fixture) pages(t testing.TB, path string, q url.Values, each func(json.RawMessage)) []byte {
	t.Helper()
	var all []byte
	for tok := ""; ; {
		if tok != "" {
			q.Set("page_token", tok)
		}
		var raw json.RawMessage
		if st := fx.get(t, path, q, &raw); st != http.StatusOK {
			t.Fatalf("%s %v: %d %s", path, q, st, raw)
		}
		all = append(all, raw...)
		if each != nil {
			each(raw)
		}
		var page struct {
			Next string `json:"next_page_token"`
		}
		json.Unmarshal(raw, &page)
		if tok = page.Next; tok == "" {
			return all
		}
	}
}
