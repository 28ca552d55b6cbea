package model

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	priya  = Principal{User: "priya.raman@example.com", Groups: []string{"data-eng", "oncall"}}
	marco  = Principal{User: "marco.bianchi@example.com", Groups: []string{"data-eng", "release-managers"}}
	dana   = Principal{User: "dana.okafor@example.com", Groups: []string{"data-eng", "leads"}}
	lena   = Principal{User: "lena.fischer@example.com", Groups: []string{"leads"}}
	ci     = Principal{User: "7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13", Groups: []string{"deployers"}}
	viewer = Principal{User: "viewer@example.com", Groups: []string{"readers"}}
	// kim both promotes and may break glass.
	kim = Principal{User: "kim.ito@example.com", Groups: []string{"release-managers", "oncall"}}
)

// gateNow is the fixture's clock: Sunday 29 November 2026, 04:00 UTC.
var gateNow = time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)

func groups(gs ...string) Principals { return Principals{Groups: gs} }

// fixturePolicy is the simulation's policy, written out, with a weekend freeze in prod that
// is not active at gateNow (a Sunday) unless a test adds one.
func fixturePolicy() Policy {
	prodGrants := map[Action]Principals{
		ActionPromote:    groups("release-managers", "deployers"),
		ActionRollback:   groups("oncall", "release-managers"),
		ActionApprove:    groups("leads"),
		ActionPin:        groups("oncall", "release-managers", "leads"),
		ActionUnpin:      groups("oncall", "release-managers", "leads"),
		ActionVeto:       groups("leads", "release-managers"),
		ActionBreakGlass: groups("oncall", "leads"),
	}
	return Policy{Environments: []EnvPolicy{
		{Name: "dev", DeployerJob: "release-cockpit-deployer-dev", Grants: map[Action]Principals{
			ActionPromote: groups("data-eng", "deployers"), ActionRollback: groups("data-eng", "deployers"),
			ActionPin: groups("data-eng"), ActionUnpin: groups("data-eng"), ActionVeto: groups("data-eng")}},
		{Name: "staging", DeployerJob: "release-cockpit-deployer-staging", Grants: map[Action]Principals{
			ActionPromote: groups("release-managers", "deployers"), ActionRollback: groups("oncall", "release-managers"),
			ActionVeto: groups("leads", "release-managers")}},
		{Name: "prod", DeployerJob: "release-cockpit-deployer-prod", DeployerJobID: 7001, Grants: prodGrants,
			ApprovalsRequired: 1, TicketRequired: true, ReasonRequired: true, BakeTime: 30 * time.Minute, SLO: DefaultSLO()},
	}}
}

// ledger builds events of bundle "kpi" one after another, a minute apart from base.
type ledger struct {
	at  time.Time
	evs []LedgerEvent
}

func (l *ledger) add(kind EventKind, version, env, status, actor string, details any) string {
	l.at = l.at.Add(time.Minute)
	id := fmt.Sprintf("ev-%03d", len(l.evs)+1)
	e := LedgerEvent{EventID: id, ReleaseID: ReleaseID("kpi", version), Bundle: "kpi", Version: version, GitSHA: "sha-" + version,
		Environment: env, Kind: kind, Status: status, Actor: actor, At: l.at}
	switch d := details.(type) {
	case string:
		e.Details = d
	case RequestDetails:
		b := fmt.Sprintf(`{"action":%q,"from":%q,"to":%q,"approvals_required":%d,"request_id":%q}`, d.Action, d.From, d.To, d.ApprovalsRequired, d.RequestID)
		e.Details = b
	}
	l.evs = append(l.evs, e)
	return id
}

// deploy lands a version in an environment through a request, with a verdict ("" for none).
func (l *ledger) deploy(version, env, verdict string) {
	req := l.add(EventDeployRequested, version, env, StatusRequested, ci.User, RequestDetails{Action: ActionPromote, To: version})
	l.add(EventDeployStarted, version, env, "started", ci.User, RequestDetails{RequestID: req})
	l.add(EventDeploySucceeded, version, env, "succeeded", ci.User, RequestDetails{RequestID: req})
	if verdict != "" {
		l.add(EventVerdict, version, env, verdict, "cockpit", nil)
	}
}

// fixtureLedger: 1.0 and 1.1 verified everywhere; 2.0 verified in staging and waiting for
// prod, where marco asked for it; 2.1 failing in staging; 2.2 in staging without a verdict;
// 3.0 vetoed in staging; prod runs 1.2, failing, on top of the verified 1.1.
func fixtureLedger() (*ledger, string) {
	l := &ledger{at: gateNow.Add(-72 * time.Hour)}
	for _, v := range []string{"1.0", "1.1"} {
		for _, env := range []string{"dev", "staging", "prod"} {
			l.deploy(v, env, "healthy")
		}
	}
	l.deploy("1.2", "dev", "healthy")
	l.deploy("1.2", "staging", "healthy")
	l.deploy("1.2", "prod", "failing")
	l.deploy("2.0", "dev", "healthy")
	l.deploy("2.0", "staging", "healthy")
	l.deploy("2.1", "staging", "failing")
	l.deploy("2.2", "staging", "")
	l.deploy("3.0", "staging", "degraded")
	l.add(EventVetoed, "3.0", "staging", "vetoed", dana.User, nil)
	l.evs[len(l.evs)-1].Reason = "drops EU tariff lines"
	req := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{Action: ActionPromote, From: "1.2", To: "2.0", ApprovalsRequired: 1})
	return l, req
}

