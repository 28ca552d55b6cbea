package source

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/release-cockpit/cockpit/config"
	"github.com/release-cockpit/cockpit/data/sim"
	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// testPolicy is the simulation's policy at the tests' frozen now.
func testPolicy() model.Policy {
	p, err := sim.Policy(testNow)
	if err != nil {
		panic(err)
	}
	return p
}

// actionsAs is the demo's actions as a simulated user, on the same estate and servers.
func actionsAs(t *testing.T, s *Source, role string, p model.Policy) *Actions {
	t.Helper()
	u, err := sim.UserFor(role)
	if err != nil {
		t.Fatal(err)
	}
	c := Source{cfg: s.cfg, envs: map[string]*Environment{}, label: s.label, user: u.UserName, clock: s.clock, ledger: s.ledger,
		installGate: s.installGate, demo: s.demo, policyOf: s.policyOf}
	clients := map[string]*workspace.Client{}
	for name, e := range s.envs {
		cl, ok := clients[e.Workspace.Host()]
		if !ok {
			if cl, err = workspace.Open(context.Background(), workspace.Config{Host: e.Workspace.Host(), Token: u.Token}); err != nil {
				t.Fatal(err)
			}
			clients[e.Workspace.Host()] = cl
		}
		ec := *e
		ec.Workspace = cl
		c.envs[name] = &ec
	}
	a := c.Actions(p)
	a.Poll = 10 * time.Millisecond
	return a
}

// fastDemo opens a demo estate whose deployer runs take a fraction of a second.
func fastDemo(t *testing.T) (*Source, *sim.Sim) {
	s := openDemo(t)
	sm := s.demo.(*sim.Sim)
	sm.SetDeployerStep(25 * time.Millisecond)
	return s, sm
}

func plan(t *testing.T, a *Actions, req ActionRequest) Plan {
	t.Helper()
	p, err := a.Plan(context.Background(), req)
	if err != nil {
		t.Fatalf("planning %+v: %v", req, err)
	}
	return p
}

func gate(t *testing.T, p Plan, name model.GateName) model.Gate {
	t.Helper()
	g, ok := p.Report.Gate(name)
	if !ok {
		t.Fatalf("no %s gate in %+v", name, p.Report.Gates)
	}
	return g
}

