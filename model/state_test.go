package model

import (
	"reflect"
	"testing"
	"time"
)

func TestDeriveStateFixture(t *testing.T) {
	l, req := fixtureLedger()
	s := DeriveState("kpi", l.evs)
	prod := s.Env("prod")
	cur, ok := prod.Current()
	if !ok || cur.Release.Version != "1.2" || cur.Verdict != VerdictFailing || cur.Verified() || cur.Action != ActionPromote || cur.RequestID == "" {
		t.Errorf("current prod deployment %+v", cur)
	}
	if lv, ok := prod.LastVerified(); !ok || lv.Release.Version != "1.1" {
		t.Errorf("last verified %+v %v, want 1.1", lv, ok)
	}
	if d, ok := s.Env("staging").Latest("2.2"); !ok || d.Verdict != "" {
		t.Errorf("2.2 in staging %+v %v: landed, without a verdict", d, ok)
	}
	pend := prod.Pending()
	if len(pend) != 1 || pend[0].ID != req || pend[0].State != RequestAwaitingApproval || pend[0].Requester != marco.User ||
		pend[0].From != "1.2" || pend[0].To != "2.0" || pend[0].ApprovalsRequired != 1 {
		t.Errorf("pending %+v", pend)
	}
	if len(prod.InFlight()) != 0 {
		t.Errorf("in flight %+v", prod.InFlight())
	}
	if v, ok := s.Vetoed("3.0"); !ok || v.By != dana.User || v.Environment != "staging" || v.Reason != "drops EU tariff lines" {
		t.Errorf("veto %+v %v", v, ok)
	}
	if _, ok := s.Vetoed("2.0"); ok {
		t.Error("2.0 vetoed")
	}
	if e := s.Env("qa"); e.Environment != "qa" || len(e.Deployments) != 0 {
		t.Errorf("empty env %+v", e)
	}
}

func TestDeriveStateRequests(t *testing.T) {
	cases := []struct {
		name  string
		build func(l *ledger) string // returns the request to look at
		state RequestState
		by    []string // approvers
		runID int64
	}{
		{"requested, then nothing: in flight until reconciled", func(l *ledger) string {
			return l.add(EventDeployRequested, "2.0", "prod", StatusRequested, marco.User, RequestDetails{Action: ActionPromote})
		}, RequestInFlight, nil, 0},
		{"started", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusRequested, marco.User, nil)
			l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, nil)
			l.evs[len(l.evs)-1].RunID = 77
			return r
		}, RequestInFlight, nil, 77},
		{"succeeded without request ids in the details", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusRequested, marco.User, nil)
			l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, nil)
			l.add(EventDeploySucceeded, "2.0", "prod", "succeeded", marco.User, nil)
			return r
		}, RequestSucceeded, nil, 0},
		{"failed", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusRequested, marco.User, nil)
			l.add(EventDeployFailed, "2.0", "prod", "failed", marco.User, `{"request_id":"`+r+`","failed_resources":["job:ingest"]}`)
			return r
		}, RequestFailed, nil, 0},
		{"approvals: distinct people, never the requester", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 2})
			l.add(EventApproved, "2.0", "prod", "approved", marco.User, nil)
			l.add(EventApproved, "2.0", "prod", "approved", dana.User, nil)
			l.add(EventApproved, "2.0", "prod", "approved", "DANA.okafor@example.com", nil)
			return r
		}, RequestAwaitingApproval, []string{dana.User}, 0},
		{"approved by two", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 2})
			l.add(EventApproved, "2.0", "prod", "approved", dana.User, nil)
			l.add(EventApproved, "2.0", "prod", "approved", lena.User, nil)
			return r
		}, RequestApproved, []string{dana.User, lena.User}, 0},
		{"an approval names its request", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 1})
			l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, ci.User, RequestDetails{ApprovalsRequired: 1})
			l.add(EventApproved, "2.0", "prod", "approved", dana.User, RequestDetails{RequestID: r})
			return r
		}, RequestApproved, []string{dana.User}, 0},
		{"rejected", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 1})
			l.add(EventRejected, "2.0", "prod", "rejected", dana.User, nil)
			return r
		}, RequestRejected, nil, 0},
		{"an approved request executed", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 1})
			l.add(EventApproved, "2.0", "prod", "approved", dana.User, nil)
			l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, RequestDetails{RequestID: r})
			return r
		}, RequestInFlight, []string{dana.User}, 0},
		{"superseded: its version landed through another request", func(l *ledger) string {
			r := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 1})
			l.deploy("2.0", "prod", "")
			return r
		}, RequestSuperseded, nil, 0},
	}
	for _, c := range cases {
		l := &ledger{at: gateNow}
		id := c.build(l)
		prod := DeriveState("kpi", l.evs).Env("prod")
		r, ok := prod.Request(id)
		if !ok {
			t.Errorf("%s: no request %s", c.name, id)
			continue
		}
		var by []string
		for _, a := range r.Approvals {
			by = append(by, a.By)
		}
		if r.State != c.state || !reflect.DeepEqual(by, c.by) || r.RunID != c.runID {
			t.Errorf("%s: state %s approvers %v run %d; want %s %v %d", c.name, r.State, by, r.RunID, c.state, c.by, c.runID)
		}
		if c.state == RequestFailed && !reflect.DeepEqual(r.FailedResources, []string{"job:ingest"}) {
			t.Errorf("%s: failed resources %v", c.name, r.FailedResources)
		}
	}
}

