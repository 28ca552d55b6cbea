package sim

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

// answersGolden holds, per request of pipelineAnswers, the length and SHA-256 of the answer.
var answersGolden = filepath.Join("testdata", "pipeline_answers.golden")

// TestPipelineAnswersAreAsRecorded: what the REST server answers about pipelines, their
// updates and their events (every page, under each filter and order the events API takes,
// for pipelines updated hourly and daily, updates of the last hours and of days ago) on a
// ten-day hostile estate with the system tables an hour late is, byte for byte, what it
// answered when the answers were recorded. Rewrite with -update only at a commit whose
// answers are right.
func TestPipelineAnswersAreAsRecorded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Seed: 7, Clock: fixedClock(testNow), Days: 10, Hostile: true, Lag: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []answer
	for _, env := range []string{"prod", "dev"} {
		srv, err := s.Serve(ctx, WorkspaceID(env))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, pipelineAnswers(t, &fixture{sim: s, srv: srv}, env, s.Now())...)
	}
	events, quality, failed := 0, 0, 0
	for _, a := range got {
		events += strings.Count(a.body, `"event_type":`)
		quality += strings.Count(a.body, `"data_quality":`)
		failed += strings.Count(a.body, `"fatal":true`)
	}
	if events < 1000 || quality < 100 || failed == 0 {
		t.Fatalf("the answers hold %d events, %d with expectations, %d failures: the test shows too little", events, quality, failed)
	}
	var b strings.Builder
	for _, a := range got {
		fmt.Fprintf(&b, "%s\t%d\t%x\n", a.label, len(a.body), sha256.Sum256([]byte(a.body)))
	}
	if *updateGolden {
		if err := os.WriteFile(answersGolden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(answersGolden)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		label, rest, _ := strings.Cut(sc.Text(), "\t")
		want[label] = rest
		order = append(order, label)
	}
	have := map[string]bool{}
	bad := 0
	for _, a := range got {
		have[a.label] = true
		line := fmt.Sprintf("%d\t%x", len(a.body), sha256.Sum256([]byte(a.body)))
		if w, ok := want[a.label]; !ok {
			t.Errorf("%s: not recorded", a.label)
		} else if w != line && bad < 20 {
			bad++
			t.Errorf("%s: the answer differs from the recorded one (%s, recorded %s):\n%s", a.label, line, w, a.body)
		}
	}
	for _, label := range order {
		if !have[label] {
			t.Errorf("%s: recorded but not asked", label)
		}
	}
}

// answer is the body of an answer of the REST server, with what was asked.
type answer struct{ label, body string }

