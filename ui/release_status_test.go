package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
)

// The release header's state wraps instead of being cut: at 80 columns the pin's who,
// when, why and ticket all show; past four lines the last is cut with an ellipsis.
func TestTheReleaseHeadersStateWrapsWithWhoWhenWhyAndTicket(t *testing.T) {
	at := testNow.Add(-3 * time.Hour)
	st := model.BundleState{Bundle: "logistics_cost_streaming", Envs: map[string]model.EnvState{"prod": {
		Bundle: "logistics_cost_streaming", Environment: "prod",
		Pin: &model.Pin{Version: "2026.1121.26", By: "priya.raman@example.com", At: at, Ticket: "INC-48213",
			Reason: "rolled back logistics_cost_streaming@2026.1122.23 to 2026.1121.26: late-arriving shipments double-counted in cost_per_km since the new dedup key"},
	}}}
	line := stateLine(UnicodeGlyphs, st, "prod", "2026.1121.26", testNow)
	got := wrapState(UnicodeGlyphs, line, 80)
	if len(got) < 2 {
		t.Fatalf("a long state did not wrap at 80 columns: %q", got)
	}
	all := strings.Join(got, " ")
	for _, want := range []string{"PINNED prod at 2026.1121.26", "priya.raman", "3h ago", "double-counted in cost_per_km since the new dedup key", "[INC-48213]"} {
		if !strings.Contains(all, want) {
			t.Errorf("the wrapped state lacks %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
	for i, l := range got {
		if Width(l) > 80 {
			t.Errorf("line %d is %d cells wide: %q", i, Width(l), l)
		}
		if i > 0 && !strings.HasPrefix(l, "  ") {
			t.Errorf("continuation line %d is not indented: %q", i, l)
		}
	}
	if short := wrapState(UnicodeGlyphs, line, 300); len(short) != 1 {
		t.Errorf("a wide header wrapped: %q", short)
	}
	cut := wrapState(UnicodeGlyphs, line+strings.Repeat(" and more words", 40), 80)
	if len(cut) != stateLinesMax || !strings.HasSuffix(cut[len(cut)-1], "…") {
		t.Errorf("a very long state is not cut on its fourth line: %q", cut)
	}
	if wrapState(UnicodeGlyphs, "", 80) != nil {
		t.Error("no state, yet lines")
	}
}

// The incident's release after on-call rolled it back: the header says so, and that prod is
// pinned, with who, when, why and the ticket, wrapped over lines rather than cut (golden
// frames at 80x24 and 120x40, dark and mono); the tab's body gives up the lines.
func TestTheRolledBackReleasesHeaderGolden(t *testing.T) {
	d := incidentDeployment(t)
	bad, good := d.Release.Version, "2026.1121.25"
	at := testNow.Add(-20 * time.Minute)
	why := "valid_client_id failures at 18 percent since the new client id parser; gold revenue short by 4 percent"
	req := ev(model.EventDeployRequested, incidentBundle, good, "prod", "priya.raman@example.com", at, `{"action":"rollback","from":"`+bad+`","to":"`+good+`"}`)
	req.Reason, req.Ticket, req.Status = why, "INC-50001", "requested"
	done := ev(model.EventDeploySucceeded, incidentBundle, good, "prod", "priya.raman@example.com", at.Add(3*time.Minute), `{"action":"rollback","request_id":"`+req.EventID+`"}`)
	done.Status = "succeeded"
	pin := ev(model.EventPinned, incidentBundle, good, "prod", "priya.raman@example.com", at.Add(3*time.Minute+time.Millisecond), "")
	pin.Reason, pin.Ticket = "rolled back "+incidentBundle+"@"+bad+" to "+good+": "+why, "INC-50001"
	events := append(deployed(incidentBundle, bad, "prod", d.DeployedAt, ""), req, done, pin)
	st := model.DeriveState(incidentBundle, events)
	for _, th := range goldenThemes {
		for _, sz := range sizes[:2] {
			name := fmt.Sprintf("release_rolled_back_%s_%dx%d", th.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				s := openIncident(t, relCommon(t, th.theme(), UnicodeGlyphs), tabRuns, sz.w, sz.h)
				s.Update(statesLoaded{states: map[string]model.BundleState{incidentBundle: st}})
				v := s.View()
				checkFrame(t, v, th.name, sz.w, sz.h)
				golden(t, name, v)
				plain := ansi.Strip(v)
				head := strings.Join(strings.Fields(plain[:strings.Index(plain, "[1 Runs]")]), " ")
				for _, want := range []string{"ROLLED BACK to " + good, "priya.raman", "20m ago", "gold revenue short by 4 percent [INC-50001]", "prod PINNED at " + good + " by the rollback: promotion refused until unpinned"} {
					if !strings.Contains(head, want) {
						t.Errorf("the header lacks %q:\n%s", want, plain)
					}
				}
			})
		}
	}
}