func TestRolledBack(t *testing.T) {
	l := &ledger{at: gateNow}
	l.deploy("1.0", "prod", "healthy")
	l.deploy("1.1", "prod", "failing")
	r := l.add(EventDeployRequested, "1.0", "prod", StatusRequested, priya.User, RequestDetails{Action: ActionRollback, From: "1.1", To: "1.0"})
	l.evs[len(l.evs)-1].Reason, l.evs[len(l.evs)-1].Ticket = "SLA breach", "INC-7"
	l.add(EventDeploySucceeded, "1.0", "prod", "succeeded", priya.User, RequestDetails{RequestID: r})
	prod := DeriveState("kpi", l.evs).Env("prod")
	rb, ok := prod.RolledBack("1.1")
	if !ok || rb.ID != r || rb.Requester != priya.User || rb.Reason != "SLA breach" || rb.Ticket != "INC-7" || rb.To != "1.0" {
		t.Errorf("rolled back %+v %v", rb, ok)
	}
	if _, ok := prod.RolledBack("1.0"); ok {
		t.Error("1.0 was not rolled back")
	}
	if cur, _ := prod.Current(); cur.Action != ActionRollback || cur.Release.Version != "1.0" {
		t.Errorf("current %+v", cur)
	}
}

func TestDeriveStatePinsAndOrder(t *testing.T) {
	l := &ledger{at: gateNow}
	l.deploy("1.0", "prod", "healthy")
	pin := l.add(EventPinned, "1.0", "prod", "pinned", priya.User, nil)
	l.evs[len(l.evs)-1].Reason, l.evs[len(l.evs)-1].Ticket = "rolled back", "INC-7"
	evs := append([]LedgerEvent(nil), l.evs...)
	// Shuffled and duplicated (a retried write), with another bundle's event mixed in.
	shuffled := []LedgerEvent{evs[4], evs[2], evs[0], evs[3], evs[1], evs[2], {EventID: "x", Bundle: "other", Kind: EventVetoed, Version: "1.0"}}
	s := DeriveState("kpi", shuffled)
	prod := s.Env("prod")
	if len(prod.Deployments) != 1 || prod.Deployments[0].Verdict != VerdictHealthy {
		t.Errorf("deployments %+v", prod.Deployments)
	}
	if prod.Pin == nil || prod.Pin.By != priya.User || prod.Pin.Reason != "rolled back" || prod.Pin.Ticket != "INC-7" || prod.Pin.EventID != pin || prod.Pin.Version != "1.0" {
		t.Errorf("pin %+v", prod.Pin)
	}
	if _, ok := s.Vetoed("1.0"); ok {
		t.Error("another bundle's veto counted")
	}
	l.add(EventUnpinned, "1.0", "prod", "unpinned", dana.User, nil)
	if p := DeriveState("kpi", l.evs).Env("prod").Pin; p != nil {
		t.Errorf("still pinned after unpin: %+v", p)
	}
	l.add(EventPinned, "1.0", "prod", "pinned", priya.User, nil)
	if p := DeriveState("kpi", l.evs).Env("prod").Pin; p == nil {
		t.Error("a second pin did not pin")
	}
	// Same instant: the request sorts before its result.
	t0 := gateNow.Add(time.Hour)
	same := []LedgerEvent{
		{EventID: "b", Bundle: "kpi", Version: "2.0", Environment: "dev", Kind: EventDeploySucceeded, At: t0},
		{EventID: "a", Bundle: "kpi", Version: "2.0", Environment: "dev", Kind: EventDeployRequested, Status: StatusRequested, At: t0},
	}
	dev := DeriveState("kpi", same).Env("dev")
	if len(dev.Requests) != 1 || dev.Requests[0].State != RequestSucceeded || dev.Deployments[0].RequestID != "a" {
		t.Errorf("same-instant events: %+v", dev)
	}
}

