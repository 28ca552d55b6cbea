//go:build !nosim

package main

import (
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/source"
	"gopkg.in/yaml.v3"
)

// The release script's binary (static, no simulation) runs `releases` against a served
// demo's REST API and SQL warehouse as it would against a real workspace: a Databricks
// config file with one profile per simulated workspace, and a configuration naming the
// simulation's tables. It needs no libc: the ELF has no interpreter and no shared library.
func TestTheReleaseBinaryReadsTheSimulationThroughRESTAndTheWarehouse(t *testing.T) {
	if runtime.GOOS != "linux" || os.Getenv("COCKPIT_RELEASE_SMOKE") == "" {
		t.Skip("builds a linux release binary (minutes): COCKPIT_RELEASE_SMOKE=1 runs it")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash for scripts/release.sh")
	}
	dist := t.TempDir()
	build := exec.Command(bash, "../../scripts/release.sh", "v0.0.0-test")
	build.Env = append(os.Environ(), "PLATFORMS=linux/"+runtime.GOARCH, "DIST="+dist)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", err, out)
	}
	bin := filepath.Join(dist, "cockpit-v0.0.0-test-linux-"+runtime.GOARCH)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	libs, _ := f.ImportedLibraries()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s asks for a dynamic loader: it is not static", bin)
		}
	}
	f.Close()
	if len(libs) > 0 {
		t.Errorf("%s needs shared libraries %v", bin, libs)
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil || !strings.Contains(string(sums), filepath.Base(bin)) {
		t.Errorf("SHA256SUMS lacks the binary: %v\n%s", err, sums)
	}

	// Serve the test estate, as `cockpit demo` does while it runs.
	ctx := context.Background()
	now, _ := time.Parse(time.RFC3339, testNow)
	src, err := source.OpenDemo(ctx, config.Default(), source.DemoOptions{Path: estatePath, Seed: 1, Now: now, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var ep struct {
		Workspaces []struct {
			ID, URL      string
			SQLPath      string   `json:"sql_http_path"`
			Environments []string `json:"environments"`
		} `json:"workspaces"`
	}
	b, err := os.ReadFile(estatePath + ".endpoint.json")
	if err != nil || json.Unmarshal(b, &ep) != nil || len(ep.Workspaces) == 0 {
		t.Fatalf("the served demo's endpoint file: %v\n%s", err, b)
	}
	home := t.TempDir()
	var profiles strings.Builder
	type envCfg struct {
		Name        string `yaml:"name"`
		Profile     string `yaml:"profile"`
		WorkspaceID string `yaml:"workspace_id"`
		WarehouseID string `yaml:"warehouse_id"`
	}
	cfg := struct {
		Ledger       string            `yaml:"ledger"`
		Tables       map[string]string `yaml:"tables"`
		Environments []envCfg          `yaml:"environments"`
	}{Ledger: sim.LedgerSchema, Tables: sim.Tables()}
	for _, ws := range ep.Workspaces {
		fmt.Fprintf(&profiles, "[ws%s]\nhost = %s\ntoken = dapi-sim-oncall\n\n", ws.ID, ws.URL)
		for _, env := range ws.Environments {
			cfg.Environments = append(cfg.Environments, envCfg{env, "ws" + ws.ID, ws.ID, filepath.Base(ws.SQLPath)})
		}
	}
	y, _ := yaml.Marshal(cfg)
	must(t, os.WriteFile(filepath.Join(home, ".databrickscfg"), []byte(profiles.String()), 0o600))
	must(t, os.WriteFile(filepath.Join(home, "cockpit.yaml"), y, 0o600))

	run := exec.Command(bin, "--config", filepath.Join(home, "cockpit.yaml"), "--timeout", "3m", "releases", "--env", "prod",
		"--bundle", sim.IncidentBundle, "--since", "0", "--limit", "3", "-o", "json")
	run.Env = []string{"HOME=" + home, "DATABRICKS_CONFIG_FILE=" + filepath.Join(home, ".databrickscfg"), "PATH=/usr/bin:/bin"}
	var stderr strings.Builder
	run.Stderr = &stderr
	out, err := run.Output()
	if err != nil {
		t.Fatalf("the release binary: %v\n%s", err, stderr.String())
	}
	var rows []struct {
		ReleaseID string `json:"release_id"`
		Verdict   string `json:"verdict"`
	}
	if err := json.Unmarshal(out, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("releases -o json: %v\n%s", err, out)
	}
	if rows[0].ReleaseID != incidentRelease || rows[0].Verdict != "failing" {
		t.Errorf("the newest %s deployment in prod is %+v, want the failing incident %s", sim.IncidentBundle, rows[0], incidentRelease)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
