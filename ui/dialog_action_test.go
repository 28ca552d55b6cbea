package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/release-cockpit/cockpit/model"
	"github.com/release-cockpit/cockpit/themes"
)

// Plans as the executor gives them, for the dialogs' golden frames (the flows on the
// simulation cover the real executor).
func gate(n model.GateName, ok bool, reason string) model.Gate {
	return model.Gate{Name: n, OK: ok, Reason: reason}
}

var dialogResources = []model.ReleaseResource{
	{ResourceType: "job", Name: "orders_ingest"}, {ResourceType: "pipeline", Name: "orders_silver"}, {ResourceType: "job", Name: "orders_gold_refresh"},
}

func dialogPlans() map[string]struct {
	plan model.ActionPlan
	prod bool
} {
	from := model.Deployment{Release: model.Release{Bundle: "ecommerce_orders", Version: "2026.1122.21"}, DeployedBy: "marco.bianchi@example.com", DeployedAt: testNow.Add(-35 * time.Minute)}
	runNow := "POST /api/2.2/jobs/run-now job_id=4411 job_parameters={bundle: ecommerce_orders, version: 2026.1121.25, target: prod, request_id: 01a2…} idempotency_token=01a2…"
	out := map[string]struct {
		plan model.ActionPlan
		prod bool
	}{}
	out["promote"] = struct {
		plan model.ActionPlan
		prod bool
	}{model.ActionPlan{
		Request:   model.ActionRequest{Action: model.ActionPromote, Bundle: "supply_chain_kpis", Version: "2026.1123.1", Environment: "staging"},
		Actor:     "ravi.menon@example.com",
		From:      model.Deployment{Release: model.Release{Bundle: "supply_chain_kpis", Version: "2026.1122.4"}, DeployedBy: "ci", DeployedAt: testNow.Add(-20 * time.Hour)},
		To:        model.Release{Bundle: "supply_chain_kpis", Version: "2026.1123.1", GitSHA: "5f8b5d34fd60"},
		Resources: []model.ReleaseResource{{ResourceType: "job", Name: "kpi_refresh"}},
		Call:      "POST /api/2.2/jobs/run-now job_id=4410 job_parameters={bundle: supply_chain_kpis, version: 2026.1123.1, target: staging}",
		Report: model.GateReport{Gates: []model.Gate{
			gate(model.GateAuthorized, true, "ravi.menon@example.com may promote into staging"),
			gate(model.GateVerifiedUpstream, true, "supply_chain_kpis@2026.1123.1 verified healthy in dev"),
			gate(model.GatePreChecks, true, "4 pre-deploy check(s) passed"),
			gate(model.GateNoFreeze, true, "no freeze window is active in staging"),
			gate(model.GateBudget, true, "97% of the error budget left (3 failed of 2016 runs over 28d, SLO 99%)"),
		}},
	}, false}
	out["rollback_prod"] = struct {
		plan model.ActionPlan
		prod bool
	}{model.ActionPlan{
		Request: model.ActionRequest{Action: model.ActionRollback, Bundle: "ecommerce_orders", Environment: "prod"},
		Actor:   "priya.raman@example.com", From: from,
		To:        model.Release{Bundle: "ecommerce_orders", Version: "2026.1121.25", GitSHA: "9c0ffee1234"},
		Resources: dialogResources, Call: runNow,
		Writes: []string{"then: pin prod for ecommerce_orders at 2026.1121.25 when it succeeds"},
		Report: model.GateReport{Gates: []model.Gate{
			gate(model.GateAuthorized, true, "priya.raman@example.com may roll back prod"),
			gate(model.GateRollbackTarget, true, "2026.1122.21 → 2026.1121.25, the last verified deployment"),
			gate(model.GateNotVetoed, true, "ecommerce_orders@2026.1121.25 is not vetoed"),
			{Name: model.GateNoFreeze, Reason: "prod is frozen until Nov 24 08:00 UTC by the peak-season change freeze", BreakGlass: true, Overridden: true},
			gate(model.GateBudget, true, "12% of the error budget left"),
			gate(model.GateTicket, false, "prod requires a change ticket: give one (--ticket)"),
			gate(model.GateReason, false, "prod requires a reason: give one (--reason)"),
		}},
	}, true}
	out["approve"] = struct {
		plan model.ActionPlan
		prod bool
	}{model.ActionPlan{
		Request: model.ActionRequest{Action: model.ActionApprove, Bundle: "supply_chain_analytics", Version: "2026.1123.22", Environment: "prod"},
		Actor:   "kim.lee@example.com",
		From:    model.Deployment{Release: model.Release{Bundle: "supply_chain_analytics", Version: "2026.1120.2"}, DeployedBy: "ci", DeployedAt: testNow.Add(-60 * time.Hour)},
		To:      model.Release{Bundle: "supply_chain_analytics", Version: "2026.1123.22"},
		Call:    "ledger: append approved for request 01a2031b (supply_chain_analytics@2026.1123.22 into prod)",
		Report: model.GateReport{Gates: []model.Gate{
			gate(model.GateAuthorized, true, "kim.lee@example.com may approve in prod"),
			gate(model.GateRequestPending, true, "supply_chain_analytics@2026.1123.22 requested by marco.bianchi@example.com, 0 of 1 approval(s)"),
			gate(model.GateNotRequester, true, "requested by marco.bianchi@example.com, not you"),
		}},
	}, true}
	pinReport := func(pinned bool) model.GateReport {
		g := gate(model.GateNotPinned, true, "staging is not pinned for tariff_analysis")
		if pinned {
			g = gate(model.GatePinned, true, "staging is pinned for tariff_analysis by dana.okafor@example.com")
		}
		return model.GateReport{Gates: []model.Gate{
			gate(model.GateAuthorized, true, "dana.okafor@example.com may pin in staging"), g,
			gate(model.GateReason, false, "a pin needs a reason: give one (--reason)"),
		}}
	}
	stagingFrom := model.Deployment{Release: model.Release{Bundle: "tariff_analysis", Version: "2026.1121.24"}, DeployedBy: "oliver.grant@example.com", DeployedAt: testNow.Add(-28 * time.Hour)}
	for name, action := range map[string]model.Action{"pin": model.ActionPin, "unpin": model.ActionUnpin} {
		out[name] = struct {
			plan model.ActionPlan
			prod bool
		}{model.ActionPlan{
			Request: model.ActionRequest{Action: action, Bundle: "tariff_analysis", Environment: "staging"},
			Actor:   "dana.okafor@example.com", From: stagingFrom, To: stagingFrom.Release,
			Call:   "ledger: append " + string(action) + "ned for tariff_analysis in staging",
			Report: pinReport(action == model.ActionUnpin),
		}, false}
	}
	out["veto"] = struct {
		plan model.ActionPlan
		prod bool
	}{model.ActionPlan{
		Request: model.ActionRequest{Action: model.ActionVeto, Bundle: "tariff_analysis", Version: "2026.1121.24", Environment: "staging"},
		Actor:   "dana.okafor@example.com", From: stagingFrom, To: stagingFrom.Release,
		Call: "ledger: append vetoed for tariff_analysis@2026.1121.24 (it can never move on)",
		Report: model.GateReport{Gates: []model.Gate{
			gate(model.GateAuthorized, true, "dana.okafor@example.com may veto in staging"),
			gate(model.GateNotVetoed, true, "tariff_analysis@2026.1121.24 is not vetoed"),
			gate(model.GateReason, false, "a veto needs a reason: give one (--reason)"),
		}},
	}, false}
	out["retry"] = struct {
		plan model.ActionPlan
		prod bool
	}{model.ActionPlan{
		Request:   model.ActionRequest{Action: model.ActionPromote, Bundle: "crm_ingest", Version: "2026.1123.5", Environment: "staging", RetryOf: "01a2031b-23c0-74a4-b731-86434ed57c99"},
		Actor:     "ravi.menon@example.com",
		From:      model.Deployment{Release: model.Release{Bundle: "crm_ingest", Version: "2026.1122.4"}, DeployedBy: "ci", DeployedAt: testNow.Add(-26 * time.Hour)},
		To:        model.Release{Bundle: "crm_ingest", Version: "2026.1123.5"},
		Resources: []model.ReleaseResource{{ResourceType: "job", ResourceKey: "crm_accounts_job", Name: "crm_accounts"}},
		State: model.DeriveState("crm_ingest", []model.LedgerEvent{
			{EventID: "01a2031b-23c0-74a4-b731-86434ed57c99", Kind: model.EventDeployRequested, Bundle: "crm_ingest", Version: "2026.1123.5",
				Environment: "staging", Actor: "ravi.menon@example.com", At: testNow.Add(-time.Hour), Details: `{"action":"promote"}`},
			{EventID: "r1", Kind: model.EventDeployFailed, Bundle: "crm_ingest", Version: "2026.1123.5", Environment: "staging",
				Actor: "ravi.menon@example.com", At: testNow.Add(-50 * time.Minute), Details: `{"request_id":"01a2031b-23c0-74a4-b731-86434ed57c99","failed_resources":["crm_accounts_job"]}`},
		}),
		Call: "POST /api/2.2/jobs/run-now job_id=4410 (attempt 2, its own idempotency token)",
		Report: model.GateReport{Gates: []model.Gate{
			gate(model.GateAuthorized, true, "ravi.menon@example.com may promote into staging"),
			gate(model.GateNotInFlight, true, "no deployment of crm_ingest is in flight in staging"),
		}},
	}, false}
	refused := out["approve"]
	refused.plan.Request = model.ActionRequest{Action: model.ActionPromote, Bundle: "supply_chain_analytics", Version: "2026.1123.22", Environment: "prod"}
	refused.plan.Actor = "ravi.menon@example.com"
	refused.plan.Call = "POST /api/2.2/jobs/run-now job_id=4412 job_parameters={bundle: supply_chain_analytics, version: 2026.1123.22, target: prod}"
	refused.plan.Report = model.GateReport{Gates: []model.Gate{
		gate(model.GateAuthorized, true, "ravi.menon@example.com may promote into prod"),
		gate(model.GateVerifiedUpstream, true, "supply_chain_analytics@2026.1123.22 verified healthy in staging"),
		gate(model.GateApprovals, false, "needs 1 approval(s) by people other than the requester, has 0: ask group leads"),
		gate(model.GateTicket, false, "prod requires a change ticket: give one (--ticket)"),
	}}
	out["promote_refused_prod"] = refused
	return out
}

