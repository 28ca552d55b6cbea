package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// noLedgerArgs run the demo on an estate of the same seed and clock as demoArgs' whose
// workspace has no ledger (its own file, generated on first use).
func noLedgerArgs(t *testing.T, args ...string) []string {
	path := filepath.Join(filepath.Dir(estatePath), "noledger.duckdb")
	return append([]string{"demo", "--demo-db", path, "--demo-now", testNow, "--demo-days", "3", "--demo-lag", "0", "--demo-ledger", "none"}, args...)
}

type listedRelease struct {
	ReleaseID  string `json:"release_id"`
	ID         string `json:"deployment_id"`
	Bundle     string `json:"bundle"`
	Version    string `json:"version"`
	GitSHA     string `json:"git_sha"`
	DeployedAt string `json:"deployed_at"`
	DeployedBy string `json:"deployed_by"`
	Verdict    string `json:"verdict"`
	Current    bool   `json:"current"`
	Source     string `json:"source"`
}

func releasesJSON(t *testing.T, args []string) []listedRelease {
	t.Helper()
	code, out, errOut := cockpit(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []listedRelease
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	return rows
}

// Day one: on a workspace without a ledger, `releases` lists the deployments that the
// ledger estate of the same seed and clock lists, from what Databricks records: the same
// bundle and version within 2 minutes, the commit where the deployment history or the
// bundle's metadata.json records it, and the scripted incident failing.
func TestWithoutALedgerReleasesListsWhatTheLedgerLists(t *testing.T) {
	list := []string{"releases", "--env", "prod", "-o", "json", "--since", "2d", "--limit", "1000"}
	want := releasesJSON(t, demoArgs(list...))
	got := releasesJSON(t, noLedgerArgs(t, list...))
	if len(want) < 30 {
		t.Fatalf("the ledger estate lists only %d prod deployments", len(want))
	}
	byRelease := map[string][]listedRelease{}
	sources := map[string]int{}
	for _, g := range got {
		byRelease[g.ReleaseID] = append(byRelease[g.ReleaseID], g)
		sources[g.Source]++
		if g.Source != "discovered" && g.Source != "deployment-history" {
			t.Errorf("%s: source %q", g.ReleaseID, g.Source)
		}
	}
	if sources["discovered"] == 0 || sources["deployment-history"] == 0 {
		t.Errorf("sources %v: want both discovered and deployment-history deployments", sources)
	}
	found, withSHA := 0, 0
	for _, w := range want {
		wat, _ := time.Parse(time.RFC3339, w.DeployedAt)
		for _, g := range byRelease[w.ReleaseID] {
			gat, _ := time.Parse(time.RFC3339, g.DeployedAt)
			if d := gat.Sub(wat); d < -2*time.Minute || d > 2*time.Minute {
				continue
			}
			found++
			if g.Bundle != w.Bundle || g.Version != w.Version || g.DeployedBy != w.DeployedBy {
				t.Errorf("%s at %s: discovered as %+v", w.ReleaseID, w.DeployedAt, g)
			}
			if g.GitSHA != "" {
				withSHA++
				if g.GitSHA != w.GitSHA {
					t.Errorf("%s: commit %s, the ledger says %s", w.ReleaseID, g.GitSHA, w.GitSHA)
				}
			}
			if (g.Source == "deployment-history" || g.Current) && g.GitSHA == "" {
				t.Errorf("%s (%s, current %v): no commit", w.ReleaseID, g.Source, g.Current)
			}
			break
		}
	}
	if found*100 < len(want)*95 {
		t.Errorf("discovered %d of the ledger's %d prod deployments (want 95%%)", found, len(want))
	}
	if withSHA*3 < found {
		t.Errorf("only %d of %d discovered deployments have their commit", withSHA, found)
	}
	if len(got) == 0 || got[0].Bundle != "ecommerce_orders" || got[0].Verdict != "failing" {
		t.Errorf("the incident is not the newest, failing deployment: %+v", got[:min(1, len(got))])
	}
	code, out, _ := cockpit(t, noLedgerArgs(t, "releases", "--env", "prod", "--since", "1h")...)
	if code != 0 || !strings.Contains(out, "SOURCE") || !strings.Contains(out, "discovered") && !strings.Contains(out, "history") {
		t.Errorf("the table has no source column:\n%s", out)
	}
}

// Reads do not need the ledger any more; `record` still says how to create it.
func TestWithoutALedgerRecordSaysToCreateIt(t *testing.T) {
	code, _, errOut := cockpit(t, noLedgerArgs(t, "record", "deploy", "--bundle", "ecommerce_orders", "--version", "9.9.9",
		"--git-sha", "abc", "--env", "prod", "--status", "started")...)
	if code != 2 || !strings.Contains(errOut, "cockpit ledger init") {
		t.Errorf("record without a ledger: exit %d, %s", code, errOut)
	}
	code, out, errOut := cockpit(t, noLedgerArgs(t)...)
	if code != 0 || strings.Contains(out+errOut, "ledger init") || !strings.Contains(out, "prod") {
		t.Errorf("the home snapshot without a ledger: exit %d\n%s\n%s", code, out, errOut)
	}
}

// Without a ledger, doctor does not fail: it says the deployments are discovered and how
// to create the ledger, for every environment.
func TestWithoutALedgerDoctorSaysDiscoveryIsInUse(t *testing.T) {
	code, out, errOut := cockpit(t, noLedgerArgs(t, "doctor")...)
	if code != 0 || !strings.Contains(out, "all checks passed") {
		t.Fatalf("doctor without a ledger: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := strings.Count(out, "deployments are discovered from the audit log"); n != 3 {
		t.Errorf("%d environments say discovery is in use, want 3:\n%s", n, out)
	}
	if strings.Count(out, "cockpit ledger init") != 3 || strings.Contains(out, "reads the ledger") {
		t.Errorf("doctor does not say how to create the ledger, or claims to read it:\n%s", out)
	}
}

// Without a ledger, the Changes of a deployment the bundle deployment history records name
// the previous deployment's commit too (from the history), so the git range is whole.
func TestWithoutALedgerChangesTakeThePreviousCommitFromTheHistory(t *testing.T) {
	got := releasesJSON(t, noLedgerArgs(t, "releases", "--env", "prod", "-o", "json", "--since", "2d", "--limit", "1000"))
	deploys := map[string]int{}
	for _, g := range got {
		deploys[g.Bundle]++
	}
	var pick *listedRelease
	for i := range got {
		if got[i].Source == "deployment-history" && deploys[got[i].Bundle] > 1 {
			pick = &got[i]
			break
		}
	}
	if pick == nil {
		t.Fatalf("no bundle with deployment history deployed twice in 2 days: %d deployments", len(got))
	}
	code, out, errOut := cockpit(t, noLedgerArgs(t, "show", pick.ReleaseID, "--env", "prod", "-o", "json")...)
	if code != 0 {
		t.Fatalf("show %s: exit %d: %s", pick.ReleaseID, code, errOut)
	}
	var s struct {
		Changes struct {
			Previous string `json:"previous_release_id"`
			Git      struct{ From, To string }
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("show -o json: %v\n%s", err, out)
	}
	if s.Changes.Previous == "" || s.Changes.Git.From == "" || s.Changes.Git.To == "" {
		t.Errorf("%s: changes %+v: want the previous release and both commits", pick.ReleaseID, s.Changes)
	}
}
