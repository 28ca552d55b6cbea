package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

const examplePolicy = `environments:
  - name: dev
    promote: {groups: [data-eng, deployers]}
  - name: staging
    deployer_job_id: 7002
    promote: {groups: [release-managers, deployers]}
    slo: {target: 0.95, window: 7d}
  - name: prod
    deployer_job: release-cockpit-deployer-prod
    bake_time: 45m
    promote: {groups: [release-managers, deployers]}
    rollback: {groups: [oncall, release-managers]}
    approve: {groups: [leads], users: [cto@example.com]}
    break_glass: {groups: [oncall, leads]}
    approvals_required: 2
    ticket_required: true
    ticket_pattern: ^(CHG|INC)-[0-9]+$
    reason_required: true
    freeze:
      - schedule: "0 18 * * FRI"
        duration: 2d14h
        time_zone: Europe/Berlin
        reason: weekend freeze
      - kind: allow
        schedule: "0 8 * * MON-FRI"
        duration: 10h
    slo:
      target: 0.999
      burn:
        - {long: 1h, short: 5m, factor: 14.4}
        - {long: 3d, short: 6h, factor: 1, severity: ticket}
`

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy("policy.yaml", []byte(examplePolicy))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Names(), ","); got != "dev,staging,prod" {
		t.Fatalf("environments %s", got)
	}
	prod, _ := p.Env("prod")
	if prod.BakeTime != 45*time.Minute || prod.ApprovalsRequired != 2 || !prod.TicketRequired || !prod.ReasonRequired || prod.DeployerJob != "release-cockpit-deployer-prod" {
		t.Errorf("prod %+v", prod)
	}
	if prod.TicketPattern == nil || !prod.TicketPattern.MatchString("CHG-1") || prod.TicketPattern.MatchString("soon") {
		t.Errorf("ticket pattern %v", prod.TicketPattern)
	}
	if who := prod.Grants[model.ActionApprove]; who.String() != "group leads; user cto@example.com" {
		t.Errorf("approvers %s", who)
	}
	if !prod.Grants[model.ActionPin].Empty() {
		t.Errorf("pin is granted to nobody, got %s", prod.Grants[model.ActionPin])
	}
	if len(prod.Windows) != 2 || prod.Windows[0].Kind != model.WindowDeny || prod.Windows[0].Location.String() != "Europe/Berlin" ||
		prod.Windows[0].Duration != 62*time.Hour || prod.Windows[1].Kind != model.WindowAllow || prod.Windows[1].Location != time.UTC {
		t.Errorf("windows %+v", prod.Windows)
	}
	// Friday 27 November 2026, 18:30 in Berlin: the weekend freeze beats the allow window.
	if f := prod.FreezeAt(time.Date(2026, 11, 27, 17, 30, 0, 0, time.UTC)); !f.Frozen || f.Window.Reason != "weekend freeze" {
		t.Errorf("freeze %+v", f)
	}
	if prod.SLO.Target != 0.999 || prod.SLO.Window != 28*24*time.Hour || !prod.SLO.Gate || len(prod.SLO.Burn) != 2 || prod.SLO.Burn[0].Severity != "page" {
		t.Errorf("prod SLO %+v", prod.SLO)
	}
	st, _ := p.Env("staging")
	if st.SLO.Target != 0.95 || st.SLO.Window != 7*24*time.Hour || st.SLO.Gate || st.DeployerJobID != 7002 || st.DeployerJob != "release-cockpit-deployer-staging" || st.BakeTime != 20*time.Minute {
		t.Errorf("staging %+v", st)
	}
	dev, _ := p.Env("dev")
	if dev.SLO.Target != 0.99 || dev.SLO.Gate || len(dev.SLO.Burn) != 3 {
		t.Errorf("dev SLO defaults %+v", dev.SLO)
	}
}

