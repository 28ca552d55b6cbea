package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
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