var passingPreChecks = []Check{
	{Name: "bundle_validate", Phase: PhasePre, Outcome: OutcomePass},
	{Name: "tests", Phase: PhasePre, Outcome: OutcomePass},
	{Name: "canary_run", Phase: PhasePost, Outcome: OutcomeFail}, // post checks do not count
}

func baseInput(l *ledger) GateInput {
	return GateInput{
		Action: ActionPromote, Policy: fixturePolicy(), Environment: "prod",
		Release: Release{Bundle: "kpi", Version: "2.0", GitSHA: "sha-2.0"}, Principal: marco, Permission: PermissionCanManageRun,
		Ticket: "CHG-48230", Reason: "weekly KPI release", State: DeriveState("kpi", l.evs), PreChecks: passingPreChecks,
		Budget: ComputeBudget(DefaultSLO(), []Tally{{At: gateNow.Add(-time.Hour), Good: 1000, Bad: 2}}, gateNow), Now: gateNow,
	}
}

func spentBudget() Budget {
	return ComputeBudget(DefaultSLO(), []Tally{{At: gateNow.Add(-48 * time.Hour), Good: 600, Bad: 12}}, gateNow)
}

// activeFreeze adds a prod freeze that started an hour before gateNow.
func activeFreeze(in *GateInput) {
	start := gateNow.Add(-time.Hour)
	w := FreezeWindow{Kind: WindowDeny, Schedule: Cron{}, Duration: 24 * time.Hour, Reason: "peak-season change freeze"}
	w.Schedule, _ = ParseCron(start.Format("4 15 2 1 *"))
	in.Policy.Environments[2].Windows = append(in.Policy.Environments[2].Windows, w)
}

func approveBy(l *ledger, req string, who Principal) {
	l.add(EventApproved, "2.0", "prod", "approved", who.User, RequestDetails{RequestID: req})
}

type gateWant struct {
	gate    GateName
	ok      bool
	reason  string // contained in the gate's reason
	overrid bool
}

