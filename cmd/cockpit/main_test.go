package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const testNow = "2026-11-23T12:00:00Z"

var estatePath string

// TestMain generates one small simulated estate that the demo tests share.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cockpit-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating the test directory:", err)
		os.Exit(1)
	}
	estatePath = filepath.Join(dir, "estate.duckdb")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), demoArgs("releases", "--limit", "1"), &out, &errOut); code != 0 {
		fmt.Fprintln(os.Stderr, "generating the test estate:", errOut.String())
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func demoArgs(args ...string) []string {
	return append([]string{"demo", "--demo-db", estatePath, "--demo-now", testNow, "--demo-days", "3", "--demo-lag", "0"}, args...)
}

// cockpit runs the command line and returns its exit code, stdout and stderr.
func cockpit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestReleasesJSONHasTheIncidentFailing(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs("releases", "--env", "prod", "-o", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	if len(rows) < 30 {
		t.Fatalf("%d prod deployments in 24h, want a day's worth", len(rows))
	}
	for _, k := range []string{"release_id", "bundle", "version", "git_sha", "environment", "deployed_at", "deployed_by", "current", "verdict",
		"provisional", "runs_succeeded", "runs_failed", "updates_failed", "expectation_failure_ratio", "checks", "tags"} {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	var incident map[string]any
	for _, r := range rows {
		if r["bundle"] == "ecommerce_orders" && r["deployed_at"] == "2026-11-23T11:25:00Z" {
			incident = r
		}
	}
	if incident == nil {
		t.Fatal("the incident deployment 35 minutes old is not listed")
	}
	if incident["verdict"] != "failing" || incident["current"] != true {
		t.Errorf("incident: verdict %v current %v, want failing and current", incident["verdict"], incident["current"])
	}
	prev := ""
	for _, r := range rows {
		at := r["deployed_at"].(string)
		if prev != "" && at > prev {
			t.Fatalf("not newest first: %s after %s", at, prev)
		}
		prev = at
	}
}

func TestSameSeedAndClockPrintTheSame(t *testing.T) {
	other := filepath.Join(t.TempDir(), "again.duckdb")
	args := func(db string) []string {
		return []string{"demo", "--demo-db", db, "--demo-now", testNow, "--demo-days", "3", "--demo-lag", "0", "releases", "--env", "staging", "-o", "json"}
	}
	_, a, _ := cockpit(t, args(estatePath)...)
	code, b, errOut := cockpit(t, args(other)...)
	if code != 0 || a != b || len(a) < 100 {
		t.Fatalf("two estates with the same seed and clock differ (exit %d, %s)", code, errOut)
	}
}

// TestDemoResetStartsTheStoriesAroundTheClockAgain: the stories happen around an estate's
// creation, so a day later the incident is a day old; --demo-reset generates the estate
// afresh and the incident is 35 minutes old again.
func TestDemoResetStartsTheStoriesAroundTheClockAgain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "reset.duckdb")
	incidents := func(now string, reset bool) []string {
		t.Helper()
		args := []string{"demo", "--demo-db", db, "--demo-now", now, "--demo-days", "2", "--demo-lag", "0"}
		if reset {
			args = append(args, "--demo-reset")
		}
		args = append(args, "releases", "--env", "prod", "--bundle", "ecommerce_orders", "--since", "3d", "--status", "failing", "-o", "json")
		code, out, errOut := cockpit(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rows []struct {
			DeployedAt string `json:"deployed_at"`
		}
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		var at []string
		for _, r := range rows {
			at = append(at, r.DeployedAt)
		}
		return at
	}
	if got := incidents("2026-11-23T12:00:00Z", false); !slices.Contains(got, "2026-11-23T11:25:00Z") {
		t.Fatalf("first open: failing ecommerce_orders deployments %v, want the incident at 11:25", got)
	}
	if got := incidents("2026-11-24T12:00:00Z", false); slices.Contains(got, "2026-11-24T11:25:00Z") || !slices.Contains(got, "2026-11-23T11:25:00Z") {
		t.Fatalf("a day later: %v, want the incident still at 2026-11-23T11:25", got)
	}
	if got := incidents("2026-11-24T12:00:00Z", true); !slices.Contains(got, "2026-11-24T11:25:00Z") {
		t.Fatalf("after --demo-reset: %v, want the incident 35 minutes before the clock", got)
	}
}

func TestTablePrintsStatusAsGlyphAndWord(t *testing.T) {
	code, out, _ := cockpit(t, demoArgs("releases", "--env", "prod", "--status", "failing", "--since", "2h")...)
	if code != 0 || !strings.Contains(out, "✗ failing") || !strings.Contains(out, "ecommerce_orders") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if strings.Contains(out, "healthy") {
		t.Error("--status failing listed a healthy deployment")
	}
}

func TestHomeSnapshotShowsEveryEnvironmentWithTheIncidentFirst(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs()...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, env := range []string{"dev ·", "staging ·", "prod ·"} {
		if !strings.Contains(out, env) {
			t.Errorf("home lacks %q", env)
		}
	}
	prod := out[strings.Index(out, "prod ·"):]
	lines := strings.Split(prod, "\n")
	if !strings.Contains(lines[0], "worst: ✗ failing") || !strings.Contains(lines[2], "ecommerce_orders") {
		t.Errorf("prod does not lead with the failing incident:\n%s", strings.Join(lines[:4], "\n"))
	}
}

func TestBadInputGetsOneLineAndExitCode2(t *testing.T) {
	cfgDir := t.TempDir()
	dbcfg := filepath.Join(cfgDir, "databrickscfg")
	os.WriteFile(dbcfg, []byte("[other]\nhost = https://example.invalid\ntoken = dapi-x\n"), 0o600)
	t.Setenv("DATABRICKS_CONFIG_FILE", dbcfg)
	t.Setenv("COCKPIT_CONFIG", "")
	for _, k := range []string{"DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	badCfg := filepath.Join(cfgDir, "bad.yaml")
	os.WriteFile(badCfg, []byte("environments:\n  - name: prod\n    workspace_id: nope\n"), 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown environment", demoArgs("releases", "--env", "qa"), `unknown environment "qa": known environments are dev, staging, prod`},
		{"malformed since", demoArgs("releases", "--since", "yesterday"), `--since: "yesterday" is not a duration`},
		{"bad output", demoArgs("releases", "-o", "yaml"), `-o "yaml": use table or json`},
		{"bad status", demoArgs("releases", "--status", "red"), `unknown status "red"`},
		{"unknown flag", []string{"releases", "--colour"}, "unknown flag: --colour"},
		{"bad demo-now", []string{"demo", "--demo-now", "noon"}, "is not an RFC 3339 time"},
		{"demo flags without demo", []string{"releases", "--demo-db", "x"}, "apply to the simulated workspace only"},
		{"demo reset without demo", []string{"releases", "--demo-reset"}, "apply to the simulated workspace only"},
		{"demo lag without demo", []string{"releases", "--demo-lag", "1h"}, "apply to the simulated workspace only"},
		{"negative demo lag", []string{"demo", "--demo-lag", "-5m", "releases"}, "--demo-lag -5m0s is negative"},
		{"missing profile", []string{"releases", "--profile", "nope"}, "profile nope"},
		{"broken config", []string{"releases", "--config", badCfg}, "bad.yaml:3: environments[0].workspace_id"},
		{"unknown simulated user", demoArgs("--as", "ceo", "releases"), `no simulated user "ceo"`},
		{"fail-deploy without demo", []string{"releases", "--demo-fail-deploy", "x"}, "apply to the simulated workspace only"},
		{"fail-deploy without resources", demoArgs("--demo-fail-deploy", "ecommerce_orders:", "releases"), `--demo-fail-deploy "ecommerce_orders:": name a bundle`},
		{"fail-deploy of no bundle", demoArgs("--demo-fail-deploy", "no_such_bundle", "releases"), `--demo-fail-deploy: the simulated estate has no bundle "no_such_bundle"`},
		{"fail-deploy of no resource", demoArgs("--demo-fail-deploy", "ecommerce_orders:nope_job", "releases"), `bundle ecommerce_orders has no resource "nope_job": its resources are ecommerce_orders_`},
	}
	for _, c := range cases {
		code, out, errOut := cockpit(t, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.name, code, errOut, c.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || out != "" {
			t.Errorf("%s: want one line on stderr and nothing on stdout, got %q / %q", c.name, errOut, out)
		}
	}
}

func TestBundleWithQuotesMatchesNothingAndIsNoError(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs("releases", "--bundle", `x' OR '1'='1`, "-o", "json")...)
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestUnreachableWarehouseSaysWhichTimeoutExpired(t *testing.T) {
	// A listener that accepts connections and never answers: the warehouse hangs.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	dir := t.TempDir()
	dbcfg := filepath.Join(dir, "databrickscfg")
	os.WriteFile(dbcfg, []byte("[stuck]\nhost = https://"+l.Addr().String()+"\ntoken = dapi-test\nwarehouse_id = abcdef0123456789\n"), 0o600)
	cfg := filepath.Join(dir, "cockpit.yaml")
	os.WriteFile(cfg, []byte("environments:\n  - name: prod\n    workspace_id: \"7064161269292651\"\n"), 0o600)
	t.Setenv("DATABRICKS_CONFIG_FILE", dbcfg)
	code, _, errOut := cockpit(t, "releases", "--profile", "stuck", "--config", cfg, "--timeout", "2s")
	if code != exitUsage || !strings.Contains(errOut, "did not answer within 2s") || !strings.Contains(errOut, "abcdef0123456789") ||
		strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestDoctorChecksEveryEnvironment(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs("doctor")...)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	for _, env := range []string{"\ndev\n", "\nstaging\n", "\nprod\n"} {
		if !strings.Contains(out, env) {
			t.Errorf("doctor did not check %q:\n%s", env, out)
		}
	}
	if strings.Count(out, "✓ you may run deployer job") != 3 || !strings.Contains(out, "all checks passed") {
		t.Errorf("doctor output:\n%s", out)
	}
	// What watching each environment idle costs, measured: one refresh of the frozen demo
	// asks no statement and at most three REST calls, four refreshes a minute.
	watching := regexp.MustCompile(`watching it idle, each refresh \(every 15s\) costs 0 warehouse statements and (\d+) REST calls: (\d+) REST calls and 0 warehouse statements a minute\n\s+the warehouse is read again only when a refresh sees something new, and at least every 5m\n`)
	ms := watching.FindAllStringSubmatch(out, -1)
	if len(ms) != 3 {
		t.Fatalf("doctor says what watching costs for %d environments, want 3:\n%s", len(ms), out)
	}
	for _, m := range ms {
		perRefresh, _ := strconv.Atoi(m[1])
		perMinute, _ := strconv.Atoi(m[2])
		if perRefresh < 1 || perRefresh > 3 || perMinute != 4*perRefresh {
			t.Errorf("an idle refresh costs %d REST calls, %d a minute; want 1 to 3, four times that a minute", perRefresh, perMinute)
		}
	}
}

func TestLedgerInitPrintsDeltaTablesAndTheExpectationsView(t *testing.T) {
	t.Setenv("COCKPIT_CONFIG", "")
	code, out, errOut := cockpit(t, "ledger", "init", "--print", "--config", filepath.Join(t.TempDir(), "none.yaml"))
	if code != exitUsage || !strings.Contains(errOut, "none.yaml") {
		t.Fatalf("a named configuration file that does not exist: exit %d, %q", code, errOut)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cockpit.yaml")
	os.WriteFile(cfg, []byte("ledger: ops.release_ledger\n"), 0o600)
	code, out, errOut = cockpit(t, "ledger", "init", "--print", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"`ops`.`release_ledger`.`release_events`", "USING DELTA", "'delta.appendOnly' = 'true'", "VIEW", "expectation_results"} {
		if !strings.Contains(out, want) {
			t.Errorf("ledger DDL lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n;") {
		t.Error("statements end on their own line")
	}
}

// When --limit cuts the list, stderr says so and how many the window holds; stdout stays
// the rows alone (a script reads the same array).
func TestReleasesSaysWhenTheLimitCutTheList(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs("releases", "--env", "prod", "--since", "0", "--limit", "5", "-o", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 5 {
		t.Fatalf("want 5 rows as a JSON array (%v):\n%s", err, out)
	}
	i := strings.Index(errOut, "showing the newest")
	if i < 0 {
		t.Fatalf("stderr does not say the limit cut the list: %q", errOut)
	}
	var shown, total int
	if _, err := fmt.Sscanf(errOut[i:], "showing the newest %d of %d deployments", &shown, &total); err != nil || shown != 5 || total < 30 {
		t.Fatalf("stderr does not say the limit cut the list (%v): %q", err, errOut)
	}
	_, _, all := cockpit(t, demoArgs("releases", "--env", "prod", "--since", "0", "--limit", "10000", "-o", "json")...)
	if strings.Contains(all, "showing the newest") {
		t.Errorf("a list the limit did not cut says it did: %q", all)
	}
}