// Golden frames of every action dialog at 80x24 and 120x40, dark and mono.
func TestActionDialogsGoldenAtTwoSizesDarkAndMono(t *testing.T) {
	plans := dialogPlans()
	disabled := disabledSpec(model.ActionPromote, &actionTarget{Bundle: "supply_chain_analytics", Version: "2026.1123.22", Env: "prod"},
		"you (vera.viewer@example.com) are not in prod's promoters: group release-managers")
	for _, th := range []struct {
		name  string
		theme func() *themes.Theme
	}{{"dark", themes.Dark}, {"mono", themes.Mono}} {
		for _, sz := range sizes[:2] {
			names := []string{"disabled"}
			for n := range plans {
				names = append(names, n)
			}
			for _, n := range names {
				t.Run(fmt.Sprintf("%s_%s_%dx%d", n, th.name, sz.w, sz.h), func(t *testing.T) {
					c := dialogCommon(th.theme())
					spec := disabled
					if n != "disabled" {
						spec = actionSpec(plans[n].plan, plans[n].prod)
					}
					got := drawDialog(NewConfirm(c, spec), sz.w, sz.h)
					golden(t, fmt.Sprintf("dialog_%s_%s_%dx%d", n, th.name, sz.w, sz.h), got)
					if th.name == "mono" && hasColour(got) {
						t.Errorf("the mono dialog has colour")
					}
				})
			}
		}
	}
}

