package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// A prod rollback that only a freeze window blocks (besides the reason and ticket still to
// type), as the executor plans it on the short test estate: the spent error budget does
// not hold a rollback back.
func freezeRollbackPlan() model.ActionPlan {
	p := dialogPlans()["rollback_prod"].plan
	p.Report.Action = model.ActionRollback
	p.Report.Gates = []model.Gate{
		gate(model.GateAuthorized, true, "priya.raman@example.com may roll back prod"),
		gate(model.GateRollbackTarget, true, "2026.1122.21 → 2026.1121.25, the last verified deployment"),
		gate(model.GateNotVetoed, true, "ecommerce_orders@2026.1121.25 is not vetoed"),
		{Name: model.GateNoFreeze, Reason: "prod is frozen until Nov 24 08:00 UTC by the peak-season change freeze (CHG-48100); wait, or break glass with a reason (groups oncall, leads)", BreakGlass: true},
		gate(model.GateBudget, true, "budget spent: rollbacks are allowed, promotions are frozen (ecommerce_orders's error budget spent: 31 failed of 612 runs over 28d, SLO 99% allows 6.1 in prod)"),
		gate(model.GateNotInFlight, true, "no deployment of ecommerce_orders is in flight in prod"),
		gate(model.GateTicket, false, "prod requires a change ticket: give one (--ticket)"),
		gate(model.GateReason, false, "prod requires a reason: give one (--reason)"),
	}
	return p
}

var (
	mayBreakGlass = model.Decision{Action: model.ActionBreakGlass, Allowed: true}
	noBreakGlass  = model.Decision{Action: model.ActionBreakGlass,
		Reason: "you (marco.bianchi@example.com) are not in prod's break-glass list: groups oncall, leads"}
)

// Golden frames of the break-glass dialog, offered (off) and switched on, at 80x24 and
// 120x40, dark and mono.
func TestBreakGlassDialogGolden(t *testing.T) {
	for _, th := range []struct {
		name  string
		theme func() *themes.Theme
	}{{"dark", themes.Dark}, {"mono", themes.Mono}} {
		for _, sz := range sizes[:2] {
			for _, on := range []bool{false, true} {
				state := "offer"
				if on {
					state = "on"
				}
				name := fmt.Sprintf("dialog_breakglass_%s_%s_%dx%d", state, th.name, sz.w, sz.h)
				t.Run(name, func(t *testing.T) {
					d := NewConfirm(dialogCommon(th.theme()), actionDialog(freezeRollbackPlan(), true, mayBreakGlass))
					if on {
						d.Update(pressKey(breakGlassKey))
					}
					got := drawDialog(d, sz.w, sz.h)
					golden(t, name, got)
					if th.name == "mono" && hasColour(got) {
						t.Errorf("the mono dialog has colour")
					}
				})
			}
		}
	}
}

func TestBreakGlassIsOfferedOnlyWhenFreezeOrBudgetAloneBlocks(t *testing.T) {
	p := freezeRollbackPlan()
	off := actionDialog(p, true, mayBreakGlass)
	if off.Toggle == nil || off.Toggle.Key != breakGlassKey {
		t.Fatalf("break-glass is not offered to on-call when only the freeze blocks: %+v", off)
	}
	if !strings.Contains(off.Disabled, "refused: no_freeze: prod is frozen until") {
		t.Errorf("without break-glass the rollback is not refused for the freeze: %q", off.Disabled)
	}
	plain := ansi.Strip(drawDialog(NewConfirm(dialogCommon(themes.Mono()), off), 120, 40))
	for _, want := range []string{"ctrl+g break glass", "only the freeze blocks: ctrl+g breaks glass", "✗ no freeze", "✓ budget"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the offer lacks %q:\n%s", want, plain)
		}
	}

	// Someone the policy does not let break glass: refused, every reason, and why not.
	refused := actionDialog(p, true, noBreakGlass)
	if refused.Toggle != nil || !strings.Contains(refused.Disabled, "no_freeze:") ||
		!strings.Contains(refused.Disabled, "break-glass is not yours: you (marco.bianchi@example.com) are not in prod's break-glass list") {
		t.Errorf("a user without break-glass is not refused with the reasons: %+v", refused)
	}
	// Another gate blocks too: break-glass would not be enough, so it is not offered.
	withApproval := p
	withApproval.Report.Gates = append(append([]model.Gate(nil), p.Report.Gates...), gate(model.GateApprovals, false, "needs 1 approval(s), has 0"))
	if s := actionDialog(withApproval, true, mayBreakGlass); s.Toggle != nil || !strings.Contains(s.Disabled, "approvals") || !strings.Contains(s.Disabled, "no_freeze") {
		t.Errorf("break-glass offered although an approval is missing: %+v", s)
	}
	// Nothing to break.
	if s := actionDialog(dialogPlans()["rollback_prod"].plan, true, mayBreakGlass); s.Toggle != nil {
		t.Errorf("break-glass offered with no freeze or budget blocking")
	}
}