func TestEvaluateGatesPromote(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(l *ledger, req string, in *GateInput)
		wantOK bool
		want   []gateWant
		glass  bool // BreakGlassUsed
	}{
		{"approved promotion passes every gate", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana) }, true,
			[]gateWant{{gate: GateApprovals, ok: true, reason: "approved by dana.okafor@example.com (1 of 1)"},
				{gate: GateVerifiedUpstream, ok: true, reason: "kpi@2.0 verified healthy in staging"},
				{gate: GateAuthorized, ok: true, reason: "marco.bianchi@example.com may promote into prod"}}, false},
		{"missing approval blocks", nil, false,
			[]gateWant{{gate: GateApprovals, reason: "needs 1 approval(s) by people other than the requester, has 0: ask group leads (cockpit approve kpi@2.0 --env prod)"}}, false},
		{"the requester's own approval does not count", func(l *ledger, req string, in *GateInput) { approveBy(l, req, marco) }, false,
			[]gateWant{{gate: GateApprovals, reason: "has 0"}}, false},
		{"an approval does not count for the promoter who gave it", func(l *ledger, req string, in *GateInput) {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, ci.User, RequestDetails{Action: ActionPromote, ApprovalsRequired: 1})
			l.add(EventApproved, "2.0", "prod", "approved", kim.User, RequestDetails{RequestID: r})
			in.Principal, in.RequestID = kim, r
		}, false, []gateWant{{gate: GateApprovals, reason: "has 0"}}, false},
		{"pinned refuses", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			l.add(EventPinned, "1.1", "prod", "pinned", priya.User, nil)
			l.evs[len(l.evs)-1].Reason, l.evs[len(l.evs)-1].Ticket = "rolled back 1.2: SLA breach", "INC-7"
		}, false, []gateWant{{gate: GateNotPinned, reason: "prod is pinned for kpi at 1.1 by priya.raman@example.com at Thu 2026-11-26 "},
			{gate: GateNotPinned, reason: "SLA breach (INC-7); unpin it with a reason first (cockpit unpin --bundle kpi --env prod --reason ...)"}}, false},
		{"unpinned promotes again", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			l.add(EventPinned, "1.1", "prod", "pinned", priya.User, nil)
			l.add(EventUnpinned, "1.1", "prod", "unpinned", dana.User, nil)
		}, true, []gateWant{{gate: GateNotPinned, ok: true}}, false},
		{"a pin without a reason", func(l *ledger, req string, in *GateInput) {
			l.add(EventPinned, "1.1", "prod", "pinned", priya.User, nil)
		}, false, []gateWant{{gate: GateNotPinned, reason: ": no reason given; unpin it"}}, false},
		{"a pin elsewhere does not count", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			l.add(EventPinned, "2.0", "staging", "pinned", priya.User, nil)
		}, true, []gateWant{{gate: GateNotPinned, ok: true}}, false},
		{"freeze refuses", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana); activeFreeze(in) }, false,
			[]gateWant{{gate: GateNoFreeze, reason: "prod is frozen until Mon 2026-11-30 03:00 UTC by peak-season change freeze; wait, or break glass with a reason (groups oncall, leads)"}}, false},
		{"freeze: break-glass with a reason by an allowed user", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			activeFreeze(in)
			in.Principal, in.BreakGlass, in.Reason = kim, true, "P0: revenue dashboard down"
		}, true, []gateWant{{gate: GateNoFreeze, overrid: true}, {gate: GateBreakGlass, ok: true, reason: "break-glass by kim.ito@example.com overrides the freeze and budget gates: P0: revenue dashboard down"}}, true},
		{"freeze: break-glass refused to a user not allowed", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			activeFreeze(in)
			in.BreakGlass = true
		}, false, []gateWant{{gate: GateNoFreeze}, {gate: GateBreakGlass, reason: "break-glass refused: you (marco.bianchi@example.com) are not in prod's break-glass list: groups oncall, leads"}}, false},
		{"freeze: break-glass without a reason", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			activeFreeze(in)
			in.Principal, in.BreakGlass, in.Reason = kim, true, "  "
			in.Policy.Environments[2].ReasonRequired = false
		}, false, []gateWant{{gate: GateNoFreeze}, {gate: GateBreakGlass, reason: "break-glass needs a reason"}}, false},
		{"spent budget refuses", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana); in.Budget = spentBudget() }, false,
			[]gateWant{{gate: GateBudget, reason: "kpi's error budget spent: 12 failed of 612 runs over 28d, SLO 99% allows 6.1 in prod; wait, or break glass"}}, false},
		{"spent budget: break-glass by an allowed user", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Budget, in.Principal, in.BreakGlass, in.Reason = spentBudget(), kim, true, "security fix CVE-2026-1"
		}, true, []gateWant{{gate: GateBudget, overrid: true}, {gate: GateBreakGlass, ok: true}}, true},
		{"break-glass overrides nothing else", func(l *ledger, req string, in *GateInput) {
			in.Budget, in.Principal, in.BreakGlass, in.Reason = spentBudget(), kim, true, "security fix"
		}, false, []gateWant{{gate: GateBudget, overrid: true}, {gate: GateApprovals}}, true},
		{"break-glass with nothing to override is not used", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Principal, in.BreakGlass = kim, true
		}, true, []gateWant{{gate: GateBreakGlass, ok: true, reason: "not used"}}, false},
		{"an SLO that does not gate", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Budget = spentBudget()
			in.Policy.Environments[2].SLO.Gate = false
		}, true, []gateWant{{gate: GateBudget, ok: true, reason: "error budget spent: 12 failed of 612 runs over 28d, SLO 99% allows 6.1 (not a gate in prod)"}}, false},
		{"no SLO, no budget gate", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Budget = spentBudget()
			in.Policy.Environments[2].SLO = SLO{}
		}, true, []gateWant{{gate: GateBudget, ok: true, reason: "prod has no SLO"}}, false},
		{"missing CAN_MANAGE_RUN", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana); in.Permission = PermissionCanView }, false,
			[]gateWant{{gate: GateAuthorized, reason: "you lack CAN_MANAGE_RUN on job release-cockpit-deployer-prod (have CAN_VIEW)"}}, false},
		{"not a promoter", func(l *ledger, req string, in *GateInput) { approveBy(l, req, lena); in.Principal = priya }, false,
			[]gateWant{{gate: GateAuthorized, reason: "you (priya.raman@example.com) are not in prod's promoters: groups release-managers, deployers"}}, false},
		{"read-only", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana); in.Policy.ReadOnly = true }, false,
			[]gateWant{{gate: GateAuthorized, reason: "read-only mode"}}, false},
		{"vetoed", func(l *ledger, req string, in *GateInput) { in.Release.Version = "3.0" }, false,
			[]gateWant{{gate: GateNotVetoed, reason: "kpi@3.0 was vetoed in staging by dana.okafor@example.com at "}, {gate: GateNotVetoed, reason: ": drops EU tariff lines"},
				{gate: GateVerifiedUpstream, reason: "kpi@3.0 is degraded in staging: only a healthy release moves on"}}, false},
		{"already current", func(l *ledger, req string, in *GateInput) { in.Environment, in.Release.Version = "staging", "3.0" }, false,
			[]gateWant{{gate: GateNotCurrent, reason: "kpi@3.0 is already current in staging (since "}}, false},
		{"failing upstream", func(l *ledger, req string, in *GateInput) { in.Release.Version = "2.1" }, false,
			[]gateWant{{gate: GateVerifiedUpstream, reason: "kpi@2.1 is failing in staging"}}, false},
		{"not yet judged upstream", func(l *ledger, req string, in *GateInput) { in.Release.Version = "2.2" }, false,
			[]gateWant{{gate: GateVerifiedUpstream, reason: "kpi@2.2 has no verdict in staging yet"}}, false},
		{"judged healthy upstream without a verdict event", func(l *ledger, req string, in *GateInput) {
			in.Environment, in.Release.Version, in.Ticket, in.Reason = "prod", "2.2", "CHG-1", "r"
			in.Upstream = &Assessment{Verdict: VerdictHealthy}
		}, false, []gateWant{{gate: GateVerifiedUpstream, ok: true, reason: "kpi@2.2 judged healthy in staging after its bake time"}}, false},
		{"judged healthy but still provisional upstream", func(l *ledger, req string, in *GateInput) {
			in.Release.Version = "2.2"
			in.Upstream = &Assessment{Verdict: VerdictHealthy, Provisional: true}
		}, false, []gateWant{{gate: GateVerifiedUpstream, reason: "kpi@2.2 has no verdict in staging yet"}}, false},
		{"judged degraded upstream", func(l *ledger, req string, in *GateInput) {
			in.Release.Version = "2.2"
			in.Upstream = &Assessment{Verdict: VerdictDegraded, Reasons: []string{"1 check(s) inconclusive: a person must decide"}}
		}, false, []gateWant{{gate: GateVerifiedUpstream, reason: "kpi@2.2 is degraded in staging: only a healthy release moves on (1 check(s) inconclusive: a person must decide)"}}, false},
		{"a verdict event beats the live judgement", func(l *ledger, req string, in *GateInput) {
			in.Release.Version = "2.1"
			in.Upstream = &Assessment{Verdict: VerdictHealthy}
		}, false, []gateWant{{gate: GateVerifiedUpstream, reason: "kpi@2.1 is failing in staging"}}, false},
		{"never upstream", func(l *ledger, req string, in *GateInput) { in.Release.Version = "9.9" }, false,
			[]gateWant{{gate: GateVerifiedUpstream, reason: "kpi@9.9 was never deployed to staging: promote it there first"}}, false},
		{"pre-deploy check failed", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.PreChecks = append([]Check{{Name: "schema_compat", Phase: PhasePre, Outcome: OutcomeFail}}, passingPreChecks...)
		}, false, []gateWant{{gate: GatePreChecks, reason: "1 pre-deploy check(s) failed (schema_compat)"}}, false},
		{"pre-deploy check re-run and passed", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.PreChecks = append([]Check{{Name: "tests", Phase: PhasePre, Outcome: OutcomeFail, At: gateNow.Add(-time.Hour)}},
				Check{Name: "tests", Phase: PhasePre, Outcome: OutcomePass, At: gateNow.Add(-time.Minute)})
		}, true, []gateWant{{gate: GatePreChecks, ok: true, reason: "1 pre-deploy check(s) passed"}}, false},
		{"pre-deploy check pending", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.PreChecks = []Check{{Name: "tests", Phase: PhasePre, Outcome: OutcomePending}}
		}, false, []gateWant{{gate: GatePreChecks, reason: "1 pre-deploy check(s) pending (tests): wait for them"}}, false},
		{"pre-deploy check without data", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.PreChecks = []Check{{Name: "policy", Phase: PhasePre, Outcome: OutcomePass, NoData: true}}
		}, false, []gateWant{{gate: GatePreChecks, reason: "inconclusive (policy)"}}, false},
		{"a failed check without data is inconclusive, an unknown outcome too", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.PreChecks = []Check{{Name: "policy", Phase: PhasePre, Outcome: OutcomeFail, NoData: true}, {Name: "tests", Phase: PhasePre, Outcome: "skipped"}}
		}, false, []gateWant{{gate: GatePreChecks, reason: "2 pre-deploy check(s) inconclusive (policy, tests)"}}, false},
		{"no pre-deploy checks", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana); in.PreChecks = nil }, false,
			[]gateWant{{gate: GatePreChecks, reason: "no pre-deploy checks are recorded for kpi@2.0"}}, false},
		{"in flight", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			r := l.add(EventDeployRequested, "1.1", "prod", StatusRequested, priya.User, RequestDetails{Action: ActionRollback})
			l.add(EventDeployStarted, "1.1", "prod", "started", priya.User, RequestDetails{RequestID: r})
			l.evs[len(l.evs)-1].RunID = 4242
		}, false, []gateWant{{gate: GateNotInFlight, reason: "rollback kpi@1.1 by priya.raman@example.com is in flight in prod since "},
			{gate: GateNotInFlight, reason: "(request ev-"}, {gate: GateNotInFlight, reason: ", run 4242): wait for it to end"}}, false},
		{"asked for, never started", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			l.add(EventDeployRequested, "1.1", "prod", StatusRequested, priya.User, RequestDetails{Action: ActionRollback})
		}, false, []gateWant{{gate: GateNotInFlight, reason: "): it has not started; if the cockpit that asked died, the next start reconciles it"}}, false},
		{"the request judged is not in flight against itself", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, RequestDetails{RequestID: req})
			in.RequestID = req
		}, true, []gateWant{{gate: GateNotInFlight, ok: true}, {gate: GateApprovals, ok: true}}, false},
		{"ticket and reason missing", func(l *ledger, req string, in *GateInput) { approveBy(l, req, dana); in.Ticket, in.Reason = "", "" }, false,
			[]gateWant{{gate: GateTicket, reason: "prod requires a change ticket: give one (--ticket)"}, {gate: GateReason, reason: "prod requires a reason"}}, false},
		{"ticket pattern", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Policy.Environments[2].TicketPattern = regexp.MustCompile(`^(CHG|INC)-[0-9]+$`)
			in.Ticket = "see slack"
		}, false, []gateWant{{gate: GateTicket, reason: `"see slack" does not look like a change ticket in prod (^(CHG|INC)-[0-9]+$)`}}, false},
		{"ticket pattern matched", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Policy.Environments[2].TicketPattern = regexp.MustCompile(`^(CHG|INC)-[0-9]+$`)
		}, true, []gateWant{{gate: GateTicket, ok: true, reason: "given: CHG-48230"}}, false},
		{"staging needs no approval nor ticket", func(l *ledger, req string, in *GateInput) {
			in.Environment, in.Release.Version, in.Ticket, in.Reason = "staging", "1.2", "", ""
			in.Budget = spentBudget() // staging has no SLO
		}, true, []gateWant{{gate: GateApprovals, ok: true, reason: "no approvals required in staging"}, {gate: GateTicket, ok: true, reason: "not required"},
			{gate: GateVerifiedUpstream, ok: true, reason: "verified healthy in dev"}}, false},
		{"dev is the first environment", func(l *ledger, req string, in *GateInput) {
			in.Environment, in.Release.Version, in.Principal, in.PreChecks = "dev", "4.0", ci, nil
		}, true, []gateWant{{gate: GateVerifiedUpstream, ok: true, reason: "dev is the first environment"}, {gate: GatePreChecks, ok: true}}, false},
	}
	for _, c := range cases {
		l, req := fixtureLedger()
		in := baseInput(l)
		if c.setup != nil {
			c.setup(l, req, &in)
		}
		in.State = DeriveState("kpi", l.evs)
		rep := EvaluateGates(in)
		checkReport(t, c.name, rep, c.wantOK, c.want, c.glass)
		awaits := map[string]bool{"missing approval blocks": true, "the requester's own approval does not count": true,
			"an approval does not count for the promoter who gave it": true, "break-glass overrides nothing else": true,
			"judged healthy upstream without a verdict event": true}[c.name]
		if rep.AwaitsApproval() != awaits {
			t.Errorf("%s: AwaitsApproval %v, want %v", c.name, rep.AwaitsApproval(), awaits)
		}
	}
}

