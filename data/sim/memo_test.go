package sim

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestAReadIsKeptUntilTheEstateIsWritten: a read is made once per generation of the estate
// (once for callers asking at the same time), made again after a write, and not kept when
// a write is committed while it is being made, nor when it fails.
func TestAReadIsKeptUntilTheEstateIsWritten(t *testing.T) {
	s := &Sim{}
	var reads atomic.Int64
	value := atomic.Int64{}
	read := func() (int64, error) { reads.Add(1); return value.Load(), nil }
	get := func(key string) int64 {
		t.Helper()
		v, err := cached(s, key, read)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	value.Store(1)
	if get("a") != 1 || get("a") != 1 || reads.Load() != 1 {
		t.Fatalf("two asks of one key read %d times, want once", reads.Load())
	}
	if get("b") != 1 || reads.Load() != 2 {
		t.Fatalf("another key was not read: %d reads", reads.Load())
	}
	value.Store(2)
	s.wrote()
	if v := get("a"); v != 2 || reads.Load() != 3 {
		t.Fatalf("after a write: %d (%d reads), want the new value read again", v, reads.Load())
	}

	// A write committed during the read: the answer is returned but not kept.
	v, _ := cached(s, "c", func() (int64, error) { s.wrote(); return 3, nil })
	if v != 3 {
		t.Fatalf("read during a write answered %d", v)
	}
	value.Store(4)
	if v := get("c"); v != 4 {
		t.Errorf("a read overtaken by a write was kept: %d, want 4", v)
	}

	// A failed read is not kept.
	if _, err := cached(s, "d", func() (int64, error) { return 0, errors.New("boom") }); err == nil {
		t.Fatal("the error was lost")
	}
	if v := get("d"); v != 4 {
		t.Errorf("after a failed read: %d, want 4", v)
	}

	// Callers asking at once share one read.
	s.wrote()
	reads.Store(0)
	release := make(chan struct{})
	slow := func() (int64, error) { reads.Add(1); <-release; return 5, nil }
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := cached(s, "e", slow); err != nil || v != 5 {
				t.Errorf("a concurrent caller got %d, %v", v, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them all ask; a late one reads from the memo
	close(release)
	wg.Wait()
	if reads.Load() != 1 {
		t.Errorf("4 callers at once read %d times, want once", reads.Load())
	}
}

// TestCachedAnswersFollowTheSimulationsWrites: the REST answers a client sees change when
// the simulation writes, though they are kept between writes. A scripted run shows running
// in the runs list, then, once catch-up has moved it into the timeline, failed (the same
// list, asked with the same bounds); the events of a pipeline update in flight gain its
// flows' progress once it has ended.
func TestCachedAnswersFollowTheSimulationsWrites(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	s, err := Open(ctx, Options{Seed: 7, Clock: clock, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv, err := s.Serve(ctx, WorkspaceID("prod"))
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{sim: s, srv: srv}
	moveTo := func(at time.Time) {
		t.Helper()
		mu.Lock()
		now = at
		mu.Unlock()
		if err := s.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// An update of a prod pipeline in flight now, ending first.
	var pipe, update string
	var ends time.Time
	if err := s.DB().QueryRow(`SELECT object_id, run_id, planned_end FROM sim.sim_internal.in_flight
WHERE workspace_id = ? AND kind = 'pipeline' AND start_time <= ? AND planned_end > ? ORDER BY planned_end LIMIT 1`,
		WorkspaceID("prod"), testNow, testNow).Scan(&pipe, &update, &ends); err != nil {
		t.Fatalf("no pipeline update in flight at %s: %v", testNow, err)
	}
	flowEvents := func() int {
		t.Helper()
		var page struct {
			Events []struct {
				EventType string `json:"event_type"`
			} `json:"events"`
		}
		fx.get(t, "/api/2.0/pipelines/"+pipe+"/events", url.Values{"filter": {"update_id = '" + update + "'"}}, &page)
		n := 0
		for _, e := range page.Events {
			if e.EventType == "flow_progress" {
				n++
			}
		}
		return n
	}

	start, end := testNow.Add(-10*time.Second), testNow.Add(time.Minute)
	run, job, err := s.ScriptRun(ctx, ScriptedRun{Environment: "prod", Bundle: "ecommerce_ingest", Start: start, End: end, Result: "FAILED"})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"job_id": {strconv.FormatInt(job, 10)}, "start_time_from": {strconv.FormatInt(start.Add(-time.Minute).UnixMilli(), 10)},
		"start_time_to": {strconv.FormatInt(testNow.UnixMilli(), 10)}}
	stateOf := func() string {
		t.Helper()
		var page struct {
			Runs []restRun `json:"runs"`
		}
		fx.get(t, "/api/2.2/jobs/runs/list", q, &page)
		for _, r := range page.Runs {
			if r.RunID == run {
				return r.State.LifeCycleState + "/" + r.State.ResultState
			}
		}
		return "absent"
	}
	for range 2 { // the second answer is the kept one
		if got := stateOf(); got != "RUNNING/" {
			t.Fatalf("scripted run %d while it runs: %s, want RUNNING", run, got)
		}
		if n := flowEvents(); n != 0 {
			t.Fatalf("update %s in flight has %d flow_progress events, want none yet", update, n)
		}
	}
	if ends.Before(end) {
		ends = end
	}
	moveTo(ends.Add(time.Second))
	if got := stateOf(); got != "TERMINATED/FAILED" {
		t.Errorf("scripted run %d after catch-up moved it into the timeline: %s, want TERMINATED/FAILED", run, got)
	}
	if n := flowEvents(); n == 0 {
		t.Errorf("update %s of pipeline %s has ended, but its events show no flow_progress", update, pipe)
	}
}

// TestPipelinesCutFromTheWholeListAnswerAsTheStatementDoes: every page (from every cursor,
// of several sizes) and every pipeline read by id, as cut from the workspace's whole list,
// are what the statement selects for them.
func TestPipelinesCutFromTheWholeListAnswerAsTheStatementDoes(t *testing.T) {
	s := sharedEstate(t)
	ctx := context.Background()
	for _, ws := range s.Workspaces() {
		srv := &Server{sim: s, wsid: ws.ID}
		all, err := srv.readPipelines(ctx, "", "%", pipeKey{}, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 10 {
			t.Fatalf("workspace %s has %d pipelines", ws.ID, len(all))
		}
		cursors := []pipeKey{{}, {Name: all[0].name}, {Name: all[3].name + "~"}, {Name: "zzzz"}}
		for _, p := range all {
			cursors = append(cursors, pipeKey{p.name, p.id})
		}
		same := func(what string, got, want []pipeline) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: %d pipelines, the statement %d", what, len(got), len(want))
			}
			for i := range got {
				if got[i].id != want[i].id || got[i].name != want[i].name || !got[i].changed.Equal(want[i].changed) {
					t.Fatalf("%s: #%d is %s %q, the statement's %s %q", what, i, got[i].id, got[i].name, want[i].id, want[i].name)
				}
			}
		}
		for _, after := range cursors {
			for _, limit := range []int{1, 2, 26, 101} {
				got, err := srv.pipelines(ctx, "", "%", after, limit)
				if err != nil {
					t.Fatal(err)
				}
				want, err := srv.readPipelines(ctx, "", "%", after, limit)
				if err != nil {
					t.Fatal(err)
				}
				same(fmt.Sprintf("after %+v, limit %d", after, limit), got, want)
			}
		}
		for _, id := range []string{all[0].id, all[len(all)-1].id, "no-such-pipeline"} {
			got, err := srv.pipelines(ctx, id, "%", pipeKey{}, 1)
			if err != nil {
				t.Fatal(err)
			}
			want, err := srv.readPipelines(ctx, id, "%", pipeKey{}, 1)
			if err != nil {
				t.Fatal(err)
			}
			same("pipeline "+id, got, want)
		}
	}
}

// A read whose caller gave up (its request's context ended) is not the answer of another
// caller who waited for it: that one reads for itself. Before, a cockpit that quit in the
// middle of a runs listing left the next cockpit of the estate with "context canceled" for
// its live feed.
func TestAWaiterDoesNotTakeTheCancellationOfTheReadItWaitedFor(t *testing.T) {
	// The driver may say that a read was cancelled in its own words: DuckDB's interrupt is
	// no context.Canceled to errors.Is.
	for _, giveUpErr := range []error{fmt.Errorf("listing runs: %w", context.Canceled), errors.New("INTERRUPT Error: Interrupted!")} {
		s := &Sim{}
		started, giveUp := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			_, err := cached(s, "runs", func() (int, error) {
				close(started)
				<-giveUp
				return 0, giveUpErr
			})
			first <- err
		}()
		<-started
		second := make(chan int, 1)
		go func() {
			v, err := cached(s, "runs", func() (int, error) { return 7, nil })
			if err != nil {
				v = -1
			}
			second <- v
		}()
		time.Sleep(50 * time.Millisecond) // the second caller finds the first's read under way
		close(giveUp)
		if err := <-first; !errors.Is(err, giveUpErr) {
			t.Errorf("%v: the caller who gave up got %v, want its own error", giveUpErr, err)
		}
		if v := <-second; v != 7 {
			t.Errorf("%v: the caller who waited got %d, want its own read's 7 (-1: an error)", giveUpErr, v)
		}
	}
}
