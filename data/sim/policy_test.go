package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

func TestPolicyFreezeIsUpcoming(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	nows := []time.Time{
		time.Date(2026, 11, 29, 4, 47, 19, 0, time.UTC),
		time.Date(2026, 12, 30, 23, 59, 0, 0, time.UTC), // the freeze starts in the next year
		time.Date(2026, 3, 27, 1, 30, 0, 0, time.UTC),   // starts on the day Berlin springs forward
		time.Date(2026, 10, 23, 0, 15, 0, 0, time.UTC),  // starts in the hour Berlin repeats
	}
	for _, now := range nows {
		p, err := Policy(now)
		if err != nil {
			t.Fatalf("%v: %v", now, err)
		}
		prod, ok := p.Env("prod")
		if !ok || len(prod.Windows) != 1 || prod.Windows[0].Location.String() != "Europe/Berlin" {
			t.Fatalf("%v: prod %+v", now, prod)
		}
		want := now.Add(FreezeLead).Truncate(time.Hour)
		f, ok := prod.UpcomingFreeze(now, 7*24*time.Hour)
		if !ok || !f.Start.Equal(want) || f.End.Sub(f.Start) != 24*time.Hour {
			t.Errorf("%v: upcoming freeze %+v %v, want from %v (%v in Berlin)", now, f, ok, want, want.In(berlin))
		}
		for _, at := range []time.Time{now, now.Add(FreezeLead - 2*time.Hour), want.Add(24 * time.Hour)} {
			if f := prod.FreezeAt(at); f.Frozen {
				t.Errorf("%v: frozen at %v: %s", now, at, f.Reason)
			}
		}
		if f := prod.FreezeAt(want.Add(time.Hour)); !f.Frozen || !strings.Contains(f.Reason, "peak-season change freeze (CHG-48100)") {
			t.Errorf("%v: not frozen an hour into the freeze: %+v", now, f)
		}
	}
}

func TestPolicyRights(t *testing.T) {
	p, err := Policy(time.Date(2026, 11, 29, 4, 47, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Names(), ","); got != strings.Join(Environments, ",") {
		t.Fatalf("policy environments %s, estate's %v", got, Environments)
	}
	// Who may do what in prod, with CAN_MANAGE_RUN on the deployer job.
	want := map[string][]model.Action{
		"oncall":          {model.ActionRollback, model.ActionPin, model.ActionUnpin, model.ActionBreakGlass},
		"release-manager": {model.ActionPromote, model.ActionRollback, model.ActionPin, model.ActionUnpin, model.ActionVeto},
		"lead":            {model.ActionApprove, model.ActionPin, model.ActionUnpin, model.ActionVeto, model.ActionBreakGlass},
		"ci":              {model.ActionPromote},
		"viewer":          nil,
	}
	for role, acts := range want {
		u, err := UserFor(role)
		if err != nil {
			t.Fatal(err)
		}
		a := model.Allowed(p, "prod", model.Principal{User: u.UserName, Groups: u.Groups}, model.PermissionCanManageRun)
		var got []model.Action
		for _, d := range a.Decisions {
			if d.Allowed {
				got = append(got, d.Action)
			}
		}
		if strings.Join(actionNames(got), ",") != strings.Join(actionNames(acts), ",") {
			t.Errorf("%s may %v in prod, want %v", role, got, acts)
		}
	}
	prod, _ := p.Env("prod")
	if prod.ApprovalsRequired != 1 || !prod.TicketRequired || !prod.ReasonRequired || prod.BakeTime != 30*time.Minute ||
		prod.SLO.Target != 0.99 || prod.SLO.Window != 28*24*time.Hour || !prod.SLO.Gate || prod.DeployerJob != "release-cockpit-deployer-prod" {
		t.Errorf("prod %+v", prod)
	}
	st, _ := p.Env("staging")
	if st.ApprovalsRequired != 0 || st.TicketRequired || st.SLO.Gate {
		t.Errorf("staging %+v", st)
	}
	dev, _ := p.Env("dev")
	priya, _ := UserFor("oncall")
	if d := model.Allowed(p, "dev", model.Principal{User: priya.UserName, Groups: priya.Groups}, model.PermissionCanManageRun).For(model.ActionPromote); !d.Allowed || dev.ApprovalsRequired != 0 {
		t.Errorf("data-eng promotes into dev: %+v", d)
	}
}

func actionNames(as []model.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}
