//go:build !nosim

package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/source"
	"github.com/release-cockpit/cockpit/model"
)

// incidentMetadata is where the simulated deployer keeps ecommerce_orders' metadata.json in prod.
const incidentMetadata = "/Workspace/Users/7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13/.bundle/ecommerce_orders/prod/state/metadata.json"

// copyEstate gives a test the shared estate to write to, without changing it for the others.
func copyEstate(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "record.duckdb")
	for _, suffix := range []string{"", ".wal"} {
		b, err := os.ReadFile(estatePath + suffix)
		if err != nil {
			if suffix != "" && os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		if err := os.WriteFile(db+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func onEstate(db string, args ...string) []string {
	return append([]string{"demo", "--demo-db", db, "--demo-now", testNow, "--demo-days", "3"}, args...)
}

// openEstate opens a copied estate the way the CLI does, for what the TUI would show.
func openEstate(t *testing.T, db string) *source.Source {
	t.Helper()
	now, _ := time.Parse(time.RFC3339, testNow)
	src, err := source.OpenDemo(context.Background(), config.Default(), source.DemoOptions{Path: db, Seed: 1, Now: now, Days: 3, Progress: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	return src
}

type releaseRow struct {
	ReleaseID  string         `json:"release_id"`
	Version    string         `json:"version"`
	GitSHA     string         `json:"git_sha"`
	DeployedAt string         `json:"deployed_at"`
	DeployedBy string         `json:"deployed_by"`
	Current    bool           `json:"current"`
	Checks     map[string]int `json:"checks"`
}

func releasesOf(t *testing.T, db, version string) []releaseRow {
	t.Helper()
	code, out, errOut := cockpit(t, onEstate(db, "releases", "--env", "prod", "--bundle", "ecommerce_orders", "--since", "3d", "-o", "json")...)
	if code != 0 {
		t.Fatalf("releases: exit %d: %s", code, errOut)
	}
	var rows, found []releaseRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("releases -o json: %v\n%s", err, out)
	}
	for _, r := range rows {
		if r.Version == version {
			found = append(found, r)
		}
	}
	return found
}

// TestRecordDeployTwiceWithOneEventIDLeavesOneDeployment: CI records a deploy with the
// bundle's metadata.json from the workspace, and again on a retry with the same event id;
// releases lists it once, with the commit metadata.json names, and the ledger holds the
// resources it names; then a post-deploy check recorded for it shows among its checks.
func TestRecordDeployTwiceWithOneEventIDLeavesOneDeployment(t *testing.T) {
	db := copyEstate(t)
	deploy := onEstate(db, "record", "deploy", "--version", "9.9.9", "--env", "prod", "--status", "succeeded",
		"--metadata", incidentMetadata, "--event-id", "ci-run-77-deploy", "--run-id", "77", "--actor", "ci@example.com",
		"--at", "2026-11-23T11:30:00Z")
	code, out, errOut := cockpit(t, deploy...)
	if code != 0 || !strings.Contains(out, "recorded deploy_succeeded of ecommerce_orders@9.9.9 in prod with ") {
		t.Fatalf("record deploy: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = cockpit(t, deploy...)
	if code != 0 || !strings.Contains(out, "already recorded") {
		t.Fatalf("record deploy again: exit %d: %s%s", code, out, errOut)
	}
	rows := releasesOf(t, db, "9.9.9")
	if len(rows) != 1 {
		t.Fatalf("%d deployments of 9.9.9 listed, want 1: %+v", len(rows), rows)
	}
	r := rows[0]
	if !r.Current || r.DeployedAt != "2026-11-23T11:30:00Z" || r.DeployedBy != "ci@example.com" || len(r.GitSHA) < 7 {
		t.Errorf("listed as %+v, want current, at 11:30 by ci@example.com with the commit of metadata.json", r)
	}
	src := openEstate(t, db)
	res, err := src.Ledger().ReleaseResources(context.Background(), "ecommerce_orders@9.9.9", "prod")
	if err != nil {
		t.Fatal(err)
	}
	jobs := 0
	for _, x := range res {
		if x.ResourceType == "job" {
			jobs++
		}
	}
	if jobs == 0 {
		t.Fatalf("no jobs recorded from metadata.json: %+v", res)
	}

	check := onEstate(db, "record", "check", "--release", "ecommerce_orders@9.9.9", "--env", "prod", "--name", "canary_run",
		"--phase", "post", "--status", "fail", "--observed", "3", "--threshold", "0", "--details", `{"run_id": 12}`)
	if code, out, errOut := cockpit(t, check...); code != 0 || !strings.Contains(out, "recorded check fail of ecommerce_orders@9.9.9 in prod") {
		t.Fatalf("record check: exit %d: %s%s", code, out, errOut)
	}
	if rows := releasesOf(t, db, "9.9.9"); len(rows) != 1 || rows[0].Checks["fail"] < 1 {
		t.Errorf("the failed check is not counted: %+v", rows)
	}
	list, err := src.List(context.Background(), "prod", source.Query{Bundle: "ecommerce_orders", Since: 3 * 24 * time.Hour, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var d *model.Deployment
	for i := range list {
		if list[i].Deployment.Release.Version == "9.9.9" {
			d = &list[i].Deployment
		}
	}
	if d == nil {
		t.Fatal("9.9.9 not listed by the source")
	}
	checks, err := src.Checks(context.Background(), "prod", *d)
	if err != nil {
		t.Fatal(err)
	}
	var got *model.Check
	for i := range checks {
		if checks[i].Name == "canary_run" {
			got = &checks[i]
		}
	}
	if got == nil || got.Outcome != model.OutcomeFail || got.Phase != model.PhasePost || got.Observed != "3" || got.Threshold != "0" {
		t.Errorf("the Checks tab's canary_run: %+v (of %+v)", got, checks)
	}
}

// TestRecordDeployFromALocalMetadataFile: metadata.json from a file (as CI has it right after
// bundle deploy) names the bundle and commit; a --git-sha that disagrees is refused.
func TestRecordDeployFromALocalMetadataFile(t *testing.T) {
	db := copyEstate(t)
	meta := filepath.Join(t.TempDir(), "metadata.json")
	doc := `{"version":1,"config":{"bundle":{"name":"payments_ledger","target":"prod","git":{"commit":"0123456789abcdef0123456789abcdef01234567","branch":"main"}},
"resources":{"jobs":{"settle":{"id":"424242"}},"pipelines":{"ingest":{"id":"p-1"}}}},"extra":{}}`
	if err := os.WriteFile(meta, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cockpit(t, onEstate(db, "record", "deploy", "--version", "1.0.0", "--env", "prod", "--status", "succeeded",
		"--metadata", meta, "--git-sha", "fffffff")...)
	if code != 2 || !strings.Contains(errOut, "records commit 0123456789abcdef") {
		t.Errorf("a disagreeing --git-sha: exit %d: %s", code, errOut)
	}
	code, out, errOut := cockpit(t, onEstate(db, "record", "deploy", "--version", "1.0.0", "--env", "prod", "--status", "succeeded",
		"--metadata", meta, "--git-sha", "0123456")...)
	if code != 0 || !strings.Contains(out, "payments_ledger@1.0.0 in prod with 2 resources") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	src := openEstate(t, db)
	res, err := src.Ledger().ReleaseResources(context.Background(), "payments_ledger@1.0.0", "prod")
	if err != nil || len(res) != 2 {
		t.Fatalf("resources %+v, %v; want the job and the pipeline of metadata.json", res, err)
	}
}

// TestRecordRefusesWhatIsWrongInOneLine: every mistake is one line on stderr naming the
// flag, exit 2, and nothing is written.
func TestRecordRefusesWhatIsWrongInOneLine(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"deploy", "--bundle", "b", "--version", "1", "--env", "prod", "--status", "done"}, "--status \"done\""},
		{[]string{"deploy", "--bundle", "b", "--version", "1", "--status", "succeeded"}, "--env is required"},
		{[]string{"deploy", "--bundle", "b", "--env", "prod", "--status", "succeeded"}, "--version is required"},
		{[]string{"deploy", "--version", "1", "--env", "prod", "--status", "succeeded"}, "--bundle is required"},
		{[]string{"deploy", "--bundle", "b", "--version", "1", "--env", "prod", "--status", "started", "--metadata", "m.json"}, "--metadata goes with --status succeeded"},
		{[]string{"deploy", "--bundle", "b", "--version", "1", "--env", "prod", "--status", "failed", "--at", "yesterday"}, "--at \"yesterday\""},
		{[]string{"check", "--release", "b", "--env", "prod", "--name", "x", "--phase", "post", "--status", "pass"}, "--release"},
		{[]string{"check", "--release", "b@1", "--env", "prod", "--name", "x", "--phase", "during", "--status", "pass"}, "--phase \"during\""},
		{[]string{"check", "--release", "b@1", "--env", "prod", "--name", "x", "--phase", "pre", "--status", "ok"}, "--status \"ok\""},
		{[]string{"check", "--release", "b@1", "--env", "prod", "--name", "x", "--phase", "pre", "--status", "pass", "--details", "[1]"}, "--details is not a JSON object"},
		{[]string{"check", "--release", "b@1", "--env", "prod", "--phase", "pre", "--status", "pass"}, "--name is required"},
		{[]string{"deploy", "--bundle", "b", "--version", "1", "--env", "nowhere", "--status", "succeeded"}, "nowhere"},
	}
	for _, c := range cases {
		code, out, errOut := cockpit(t, demoArgs(append([]string{"record"}, c.args...)...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("record %v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.args, code, out, errOut, c.want)
		}
	}
}