func checkReport(t *testing.T, name string, rep GateReport, wantOK bool, want []gateWant, glass bool) {
	t.Helper()
	if rep.OK() != wantOK {
		t.Errorf("%s: OK = %v, want %v; blocking: %q", name, rep.OK(), wantOK, rep.Reasons())
	}
	if rep.BreakGlassUsed != glass {
		t.Errorf("%s: BreakGlassUsed = %v, want %v", name, rep.BreakGlassUsed, glass)
	}
	for _, w := range want {
		g, ok := rep.Gate(w.gate)
		if !ok {
			t.Errorf("%s: no gate %s in %+v", name, w.gate, rep.Gates)
			continue
		}
		if g.OK != w.ok || g.Overridden != w.overrid || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("%s: gate %s = ok %v overridden %v %q; want ok %v overridden %v and a reason containing %q", name, w.gate, g.OK, g.Overridden, g.Reason, w.ok, w.overrid, w.reason)
		}
	}
	for _, g := range rep.Gates {
		if g.Reason == "" {
			t.Errorf("%s: gate %s has no reason", name, g.Name)
		}
	}
}

func TestEvaluateGatesRollback(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(l *ledger, in *GateInput)
		wantOK  bool
		want    []gateWant
		glass   bool
		version string // the report's release
	}{
		{"default target is the last verified deployment", nil, true,
			[]gateWant{{gate: GateRollbackTarget, ok: true, reason: "1.2 → 1.1, the last verified deployment"}}, false, "1.1"},
		{"an older verified version", func(l *ledger, in *GateInput) { in.Release.Version = "1.0" }, true,
			[]gateWant{{gate: GateRollbackTarget, ok: true, reason: "1.2 → 1.0, verified at"}}, false, "1.0"},
		{"not to the current version", func(l *ledger, in *GateInput) { in.Release.Version = "1.2" }, false,
			[]gateWant{{gate: GateRollbackTarget, reason: "kpi@1.2 is already current in prod"}}, false, "1.2"},
		{"not to an unverified version", func(l *ledger, in *GateInput) {
			l.deploy("1.3", "prod", "degraded")
			l.deploy("1.4", "prod", "")
			in.Release.Version = "1.3"
		}, false, []gateWant{{gate: GateRollbackTarget, reason: "kpi@1.3 was degraded in prod: roll back only to a verified deployment"}}, false, "1.3"},
		{"not to a version never in the environment", func(l *ledger, in *GateInput) { in.Release.Version = "2.0" }, false,
			[]gateWant{{gate: GateRollbackTarget, reason: "kpi@2.0 was never deployed to prod before the current 1.2"}}, false, "2.0"},
		{"no verified target", func(l *ledger, in *GateInput) { in.Environment = "staging"; in.Principal = marco; l.evs = l.evs[:0] }, false,
			[]gateWant{{gate: GateRollbackTarget, reason: "kpi has no deployment in staging to roll back"}}, false, ""},
		{"not to a vetoed version", func(l *ledger, in *GateInput) {
			l.add(EventVetoed, "1.1", "prod", "vetoed", dana.User, nil)
		}, false, []gateWant{{gate: GateNotVetoed, reason: "kpi@1.1 was vetoed in prod"}}, false, "1.1"},
		{"a pin does not block a rollback", func(l *ledger, in *GateInput) { l.add(EventPinned, "1.2", "prod", "pinned", priya.User, nil) }, true, nil, false, "1.1"},
		{"freeze blocks a rollback", func(l *ledger, in *GateInput) { activeFreeze(in) }, false,
			[]gateWant{{gate: GateNoFreeze, reason: "prod is frozen until"}}, false, "1.1"},
		{"on-call breaks glass in a freeze", func(l *ledger, in *GateInput) { activeFreeze(in); in.BreakGlass = true }, true,
			[]gateWant{{gate: GateNoFreeze, overrid: true}, {gate: GateBreakGlass, ok: true}}, true, "1.1"},
		{"a spent budget does not refuse a rollback: it is the remedy", func(l *ledger, in *GateInput) { in.Budget = spentBudget() }, true,
			[]gateWant{{gate: GateBudget, ok: true, reason: "budget spent: rollbacks are allowed, promotions are frozen (kpi's error budget spent: 12 failed of 612 runs over 28d"}}, false, "1.1"},
		{"a spent budget needs no break-glass for a rollback", func(l *ledger, in *GateInput) { in.Budget, in.BreakGlass = spentBudget(), true }, true,
			[]gateWant{{gate: GateBudget, ok: true}, {gate: GateBreakGlass, ok: true, reason: "no freeze or budget gate blocks: not used"}}, false, "1.1"},
		{"a spent budget and a freeze: the freeze still needs break-glass", func(l *ledger, in *GateInput) { in.Budget = spentBudget(); activeFreeze(in) }, false,
			[]gateWant{{gate: GateBudget, ok: true, reason: "rollbacks are allowed"}, {gate: GateNoFreeze, reason: "prod is frozen until"}}, false, "1.1"},
		{"a release manager may roll back but not break glass", func(l *ledger, in *GateInput) {
			activeFreeze(in)
			in.Budget, in.Principal, in.BreakGlass = spentBudget(), marco, true
		}, false, []gateWant{{gate: GateAuthorized, ok: true}, {gate: GateBudget, ok: true}, {gate: GateBreakGlass, reason: "not in prod's break-glass list"}}, false, "1.1"},
		{"a lead may not roll back", func(l *ledger, in *GateInput) { in.Principal = dana }, false,
			[]gateWant{{gate: GateAuthorized, reason: "you (dana.okafor@example.com) are not in prod's rollback list: groups oncall, release-managers"}}, false, "1.1"},
		{"in flight blocks a rollback", func(l *ledger, in *GateInput) {
			l.add(EventDeployRequested, "1.2", "prod", StatusRequested, ci.User, RequestDetails{Action: ActionPromote})
		}, false, []gateWant{{gate: GateNotInFlight, reason: "promote kpi@1.2 by 7c1e5a92"}}, false, "1.1"},
		{"prod wants a ticket for a rollback", func(l *ledger, in *GateInput) { in.Ticket = "" }, false,
			[]gateWant{{gate: GateTicket, reason: "prod requires a change ticket"}}, false, "1.1"},
	}
	for _, c := range cases {
		l, _ := fixtureLedger()
		in := baseInput(l)
		in.Action, in.Principal, in.Release.Version, in.Reason, in.Ticket = ActionRollback, priya, "", "1.2 breaks the SLA", "INC-7"
		if c.setup != nil {
			c.setup(l, &in)
		}
		in.State = DeriveState("kpi", l.evs)
		rep := EvaluateGates(in)
		checkReport(t, c.name, rep, c.wantOK, c.want, c.glass)
		if rep.Release.Version != c.version {
			t.Errorf("%s: target %q, want %q", c.name, rep.Release.Version, c.version)
		}
	}
}

