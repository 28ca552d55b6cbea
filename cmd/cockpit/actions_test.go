//go:build !nosim

package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/model"
)

// The action tests change their estate, so they have one of their own (frozen, 3 days).
var actionEstate struct {
	once sync.Once
	path string
}

func actionArgs(t *testing.T, as string, args ...string) []string {
	actionEstate.once.Do(func() { actionEstate.path = filepath.Join(t.TempDir(), "actions.duckdb") })
	return append([]string{"demo", "--demo-db", actionEstate.path, "--demo-now", testNow, "--demo-days", "3", "--demo-lag", "0", "--as", as}, args...)
}

// actionResult runs an action with -o json and decodes what it printed.
func actionResult(t *testing.T, as string, args ...string) (int, actionJSON, string) {
	t.Helper()
	code, out, errOut := cockpit(t, actionArgs(t, as, append(args, "-o", "json")...)...)
	var res actionJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: not JSON (%v): %s\n%s", args, err, out, errOut)
	}
	return code, res, errOut
}

func TestActionFlowsFromTheCommandLineWithAFrozenClock(t *testing.T) {
	// As on-call, roll back the prod incident. The estate's three days put its error budget
	// at spent: that freezes promotions, not the rollback that remedies it (no break-glass).
	code, res, errOut := actionResult(t, "oncall", "rollback", "--bundle", sim.IncidentBundle, "--env", "prod",
		"--ticket", "INC-7", "--reason", "valid_client_id failures", "--yes")
	if code != 0 || res.Outcome == nil || res.Outcome.State != "succeeded" || res.Plan.From == res.Plan.To {
		t.Fatalf("rollback: exit %d, %+v %+v\n%s", code, res.Plan, res.Outcome, errOut)
	}
	if res.Plan.BreakGlass || !hasGate(res.Plan.Gates, "budget", "budget spent: rollbacks are allowed") {
		t.Errorf("the rollback's budget gate: %+v (break-glass used %v)", res.Plan.Gates, res.Plan.BreakGlass)
	}
	code, out, errOut := cockpit(t, actionArgs(t, "oncall", "releases", "--env", "prod", "--bundle", sim.IncidentBundle, "--since", "0", "-o", "json")...)
	if code != 0 || !strings.Contains(out, `"version": "`+res.Plan.To+`"`) {
		t.Fatalf("after the rollback prod does not run %s: exit %d\n%s%s", res.Plan.To, code, out, errOut)
	}
	var rows []map[string]any
	_ = json.Unmarshal([]byte(out), &rows)
	if len(rows) == 0 || rows[0]["version"] != res.Plan.To {
		t.Errorf("the newest prod deployment is %v, want the rollback's %s", rows[0]["version"], res.Plan.To)
	}

	// As release manager, promoting the verified staging release to prod is refused for
	// the missing approval.
	code, out, _ = cockpit(t, actionArgs(t, "oncall", "releases", "--env", "staging", "--bundle", sim.AwaitingBundle, "--since", "0", "--limit", "1", "-o", "json")...)
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) == 0 {
		t.Fatalf("staging release: exit %d: %s", code, out)
	}
	rel := sim.AwaitingBundle + "@" + rows[0]["version"].(string)
	promote := []string{"promote", rel, "--to", "prod", "--ticket", "CHG-48230", "--reason", "weekly KPIs", "--yes"}
	code, res, errOut = actionResult(t, "release-manager", promote...)
	if code != 1 || !strings.Contains(res.Error, "approvals") || res.Outcome != nil {
		t.Fatalf("unapproved promotion: exit %d, %q\n%s", code, res.Error, errOut)
	}
	// Without a terminal and without --yes nothing happens: a usage error.
	if code, _, errOut := cockpit(t, actionArgs(t, "lead", "approve", rel, "--env", "prod")...); code != 2 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("approve without --yes: exit %d: %s", code, errOut)
	}
	// A viewer reads only.
	if code, res, _ := actionResult(t, "viewer", "approve", rel, "--env", "prod", "--yes"); code != 1 || !strings.Contains(res.Error, "authorized") {
		t.Fatalf("a viewer's approval: exit %d, %q", code, res.Error)
	}
	// As lead, approve; as release manager, the promotion succeeds.
	if code, res, errOut := actionResult(t, "lead", "approve", rel, "--env", "prod", "--reason", "reviewed", "--yes"); code != 0 || res.Outcome.State != "done" {
		t.Fatalf("approval: exit %d, %+v\n%s", code, res, errOut)
	}
	code, res, errOut = actionResult(t, "release-manager", promote...)
	if code != 0 || res.Outcome == nil || res.Outcome.State != "succeeded" || res.Outcome.RunID == 0 {
		t.Fatalf("approved promotion: exit %d, %+v\n%s", code, res, errOut)
	}

	// Every step is in the ledger with its actor, ticket, reason, versions and gates.
	db, err := sql.Open("duckdb", actionEstate.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.QueryContext(context.Background(), `SELECT kind, actor, COALESCE(ticket, ''), COALESCE(reason, ''), COALESCE(details, '')
		FROM release_cockpit.release_events WHERE bundle IN (?, ?) AND "at" >= CAST(? AS TIMESTAMP) ORDER BY bundle, "at"`, sim.IncidentBundle, sim.AwaitingBundle, "2026-11-23 12:00:00")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var got []string
	for rs.Next() {
		var kind, actor, ticket, reason, details string
		if err := rs.Scan(&kind, &actor, &ticket, &reason, &details); err != nil {
			t.Fatal(err)
		}
		got = append(got, kind+" "+actor)
		if kind == "deploy_requested" && (ticket == "" || reason == "" || !strings.Contains(details, `"gates"`) || !strings.Contains(details, `"to_version"`)) {
			t.Errorf("request without ticket, reason, gates or versions: %s %s %s", ticket, reason, details)
		}
	}
	want := []string{
		"deploy_requested priya.raman@example.com", "deploy_started priya.raman@example.com", "deploy_succeeded priya.raman@example.com", "pinned priya.raman@example.com",
		"approved dana.okafor@example.com", "deploy_started marco.bianchi@example.com", "deploy_succeeded marco.bianchi@example.com",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ledger since the frozen now:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// hasGate reports whether gates hold a passing gate named name whose reason contains reason.
func hasGate(gates []model.Gate, name model.GateName, reason string) bool {
	for _, g := range gates {
		if g.Name == name && g.OK && strings.Contains(g.Reason, reason) {
			return true
		}
	}
	return false
}

func TestActionUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"promote", "no-version", "--to", "prod"},
		{"promote", "b@1"},
		{"rollback", "--env", "prod"},
		{"pin", "--bundle", "b"},
		{"gate"},
		{"gate", "--run-id", "x"},
		{"record", "--result", "succeeded"},
		{"record", "--run-id", "1", "--result", "maybe"},
	} {
		if code, _, errOut := cockpit(t, demoArgs(args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
		}
	}
}