func TestParseRequestDetails(t *testing.T) {
	d := ParseRequestDetails(`{"action":"rollback","from":"1.2","to":"1.1","approvals_required":1,"break_glass":true,"request_id":"r1","gates":[{"name":"no_freeze","ok":false,"reason":"frozen","break_glass":true,"overridden":true}]}`)
	if d.Action != ActionRollback || d.From != "1.2" || d.To != "1.1" || !d.BreakGlass || d.RequestID != "r1" || len(d.Gates) != 1 || !d.Gates[0].Overridden {
		t.Errorf("details %+v", d)
	}
	d = ParseRequestDetails(`{"action":"promote","from_version":"1.1","to_version":"1.2","retry_of":"r0","attempt":2}`)
	if d.From != "1.1" || d.To != "1.2" || d.RequestID != "r0" {
		t.Errorf("details written with from_version, to_version and retry_of: %+v", d)
	}
	for _, bad := range []string{"", "  ", "{", "[]", `{"action":3}`} {
		_ = ParseRequestDetails(bad) // never panics; gives what it could read
	}
}

func TestDeriveStateRetry(t *testing.T) {
	l := &ledger{at: gateNow}
	req := l.add(EventDeployRequested, "2.0", "prod", StatusRequested, marco.User, RequestDetails{Action: ActionPromote})
	l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, RequestDetails{RequestID: req})
	l.evs[len(l.evs)-1].RunID = 11
	l.add(EventDeployFailed, "2.0", "prod", "failed", marco.User, `{"request_id":"`+req+`","failed_resources":["pipeline:silver"]}`)
	r, _ := DeriveState("kpi", l.evs).Env("prod").Request(req)
	if !r.Retryable() || r.Attempts != 1 || r.AttemptID != req || r.RunID != 11 {
		t.Fatalf("failed request %+v", r)
	}
	retry := l.add(EventDeployRequested, "2.0", "prod", StatusRequested, kim.User, RequestDetails{Action: ActionPromote, RequestID: req})
	prod := DeriveState("kpi", l.evs).Env("prod")
	if len(prod.Requests) != 1 {
		t.Fatalf("a retry is an attempt, not a new request: %+v", prod.Requests)
	}
	r, _ = prod.Request(retry)
	if r.ID != req || r.State != RequestInFlight || r.Attempts != 2 || r.AttemptID != retry || r.AttemptBy != kim.User || r.Requester != marco.User || r.RunID != 0 || r.FailedResources != nil || r.Retryable() {
		t.Errorf("retried request %+v", r)
	}
	l.add(EventDeployStarted, "2.0", "prod", "started", marco.User, RequestDetails{RequestID: retry})
	l.evs[len(l.evs)-1].RunID = 12
	l.add(EventDeploySucceeded, "2.0", "prod", "succeeded", marco.User, RequestDetails{RequestID: retry})
	prod = DeriveState("kpi", l.evs).Env("prod")
	r, _ = prod.Request(req)
	if r.State != RequestSucceeded || r.RunID != 12 || len(prod.Deployments) != 1 || prod.Deployments[0].RequestID != req {
		t.Errorf("after the retry succeeded: %+v %+v", r, prod.Deployments)
	}
}