func TestEvaluateGatesApprovePinUnpinVeto(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(l *ledger, req string, in *GateInput)
		wantOK bool
		want   []gateWant
	}{
		{"a lead approves", func(l *ledger, req string, in *GateInput) { in.Action, in.Principal = ActionApprove, dana }, true,
			[]gateWant{{gate: GateRequestPending, ok: true, reason: "kpi@2.0 requested by marco.bianchi@example.com, 0 of 1 approval(s)"},
				{gate: GateNotRequester, ok: true}}},
		{"the requester cannot approve their own request", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal = ActionApprove, Principal{User: marco.User, Groups: []string{"leads", "release-managers"}}
		}, false, []gateWant{{gate: GateAuthorized, ok: true}, {gate: GateNotRequester, reason: "you (marco.bianchi@example.com) requested it: another person must approve"}}},
		{"the requester cannot approve, whatever the case of the name", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal = ActionApprove, Principal{User: "Marco.Bianchi@example.com", Groups: []string{"leads"}}
		}, false, []gateWant{{gate: GateNotRequester, reason: "requested it"}}},
		{"one approval per person", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			in.Action, in.Principal = ActionApprove, dana
		}, false, []gateWant{{gate: GateRequestPending, ok: true}, {gate: GateNotRequester, reason: "approved it already"}}},
		{"only approvers approve", func(l *ledger, req string, in *GateInput) { in.Action, in.Principal = ActionApprove, priya }, false,
			[]gateWant{{gate: GateAuthorized, reason: "not in prod's approvers: group leads"}}},
		{"nothing pending", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal, in.Release.Version = ActionApprove, dana, "1.1"
		}, false,
			[]gateWant{{gate: GateRequestPending, reason: "no request of kpi@1.1 into prod awaits approval"}}},
		{"a request that ran cannot be approved", func(l *ledger, req string, in *GateInput) {
			approveBy(l, req, dana)
			l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, RequestDetails{RequestID: req})
			in.Action, in.Principal, in.RequestID = ActionApprove, lena, req
		}, false, []gateWant{{gate: GateRequestPending, reason: "is in flight: only a pending request can be approved"}}},
		{"pin needs a reason", func(l *ledger, req string, in *GateInput) { in.Action, in.Principal, in.Reason = ActionPin, priya, "" }, false,
			[]gateWant{{gate: GateReason, reason: "a pin needs a reason"}, {gate: GateNotPinned, ok: true}}},
		{"pin twice", func(l *ledger, req string, in *GateInput) {
			l.add(EventPinned, "1.2", "prod", "pinned", priya.User, nil)
			in.Action, in.Principal = ActionPin, priya
		}, false, []gateWant{{gate: GateNotPinned, reason: "it is pinned already"}}},
		{"unpin with a reason", func(l *ledger, req string, in *GateInput) {
			l.add(EventPinned, "1.2", "prod", "pinned", priya.User, nil)
			in.Action, in.Principal = ActionUnpin, dana
		}, true, []gateWant{{gate: GatePinned, ok: true}, {gate: GateReason, ok: true}}},
		{"unpin needs a reason and a pin", func(l *ledger, req string, in *GateInput) { in.Action, in.Principal, in.Reason = ActionUnpin, dana, "" }, false,
			[]gateWant{{gate: GatePinned, reason: "prod is not pinned for kpi: nothing to unpin"}, {gate: GateReason, reason: "an unpin needs a reason"}}},
		{"veto", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal, in.Environment = ActionVeto, dana, "staging"
		}, true, nil},
		{"veto needs a reason", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal, in.Environment, in.Reason = ActionVeto, dana, "staging", ""
		}, false, []gateWant{{gate: GateReason, reason: "a veto needs a reason"}}},
		{"veto twice", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal, in.Environment, in.Release.Version = ActionVeto, dana, "staging", "3.0"
		}, false, []gateWant{{gate: GateNotVetoed, reason: "already vetoed: kpi@3.0 was vetoed in staging"}}},
		{"ledger writes need no CAN_MANAGE_RUN", func(l *ledger, req string, in *GateInput) {
			in.Action, in.Principal, in.Permission = ActionApprove, dana, PermissionCanView
		}, true, nil},
	}
	for _, c := range cases {
		l, req := fixtureLedger()
		in := baseInput(l)
		c.setup(l, req, &in)
		in.State = DeriveState("kpi", l.evs)
		checkReport(t, c.name, EvaluateGates(in), c.wantOK, c.want, false)
	}
}

