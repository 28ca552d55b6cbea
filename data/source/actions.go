package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/release-cockpit/cockpit/data/workspace"
	"github.com/release-cockpit/cockpit/model"
)

// Actions take releases through the environments (DESIGN §6): plan an action (what it will
// do, every gate with its status, the exact call), then execute it in the order of writes:
// deploy_requested, RunNow with the request's id as idempotency token, deploy_started with
// the run id, follow the run, exactly one result event. Gates are model.EvaluateGates over
// the ledger's state (model.DeriveState), the policy, the release's checks, the error
// budget and the person's rights (SCIM Me and the deployer job's permissions).
type Actions struct {
	src    *Source
	policy model.Policy
	// Poll is how often a followed run is read (default 500ms).
	Poll time.Duration
	// Grace is how long a request may stay without a run before reconciliation marks it
	// abandoned (default 10 minutes).
	Grace time.Duration
	// stopAfter makes Execute stop after a step, as a cockpit that dies there (tests).
	stopAfter string
}

// Actions returns the actions on this source under a policy. On the simulation it also
// installs the policy's gate into the simulated deployer jobs, so that their runs judge
// every request as `cockpit gate` does.
func (s *Source) Actions(p model.Policy) *Actions {
	a := &Actions{src: s, policy: p, Poll: 500 * time.Millisecond, Grace: 10 * time.Minute}
	if s.installGate != nil {
		s.installGate(a.gateHook)
	}
	return a
}

// Policy is the policy the actions are judged by.
func (a *Actions) Policy() model.Policy { return a.policy }

// Errors of actions; test with errors.Is.
var (
	// ErrRefused: a gate blocks the action (the plan's report says which and why).
	ErrRefused = errors.New("refused by a gate")
	// ErrChanged: the current deployment changed between the plan and its execution.
	ErrChanged = errors.New("the current deployment changed")
	// ErrFailed: the deployer run ended without success.
	ErrFailed = errors.New("the deployment failed")
)

// ActionRequest is what a person asks for, Plan what an action will do, judged before
// anything is written: the model's types (model.ActionRequest, model.ActionPlan), which the
// terminal UI reads as they are.
type (
	ActionRequest = model.ActionRequest
	Plan          = model.ActionPlan
)

// Whoami is who the workspace says the user is in an environment, with their effective
// permission on its deployer job (user, group or inherited entries).
func (a *Actions) Whoami(ctx context.Context, env string) (model.Principal, model.PermissionLevel, error) {
	e, err := a.src.Environment(env)
	if err != nil {
		return model.Principal{}, 0, err
	}
	me, err := e.Workspace.Me(ctx)
	if err != nil {
		return model.Principal{}, 0, err
	}
	perm, err := a.permission(ctx, e, me)
	return model.Principal{User: me.UserName, Groups: me.Groups}, perm, err
}

// permission is a person's effective level on an environment's deployer job.
func (a *Actions) permission(ctx context.Context, e *Environment, who workspace.User) (model.PermissionLevel, error) {
	job := a.deployerJob(e)
	if job == 0 {
		return model.PermissionNone, nil
	}
	acl, err := e.Workspace.JobPermissions(ctx, job)
	if err != nil {
		return model.PermissionNone, err
	}
	return model.ParsePermissionLevel(workspace.EffectiveJobLevel(who, acl))
}

// deployerJob is the environment's deployer job: the policy's, else the configuration's.
func (a *Actions) deployerJob(e *Environment) int64 {
	if ep, ok := a.policy.Env(e.Env.Name); ok && ep.DeployerJobID != 0 {
		return ep.DeployerJobID
	}
	return e.Config.DeployerJobID
}

// Plan judges an action: it reads the ledger, the person's rights, the release's checks
// and the error budget, evaluates every gate and says what executing would write and call.
func (a *Actions) Plan(ctx context.Context, req ActionRequest) (Plan, error) {
	ctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	if req.RetryOf != "" {
		var err error
		if req, err = a.retryRequest(ctx, req); err != nil {
			return Plan{}, err
		}
	}
	if req.Bundle == "" {
		return Plan{}, input("a bundle is required")
	}
	e, err := a.src.Environment(req.Environment)
	if err != nil {
		return Plan{}, err
	}
	if err := e.resolveWorkspaceID(ctx); err != nil {
		return Plan{}, err
	}
	me, err := e.Workspace.Me(ctx)
	if err != nil {
		return Plan{}, err
	}
	perm, err := a.permission(ctx, e, me)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Request: req, Actor: me.UserName, Groups: me.Groups, Permission: perm}
	events, err := a.src.ledger.BundleEvents(ctx, req.Bundle)
	if err != nil {
		return Plan{}, a.src.warehouseProblem(e, err)
	}
	p.State = model.DeriveState(req.Bundle, events)
	if err := a.judge(ctx, e, &p, events); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// judge fills the gates, versions, request id, resources and call of a plan from its state.
