package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionPrintsVersionCommitAndDate(t *testing.T) {
	code, out, errOut := cockpit(t, "version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, field := range []string{"version: ", "commit:  ", "built:   ", "go:      "} {
		if !strings.Contains(out, "\n"+field) && !strings.HasPrefix(out, field) {
			t.Errorf("no %q line in\n%s", field, out)
		}
	}
}

func TestVersionPrefersTheStampOverTheBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v0.9.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "1111111111111111111111111111111111111111"},
		{Key: "vcs.time", Value: "2026-11-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	got := fromBuildInfo(buildVersion{}, bi)
	if got.Version != "v0.9.0" || got.Commit != "1111111111111111111111111111111111111111" || got.Date != "2026-11-01T10:00:00Z" || !got.Modified {
		t.Errorf("from build info: %+v", got)
	}
	if s := got.String(); !strings.Contains(s, "(with uncommitted changes)") {
		t.Errorf("a modified checkout is not said:\n%s", s)
	}
	stamped := fromBuildInfo(buildVersion{Version: "v1.2.3", Commit: "abc", Date: "2026-11-29T06:00:00Z"}, bi)
	if stamped.Version != "v1.2.3" || stamped.Commit != "abc" || stamped.Date != "2026-11-29T06:00:00Z" || stamped.Modified {
		t.Errorf("stamped: %+v", stamped)
	}
	if s := (buildVersion{Version: "dev"}).String(); !strings.Contains(s, "commit:  unknown (") {
		t.Errorf("an unknown commit is not said:\n%s", s)
	}
}

// TestStaticBuildHasNoDemoAndKnowsItsCommit builds the bastion binary (CGO_ENABLED=0, -tags
// nosim) the way a checkout would, with -buildvcs=true: its help offers no demo verb or
// flag, and `version` prints the commit of the checkout.
func TestStaticBuildHasNoDemoAndKnowsItsCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	// Go stamps the commit in a checkout whose .git is a directory (not in a git worktree,
	// whose .git is a file): check the commit only there.
	head := ""
	vcs := "-buildvcs=false"
	if top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output(); err == nil {
		if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err == nil && fi.IsDir() {
			out, _ := exec.Command("git", "rev-parse", "HEAD").Output()
			head, vcs = strings.TrimSpace(string(out)), "-buildvcs=true"
		} else {
			t.Log("a git worktree: Go does not stamp its commit, so only the help is checked")
		}
	}
	bin := filepath.Join(t.TempDir(), "cockpit")
	build := exec.Command(goBin, "build", "-tags", "nosim", vcs, "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"--help"}, {"releases", "--help"}, {"ledger", "init", "--help"}, {"version", "--help"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("cockpit %v: %v\n%s", args, err, out)
		}
		for _, demo := range []string{"--demo", "cockpit demo", "--as ", "simulated"} {
			if strings.Contains(string(out), demo) {
				t.Errorf("cockpit %v of the static build offers %q:\n%s", args, demo, out)
			}
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	if head != "" && !strings.Contains(string(out), "commit:  "+head) {
		t.Errorf("built in a checkout at %s, version says:\n%s", head, out)
	}
}