func TestEvaluateGatesFixedOrder(t *testing.T) {
	names := func(rep GateReport) []GateName {
		var out []GateName
		for _, g := range rep.Gates {
			out = append(out, g.Name)
		}
		return out
	}
	l, _ := fixtureLedger()
	cases := map[Action][]GateName{
		ActionPromote: {GateAuthorized, GateNotCurrent, GateVerifiedUpstream, GatePreChecks, GateNotVetoed, GateNotPinned, GateNoFreeze, GateBudget,
			GateNotInFlight, GateApprovals, GateTicket, GateReason, GateBreakGlass},
		ActionRollback: {GateAuthorized, GateRollbackTarget, GateNotVetoed, GateNoFreeze, GateBudget, GateNotInFlight, GateTicket, GateReason, GateBreakGlass},
		ActionApprove:  {GateAuthorized, GateRequestPending, GateNotRequester},
		ActionPin:      {GateAuthorized, GateNotPinned, GateReason},
		ActionUnpin:    {GateAuthorized, GatePinned, GateReason},
		ActionVeto:     {GateAuthorized, GateNotVetoed, GateReason},
	}
	for act, want := range cases {
		in := baseInput(l)
		// Everything blocks at once: every gate is still reported.
		in.Action, in.Principal, in.Permission, in.Ticket, in.Reason, in.BreakGlass, in.PreChecks = act, viewer, PermissionNone, "", "", true, nil
		in.Budget = spentBudget()
		activeFreeze(&in)
		if got := names(EvaluateGates(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s gates %v, want %v", act, got, want)
		}
	}
	in := baseInput(l)
	in.Action = "deploy"
	if rep := EvaluateGates(in); rep.OK() || !strings.Contains(rep.Reasons()[0], `unknown action "deploy"`) {
		t.Errorf("unknown action: %v", rep.Reasons())
	}
}

func TestEvaluateGatesRetry(t *testing.T) {
	l, _ := fixtureLedger()
	req := l.add(EventDeployRequested, "1.2", "staging", StatusRequested, marco.User, RequestDetails{Action: ActionPromote})
	l.add(EventDeployFailed, "1.2", "staging", "failed", ci.User, `{"request_id":"`+req+`","failed_resources":["job:ingest"]}`)
	in := GateInputFor(fixturePolicy(), DeriveState("kpi", l.evs), mustRequest(t, l, "staging", req), gateNow)
	in.Principal, in.Permission, in.PreChecks, in.Retry = marco, PermissionCanManageRun, passingPreChecks, true
	rep := EvaluateGates(in)
	checkReport(t, "retry of a failed promotion", rep, true, []gateWant{{gate: GateRetryable, ok: true, reason: "attempt 2 of request " + req + " (promote kpi@1.2); failed last time: job:ingest"}}, false)
	if in.Action != ActionPromote || in.Environment != "staging" || in.Release.Version != "1.2" || in.RequestID != req {
		t.Errorf("GateInputFor %+v", in)
	}
	// Once the retry is in flight it is no longer retryable, and `cockpit gate` (no Retry) passes it.
	retry := l.add(EventDeployRequested, "1.2", "staging", StatusRequested, marco.User, RequestDetails{Action: ActionPromote, RequestID: req})
	in.State = DeriveState("kpi", l.evs)
	checkReport(t, "retry twice", EvaluateGates(in), false, []gateWant{{gate: GateRetryable, reason: "is in flight: only a failed request can be retried"}}, false)
	in.Retry, in.RequestID = false, retry
	checkReport(t, "cockpit gate of the retry", EvaluateGates(in), true, []gateWant{{gate: GateNotInFlight, ok: true}}, false)
	in.Retry, in.RequestID = true, "nope"
	checkReport(t, "retry of nothing", EvaluateGates(in), false, []gateWant{{gate: GateRetryable, reason: `no request "nope" in staging`}}, false)
}

func TestCockpitGateOfAnApprovedRequest(t *testing.T) {
	// marco asks, dana approves, marco's promotion runs; the deployer's gate judges the run as
	// the request it carries, with dana's approval, and not in flight against itself.
	l, req := fixtureLedger()
	approveBy(l, req, dana)
	run := l.add(EventDeployRequested, "2.0", "prod", StatusRequested, marco.User, RequestDetails{Action: ActionPromote, From: "1.2", To: "2.0"})
	l.evs[len(l.evs)-1].Ticket, l.evs[len(l.evs)-1].Reason = "CHG-48230", "weekly KPI release"
	l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, RequestDetails{RequestID: run})
	s := DeriveState("kpi", l.evs)
	in := GateInputFor(fixturePolicy(), s, mustRequest(t, l, "prod", run), gateNow)
	in.Principal, in.Permission, in.PreChecks = marco, PermissionCanManageRun, passingPreChecks
	in.Budget = baseInput(l).Budget
	checkReport(t, "cockpit gate", EvaluateGates(in), true, []gateWant{{gate: GateApprovals, ok: true, reason: "approved by dana.okafor@example.com"}}, false)
	// Someone without the right, starting the deployer run directly, fails at the gate.
	in.Principal, in.Permission = priya, PermissionCanView
	checkReport(t, "cockpit gate, run started by the on-call", EvaluateGates(in), false, []gateWant{{gate: GateAuthorized, reason: "not in prod's promoters"}}, false)
}

