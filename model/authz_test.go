package model

import (
	"strings"
	"testing"
)

func TestAllowed(t *testing.T) {
	pol := fixturePolicy()
	ro := fixturePolicy()
	ro.ReadOnly = true
	envRO := fixturePolicy()
	envRO.Environments[2].ReadOnly = true
	cases := []struct {
		name   string
		p      Policy
		env    string
		who    Principal
		perm   PermissionLevel
		act    Action
		ok     bool
		hidden bool
		reason string
	}{
		{"release manager promotes", pol, "prod", marco, PermissionCanManageRun, ActionPromote, true, false, ""},
		{"owner is more than enough", pol, "prod", marco, PermissionIsOwner, ActionPromote, true, false, ""},
		{"CI promotes", pol, "prod", ci, PermissionCanManage, ActionPromote, true, false, ""},
		{"on-call may not promote prod", pol, "prod", priya, PermissionCanManageRun, ActionPromote, false, false,
			"you (priya.raman@example.com) are not in prod's promoters: groups release-managers, deployers"},
		{"on-call rolls back prod", pol, "prod", priya, PermissionCanManageRun, ActionRollback, true, false, ""},
		{"without CAN_MANAGE_RUN", pol, "prod", priya, PermissionCanView, ActionRollback, false, false,
			"you lack CAN_MANAGE_RUN on job release-cockpit-deployer-prod (have CAN_VIEW)"},
		{"without any permission", pol, "prod", priya, PermissionNone, ActionRollback, false, false, "(have no permission)"},
		{"approving needs no job permission", pol, "prod", dana, PermissionNone, ActionApprove, true, false, ""},
		{"break-glass runs the job", pol, "prod", dana, PermissionCanView, ActionBreakGlass, false, false, "lack CAN_MANAGE_RUN"},
		{"lead may not roll back", pol, "prod", dana, PermissionCanManageRun, ActionRollback, false, false, "not in prod's rollback list"},
		{"viewer", pol, "prod", viewer, PermissionCanView, ActionPin, false, false,
			"you (viewer@example.com) are not in prod's pinners: groups oncall, release-managers, leads"},
		{"by user name, any case", Policy{Environments: []EnvPolicy{{Name: "dev", Grants: map[Action]Principals{ActionPin: {Users: []string{"Viewer@Example.com"}}}}}},
			"dev", viewer, PermissionNone, ActionPin, true, false, ""},
		{"nobody granted", pol, "staging", dana, PermissionIsOwner, ActionApprove, false, false, "not in staging's approvers: nobody"},
		{"unknown environment", pol, "qa", marco, PermissionIsOwner, ActionPromote, false, false, `environment "qa" has no policy`},
		{"not signed in", pol, "prod", Principal{Groups: []string{"release-managers"}}, PermissionIsOwner, ActionPromote, false, false, "not signed in"},
		{"read-only removes", ro, "prod", marco, PermissionIsOwner, ActionPromote, false, true, "read-only mode"},
		{"read-only environment removes", envRO, "prod", priya, PermissionIsOwner, ActionRollback, false, true, "prod is read_only in the policy"},
		{"read-only elsewhere does not", envRO, "staging", marco, PermissionCanManageRun, ActionPromote, true, false, ""},
	}
	for _, c := range cases {
		a := Allowed(c.p, c.env, c.who, c.perm)
		if len(a.Decisions) != len(AllActions) {
			t.Fatalf("%s: %d decisions", c.name, len(a.Decisions))
		}
		d := a.For(c.act)
		if d.Allowed != c.ok || d.Hidden != c.hidden || !strings.Contains(d.Reason, c.reason) || (c.ok && d.Reason != "") {
			t.Errorf("%s: %+v, want allowed %v hidden %v reason containing %q", c.name, d, c.ok, c.hidden, c.reason)
		}
	}
}

func TestPermissionLevel(t *testing.T) {
	for _, n := range []string{"CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER", "can_manage_run"} {
		p, err := ParsePermissionLevel(n)
		if err != nil || !strings.EqualFold(p.String(), n) {
			t.Errorf("ParsePermissionLevel(%q) = %v, %v", n, p, err)
		}
	}
	if p, err := ParsePermissionLevel(""); err != nil || p != PermissionNone {
		t.Errorf("empty level: %v %v", p, err)
	}
	if _, err := ParsePermissionLevel("CAN_RUN"); err == nil {
		t.Error("CAN_RUN accepted")
	}
	if !(PermissionCanView < PermissionCanManageRun && PermissionCanManageRun < PermissionCanManage && PermissionCanManage < PermissionIsOwner) {
		t.Error("levels out of order")
	}
}

func TestPrincipalsString(t *testing.T) {
	cases := map[string]Principals{
		"nobody":                  {},
		"group leads":             {Groups: []string{"leads"}},
		"groups a, b; user x@y.z": {Groups: []string{"a", "b"}, Users: []string{"x@y.z"}},
		"users x@y.z, w@y.z":      {Users: []string{"x@y.z", "w@y.z"}},
	}
	for want, p := range cases {
		if got := p.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", p, got, want)
		}
	}
}

func TestPromotionChain(t *testing.T) {
	p := fixturePolicy()
	if n, ok := p.Next("staging"); !ok || n != "prod" {
		t.Errorf("Next(staging) = %q %v", n, ok)
	}
	if _, ok := p.Next("prod"); ok {
		t.Error("prod has a next environment")
	}
	if n, ok := p.Previous("staging"); !ok || n != "dev" {
		t.Errorf("Previous(staging) = %q %v", n, ok)
	}
	if _, ok := p.Previous("dev"); ok {
		t.Error("dev has a previous environment")
	}
	if _, ok := p.Previous("qa"); ok {
		t.Error("an unknown environment has a previous one")
	}
	if strings.Join(p.Names(), ",") != "dev,staging,prod" {
		t.Errorf("names %v", p.Names())
	}
	if a, err := ParseAction("break_glass"); err != nil || a != ActionBreakGlass {
		t.Errorf("ParseAction: %v %v", a, err)
	}
	if _, err := ParseAction("deploy"); err == nil {
		t.Error("ParseAction(deploy) accepted")
	}
}