func (a *Actions) judge(ctx context.Context, e *Environment, p *Plan, events []model.LedgerEvent) error {
	req := p.Request
	env := p.State.Env(req.Environment)
	if cur, ok := env.Current(); ok {
		p.From = cur.Deployment
	}
	in := model.GateInput{
		Action: req.Action, Policy: a.policy, Environment: req.Environment,
		Release:   model.Release{Bundle: req.Bundle, Version: req.Version, GitSHA: gitSHAOf(events, req.Version)},
		Principal: model.Principal{User: p.Actor, Groups: p.Groups}, Permission: p.Permission,
		Ticket: req.Ticket, Reason: req.Reason, BreakGlass: req.BreakGlass, State: p.State, Now: a.src.Now(),
	}
	if req.RequestID != "" {
		// A request in the ledger (cockpit gate, reconciliation): its current attempt's id
		// is the RunNow token.
		p.RequestID, p.Existing, in.RequestID = req.RequestID, true, req.RequestID
		if r, ok := env.Request(req.RequestID); ok {
			p.RequestID = r.AttemptID
		}
	}
	switch req.Action {
	case model.ActionPromote:
		if r, ok := env.PendingFor(req.Version); ok && req.RetryOf == "" && req.RequestID == "" {
			p.RequestID, p.Existing, in.RequestID = r.AttemptID, true, r.ID
		}
		checks, err := a.src.ledger.ReleaseChecks(ctx, in.Release.ID())
		if err != nil {
			return a.src.warehouseProblem(e, err)
		}
		in.PreChecks = checks
		in.Upstream = a.upstream(ctx, req)
	case model.ActionApprove:
		if r, ok := env.PendingFor(req.Version); ok {
			p.RequestID, in.RequestID = r.ID, r.ID
		}
	}
	if req.RetryOf != "" {
		// A retry is a new attempt of a failed request: its approvals count, it must have
		// failed (the retryable gate), and the attempt has a token of its own.
		in.Retry, in.RequestID = true, req.RetryOf
		r, _ := env.Request(req.RetryOf)
		p.RequestID = model.DerivedEventID(req.RetryOf, "attempt", strconv.Itoa(r.Attempts+1))
	} else if !p.Existing && (req.Action == model.ActionPromote || req.Action == model.ActionRollback) {
		// A new request's id is known before it is written: a racing cockpit making the
		// same change writes the same request, which is then not in flight against itself.
		to := req.Version
		if to == "" && req.Action == model.ActionRollback {
			if d, ok := env.LastVerified(); ok {
				to = d.Release.Version
			}
		}
		p.RequestID = requestID(p.From, req, to, p.Actor, env)
		in.RequestID = p.RequestID
	}
	if p.RunsDeployer() {
		b, err := a.budget(ctx, e, req.Bundle)
		if err != nil {
			return err
		}
		in.Budget = b
	}
	p.Report = model.EvaluateGates(in)
	p.To = p.Report.Release
	if p.To.GitSHA == "" {
		p.To.GitSHA = gitSHAOf(events, p.To.Version)
	}
	if !p.RunsDeployer() {
		p.Writes = []string{string(eventOf(req.Action)) + " event in the ledger"}
		return nil
	}
	rel := p.To.ID()
	if p.From.ID != "" {
		rel = p.From.Release.ID()
	}
	res, err := a.src.ledger.ReleaseResources(ctx, rel, req.Environment)
	if err == nil && len(res) == 0 {
		if prev, ok := a.policy.Previous(req.Environment); ok {
			res, err = a.src.ledger.ReleaseResources(ctx, p.To.ID(), prev)
		}
	}
	if err != nil {
		return a.src.warehouseProblem(e, err)
	}
	p.Resources = res
	p.JobID = a.deployerJob(e)
	p.Parameters = map[string]string{"bundle": req.Bundle, "version": p.To.Version, "git_sha": p.To.GitSHA,
		"target": req.Environment, "request_id": p.RequestID}
	params, _ := json.Marshal(p.Parameters)
	p.Call = fmt.Sprintf("POST /api/2.2/jobs/run-now job_id=%d job_parameters=%s idempotency_token=%s", p.JobID, params, p.RequestID)
	blocking := p.Report.Blocking()
	p.AwaitsApproval = req.Action == model.ActionPromote && !p.Existing && len(blocking) == 1 && blocking[0].Name == model.GateApprovals
	switch {
	case p.AwaitsApproval:
		p.Writes = []string{"deploy_requested (awaiting approval) " + p.RequestID}
	case p.Existing:
		p.Writes = []string{"RunNow with the approved request's id as idempotency token", "deploy_started with the run id", "follow the run", "the result event"}
		if r, ok := env.Request(in.RequestID); ok && model.ExecutedByAnother(r, p.Actor) {
			// cockpit gate judges the run for its creator: this person, whose own approval
			// does not count (GateForRun).
			p.Writes = append([]string{fmt.Sprintf("execute request %s of %s as its executor (the run is yours; cockpit gate judges it for you)", r.ID, r.Requester)}, p.Writes...)
		}
	default:
		p.Writes = []string{"deploy_requested " + p.RequestID, "RunNow with idempotency_token " + p.RequestID, "deploy_started with the run id", "follow the run", "the result event"}
	}
	if req.Action == model.ActionRollback {
		p.Writes = append(p.Writes, "pinned ("+req.Bundle+", "+req.Environment+") on success")
	}
	return nil
}