func TestParsePolicyNamesFileLineAndKey(t *testing.T) {
	env := func(body string) string { return "environments:\n  - name: prod\n" + body }
	cases := []struct{ name, doc, want string }{
		{"empty", "", "policy.yaml: the policy file is empty"},
		{"no environments", "environments: []\n", "policy.yaml:1: environments: the policy file names no environments"},
		{"unknown key", env("    promoters: {groups: [x]}\n"), "policy.yaml: line 3: unknown key promoters"},
		{"unknown key in a grant", env("    promote: {group: [x]}\n"), "policy.yaml: line 3: unknown key group"},
		{"bad name", "environments:\n  - name: Prod\n", `policy.yaml:2: environments[0].name: "Prod" is not an environment name`},
		{"twice", "environments:\n  - name: prod\n  - name: prod\n", `policy.yaml:3: environments[1].name: environment "prod" is listed twice`},
		{"bad cron", env("    freeze:\n      - schedule: \"0 25 * * *\"\n        duration: 1h\n"),
			`policy.yaml:4: environments[0].freeze[0].schedule: cron "0 25 * * *": hour: 25 is out of range 0-23`},
		{"missing schedule", env("    freeze:\n      - duration: 1h\n"), "policy.yaml:4: environments[0].freeze[0].schedule: missing"},
		{"missing duration", env("    freeze:\n      - schedule: \"0 0 * * *\"\n"), "policy.yaml:4: environments[0].freeze[0].duration: missing"},
		{"bad duration", env("    freeze:\n      - schedule: \"0 0 * * *\"\n        duration: soon\n"), `policy.yaml:5: environments[0].freeze[0].duration: "soon" is not a duration`},
		{"zero duration", env("    freeze:\n      - schedule: \"0 0 * * *\"\n        duration: 0s\n"), "policy.yaml:5: environments[0].freeze[0].duration: 0s: use more than 0"},
		{"bad zone", env("    freeze:\n      - schedule: \"0 0 * * *\"\n        duration: 1h\n        time_zone: Mars/Olympus\n"),
			`policy.yaml:6: environments[0].freeze[0].time_zone: "Mars/Olympus" is not an IANA time zone`},
		{"Local is no zone", env("    freeze:\n      - schedule: \"0 0 * * *\"\n        duration: 1h\n        time_zone: Local\n"), "is not an IANA time zone"},
		{"bad kind", env("    freeze:\n      - kind: block\n        schedule: \"0 0 * * *\"\n        duration: 1h\n"), `policy.yaml:4: environments[0].freeze[0].kind: "block" is not a window kind`},
		{"percent target", env("    slo: {target: 99}\n"), "policy.yaml:3: environments[0].slo.target: 99 is not a fraction: write 0.99 for 99%"},
		{"target out of range", env("    slo:\n      target: 1\n"), "policy.yaml:4: environments[0].slo.target: 1 is not a fraction"},
		{"negative target", env("    slo:\n      target: -0.5\n"), "environments[0].slo.target: -0.5: use a fraction between 0 and 1"},
		{"short window", env("    slo:\n      window: 10m\n"), "policy.yaml:4: environments[0].slo.window: must be at least 1h"},
		{"burn short > long", env("    slo:\n      burn:\n        - {long: 1h, short: 2h, factor: 14.4}\n"), "policy.yaml:5: environments[0].slo.burn[0].short"},
		{"burn factor", env("    slo:\n      burn:\n        - {long: 1h, short: 5m}\n"), "environments[0].slo.burn[0].factor: 0: a burn rate above 0"},
		{"burn severity", env("    slo:\n      burn:\n        - {long: 1h, short: 5m, factor: 2, severity: email}\n"), `environments[0].slo.burn[0].severity: "email": use page or ticket`},
		{"approvals range", env("    approvals_required: -1\n"), "policy.yaml:3: environments[0].approvals_required: -1: use 0 to 10"},
		{"approvals without approvers", env("    approvals_required: 1\n"), "policy.yaml:3: environments[0].approvals_required: 1 approval(s) required but nobody may approve"},
		{"blank group", env("    veto: {groups: [leads, \" \"]}\n"), `environments[0].veto.groups[1]: " " is not a name`},
		{"bad ticket pattern", env("    ticket_pattern: \"CHG-[0-9\"\n"), `policy.yaml:3: environments[0].ticket_pattern: "CHG-[0-9" is not a regular expression`},
		{"negative bake time", env("    bake_time: -5m\n"), "environments[0].bake_time: must not be negative"},
		{"approvals not a number", env("    approvals_required: two\n"), "policy.yaml: line 3: cannot unmarshal !!str `two` into int"},
	}
	for _, c := range cases {
		_, err := ParsePolicy("policy.yaml", []byte(c.doc))
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestConfigPolicy(t *testing.T) {
	c, err := Parse("cockpit.yaml", []byte("environments:\n  - name: staging\n  - name: prod\n    deployer_job_id: 7003\n    policy:\n      bake_time: 45m\n      promote: {groups: [release-managers]}\n      freeze:\n        - {schedule: \"0 0 24 DEC *\", duration: 2d, reason: holidays}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Policy()
	prod, ok := p.Env("prod")
	if !ok || prod.DeployerJobID != 7003 || prod.BakeTime != 45*time.Minute || len(prod.Windows) != 1 || !prod.SLO.Gate || prod.Grants[model.ActionPromote].String() != "group release-managers" {
		t.Errorf("prod %+v", prod)
	}
	if n, _ := p.Next("staging"); n != "prod" {
		t.Errorf("next of staging %q", n)
	}
	if time.Duration(c.Environments[1].Policy.BakeTime) != 45*time.Minute {
		t.Error("the environment's bake time is still read from its policy")
	}
	// The defaults: no file, no policy; every action refused to everyone until one is written.
	d := Default().Policy()
	if strings.Join(d.Names(), ",") != "dev,staging,prod" {
		t.Fatalf("default policy %v", d.Names())
	}
	dp, _ := d.Env("prod")
	if !dp.SLO.Gate || dp.BakeTime != 30*time.Minute || !dp.Grants[model.ActionPromote].Empty() {
		t.Errorf("default prod %+v", dp)
	}
	errs := []struct{ name, doc, want string }{
		{"policy error in the config", "environments:\n  - name: prod\n    policy:\n      freeze:\n        - {schedule: \"0 0 * * XYZ\", duration: 1h}\n",
			"cockpit.yaml:5: environments[0].policy.freeze[0].schedule"},
		{"unknown policy key", "environments:\n  - name: prod\n    policy:\n      tickets: true\n", "cockpit.yaml: line 4: unknown key tickets"},
		{"both policy_file and a policy", "policy_file: /Workspace/Shared/policy.yaml\nenvironments:\n  - name: prod\n    policy: {bake_time: 1h}\n",
			"cockpit.yaml:4: environments[0].policy: the policy comes from policy_file (/Workspace/Shared/policy.yaml): move these keys there"},
		{"duration with its line", "environments:\n  - name: prod\n    policy:\n      bake_time: soon\n", `line 4: "soon" is not a duration`},
	}
	for _, e := range errs {
		_, err := Parse("cockpit.yaml", []byte(e.doc))
		if err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("%s: got %v, want an error containing %q", e.name, err, e.want)
		}
	}
}

func TestCheckPolicy(t *testing.T) {
	c, err := Parse("cockpit.yaml", []byte("policy_file: /Workspace/Shared/policy.yaml\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePolicy("policy.yaml", []byte(examplePolicy))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckPolicy(p); err != nil {
		t.Errorf("same environments: %v", err)
	}
	p.Environments = p.Environments[1:]
	if err := c.CheckPolicy(p); err == nil || !strings.Contains(err.Error(), "the policy file's environments (staging, prod) are not the configured ones (dev, staging, prod)") {
		t.Errorf("fewer environments: %v", err)
	}
}

func TestLoadPolicy(t *testing.T) {
	c, err := Parse("cockpit.yaml", []byte("policy_file: /Workspace/Shared/policy.yaml\nenvironments:\n  - name: dev\n    deployer_job_id: 7001\n  - name: staging\n  - name: prod\n    deployer_job_id: 7003\n"))
	if err != nil {
		t.Fatal(err)
	}
	var asked string
	read := func(path string) ([]byte, error) { asked = path; return []byte(examplePolicy), nil }
	p, err := c.LoadPolicy(read)
	if err != nil || asked != "/Workspace/Shared/policy.yaml" {
		t.Fatalf("LoadPolicy: %v (read %q)", err, asked)
	}
	ids := []int64{}
	for _, e := range p.Environments {
		ids = append(ids, e.DeployerJobID)
	}
	// dev from the configuration, staging from the file, prod from the configuration.
	if len(ids) != 3 || ids[0] != 7001 || ids[1] != 7002 || ids[2] != 7003 {
		t.Errorf("deployer job ids %v", ids)
	}
	if _, err := c.LoadPolicy(func(string) ([]byte, error) { return nil, errors.New("403 Forbidden") }); err == nil ||
		!strings.Contains(err.Error(), "reading the policy file /Workspace/Shared/policy.yaml (policy_file in cockpit.yaml): 403 Forbidden") {
		t.Errorf("unreadable file: %v", err)
	}
	if _, err := c.LoadPolicy(func(string) ([]byte, error) { return []byte("environments:\n  - name: prod\n    pin: 3\n"), nil }); err == nil ||
		!strings.Contains(err.Error(), "/Workspace/Shared/policy.yaml: line 3") {
		t.Errorf("bad file: %v", err)
	}
	// Without policy_file the configuration's own policy keys, and the reader is not called.
	plain, _ := Parse("cockpit.yaml", []byte("environments:\n  - name: prod\n    policy: {approvals_required: 0}\n"))
	if p, err := plain.LoadPolicy(func(string) ([]byte, error) { t.Error("read called"); return nil, nil }); err != nil || len(p.Environments) != 1 {
		t.Errorf("LoadPolicy without a file: %+v %v", p, err)
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(examplePolicy))
	f.Add([]byte("environments:\n  - name: prod\n    freeze:\n      - {schedule: \"*/5 1-3 * JAN SUN\", duration: 1h, time_zone: Asia/Kolkata}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := ParsePolicy("f.yaml", doc)
		if err != nil {
			return
		}
		if len(p.Environments) == 0 {
			t.Fatal("a valid policy has environments")
		}
		for _, e := range p.Environments {
			e.FreezeAt(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)) // must not panic or hang
		}
	})
}
