package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
)

// TestLivePathShowsTheIncidentTheWarehouseHasNotGot: with the system tables an hour late
// (--demo-lag 60m) the warehouse holds nothing of the incident deployed 35 minutes ago; the
// live path (REST runs, pipelines' latest updates and their flow_progress expectations)
// shows its failed run and its expectation failure ratio, the same counts as without delay.
func TestLivePathShowsTheIncidentTheWarehouseHasNotGot(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lag.duckdb")
	type row struct {
		DeployedAt  string  `json:"deployed_at"`
		RunsFailed  int     `json:"runs_failed"`
		UpdatesOK   int     `json:"updates_succeeded"`
		Ratio       float64 `json:"expectation_failure_ratio"`
		Verdict     string  `json:"verdict"`
		Provisional bool    `json:"provisional"`
		Live        bool    `json:"live"`
	}
	incident := func(lag string) row {
		t.Helper()
		code, out, errOut := cockpit(t, "demo", "--demo-db", db, "--demo-now", testNow, "--demo-days", "2", "--demo-lag", lag,
			"releases", "--env", "prod", "--bundle", "ecommerce_orders", "-o", "json")
		if code != 0 {
			t.Fatalf("lag %s: exit %d: %s", lag, code, errOut)
		}
		var rows []row
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.DeployedAt == "2026-11-23T11:25:00Z" {
				return r
			}
		}
		t.Fatalf("lag %s: no incident deployment at 11:25 in %s", lag, out)
		return row{}
	}
	late := incident("60m")
	if late.RunsFailed < 1 || late.Ratio <= 0.05 || late.Verdict != "failing" {
		t.Errorf("with the system tables an hour late the incident shows %+v, want its failed run counted and a failure ratio above 5%%", late)
	}
	if !late.Live {
		t.Errorf("with the system tables an hour late the incident's verdict does not say it rests on live facts: %+v", late)
	}
	now := incident("0")
	if now.Live {
		t.Errorf("without delay the warehouse holds every fact, yet the verdict says it rests on live facts: %+v", now)
	}
	if now.Live = true; now != late {
		t.Errorf("the live path counts %+v, the warehouse without delay %+v: want the same", late, now)
	}
}

// TestReleasesSaysWhyLiveFactsAreMissing: during a 429 storm of the REST API (the SDK's
// retries exhausted) `cockpit releases` still answers from the warehouse, exit 0, and says
// on stderr that the live facts are missing and why; once the API answers again, the live
// facts are back and stderr is quiet. The CLI joins a demo served by this test, whose
// simulation injects the storm.
func TestReleasesSaysWhyLiveFactsAreMissing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "storm.duckdb")
	now, _ := time.Parse(time.RFC3339, testNow)
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{Path: db, Seed: 1, Now: now, Days: 2, Lag: time.Hour, Progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	type row struct {
		DeployedAt string `json:"deployed_at"`
		Bundle     string `json:"bundle"`
		Current    bool   `json:"current"`
		RunsFailed int    `json:"runs_failed"`
		Live       bool   `json:"live"`
	}
	incident := func() (row, string) {
		t.Helper()
		code, out, errOut := cockpit(t, "demo", "--demo-db", db, "--demo-now", testNow, "--demo-days", "2", "--demo-lag", "60m", "--timeout", "40s",
			"releases", "--env", "prod", "--bundle", "ecommerce_orders", "--since", "2h", "-o", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rows []row
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Current {
				return r, errOut
			}
		}
		t.Fatalf("no current deployment of the incident's bundle in %s", out)
		return row{}, ""
	}
	if err := src.DemoRESTFault(http.StatusTooManyRequests); err != nil {
		t.Fatal(err)
	}
	during, errOut := incident()
	if !strings.Contains(errOut, "live facts missing") || !strings.Contains(errOut, "did not answer") {
		t.Errorf("during the storm stderr does not say the live facts are missing and why: %q", errOut)
	}
	if during.Live || during.RunsFailed != 0 {
		t.Errorf("during the storm the incident shows %+v: want the warehouse's alone (it holds none of its runs yet)", during)
	}
	if err := src.DemoRESTFault(0); err != nil {
		t.Fatal(err)
	}
	after, errOut := incident()
	if strings.Contains(errOut, "live facts missing") || !after.Live || after.RunsFailed < 1 {
		t.Errorf("after the storm the incident shows %+v (stderr %q): want its failed run from the live facts", after, errOut)
	}
}

// TestShowMarksWhatOnlyTheAPIKnows: with the system tables an hour late, `cockpit show`
// lists the incident's runs and updates that only the REST API knows yet, as the release
// screen does: marked ~ in the text with how many, "live": true in the JSON, the ended
// updates with their end. The lineage is the week before the deploy's, said so, and the
// cost says the runs are not billed yet rather than that nothing ran.
func TestShowMarksWhatOnlyTheAPIKnows(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lag.duckdb")
	show := func(format string) string {
		t.Helper()
		code, out, errOut := cockpit(t, "demo", "--demo-db", db, "--demo-now", testNow, "--demo-days", "2", "--demo-lag", "60m",
			"show", incidentRelease, "--env", "prod", "-o", format)
		if code != 0 {
			t.Fatalf("-o %s: exit %d: %s", format, code, errOut)
		}
		return out
	}
	var s struct {
		Runs []struct {
			RunID       string `json:"run_id"`
			ResultState string `json:"result_state"`
			Live        bool   `json:"live"`
		} `json:"runs"`
		Updates []struct {
			UpdateID    string `json:"update_id"`
			End         string `json:"end"`
			ResultState string `json:"result_state"`
			Live        bool   `json:"live"`
		} `json:"updates"`
		Lineage struct {
			BlastRadius  int  `json:"blast_radius"`
			BeforeDeploy bool `json:"before_deploy"`
		} `json:"lineage"`
	}
	if err := json.Unmarshal([]byte(show("json")), &s); err != nil {
		t.Fatal(err)
	}
	var live []string
	failed := false
	for _, r := range s.Runs {
		if r.Live {
			live = append(live, r.RunID)
			failed = failed || r.ResultState == "FAILED"
		}
	}
	for _, u := range s.Updates {
		if u.Live {
			live = append(live, u.UpdateID)
		}
		if u.Live && u.ResultState != "" && u.End == "" {
			t.Errorf("update %s ended (%s) with no end: its final update_progress event gives it", u.UpdateID, u.ResultState)
		}
	}
	if !s.Lineage.BeforeDeploy || s.Lineage.BlastRadius == 0 {
		t.Errorf("lineage: before the deploy %v, blast radius %d; want the week before the deploy's, with its consumers", s.Lineage.BeforeDeploy, s.Lineage.BlastRadius)
	}
	if len(live) == 0 || !failed {
		t.Fatalf("with the tables an hour late the incident's show marks %d rows live (a failed run among them: %v), want its failed run at least", len(live), failed)
	}
	text := show("text")
	for _, want := range []string{fmt.Sprintf("~ %d of them only the REST API knows yet", len(live)),
		"~ lineage from the week before the deploy", "COST: not billed yet: the 3 run(s) and update(s) since the deploy"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
	marked := 0
	for _, id := range live {
		if strings.Contains(text, "~"+id) {
			marked++
		}
	}
	if marked == 0 {
		t.Errorf("none of the live rows %v is marked ~ in the text:\n%s", live, text)
	}
}