// Budget is a bundle's error budget in an environment under its policy's SLO (what the
// budget gate of a promotion or rollback there judges): the promotion board shows it.
func (a *Actions) Budget(ctx context.Context, bundle, env string) (model.Budget, error) {
	e, err := a.src.Environment(env)
	if err != nil {
		return model.Budget{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.src.Timeout())
	defer cancel()
	return a.budget(ctx, e, bundle)
}

func (a *Actions) budget(ctx context.Context, e *Environment, bundle string) (model.Budget, error) {
	ep, _ := a.policy.Env(e.Env.Name)
	now := a.src.Now()
	tallies, err := a.src.ledger.BundleTallies(ctx, e.Env, bundle, now.Add(-ep.SLO.Window), now)
	if err != nil {
		return model.Budget{}, a.src.warehouseProblem(e, err)
	}
	return model.ComputeBudget(ep.SLO, tallies, now), nil
}

// requestID is the deploy_requested event id of a new promotion or rollback: derived from
// the deployment it replaces, the target, who asks and the number of earlier attempts of
// the same change that ended, so that two cockpits of one person racing to make the same
// change (two panes, a double submit) write the same request and their RunNow tokens
// collide on purpose: one deployer run. Two people racing write two requests; the later
// one's re-read before RunNow finds the other in flight (the not_in_flight gate), and a
// deployer run judges its request for its creator (cockpit gate), who must be the requester
// unless the request is a promotion that needed approvals (model.GateForRun).
func requestID(from model.Deployment, req ActionRequest, to, actor string, env model.EnvState) string {
	base := from.ID
	if base == "" {
		base = req.Bundle + "/" + req.Environment
	}
	ended := 0
	for _, r := range env.Requests {
		if r.Release.Version == to && r.From == from.Release.Version && !r.Open() {
			ended++
		}
	}
	return model.DerivedEventID(base, "request", req.Environment, string(req.Action), to, strings.ToLower(actor), strconv.Itoa(ended))
}

// retryRequest turns `retry REQUEST_ID` into the request it retries.
func (a *Actions) retryRequest(ctx context.Context, req ActionRequest) (ActionRequest, error) {
	orig, err := a.src.ledger.EventByID(ctx, req.RetryOf)
	if err != nil {
		return req, input("request %s: %v", req.RetryOf, err)
	}
	if orig.Kind != model.EventDeployRequested {
		return req, input("%s is a %s event, not a request: pass the id of a deploy_requested event", req.RetryOf, orig.Kind)
	}
	events, err := a.src.ledger.BundleEvents(ctx, orig.Bundle)
	if err != nil {
		return req, err
	}
	r, ok := model.DeriveState(orig.Bundle, events).Env(orig.Environment).Request(orig.EventID)
	if !ok {
		return req, input("request %s is not in the ledger of %s", req.RetryOf, orig.Bundle)
	}
	req.RetryOf = r.ID // an attempt's id names its request
	req.Action, req.Bundle, req.Version, req.Environment = r.Action, orig.Bundle, orig.Version, orig.Environment
	if req.Reason == "" {
		req.Reason = r.Reason
	}
	if req.Ticket == "" {
		req.Ticket = r.Ticket
	}
	return req, nil
}

// gitSHAOf is the commit of a version, from any of its events.
func gitSHAOf(events []model.LedgerEvent, version string) string {
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.Version == version && e.GitSHA != "" {
			return e.GitSHA
		}
	}
	return ""
}

// eventOf is the ledger event an action that runs no deployer writes.
func eventOf(a model.Action) model.EventKind {
	switch a {
	case model.ActionApprove:
		return model.EventApproved
	case model.ActionPin:
		return model.EventPinned
	case model.ActionUnpin:
		return model.EventUnpinned
	case model.ActionVeto:
		return model.EventVetoed
	}
	return model.EventDeployRequested
}

// eventTime is when the next event of a bundle is written: now, or just after its latest
// event when the clock is frozen (--demo-now), so that the ledger keeps the order of writes.
func eventTime(now time.Time, events []model.LedgerEvent) time.Time {
	t := now.UTC().Truncate(time.Millisecond)
	for _, e := range events {
		if !e.At.Before(t) {
			t = e.At.Add(time.Millisecond)
		}
	}
	return t
}

// upstream is the release's deployment in the previous environment judged now, which
// verifies it when the ledger has no verdict event yet (as the promotion board judges it);
// nil when there is none or it cannot be read (the ledger's verdict then decides alone).
func (a *Actions) upstream(ctx context.Context, req ActionRequest) *model.Assessment {
	prev, ok := a.policy.Previous(req.Environment)
	if !ok {
		return nil
	}
	ds, err := a.src.List(ctx, prev, Query{Bundle: req.Bundle, Limit: 50})
	if err != nil {
		return nil
	}
	for _, d := range ds {
		if d.Release.Version == req.Version {
			as := d.Assessment
			return &as
		}
	}
	return nil
}