func mustRequest(t *testing.T, l *ledger, env, id string) Request {
	t.Helper()
	r, ok := DeriveState("kpi", l.evs).Env(env).Request(id)
	if !ok {
		t.Fatalf("no request %s in %s", id, env)
	}
	return r
}

func TestBoard(t *testing.T) {
	l, req := fixtureLedger()
	l.add(EventPinned, "1.2", "prod", "pinned", priya.User, nil)
	budgets := map[string]Budget{"prod": spentBudget()}
	cells := Board(fixturePolicy(), DeriveState("kpi", l.evs), budgets, gateNow)
	if len(cells) != 3 {
		t.Fatalf("%d cells", len(cells))
	}
	dev, st, prod := cells[0], cells[1], cells[2]
	if dev.Current.Release.Version != "2.0" || !dev.Waiting || dev.Next != "staging" {
		t.Errorf("dev %+v: 2.0 is current in dev and staging runs 3.0", dev)
	}
	if st.Current.Release.Version != "3.0" || st.Waiting {
		t.Errorf("staging %+v: 3.0 is degraded, it does not wait", st)
	}
	if prod.Current.Release.Version != "1.2" || prod.Waiting || prod.Next != "" || prod.Pin == nil || len(prod.Pending) != 1 || prod.Pending[0].ID != req {
		t.Errorf("prod %+v", prod)
	}
	// Take 3.0 out of staging: 2.0 is verified there again and waits for prod, blocked.
	l.deploy("2.0", "staging", "healthy")
	cells = Board(fixturePolicy(), DeriveState("kpi", l.evs), budgets, gateNow)
	st = cells[1]
	var names []GateName
	for _, g := range st.Blockers {
		names = append(names, g.Name)
	}
	if !st.Waiting || !reflect.DeepEqual(names, []GateName{GateNotPinned, GateBudget, GateApprovals}) {
		t.Errorf("staging waits %v, blockers %v; want pinned, budget, approvals", st.Waiting, names)
	}
}

