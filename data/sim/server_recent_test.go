package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestKeptRecentReadsFollowCatchUps: with the clock moving and the estate catching up as an
// open demo does (the system tables an hour late), what a cockpit asks about pipelines (every
// page of them with their latest updates, then the events of the updates that ended lately,
// by update and in pages of 2, each of those updates and a page of its pipeline's updates) is
// answered after each catch-up exactly as once every kept read is dropped and read afresh;
// catch-ups keep adding updates (and their events) to those answers, the events of updates
// that ended after the flows were kept among them; and the kept recent updates and flows
// are carried through catch-ups, not read again.
func TestKeptRecentReadsFollowCatchUps(t *testing.T) {
	ctx := context.Background()
	clock := &movingClock{}
	clock.at.Store(testNow.UnixNano())
	s, err := Open(ctx, Options{Seed: 7, Clock: clock.now, Days: 10, Lag: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv, err := s.Serve(ctx, WorkspaceID("prod"))
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{sim: s, srv: srv}
	type upd struct{ pipeline, update, created string }
	probe := func() (pipes, events []byte, ended []upd) {
		t.Helper()
		pipes = fx.pages(t, "/api/2.0/pipelines", url.Values{"max_results": {"20"}}, func(raw json.RawMessage) {
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
			json.Unmarshal(raw, &page)
			for _, p := range page.Statuses {
				for _, u := range p.Latest {
					if u.State == "COMPLETED" || u.State == "FAILED" || u.State == "CANCELED" {
						ended = append(ended, upd{p.ID, u.ID, u.Created})
					}
				}
			}
		})
		// The updates of the last two hours, as the live feed reads them at start.
		since := s.Now().Add(-2 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
		for _, u := range ended {
			if u.created < since {
				continue
			}
			base := "/api/2.0/pipelines/" + u.pipeline
			filter := url.Values{"filter": {"update_id = '" + u.update + "'"}}
			events = append(events, fx.pages(t, base+"/events", filter, nil)...)
			filter.Set("max_results", "2")
			events = append(events, fx.pages(t, base+"/events", filter, nil)...)
			var raw json.RawMessage
			fx.get(t, base+"/updates/"+u.update, nil, &raw)
			events = append(events, raw...)
			fx.get(t, base+"/updates", url.Values{"max_results": {"3"}}, &raw)
			events = append(events, raw...)
		}
		return pipes, events, ended
	}
	kept := func(key string) any {
		s.memo.mu.Lock()
		defer s.memo.mu.Unlock()
		if s.memo.gen != s.memo.writes.Load() {
			return nil
		}
		return s.memo.m[memoKey(key, srv.wsid)]
	}
	probe()
	var lastPipes, lastEvents []byte
	changed, carried, movedAsked := 0, 0, 0
	for i, d := range []time.Duration{10 * time.Second, 3 * time.Minute, 10 * time.Second, 7 * time.Minute, 20 * time.Minute, 10 * time.Second, 45 * time.Minute} {
		clock.move(d)
		if err := s.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		var moved map[string]bool
		if f, ok := kept("recent flows").(*recentFlows); ok && kept("recent updates") != nil {
			carried++
			moved = f.moved
		}
		pipes, events, ended := probe()
		for _, u := range ended {
			if moved[u.update] && bytes.Contains(events, []byte(`"update_id":"`+u.update+`"`)) {
				movedAsked++
			}
		}
		s.wrote() // every kept read is dropped: the next answers are read afresh
		freshPipes, freshEvents, _ := probe()
		if !bytes.Equal(pipes, freshPipes) {
			t.Errorf("step %d (+%s): the pipelines after catch-up differ from a fresh read:\n%s\nfresh:\n%s", i, d, pipes, freshPipes)
		}
		if !bytes.Equal(events, freshEvents) {
			t.Errorf("step %d (+%s): the events and updates after catch-up differ from a fresh read:\n%s\nfresh:\n%s", i, d, events, freshEvents)
		}
		if lastEvents != nil && (!bytes.Equal(pipes, lastPipes) || !bytes.Equal(events, lastEvents)) {
			changed++
		}
		lastPipes, lastEvents = pipes, events
		if n := strings.Count(string(events), `"flow_progress":`); n == 0 {
			t.Errorf("step %d: no flow_progress among the events asked: the test shows nothing", i)
		}
	}
	if changed < 3 {
		t.Errorf("catch-ups changed the answers %d times: the test shows nothing", changed)
	}
	if movedAsked == 0 {
		t.Error("no update moved into the timeline after the flows were kept had its events asked: the test shows nothing")
	}
	if carried < 6 {
		t.Errorf("after %d of 7 catch-ups the recent updates and flows were carried, want nearly all", carried)
	}
}
