package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/release-cockpit/cockpit/ui"
)

var updateShow = flag.Bool("update-show", false, "rewrite cmd/cockpit/testdata/show_*.golden")

// incidentRelease is the scripted prod incident of the test estate (seed 1, clock testNow).
const incidentRelease = "ecommerce_orders@2026.1122.21"

// `cockpit demo show RELEASE --env prod -o json` carries every section of the release
// screen, and the incident's changes name the added backfill pipeline and the git range.
func TestShowJSONCarriesEverySection(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs("show", incidentRelease, "--env", "prod", "-o", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"release", "runs", "updates", "checks", "data_quality", "lineage", "changes", "cost", "audit"} {
		if v, ok := got[k]; !ok || string(v) == "null" || string(v) == "[]" {
			t.Errorf("section %s missing or empty: %s", k, v)
		}
	}
	if string(got["errors"]) != "{}" {
		t.Errorf("errors: %s", got["errors"])
	}
	var s struct {
		Release struct {
			Verdict string `json:"verdict"`
			GitSHA  string `json:"git_sha"`
		} `json:"release"`
		Lineage struct {
			BlastRadius int `json:"blast_radius"`
		} `json:"lineage"`
		Changes struct {
			Previous string `json:"previous_release_id"`
			Git      struct {
				From, To   string
				CompareURL string `json:"compare_url"`
			} `json:"git"`
			Resources []struct{ Type, Name, Change string } `json:"resources"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.Release.Verdict != "failing" || s.Lineage.BlastRadius == 0 {
		t.Errorf("verdict %q, blast radius %d", s.Release.Verdict, s.Lineage.BlastRadius)
	}
	c := s.Changes
	if c.Previous == "" || c.Git.From == "" || c.Git.To != s.Release.GitSHA || !strings.HasSuffix(c.Git.CompareURL, c.Git.From+"..."+c.Git.To) {
		t.Errorf("git range: %+v", c)
	}
	if len(c.Resources) == 0 || c.Resources[0].Change != "added" || c.Resources[0].Type != "pipeline" || !strings.Contains(c.Resources[0].Name, "client-backfill") {
		t.Errorf("the added backfill pipeline is not first: %+v", c.Resources)
	}
}

// The text fits 100 columns, for an incident channel, and reads as its golden file.
func TestShowTextFits100ColumnsAndMatchesItsGolden(t *testing.T) {
	code, out, errOut := cockpit(t, demoArgs("show", incidentRelease, "--env", "prod")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for i, l := range strings.Split(out, "\n") {
		if w := ui.Width(l); w > 100 {
			t.Errorf("line %d is %d columns: %q", i+1, w, l)
		}
	}
	for _, want := range []string{"✗ failing", "RUNS:", "CHECKS:", "DATA QUALITY:", "LINEAGE: blast radius", "CHANGES since",
		"added pipeline prod-ecommerce-orders-client-backfill-dlt", "compare: https://github.com/example-data/ecommerce-orders/compare/", "COST:", "AUDIT:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	path := filepath.Join("testdata", "show_incident.golden")
	if *updateShow {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/cockpit -run TestShow -update-show writes it)", err)
	}
	if string(want) != out {
		t.Errorf("the text differs from %s; review and rerun with -update-show:\n%s", path, out)
	}
}

func TestShowSaysWhatIsWrongInOneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"show", "no-at-sign", "--env", "prod"}, 2, "bundle>@<version"},
		{[]string{"show", "--env", "prod"}, 2, "show needs one release"},
		{[]string{"show", incidentRelease, "-o", "yaml"}, 2, "use text or json"},
		{[]string{"show", "ecommerce_orders@1999.0101.1", "--env", "prod"}, 1, "has no deployment in prod: cockpit releases --env prod --bundle ecommerce_orders"},
	} {
		code, _, errOut := cockpit(t, demoArgs(c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line with %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