func TestActionDialogsSayWhatTheyDoAndWhatMustBeTyped(t *testing.T) {
	plans := dialogPlans()
	rb := actionSpec(plans["rollback_prod"].plan, true)
	if rb.Mode != ConfirmTyped || rb.Phrase != "prod/ecommerce_orders" || rb.Disabled != "" {
		t.Errorf("a prod rollback is not a typed confirmation of prod/ecommerce_orders that may go on: %+v", rb)
	}
	if len(rb.Fields) != 2 || !rb.Fields[0].Required || !rb.Fields[1].Required {
		t.Errorf("a prod rollback does not require a reason and a ticket: %+v", rb.Fields)
	}
	plain := ansi.Strip(drawDialog(NewConfirm(dialogCommon(themes.Mono()), rb), 120, 40))
	for _, want := range []string{"from 2026.1122.21", "to   2026.1121.25", "pipeline orders_silver", "POST /api/2.2/jobs/run-now", "overridden by break-glass", "type it below"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the rollback dialog lacks %q:\n%s", want, plain)
		}
	}
	st := actionSpec(plans["promote"].plan, false)
	if st.Mode != ConfirmYesNo || st.Disabled != "" {
		t.Errorf("a staging promotion with every gate ok is not a y/N dialog: %+v", st)
	}
	ref := actionSpec(plans["promote_refused_prod"].plan, true)
	if !strings.Contains(ref.Disabled, "approvals: needs 1 approval") || strings.Contains(ref.Disabled, "ticket") {
		t.Errorf("the refused promotion does not say the missing approval (and only it) blocks: %q", ref.Disabled)
	}
	pin := actionSpec(plans["pin"].plan, false)
	if pin.Mode != ConfirmTyped || pin.Phrase != "" || len(pin.Fields) != 1 || !pin.Fields[0].Required {
		t.Errorf("a staging pin does not ask for its reason (and only that): %+v", pin)
	}
}