// pipelineAnswers asks a workspace's server what a cockpit and the CLI ask about pipelines:
// every page of the pipelines, then, for a few of them (hourly and daily ones, one with a
// failed latest update), the pipeline, pages of its updates (from a cursor, until an
// update), some of its updates by id (one missing) and the events of the pipeline and of
// its updates in pages, filtered by update, level, timestamp and id, newest and oldest
// first.
func pipelineAnswers(t *testing.T, fx *fixture, env string, now time.Time) []answer {
	t.Helper()
	var out []answer
	// pages asks for at most n pages of a listing and returns them.
	pages := func(label, path string, q url.Values, n int) []string {
		t.Helper()
		var bodies []string
		for i, tok := 0, ""; i < n; i++ {
			if tok != "" {
				q.Set("page_token", tok)
			}
			var raw json.RawMessage
			st := fx.get(t, path, q, &raw)
			out = append(out, answer{fmt.Sprintf("%s %s page %d (%d)", env, label, i, st), string(raw)})
			bodies = append(bodies, string(raw))
			var page struct {
				Next string `json:"next_page_token"`
			}
			json.Unmarshal(raw, &page)
			if tok = page.Next; tok == "" || st != http.StatusOK {
				break
			}
		}
		return bodies
	}
	type latest struct {
		ID    string `json:"update_id"`
		State string `json:"state"`
	}
	var ids []string
	failing := ""
	for _, body := range pages("pipelines", "/api/2.0/pipelines", url.Values{"max_results": {"7"}}, 100) {
		var page struct {
			Statuses []struct {
				ID     string   `json:"pipeline_id"`
				Latest []latest `json:"latest_updates"`
			} `json:"statuses"`
		}
		json.Unmarshal([]byte(body), &page)
		for _, p := range page.Statuses {
			ids = append(ids, p.ID)
			for _, u := range p.Latest {
				if u.State == "FAILED" && failing == "" {
					failing = p.ID
				}
			}
		}
	}
	var chosen []string
	for i := 0; i < len(ids); i += 17 {
		chosen = append(chosen, ids[i])
	}
	if failing != "" {
		chosen = append(chosen, failing)
	}
	if len(chosen) < 4 {
		t.Fatalf("%s: %d pipelines listed", env, len(ids))
	}
	ms := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	for _, p := range chosen {
		base := "/api/2.0/pipelines/" + p
		var raw json.RawMessage
		st := fx.get(t, base, nil, &raw)
		out = append(out, answer{fmt.Sprintf("%s pipeline %s (%d)", env, p, st), string(raw)})
		pages("updates of "+p+" by 4", base+"/updates", url.Values{"max_results": {"4"}}, 5)
		var updates []string
		var failedUpdate string
		for _, body := range pages("updates of "+p+" by 100", base+"/updates", url.Values{"max_results": {"100"}}, 3) {
			var page struct {
				Updates []struct {
					ID    string `json:"update_id"`
					State string `json:"state"`
				} `json:"updates"`
			}
			json.Unmarshal([]byte(body), &page)
			for _, u := range page.Updates {
				updates = append(updates, u.ID)
				if u.State == "FAILED" && failedUpdate == "" {
					failedUpdate = u.ID
				}
			}
		}
		if len(updates) == 0 {
			continue
		}
		pages("updates of "+p+" until the 7th", base+"/updates", url.Values{"max_results": {"3"}, "until_update_id": {updates[min(6, len(updates)-1)]}}, 5)
		picked := []string{"00000000-0000-4000-8000-000000000000"}
		for _, i := range []int{0, 1, len(updates) / 2, len(updates) - 1} {
			if u := updates[min(i, len(updates)-1)]; !slices.Contains(picked, u) {
				picked = append(picked, u)
			}
		}
		if failedUpdate != "" {
			picked = append(picked, failedUpdate)
		}
		var eventID string
		for _, u := range picked {
			st := fx.get(t, base+"/updates/"+u, nil, &raw)
			out = append(out, answer{fmt.Sprintf("%s update %s of %s (%d)", env, u, p, st), string(raw)})
			filter := "update_id = '" + u + "'"
			for _, body := range pages("events of "+u, base+"/events", url.Values{"filter": {filter}, "max_results": {"250"}}, 5) {
				var page struct {
					Events []struct {
						ID string `json:"id"`
					} `json:"events"`
				}
				json.Unmarshal([]byte(body), &page)
				if len(page.Events) > 2 && eventID == "" {
					eventID = page.Events[2].ID
				}
			}
			pages("events of "+u+" by 2", base+"/events", url.Values{"filter": {filter}, "max_results": {"2"}}, 20)
			pages("INFO events of "+u+" oldest first by 3", base+"/events",
				url.Values{"filter": {filter + " AND level = 'INFO'"}, "order_by": {"timestamp asc"}, "max_results": {"3"}}, 20)
		}
		pages("events of "+p+" by 40", base+"/events", url.Values{"max_results": {"40"}}, 3)
		pages("events of "+p+" oldest first by 25", base+"/events", url.Values{"max_results": {"25"}, "order_by": {"timestamp asc"}}, 2)
		pages("warnings and errors of "+p, base+"/events", url.Values{"max_results": {"10"}, "filter": {"level in ('ERROR', 'WARN')"}}, 3)
		pages("events of "+p+" from 6 h to 1 h ago", base+"/events",
			url.Values{"max_results": {"20"}, "filter": {"timestamp >= '" + ms(now.Add(-6*time.Hour)) + "' AND timestamp < '" + ms(now.Add(-time.Hour)) + "'"}}, 5)
		pages("events of "+p+" of a day ago oldest first", base+"/events",
			url.Values{"max_results": {"20"}, "order_by": {"timestamp asc"}, "filter": {"timestamp > '" + ms(now.Add(-25*time.Hour)) + "' AND timestamp <= '" + ms(now.Add(-23*time.Hour)) + "'"}}, 5)
		if eventID != "" {
			pages("event "+eventID, base+"/events", url.Values{"filter": {"id = '" + eventID + "'"}}, 1)
		}
	}
	return out
}
