package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseNamesFileLineAndKey(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"unknown key", "ledger: main.rc\nrefesh: 15s\n", "cockpit.yaml: line 2: unknown key refesh"},
		{"bad duration", "refresh: soon\n", `"soon" is not a duration`},
		{"bad workspace id", "environments:\n  - name: dev\n  - name: prod\n    workspace_id: abc\n", "cockpit.yaml:4: environments[1].workspace_id"},
		{"duplicate environment", "environments:\n  - name: dev\n  - name: dev\n", `cockpit.yaml:3: environments[1].name: environment "dev" is listed twice`},
		{"bad theme", "theme: neon\n", `cockpit.yaml:1: theme: "neon" is not a theme`},
		{"bad warehouse", "warehouse_id: \"x y\"\n", "cockpit.yaml:1: warehouse_id"},
	}
	for _, c := range cases {
		_, err := Parse("cockpit.yaml", []byte(c.doc))
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestParseFillsDefaultsPerEnvironment(t *testing.T) {
	c, err := Parse("c.yaml", []byte("profile: corp\nwarehouse_id: abcdef0123456789\nenvironments:\n  - name: staging\n  - name: prod\n    profile: corp-prod\n    workspace_id: \"7064161269292651\"\n    policy: {bake_time: 45m}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.EnvironmentNames(); strings.Join(got, ",") != "staging,prod" {
		t.Fatalf("environments %v", got)
	}
	st, _ := c.Environment("staging")
	prod, _ := c.Environment("prod")
	if st.Profile != "corp" || prod.Profile != "corp-prod" || st.WarehouseID != "abcdef0123456789" {
		t.Errorf("defaults not applied: %+v %+v", st, prod)
	}
	if time.Duration(prod.Policy.BakeTime) != 45*time.Minute || time.Duration(st.Policy.BakeTime) != 20*time.Minute {
		t.Errorf("bake times %v %v", prod.Policy.BakeTime, st.Policy.BakeTime)
	}
	if _, err := c.Environment("qa"); err == nil || !strings.Contains(err.Error(), "known environments are staging, prod") {
		t.Errorf("unknown environment error: %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	cases := map[string]time.Duration{"90s": 90 * time.Second, "2h": 2 * time.Hour, "7d": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour}
	for in, want := range cases {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "d", "2x", "-d", "1.5d", "yesterday"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestLoadMissingDefaultFileUsesDefaults(t *testing.T) {
	c, err := Load(t.TempDir()+"/none.yaml", false)
	if err != nil || len(c.Environments) != 3 {
		t.Fatalf("got %v, %v", c.Environments, err)
	}
	if _, err := Load(t.TempDir()+"/none.yaml", true); err == nil {
		t.Error("a named file that does not exist must be an error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("environments:\n  - name: dev\n"))
	f.Add([]byte("refresh: 7d\ntheme: mono\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := Parse("f.yaml", doc)
		if err == nil && len(c.Environments) == 0 {
			t.Fatal("a valid configuration always has environments")
		}
	})
}

func TestVerdictPolicyIsValidatedPerEnvironment(t *testing.T) {
	good := "environments:\n  - name: prod\n    policy:\n      verdict:\n        significance: 0.005\n        min_runs: 8\n        ratio_floor: 0.01\n        regression_factor: 3\n"
	c, err := Parse("c.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Environments[0].Policy.Verdict; v.Significance != 0.005 || v.MinRuns != 8 || v.RatioFloor != 0.01 || v.RegressionFactor != 3 {
		t.Errorf("verdict policy %+v", v)
	}
	bad := "environments:\n  - name: prod\n    policy:\n      verdict:\n        significance: 5\n"
	_, err = Parse("c.yaml", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:5: environments[0].policy.verdict.significance") || !strings.Contains(err.Error(), "between 0 and 0.5") {
		t.Errorf("a significance of 5 gave %v", err)
	}
}