// Switched on, the dialog shows the freeze overridden, needs the phrase, a reason and the
// ticket, and answers Toggled; switched off again it is refused again. What was typed
// stays across the switch.
func TestBreakGlassDialogNeedsTheReasonTicketAndPhrase(t *testing.T) {
	d := NewConfirm(dialogCommon(themes.Mono()), actionDialog(freezeRollbackPlan(), true, mayBreakGlass))
	d.SetSize(120, 38)
	typeDialog(d, "prod/ecommerce_orders")
	d.Update(pressKey(breakGlassKey))
	if !d.Toggled() {
		t.Fatal("ctrl+g did not switch break-glass on")
	}
	v := ansi.Strip(d.View())
	for _, want := range []string{"BREAK-GLASS Roll back ecommerce_orders in prod", "✓ no freeze", "overridden by break-glass: prod is frozen",
		"✓ break glass", "break-glass overrides the freeze; recorded as break-glass", "Roll back (break-glass)"} {
		if !strings.Contains(v, want) {
			t.Errorf("the break-glass dialog lacks %q:\n%s", want, v)
		}
	}
	if d.Focused() != "phrase" || d.values()["phrase"] != "prod/ecommerce_orders" {
		t.Fatalf("the typed phrase was lost by the switch: focus %q, %v", d.Focused(), d.values())
	}
	// Confirming without a reason is refused and moves to it.
	d.Update(pressKey("tab"))
	d.Update(pressKey("tab"))
	d.Update(pressKey("tab"))
	d.Update(pressKey("tab"))
	d.Update(pressKey("enter"))
	if _, done := d.Result(); done || d.Focused() != "reason" || !strings.Contains(ansi.Strip(d.View()), "Reason is required") {
		t.Fatalf("break-glass without a reason was not refused (focus %q):\n%s", d.Focused(), ansi.Strip(d.View()))
	}
	typeDialog(d, "valid_client_id failures at 18%")
	d.Update(pressKey("tab"))
	d.Update(pressKey("tab"))
	d.Update(pressKey("tab"))
	d.Update(pressKey("enter"))
	if _, done := d.Result(); done || d.Focused() != "ticket" {
		t.Fatalf("break-glass without the ticket was not refused (focus %q)", d.Focused())
	}
	typeDialog(d, "INC-7")

	// Off again: refused again, with what was typed kept; the focus stays where it was.
	d.Update(pressKey(breakGlassKey))
	if d.Toggled() || d.Focused() != "ticket" {
		t.Fatalf("ctrl+g did not switch break-glass off in place (focus %q)", d.Focused())
	}
	d.Update(pressKey("tab"))
	d.Update(pressKey("tab"))
	d.Update(pressKey("enter"))
	if _, done := d.Result(); done || !strings.HasPrefix(d.err, "refused: no_freeze") {
		t.Fatalf("with break-glass off the rollback was not refused: %q", d.err)
	}
	d.Update(pressKey(breakGlassKey))
	d.Update(pressKey("enter"))
	msg, done := d.Result()
	r, _ := msg.(ConfirmResult)
	if !done || !r.Confirmed || !r.Toggled || r.Values["reason"] != "valid_client_id failures at 18%" || r.Values["ticket"] != "INC-7" {
		t.Fatalf("break-glass was not confirmed with its reason and ticket: %+v (focus %q)\n%s", r, d.Focused(), ansi.Strip(d.View()))
	}
}
