package config

import (
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// policy.verdict in a policy file reaches the model: the keys it sets replace the defaults,
// the others (and the bake time) keep theirs, and an environment without the key is judged
// by the defaults with its own bake time.
func TestPolicyFileVerdictBecomesTheEnvironmentsVerdictPolicy(t *testing.T) {
	const file = `environments:
  - name: staging
  - name: prod
    bake_time: 45m
    verdict:
      significance: 0.001
      min_runs: 12
`
	p, err := ParsePolicy("policy.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := p.Env("prod")
	want := model.DefaultVerdictPolicy()
	want.BakeTime, want.Significance, want.MinRuns = 45*time.Minute, 0.001, 12
	if prod.Verdict != want {
		t.Errorf("prod's verdict policy %+v, want %+v", prod.Verdict, want)
	}
	staging, _ := p.Env("staging")
	want = model.DefaultVerdictPolicy()
	want.BakeTime = DefaultBakeTime("staging")
	if staging.Verdict != want {
		t.Errorf("staging's verdict policy %+v, want the defaults %+v", staging.Verdict, want)
	}
}