func TestGateForRun(t *testing.T) {
	l, _ := fixtureLedger()
	run := l.add(EventDeployRequested, "1.2", "staging", StatusRequested, marco.User, RequestDetails{Action: ActionPromote})
	s := DeriveState("kpi", l.evs)
	params := func(kv ...string) map[string]string {
		m := map[string]string{"bundle": "kpi", "version": "1.2", "git_sha": "sha-1.2", "target": "staging", "request_id": run}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	in, err := GateForRun(fixturePolicy(), s, params(), marco, gateNow)
	if err != nil || in.Action != ActionPromote || in.Environment != "staging" || in.Release.Version != "1.2" || in.RequestID != run || in.Principal.User != marco.User {
		t.Fatalf("GateForRun: %+v %v", in, err)
	}
	in.Permission, in.PreChecks = PermissionCanManageRun, passingPreChecks
	if rep := EvaluateGates(in); !rep.OK() {
		t.Errorf("the run of marco's request: %q", rep.Reasons())
	}
	cases := []struct {
		name    string
		params  map[string]string
		creator Principal
		want    string
	}{
		{"no request id", params("request_id", ""), marco, "the run has no request_id job parameter"},
		{"unknown request", params("request_id", "made-up"), marco, "request made-up is not in the ledger for kpi in staging"},
		{"another version", params("version", "2.0"), marco, "the run deploys kpi@2.0, but request " + run + " is for kpi@1.2"},
		{"another environment", params("target", "prod"), marco, "is not in the ledger for kpi in prod"},
		{"another person", params(), priya, "the run was created by priya.raman@example.com, but request " + run + " was made by marco.bianchi@example.com"},
		{"another bundle", params("bundle", "other"), marco, "the run deploys bundle other"},
	}
	for _, c := range cases {
		if _, err := GateForRun(fixturePolicy(), s, c.params, c.creator, gateNow); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
