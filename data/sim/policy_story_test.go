package sim

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/model"
)

// ledgerOf reads a bundle's ledger events from the simulated estate.
func ledgerOf(t *testing.T, s *Sim, bundle string) []model.LedgerEvent {
	t.Helper()
	rows, err := s.DB().Query(`SELECT event_id, release_id, bundle, version, git_sha, environment, kind, status, actor, "at", ticket, reason, run_id, details
FROM sim.release_cockpit.release_events WHERE bundle = ?`, bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []model.LedgerEvent
	for rows.Next() {
		var e model.LedgerEvent
		var sha, status, actor, ticket, reason, details sql.NullString
		var run sql.NullInt64
		var kind string
		if err := rows.Scan(&e.EventID, &e.ReleaseID, &e.Bundle, &e.Version, &sha, &e.Environment, &kind, &status, &actor, &e.At, &ticket, &reason, &run, &details); err != nil {
			t.Fatal(err)
		}
		e.Kind, e.GitSHA, e.Status, e.Actor, e.Ticket, e.Reason, e.RunID, e.Details = model.EventKind(kind), sha.String, status.String, actor.String, ticket.String, reason.String, run.Int64, details.String
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ledgerPreChecks are the pre-deploy checks of a release in an environment, read from the ledger
// (the warehouse reader's job in the cockpit; a minimal reading here).
func ledgerPreChecks(evs []model.LedgerEvent, version, env string) []model.Check {
	var out []model.Check
	for _, e := range evs {
		if e.Kind != model.EventCheck || e.Version != version || e.Environment != env {
			continue
		}
		var d struct{ Name, Phase string }
		if json.Unmarshal([]byte(e.Details), &d) == nil && d.Phase == "pre" {
			out = append(out, model.Check{Name: d.Name, Phase: model.PhasePre, Outcome: model.Outcome(e.Status), At: e.At})
		}
	}
	return out
}

func principal(t *testing.T, role string) model.Principal {
	t.Helper()
	u, err := UserFor(role)
	if err != nil {
		t.Fatal(err)
	}
	return model.Principal{User: u.UserName, Groups: u.Groups}
}

// TestPolicyOnTheStories judges the scripted stories with the shipped policy, as the cockpit
// and the deployer's gate will: the awaiting release is refused for its missing approval and
// passes once a lead approved; the pinned bundle refuses promotion; the vetoed release never
// moves on; the incident rolls back to the last verified release.
func TestPolicyOnTheStories(t *testing.T) {
	s := openTest(t, 3)
	now := testNow
	pol, err := Policy(now)
	if err != nil {
		t.Fatal(err)
	}
	judge := func(in model.GateInput) model.GateReport {
		in.Policy, in.Now, in.Permission = pol, now, model.PermissionCanManageRun
		return model.EvaluateGates(in)
	}

	// 2. Awaiting approval: verified in staging, waiting for prod, asked for by the release manager.
	evs := ledgerOf(t, s, AwaitingBundle)
	st := model.DeriveState(AwaitingBundle, evs)
	cur, ok := st.Env("staging").Current()
	if !ok || !cur.Verified() {
		t.Fatalf("%s in staging: %+v, want verified", AwaitingBundle, cur)
	}
	pend := st.Env("prod").Pending()
	if len(pend) != 1 || pend[0].Release.Version != cur.Release.Version || pend[0].Requester != "marco.bianchi@example.com" || pend[0].State != model.RequestAwaitingApproval {
		t.Fatalf("pending prod requests %+v", pend)
	}
	board := model.Board(pol, st, nil, now)
	if !board[1].Waiting || len(board[1].Blockers) != 1 || board[1].Blockers[0].Name != model.GateApprovals {
		t.Errorf("board: staging waits %v, blockers %+v; want only the approval", board[1].Waiting, board[1].Blockers)
	}
	promote := model.GateInput{Action: model.ActionPromote, Environment: "prod", Release: cur.Release, Principal: principal(t, "release-manager"),
		Ticket: "CHG-48230", Reason: "weekly supply-chain KPI release", State: st, PreChecks: ledgerPreChecks(evs, cur.Release.Version, "staging")}
	rep := judge(promote)
	if b := rep.Blocking(); len(b) != 1 || b[0].Name != model.GateApprovals {
		t.Fatalf("release manager's promotion: blocking %q, want only the approval", rep.Reasons())
	}
	// The lead approves (the requester could not).
	approve := model.GateInput{Action: model.ActionApprove, Environment: "prod", Release: cur.Release, Principal: principal(t, "lead"), State: st}
	if rep := judge(approve); !rep.OK() {
		t.Fatalf("the lead's approval: %q", rep.Reasons())
	}
	self := approve
	self.Principal = principal(t, "release-manager")
	if rep := judge(self); rep.OK() {
		t.Error("the release manager approved their own request")
	}
	evs = append(evs, model.LedgerEvent{EventID: "approval-1", ReleaseID: cur.Release.ID(), Bundle: AwaitingBundle, Version: cur.Release.Version,
		Environment: "prod", Kind: model.EventApproved, Status: "approved", Actor: "dana.okafor@example.com", At: now,
		Details: `{"request_id":"` + pend[0].ID + `"}`})
	promote.State = model.DeriveState(AwaitingBundle, evs)
	if rep := judge(promote); !rep.OK() {
		t.Errorf("promotion after the approval: %q", rep.Reasons())
	}
	oncall := promote
	oncall.Principal = principal(t, "oncall")
	if rep := judge(oncall); rep.OK() || !strings.Contains(rep.Reasons()[0], "not in prod's promoters") {
		t.Errorf("the on-call engineer promoted: %q", rep.Reasons())
	}

	// 3. Pinned after the rollback: promotion into prod is refused until an unpin.
	pst := model.DeriveState(PinnedBundle, ledgerOf(t, s, PinnedBundle))
	if p := pst.Env("prod").Pin; p == nil || !strings.Contains(p.Reason, "SLA breach") {
		t.Fatalf("%s prod pin %+v", PinnedBundle, p)
	}
	pcur, _ := pst.Env("prod").Current()
	if rb, ok := pst.Env("prod").RolledBack(pst.Env("prod").Deployments[len(pst.Env("prod").Deployments)-2].Release.Version); !ok || pcur.Action != model.ActionRollback || rb.To != pcur.Release.Version {
		t.Errorf("%s: the release before the rollback is not marked rolled back: %+v %v (current %+v)", PinnedBundle, rb, ok, pcur)
	}
	scur, _ := pst.Env("staging").Current()
	rep = judge(model.GateInput{Action: model.ActionPromote, Environment: "prod", Release: scur.Release, Principal: principal(t, "release-manager"), State: pst})
	if g, _ := rep.Gate(model.GateNotPinned); g.OK {
		t.Errorf("promotion into the pinned prod: %+v", g)
	}

	// 4. Vetoed in staging: never moves on.
	vevs := ledgerOf(t, s, VetoedBundle)
	vst := model.DeriveState(VetoedBundle, vevs)
	if len(vst.Vetoes) != 1 || vst.Vetoes[0].Environment != "staging" {
		t.Fatalf("vetoes %+v", vst.Vetoes)
	}
	rep = judge(model.GateInput{Action: model.ActionPromote, Environment: "prod", Release: model.Release{Bundle: VetoedBundle, Version: vst.Vetoes[0].Version},
		Principal: principal(t, "release-manager"), State: vst})
	if g, _ := rep.Gate(model.GateNotVetoed); g.OK {
		t.Errorf("promotion of the vetoed release: %+v", g)
	}

	// 1. The incident: the on-call engineer rolls prod back to the last verified release.
	ist := model.DeriveState(IncidentBundle, ledgerOf(t, s, IncidentBundle))
	icur, _ := ist.Env("prod").Current()
	rep = judge(model.GateInput{Action: model.ActionRollback, Environment: "prod", Release: model.Release{Bundle: IncidentBundle}, Principal: principal(t, "oncall"),
		Ticket: "INC-4711", Reason: "expectation failures after " + icur.Release.Version, State: ist})
	if !rep.OK() || rep.Release.Version == icur.Release.Version || rep.Release.Version == "" {
		t.Errorf("rollback of the incident from %s: to %q, %q", icur.Release.Version, rep.Release.Version, rep.Reasons())
	}
	if f, ok := mustEnv(t, pol, "prod").UpcomingFreeze(now, 7*24*time.Hour); !ok || f.Start.Sub(now) > 49*time.Hour {
		t.Errorf("upcoming prod freeze %+v %v", f, ok)
	}
}

func mustEnv(t *testing.T, p model.Policy, name string) model.EnvPolicy {
	t.Helper()
	e, ok := p.Env(name)
	if !ok {
		t.Fatalf("no %s in the policy", name)
	}
	return e
}