func TestApprovalsFor(t *testing.T) {
	l := &ledger{at: gateNow}
	l.deploy("1.0", "prod", "healthy")
	r1 := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, marco.User, RequestDetails{ApprovalsRequired: 2})
	l.add(EventApproved, "2.0", "prod", "approved", dana.User, RequestDetails{RequestID: r1})
	r2 := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, ci.User, RequestDetails{ApprovalsRequired: 2})
	l.add(EventApproved, "2.0", "prod", "approved", dana.User, RequestDetails{RequestID: r2})
	l.add(EventApproved, "2.0", "prod", "approved", marco.User, RequestDetails{RequestID: r2})
	r3 := l.add(EventDeployRequested, "2.0", "prod", StatusAwaitingApproval, ci.User, RequestDetails{ApprovalsRequired: 1})
	l.add(EventApproved, "2.0", "prod", "approved", lena.User, RequestDetails{RequestID: r3})
	l.add(EventRejected, "2.0", "prod", "rejected", lena.User, RequestDetails{RequestID: r3})
	by := func() []string {
		var out []string
		for _, a := range DeriveState("kpi", l.evs).Env("prod").ApprovalsFor("2.0") {
			out = append(out, a.By)
		}
		return out
	}
	if got := by(); !reflect.DeepEqual(got, []string{dana.User, marco.User}) {
		t.Errorf("approvals %v: dana once, marco (on CI's request), not lena's on the rejected request", got)
	}
	// A landing in prod consumes them.
	l.deploy("1.1", "prod", "")
	if got := by(); len(got) != 0 {
		t.Errorf("approvals after a landing %v", got)
	}
}

// FuzzDeriveState feeds arbitrary kinds, statuses, versions and details (what a hand-written
// or corrupted ledger row may hold): the state never panics, never counts a requester's own
// approval, and the gates over it always give every gate a reason.
func FuzzDeriveState(f *testing.F) {
	f.Add("deploy_requested", "awaiting_approval", "2.0", `{"approvals_required":1}`, "approved", `{"request_id":"ev-001"}`)
	f.Add("deploy_requested", "requested", "1.0", `{"retry_of":"ev-001"}`, "deploy_failed", `{"request_id":"ev-002","failed_resources":["x"]}`)
	f.Add("verdict", "healthy", "", `[]`, "pinned", `{`)
	f.Fuzz(func(t *testing.T, kind1, status1, version, details1, kind2, details2 string) {
		l := &ledger{at: gateNow}
		l.deploy("1.0", "prod", "healthy")
		l.add(EventKind(kind1), version, "prod", status1, marco.User, details1)
		l.add(EventKind(kind2), version, "prod", status1, marco.User, details2)
		l.add(EventApproved, version, "prod", "approved", marco.User, details2)
		s := DeriveState("kpi", l.evs)
		for _, r := range s.Env("prod").Requests {
			if r.ApprovedBy(r.Requester) {
				t.Fatalf("request %s counts its requester's approval", r.ID)
			}
		}
		for _, act := range AllActions {
			in := baseInput(l)
			in.Action, in.State, in.Release.Version = act, s, version
			for _, g := range EvaluateGates(in).Gates {
				if g.Reason == "" {
					t.Fatalf("%s: gate %s without a reason", act, g.Name)
				}
			}
		}
	})
}