// stagedVersion is the awaiting story's release: verified in staging, waiting for prod.
func stagedVersion(t *testing.T, s *Source) string {
	t.Helper()
	ds, err := s.List(context.Background(), "staging", Query{Bundle: sim.AwaitingBundle, Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatalf("no staging deployment of %s: %v", sim.AwaitingBundle, err)
	}
	return ds[0].Release.Version
}

func currentIn(t *testing.T, s *Source, env, bundle string) string {
	t.Helper()
	ds, err := s.List(context.Background(), env, Query{Bundle: bundle, Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatalf("no deployment of %s in %s: %v", bundle, env, err)
	}
	return ds[0].Release.Version
}

func TestPromotionToProdNeedsAnApprovalByAnotherPersonThenRunsTheDeployer(t *testing.T) {
	s, _ := fastDemo(t)
	ctx := context.Background()
	pol := testPolicy()
	v := stagedVersion(t, s)
	promote := ActionRequest{Action: model.ActionPromote, Bundle: sim.AwaitingBundle, Version: v, Environment: "prod", Reason: "weekly KPI release", Ticket: "CHG-1"}
	rm := actionsAs(t, s, "release-manager", pol)
	p := plan(t, rm, promote)
	if p.OK() || gate(t, p, model.GateApprovals).OK || !gate(t, p, model.GateVerifiedUpstream).OK || !gate(t, p, model.GateAuthorized).OK {
		t.Fatalf("promotion without approval: %+v", p.Report.Gates)
	}
	if _, err := rm.Execute(ctx, p, ExecOptions{}); !errors.Is(err, ErrRefused) {
		t.Fatalf("executing a refused plan: %v", err)
	}
	// The requester cannot approve their own request.
	approve := ActionRequest{Action: model.ActionApprove, Bundle: sim.AwaitingBundle, Version: v, Environment: "prod", Reason: "looks good"}
	if p := plan(t, rm, approve); p.OK() || gate(t, p, model.GateNotRequester).OK {
		t.Fatalf("the requester approving their own request: %+v", p.Report.Gates)
	}
	lead := actionsAs(t, s, "lead", pol)
	ap := plan(t, lead, approve)
	if !ap.OK() {
		t.Fatalf("the lead's approval: %v", ap.Report.Reasons())
	}
	if _, err := lead.Execute(ctx, ap, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	p = plan(t, rm, promote)
	if !p.OK() || !p.Existing {
		t.Fatalf("approved promotion: %v (existing request %v)", p.Report.Reasons(), p.Existing)
	}
	if !strings.Contains(p.Call, "POST /api/2.2/jobs/run-now job_id=") || !strings.Contains(p.Call, "idempotency_token="+p.RequestID) {
		t.Errorf("call %q", p.Call)
	}
	var states []string
	out, err := rm.Execute(ctx, p, ExecOptions{Progress: func(pr Progress) { states = append(states, pr.State) }})
	if err != nil || out.State != "succeeded" || out.RunID == 0 {
		t.Fatalf("promotion: %+v, %v", out, err)
	}
	if states[len(states)-1] != "TERMINATED" {
		t.Errorf("progress %v", states)
	}
	if got := currentIn(t, s, "prod", sim.AwaitingBundle); got != v {
		t.Errorf("prod runs %s after the promotion, want %s", got, v)
	}
	ev, err := s.ledger.EventByID(ctx, model.ResultEventID(p.RequestID))
	if err != nil || ev.Kind != model.EventDeploySucceeded || ev.Ticket != "CHG-48230" && ev.Ticket != "CHG-1" {
		t.Errorf("result event %+v, %v", ev, err)
	}
}

func TestAPinnedEnvironmentRefusesPromotionUntilUnpinnedWithAReason(t *testing.T) {
	s, _ := fastDemo(t)
	pol := testPolicy()
	rm := actionsAs(t, s, "release-manager", pol)
	v := currentIn(t, s, "staging", sim.PinnedBundle)
	promote := ActionRequest{Action: model.ActionPromote, Bundle: sim.PinnedBundle, Version: v, Environment: "prod", Reason: "r", Ticket: "CHG-2"}
	if g := gate(t, plan(t, rm, promote), model.GateNotPinned); g.OK || !strings.Contains(g.Reason, "unpin") {
		t.Fatalf("not_pinned gate of a pinned prod: %+v", g)
	}
	unpin := ActionRequest{Action: model.ActionUnpin, Bundle: sim.PinnedBundle, Environment: "prod"}
	if p := plan(t, rm, unpin); p.OK() || gate(t, p, model.GateReason).OK {
		t.Fatalf("an unpin without a reason: %+v", p.Report.Gates)
	}
	unpin.Reason = "fix verified in staging"
	p := plan(t, rm, unpin)
	if _, err := rm.Execute(context.Background(), p, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	if g := gate(t, plan(t, rm, promote), model.GateNotPinned); !g.OK {
		t.Fatalf("not_pinned after the unpin: %+v", g)
	}
}

func TestAFreezeOrASpentBudgetRefusesProdPromotionExceptBreakGlassAndTheBudgetNeverARollback(t *testing.T) {
	s, _ := fastDemo(t)
	pol := testPolicy()
	cron, err := model.ParseCron("* * * * *")
	if err != nil {
		t.Fatal(err)
	}
	prod := &pol.Environments[2]
	prod.Windows = []model.FreezeWindow{{Kind: model.WindowDeny, Schedule: cron, Duration: time.Hour, Reason: "peak-season change freeze"}}
	oncall := actionsAs(t, s, "oncall", pol)
	rb := ActionRequest{Action: model.ActionRollback, Bundle: sim.IncidentBundle, Environment: "prod", Ticket: "INC-7"}
	p := plan(t, oncall, rb)
	if p.OK() || gate(t, p, model.GateNoFreeze).OK {
		t.Fatalf("rollback in a freeze: %+v", p.Report.Gates)
	}
	rb.BreakGlass = true
	if p := plan(t, oncall, rb); p.OK() || gate(t, p, model.GateBreakGlass).OK {
		t.Fatalf("break-glass without a reason: %+v", p.Report.Gates)
	}
	rb.Reason = "valid_client_id failures at 18%"
	p = plan(t, oncall, rb)
	if !p.OK() || !p.Report.BreakGlassUsed || !gate(t, p, model.GateNoFreeze).Overridden {
		t.Fatalf("break-glass with a reason: %v", p.Report.Reasons())
	}
	// A spent budget: the incident's jobs failed 2 of their 11 runs of the estate's two days.
	prod.Windows = nil
	rm := actionsAs(t, s, "release-manager", pol)
	promote := ActionRequest{Action: model.ActionPromote, Bundle: sim.IncidentBundle, Version: currentIn(t, s, "staging", sim.IncidentBundle),
		Environment: "prod", Reason: "r", Ticket: "CHG-3", BreakGlass: true}
	p = plan(t, rm, promote)
	if g := gate(t, p, model.GateBudget); g.OK || g.Overridden || !g.BreakGlass || !strings.Contains(g.Reason, "error budget spent") {
		t.Fatalf("budget gate of a promotion with a spent budget: %+v", g)
	}
	if g := gate(t, p, model.GateBreakGlass); g.OK {
		t.Fatalf("break-glass by a release manager the policy does not allow: %+v", g)
	}
	// Where the policy lets release managers break glass, a reason takes the promotion past it.
	prod.Grants[model.ActionBreakGlass] = model.Principals{Groups: []string{"oncall", "leads", "release-managers"}}
	p = plan(t, actionsAs(t, s, "release-manager", pol), promote)
	if g := gate(t, p, model.GateBudget); !g.Overridden || !p.Report.BreakGlassUsed || !gate(t, p, model.GateBreakGlass).OK {
		t.Fatalf("break-glass promotion with a spent budget: %+v", p.Report.Gates)
	}
	// The spent budget does not refuse the rollback that remedies it: no break-glass needed.
	rb.BreakGlass = false
	p = plan(t, oncall, rb)
	g := gate(t, p, model.GateBudget)
	if !p.OK() || p.Report.BreakGlassUsed || !g.OK || g.Overridden || !strings.Contains(g.Reason, "budget spent: rollbacks are allowed") {
		t.Fatalf("rollback with a spent budget: %v; budget gate %+v", p.Report.Reasons(), g)
	}
}

// promotable finds a promotion into staging whose every gate passes for a release manager:
// a bundle's current dev release, verified there and not yet current in staging.
func promotable(t *testing.T, s *Source) ActionRequest {
	t.Helper()
	rm := actionsAs(t, s, "release-manager", testPolicy())
	ds, err := s.List(context.Background(), "dev", Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		req := ActionRequest{Action: model.ActionPromote, Bundle: d.Release.Bundle, Version: d.Release.Version, Environment: "staging"}
		if d.Current && d.Verdict == model.VerdictHealthy && plan(t, rm, req).OK() {
			return req
		}
	}
	t.Fatal("no release in dev may be promoted into staging")
	return ActionRequest{}
}

func TestTwoConcurrentPromotionsStartOneDeployerRun(t *testing.T) {
	s, _ := fastDemo(t)
	pol := testPolicy()
	req := promotable(t, s)
	// One person's two cockpits (the CLI in one pane, the TUI in another) race.
	a1, a2 := actionsAs(t, s, "release-manager", pol), actionsAs(t, s, "release-manager", pol)
	var wg sync.WaitGroup
	outs := make([]Outcome, 2)
	errs := make([]error, 2)
	for i, a := range []*Actions{a1, a2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := a.Plan(context.Background(), req)
			if err != nil {
				errs[i] = err
				return
			}
			outs[i], errs[i] = a.Execute(context.Background(), p, ExecOptions{})
		}()
	}
	wg.Wait()
	runs := map[int64]bool{}
	for i := range outs {
		if errs[i] != nil && !errors.Is(errs[i], ErrRefused) {
			t.Fatalf("promotion %d: %v", i, errs[i])
		}
		if outs[i].RunID != 0 {
			runs[outs[i].RunID] = true
		}
	}
	if len(runs) != 1 {
		t.Fatalf("%d deployer runs (%+v; %v)", len(runs), outs, errs)
	}
}

func TestRunNowRetriedAfterA503StartsOneRunAndTheRequestSucceeds(t *testing.T) {
	s, sm := fastDemo(t)
	rm := actionsAs(t, s, "release-manager", testPolicy())
	p := plan(t, rm, promotable(t, s))
	sm.InjectRunNowFaults(http.StatusServiceUnavailable)
	out, err := rm.Execute(context.Background(), p, ExecOptions{})
	if err != nil || out.State != "succeeded" {
		t.Fatalf("%+v, %v", out, err)
	}
	var n int
	if err := sm.DB().QueryRow(`SELECT count(*) FROM sim.sim_internal.run_requests WHERE idempotency_token = ?`, p.RequestID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d runs for the request (%v)", n, err)
	}
}

func TestARequestLeftByACockpitThatDiedIsListedAndReconciled(t *testing.T) {
	s, _ := fastDemo(t)
	ctx := context.Background()
	oncall := actionsAs(t, s, "oncall", testPolicy())
	// The incident has spent the budget of the estate's two days: that does not hold the
	// rollback back (no break-glass).
	rb := ActionRequest{Action: model.ActionRollback, Bundle: sim.IncidentBundle, Environment: "prod", Reason: "bad data", Ticket: "INC-1"}
	p := plan(t, oncall, rb)
	if !p.OK() {
		t.Fatalf("rollback: %v", p.Report.Reasons())
	}
	// Died after writing deploy_requested, before RunNow.
	oncall.stopAfter = "requested"
	if _, err := oncall.Execute(ctx, p, ExecOptions{}); err == nil {
		t.Fatal("the simulated death did not stop the execution")
	}
	oncall.stopAfter = ""
	inflight, err := oncall.InFlight(ctx)
	if err != nil || len(inflight) != 1 || inflight[0].ID != p.RequestID {
		t.Fatalf("in flight: %+v, %v", inflight, err)
	}
	out, err := oncall.Reconcile(ctx, inflight[0])
	if err != nil || out.State != "waiting" {
		t.Fatalf("within the grace period: %+v, %v", out, err)
	}
	oncall.Grace = 0
	if out, err = oncall.Reconcile(ctx, inflight[0]); err != nil || out.State != "abandoned" {
		t.Fatalf("after the grace period: %+v, %v", out, err)
	}
	if inflight, _ := oncall.InFlight(ctx); len(inflight) != 0 {
		t.Fatalf("still in flight: %+v", inflight)
	}
	// Died after RunNow, before deploy_started: reconciliation finds the run by its request id.
	p = plan(t, oncall, rb)
	oncall.stopAfter = "run-now"
	if _, err := oncall.Execute(ctx, p, ExecOptions{}); err == nil {
		t.Fatal("the simulated death did not stop the execution")
	}
	oncall.stopAfter = ""
	time.Sleep(300 * time.Millisecond) // the run ends
	inflight, _ = oncall.InFlight(ctx)
	if len(inflight) != 1 {
		t.Fatalf("in flight: %+v", inflight)
	}
	out, err = oncall.Reconcile(ctx, inflight[0])
	if err != nil || out.State != "succeeded" || out.RunID == 0 {
		t.Fatalf("reconciling a request whose run ended: %+v, %v", out, err)
	}
	st := plan(t, oncall, ActionRequest{Action: model.ActionPin, Bundle: sim.IncidentBundle, Environment: "prod", Reason: "x"})
	if g := gate(t, st, model.GateNotPinned); g.OK {
		t.Errorf("the reconciled rollback did not pin prod: %+v", g)
	}
}

func TestWithoutManageRunTheActionIsDisabledAndADirectRunFailsAtTheGate(t *testing.T) {
	s, sm := fastDemo(t)
	ctx := context.Background()
	pol := testPolicy()
	viewer := actionsAs(t, s, "viewer", pol)
	p := plan(t, viewer, ActionRequest{Action: model.ActionRollback, Bundle: sim.IncidentBundle, Environment: "prod", Reason: "r", Ticket: "T"})
	if g := gate(t, p, model.GateAuthorized); g.OK || g.Reason == "" {
		t.Fatalf("a viewer's rollback: %+v", g)
	}
	// The on-call engineer may run the deployer job but not promote: a run they start
	// through the API, bypassing the cockpit, fails at its gate.
	oncall := actionsAs(t, s, "oncall", pol)
	e, _ := oncall.src.Environment("prod")
	v := stagedVersion(t, s)
	params := map[string]string{"bundle": sim.AwaitingBundle, "version": v, "git_sha": "x", "target": "prod", "request_id": ""}
	runID, err := e.Workspace.RunNow(ctx, sim.DeployerJobID("prod"), params, "direct-"+v)
	if err != nil {
		t.Fatal(err)
	}
	_, reasons, err := oncall.GateRun(ctx, "prod", runID)
	if err != nil || len(reasons) == 0 {
		t.Fatalf("cockpit gate of a direct run: %v, %v", reasons, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r, err := e.Workspace.GetRun(ctx, runID)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Active() {
			if r.ResultState != "FAILED" || !strings.Contains(r.StateMessage, "cockpit gate refused") {
				t.Fatalf("the direct run ended %s: %s", r.ResultState, r.StateMessage)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = sm
	t.Fatal("the direct run did not end")
}

func TestAFailedDeploymentIsRetriedAsANewAttemptWithItsOwnToken(t *testing.T) {
	s, sm := fastDemo(t)
	ctx := context.Background()
	rm := actionsAs(t, s, "release-manager", testPolicy())
	req := promotable(t, s)
	p := plan(t, rm, req)
	job := req.Bundle + "_refresh_job"
	sm.InjectDeployFailure(req.Bundle, job)
	out, err := rm.Execute(ctx, p, ExecOptions{})
	if !errors.Is(err, ErrFailed) || out.State != "failed" || !strings.Contains(out.Message, job) {
		t.Fatalf("injected failure: %+v, %v", out, err)
	}
	ev, err := s.ledger.EventByID(ctx, model.ResultEventID(p.RequestID))
	if err != nil || !strings.Contains(ev.Details, `"failed_resources":["`+job+`"]`) {
		t.Fatalf("the result lists no failed resources: %+v, %v", ev, err)
	}
	r := plan(t, rm, ActionRequest{RetryOf: p.RequestID})
	if !r.OK() || r.RequestID == p.RequestID || !gate(t, r, model.GateRetryable).OK {
		t.Fatalf("retry plan: %v (attempt %s of %s)", r.Report.Reasons(), r.RequestID, p.RequestID)
	}
	out, err = rm.Execute(ctx, r, ExecOptions{})
	if err != nil || out.State != "succeeded" || out.RunID == 0 {
		t.Fatalf("retry: %+v, %v", out, err)
	}
	if got := currentIn(t, s, "staging", req.Bundle); got != req.Version {
		t.Errorf("staging runs %s after the retry, want %s", got, req.Version)
	}
	// A request that succeeded is not retried.
	if r := plan(t, rm, ActionRequest{RetryOf: p.RequestID}); r.OK() || gate(t, r, model.GateRetryable).OK {
		t.Errorf("retrying a request that succeeded: %+v", r.Report.Gates)
	}
}

func TestAPromotionFromAJoinedDemoRunsInTheServingOneAndIsGated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.duckdb")
	ctx := context.Background()
	serving, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: path, Seed: 3, Now: testNow, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(serving.Close)
	serving.demo.(*sim.Sim).SetDeployerStep(25 * time.Millisecond)
	joined, err := OpenDemo(ctx, config.Default(), DemoOptions{Path: path, Seed: 3, Now: testNow, As: "release-manager"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(joined.Close)
	if joined.demo != nil {
		t.Fatal("the second demo did not join the serving one")
	}
	pol, err := joined.Policy()
	if err != nil {
		t.Fatal(err)
	}
	a := joined.Actions(pol)
	a.Poll = 10 * time.Millisecond
	req := promotable(t, serving)
	p, err := a.Plan(ctx, req)
	if err != nil || !p.OK() {
		t.Fatalf("plan in the joined demo: %v %v", err, p.Report.Reasons())
	}
	out, err := a.Execute(ctx, p, ExecOptions{})
	if err != nil || out.State != "succeeded" {
		t.Fatalf("promotion from the joined demo: %+v, %v", out, err)
	}
	if got := currentIn(t, serving, "staging", req.Bundle); got != req.Version {
		t.Errorf("the serving demo shows %s in staging, want %s", got, req.Version)
	}
}

func TestCockpitRecordWritesTheOneResultOfItsRunsRequest(t *testing.T) {
	s, sm := fastDemo(t)
	sm.SetDeployerStep(5 * time.Second) // the run is still going when its job records
	ctx := context.Background()
	rm := actionsAs(t, s, "release-manager", testPolicy())
	p := plan(t, rm, promotable(t, s))
	out, err := rm.Execute(ctx, p, ExecOptions{NoWait: true})
	if err != nil || out.State != "running" {
		t.Fatalf("%+v, %v", out, err)
	}
	rec, err := rm.RecordResult(ctx, "staging", out.RunID, false, []string{"a_job"}, "terraform apply failed")
	if err != nil || len(rec.Events) != 1 || rec.Events[0] != model.ResultEventID(p.RequestID) {
		t.Fatalf("record: %+v, %v", rec, err)
	}
	ev, err := s.ledger.EventByID(ctx, model.ResultEventID(p.RequestID))
	if err != nil || ev.Kind != model.EventDeployFailed || !strings.Contains(ev.Details, `"failed_resources":["a_job"]`) {
		t.Fatalf("recorded %+v, %v", ev, err)
	}
	if _, err := rm.RecordResult(ctx, "staging", 12345, true, nil, ""); err == nil {
		t.Error("recording for an unknown run succeeded")
	}
}

// Someone other than the requester (the CI deployer, a promoter too) executes an approved
// promotion: the plan says so, the deployer run's gate judges it for them and passes, the
// deployment lands, and the ledger keeps both: the request is marco's, the run the
// deployer's.
func TestAnApprovedPromotionIsExecutedByAnotherAuthorizedPerson(t *testing.T) {
	s, _ := fastDemo(t)
	ctx := context.Background()
	pol := testPolicy()
	v := stagedVersion(t, s)
	promote := ActionRequest{Action: model.ActionPromote, Bundle: sim.AwaitingBundle, Version: v, Environment: "prod", Reason: "weekly KPI release", Ticket: "CHG-1"}
	ci := actionsAs(t, s, "ci", pol)
	if p := plan(t, ci, promote); p.OK() || !p.Existing || gate(t, p, model.GateApprovals).OK {
		t.Fatalf("the deployer executing an unapproved request: existing %v, %q", p.Existing, p.Report.Reasons())
	}
	lead := actionsAs(t, s, "lead", pol)
	if _, err := lead.Execute(ctx, plan(t, lead, ActionRequest{Action: model.ActionApprove, Bundle: sim.AwaitingBundle, Version: v, Environment: "prod", Reason: "reviewed"}), ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	p := plan(t, ci, promote)
	if !p.OK() || !p.Existing || !strings.Contains(strings.Join(p.Writes, "\n"), "as its executor") {
		t.Fatalf("the approved request planned by the deployer: %q %v", p.Report.Reasons(), p.Writes)
	}
	out, err := ci.Execute(ctx, p, ExecOptions{})
	if err != nil || out.State != "succeeded" {
		t.Fatalf("the deployer's execution of marco's approved request: %+v, %v", out, err)
	}
	if got := currentIn(t, s, "prod", sim.AwaitingBundle); got != v {
		t.Errorf("prod runs %s, want %s", got, v)
	}
	started, err := s.ledger.EventByID(ctx, model.DerivedEventID(p.RequestID, "started"))
	if err != nil || started.Actor != ci.src.user {
		t.Errorf("deploy_started by %q, want the executor %q: %v", started.Actor, ci.src.user, err)
	}
	req, err := s.ledger.EventByID(ctx, p.RequestID)
	if err != nil || req.Actor == ci.src.user {
		t.Errorf("the request's requester became %q: %v", req.Actor, err)
	}
}