// Elapsed time comes from tick messages; the end says how it went and a key then closes.
func TestProgressCountsTicksAndEndsWithTheOutcome(t *testing.T) {
	p := newProgress(dialogCommon(themes.Mono()), 7, "Roll back ecommerce_orders in prod")
	p.SetSize(120, 30)
	t0 := testNow
	p.Update(progressTick{id: 7, at: t0})
	p.Update(execProgress{id: 7, p: model.ActionProgress{RequestID: "r1", RunID: 42, State: "PENDING", RunURL: "https://sim/#job/1/run/42"}})
	p.Update(execProgress{id: 7, p: model.ActionProgress{RequestID: "r1", RunID: 42, State: "RUNNING", Task: "deploy"}})
	p.Update(progressTick{id: 8, at: t0.Add(time.Hour)}) // another execution's tick
	p.Update(progressTick{id: 7, at: t0.Add(4 * time.Second)})
	v := ansi.Strip(p.View())
	for _, want := range []string{"PENDING → RUNNING", "task    deploy", "elapsed 4s", "run     42", "https://sim/#job/1/run/42", "running"} {
		if !strings.Contains(v, want) {
			t.Errorf("the progress lacks %q:\n%s", want, v)
		}
	}
	p.Update(pressKey("x"))
	if _, done := p.Result(); done {
		t.Fatal("a key closed the progress while the run goes on")
	}
	p.Update(execFinished{id: 7, out: model.ActionOutcome{State: "succeeded", RunID: 42}})
	if v := ansi.Strip(p.View()); !strings.Contains(v, "✓ succeeded") {
		t.Errorf("the end does not say it succeeded:\n%s", v)
	}
	p.Update(pressKey("x"))
	if _, done := p.Result(); !done {
		t.Error("a key after the end does not close the progress")
	}
}

// A failed deploy's message is wrapped, not cut: the resources that failed and the request
// stay in sight, and the box says R retries it once closed.
func TestProgressOfAFailedDeploySaysWhatFailedAndThatRRetriesIt(t *testing.T) {
	p := newProgress(dialogCommon(themes.Mono()), 9, "Promote kpi@1.2 to staging")
	p.SetSize(80, 30)
	err := fmt.Errorf("the deployment failed: run 42 of request 0193abcd-7d1a-7c3e-9f00-3b1d2a4c5e6f ended failed: bundle deploy failed on kpi_refresh_job, kpi_dlt (retry it with cockpit retry 0193abcd-7d1a-7c3e-9f00-3b1d2a4c5e6f)")
	p.Update(execFinished{id: 9, out: model.ActionOutcome{State: "failed", RunID: 42}, err: err})
	v := ansi.Strip(p.View())
	for _, want := range []string{"✗ failed: the deployment failed", "kpi_refresh_job, kpi_dlt", "then R retries it"} {
		if !strings.Contains(v, want) {
			t.Errorf("the failure lacks %q:\n%s", want, v)
		}
	}
	// Refused before any run (no outcome): nothing to retry.
	p = newProgress(dialogCommon(themes.Mono()), 10, "Promote kpi@1.2 to staging")
	p.SetSize(80, 30)
	p.Update(execFinished{id: 10, err: fmt.Errorf("refused: approvals: needs 1 approval")})
	if v := ansi.Strip(p.View()); strings.Contains(v, "R retries") || !strings.Contains(v, "any key closes") {
		t.Errorf("a refusal offers a retry:\n%s", v)
	}
}
