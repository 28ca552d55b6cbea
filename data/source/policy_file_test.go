package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/config"
)

// With policy_file set, each environment is judged by the file's policy.verdict (and bake
// time), not by the defaults; a policy file that cannot be read stops the open with its
// reason.
func TestThePolicyFilesVerdictJudgesTheEnvironment(t *testing.T) {
	cfg := config.Default()
	var file strings.Builder
	file.WriteString("environments:\n")
	for _, name := range cfg.EnvironmentNames() {
		file.WriteString("  - name: " + name + "\n")
	}
	file.WriteString("    bake_time: 1h\n    verdict:\n      significance: 0.002\n      min_runs: 9\n      ratio_floor: 0.02\n      regression_factor: 4\n")
	cfg.PolicyFile = filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(cfg.PolicyFile, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Source{cfg: cfg, envs: map[string]*Environment{}}
	for _, e := range cfg.Environments {
		s.envs[e.Name] = &Environment{Config: e}
	}
	last := cfg.EnvironmentNames()[len(cfg.Environments)-1]
	before := s.envs[last].Policy()
	if err := s.applyPolicyFile(); err != nil {
		t.Fatal(err)
	}
	p := s.envs[last].Policy()
	if p.Significance != 0.002 || p.MinRuns != 9 || p.RatioFloor != 0.02 || p.RegressionFactor != 4 || p.BakeTime.Hours() != 1 {
		t.Errorf("%s is judged by %+v (before the file: %+v), want the policy file's verdict keys and bake time", last, p, before)
	}
	if first := s.envs[cfg.EnvironmentNames()[0]].Policy(); first.Significance != before.Significance || first.MinRuns != before.MinRuns {
		t.Errorf("an environment whose policy sets no verdict keys is judged by %+v, want the defaults", first)
	}

	if err := os.WriteFile(cfg.PolicyFile, []byte("environments:\n  - name: prod\n    verdict: {significance: 7}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.applyPolicyFile(); err == nil || !strings.Contains(err.Error(), "policy.yaml") {
		t.Errorf("a bad policy file: %v, want an error naming it", err)
	}
}
