package model

import (
	"strings"
	"testing"
)

// An approved promotion may be executed by someone other than its requester (a deployer,
// another release manager): cockpit gate then judges the run for its creator, whose grant
// and CAN_MANAGE_RUN are checked and whose own approval does not count; requester,
// approvers and executor stay distinct roles. A request that needed no approval is its
// requester's alone.
func TestGateForRunOfAnApprovedRequestCreatedByAnotherExecutor(t *testing.T) {
	runParams := func(req, version, target string) map[string]string {
		return map[string]string{"bundle": "kpi", "version": version, "git_sha": "sha-" + version, "target": target, "request_id": req}
	}
	judge := func(l *ledger, req string, creator Principal) (GateReport, error) {
		in, err := GateForRun(fixturePolicy(), DeriveState("kpi", l.evs), runParams(req, "2.0", "prod"), creator, gateNow)
		if err != nil {
			return GateReport{}, err
		}
		base := baseInput(l)
		in.Permission, in.PreChecks, in.Budget = PermissionCanManageRun, base.PreChecks, base.Budget
		return EvaluateGates(in), nil
	}

	ticketed := func() (*ledger, string) {
		l, req := fixtureLedger()
		for i := range l.evs {
			if l.evs[i].EventID == req {
				l.evs[i].Ticket, l.evs[i].Reason = "CHG-48230", "weekly KPI release"
			}
		}
		return l, req
	}
	l, req := ticketed()
	approveBy(l, req, dana)
	rep, err := judge(l, req, ci)
	if err != nil || !rep.OK() {
		t.Fatalf("the deployer executing marco's request approved by dana: %v %q", err, rep.Reasons())
	}
	if g, _ := rep.Gate(GateAuthorized); !strings.Contains(g.Reason, ci.User) {
		t.Errorf("the gate was not judged for the run's creator: %+v", g)
	}

	// The approver executing what they approved: not a promoter, and their approval does
	// not count for themselves.
	rep, err = judge(l, req, dana)
	if err != nil || rep.OK() {
		t.Fatalf("the approver executing: %v %+v", err, rep.Gates)
	}
	if a, _ := rep.Gate(GateApprovals); a.OK {
		t.Errorf("the executor's own approval counted: %+v", a)
	}
	if a, _ := rep.Gate(GateAuthorized); a.OK {
		t.Errorf("a lead may not promote: %+v", a)
	}

	// Not approved yet: the approvals gate blocks whoever runs it.
	l2, req2 := ticketed()
	if rep, err := judge(l2, req2, ci); err != nil || rep.OK() || !strings.Contains(strings.Join(rep.Reasons(), ";"), "approvals: needs 1") {
		t.Errorf("an unapproved request executed by the deployer: %v %q", err, rep.Reasons())
	}

	// A request that needed no approval stays its requester's.
	l3, _ := fixtureLedger()
	st := l3.add(EventDeployRequested, "2.0", "staging", StatusRequested, marco.User, RequestDetails{Action: ActionPromote})
	_, err = GateForRun(fixturePolicy(), DeriveState("kpi", l3.evs), runParams(st, "2.0", "staging"), ci, gateNow)
	if err == nil || !strings.Contains(err.Error(), "only a promotion that needed approvals may be executed by someone other than its requester") {
		t.Errorf("someone else's unapproved-kind request: %v", err)
	}
	r, _ := DeriveState("kpi", l.evs).Env("prod").Request(req)
	if !ExecutedByAnother(r, ci.User) || ExecutedByAnother(r, marco.User) {
		t.Errorf("ExecutedByAnother: ci %v, marco %v", ExecutedByAnother(r, ci.User), ExecutedByAnother(r, marco.User))
	}
}
