package model

import (
	"fmt"
	"strings"
	"time"
)

// GateName names a gate.
type GateName string

// Gates, in the order they are reported. Each action evaluates the ones that apply to it
// (see EvaluateGates).
const (
	GateAuthorized       GateName = "authorized"
	GateVerifiedUpstream GateName = "verified_upstream"
	GateRollbackTarget   GateName = "rollback_target"
	GateRetryable        GateName = "retryable"
	GateRequestPending   GateName = "request_pending"
	GateNotRequester     GateName = "not_requester"
	GatePreChecks        GateName = "pre_checks"
	GateNotVetoed        GateName = "not_vetoed"
	GateNotPinned        GateName = "not_pinned"
	GatePinned           GateName = "pinned"
	GateNoFreeze         GateName = "no_freeze"
	GateBudget           GateName = "budget"
	GateNotInFlight      GateName = "not_in_flight"
	GateApprovals        GateName = "approvals"
	GateTicket           GateName = "ticket"
	GateReason           GateName = "reason"
	GateBreakGlass       GateName = "break_glass"
)

// Gate is one condition of an action: OK, or the reason it blocks and what to do.
type Gate struct {
	Name   GateName `json:"name"`
	OK     bool     `json:"ok"`
	Reason string   `json:"reason"`
	// BreakGlass: a blocked gate of this kind may be overridden by break-glass (freeze, budget).
	BreakGlass bool `json:"break_glass,omitempty"`
	// Overridden: it blocked and break-glass overrode it.
	Overridden bool `json:"overridden,omitempty"`
}

// Passes reports whether the gate lets the action through (OK or overridden).
func (g Gate) Passes() bool { return g.OK || g.Overridden }

// GateInput is everything the gates of an action are judged on. The ledger state, the
// pre-deploy checks and the budget are read by the caller; nothing here does I/O.
type GateInput struct {
	Action Action
	Policy Policy
	// Environment is the target: the one promoted into, rolled back, approved, pinned or
	// unpinned; for a veto, the one it is given in.
	Environment string
	// Release is the release acted on: promoted, approved or vetoed; for a rollback, the
	// target (an empty Version picks the last verified deployment); for pin and unpin only
	// Bundle matters (a pin holds the current version).
	Release Release
	// Principal is who acts, Permission their effective level on the target's deployer job.
	Principal  Principal
	Permission PermissionLevel
	Ticket     string
	Reason     string
	// BreakGlass asks to override the freeze and budget gates (promote and rollback only).
	BreakGlass bool
	// RequestID is the request being judged, when it is already in the ledger (cockpit gate
	// in the deployer job, executing an approved request, approving): it does not count as
	// in flight against itself, and its approvals are the ones counted.
	RequestID string
	// Retry: the action is a new attempt of the failed request RequestID (cockpit retry); a
	// retryable gate checks that it failed. Not for `cockpit gate`, which judges the attempt
	// once it is in flight.
	Retry bool
	// State is the ledger state of Release.Bundle (DeriveState).
	State BundleState
	// PreChecks are the release's pre-deploy checks (other phases are ignored).
	PreChecks []Check
	// Budget is the bundle's error budget in the target environment (ComputeBudget).
	Budget Budget
	Now    time.Time
}

// GateReport is the verdict of every gate on an action.
type GateReport struct {
	Action      Action  `json:"action"`
	Environment string  `json:"environment"`
	Release     Release `json:"release"`
	// From is the target's current version (empty when it has none).
	From  string `json:"from,omitempty"`
	Gates []Gate `json:"gates"`
	// BreakGlassUsed: break-glass overrode at least one gate; record the action as such.
	BreakGlassUsed bool `json:"break_glass_used,omitempty"`
}

// OK reports whether every gate passes.
func (r GateReport) OK() bool {
	for _, g := range r.Gates {
		if !g.Passes() {
			return false
		}
	}
	return true
}

// Blocking lists the gates that block.
func (r GateReport) Blocking() []Gate {
	var out []Gate
	for _, g := range r.Gates {
		if !g.Passes() {
			out = append(out, g)
		}
	}
	return out
}

// Reasons lists the blocking gates' reasons, one line each.
func (r GateReport) Reasons() []string {
	var out []string
	for _, g := range r.Blocking() {
		out = append(out, string(g.Name)+": "+g.Reason)
	}
	return out
}

// Gate finds a gate of the report by name.
func (r GateReport) Gate(name GateName) (Gate, bool) {
	for _, g := range r.Gates {
		if g.Name == name {
			return g, true
		}
	}
	return Gate{}, false
}

// EvaluateGates judges an action and returns every gate that applies to it, in this order,
// whether or not an earlier one blocks:
//
//	promote:  authorized[, retryable], verified_upstream, pre_checks, not_vetoed, not_pinned,
//	          no_freeze, budget, not_in_flight, approvals, ticket, reason[, break_glass]
//	rollback: authorized[, retryable], rollback_target, not_vetoed, no_freeze, budget,
//	          not_in_flight, ticket, reason[, break_glass]
//	approve:  authorized, request_pending, not_requester
//	pin:      authorized, not_pinned, reason
//	unpin:    authorized, pinned, reason
//	veto:     authorized, not_vetoed, reason
//
// break_glass is reported when GateInput.BreakGlass asks for it: it passes for a user the
// policy allows who gives a reason, and then the blocked no_freeze and budget gates are
// overridden and the report says BreakGlassUsed.
func EvaluateGates(in GateInput) GateReport {
	rep := GateReport{Action: in.Action, Environment: in.Environment, Release: in.Release}
	env := in.State.Env(in.Environment)
	ep, _ := in.Policy.Env(in.Environment)
	if cur, ok := env.Current(); ok {
		rep.From = cur.Release.Version
	}
	auth := Allowed(in.Policy, in.Environment, in.Principal, in.Permission)
	add := func(g Gate) { rep.Gates = append(rep.Gates, g) }
	authorized := func(a Action) {
		d := auth.For(a)
		g := Gate{Name: GateAuthorized, OK: d.Allowed, Reason: d.Reason}
		if d.Allowed {
			g.Reason = fmt.Sprintf("%s may %s", in.Principal.User, actionPhrase(a, in.Environment))
		}
		add(g)
	}
	switch in.Action {
	case ActionPromote:
		authorized(ActionPromote)
		if in.Retry {
			add(gateRetryable(in, env))
		}
		add(gateUpstream(in))
		add(gatePreChecks(in))
		add(gateNotVetoed(in, in.Release.Version))
		add(gateNotPinned(in, env))
		add(gateFreeze(in, ep))
		add(gateBudget(in, ep))
		add(gateInFlight(in, env))
		add(gateApprovals(in, ep, env))
		add(gateRequired(GateTicket, ep.TicketRequired, in.Ticket, in.Environment+" requires a change ticket: give one (--ticket)"))
		add(gateRequired(GateReason, ep.ReasonRequired, in.Reason, in.Environment+" requires a reason: give one (--reason)"))
	case ActionRollback:
		authorized(ActionRollback)
		if in.Retry {
			add(gateRetryable(in, env))
		}
		target, g := gateRollbackTarget(in, env)
		rep.Release = target
		add(g)
		add(gateNotVetoed(in, target.Version))
		add(gateFreeze(in, ep))
		add(gateBudget(in, ep))
		add(gateInFlight(in, env))
		add(gateRequired(GateTicket, ep.TicketRequired, in.Ticket, in.Environment+" requires a change ticket: give one (--ticket)"))
		add(gateRequired(GateReason, ep.ReasonRequired, in.Reason, in.Environment+" requires a reason: give one (--reason)"))
	case ActionApprove:
		authorized(ActionApprove)
		req, g := gateRequestPending(in, env)
		add(g)
		add(gateNotRequester(in, req))
	case ActionPin:
		authorized(ActionPin)
		add(gateNotPinned(in, env))
		add(gateRequired(GateReason, true, in.Reason, "a pin needs a reason: give one (--reason)"))
	case ActionUnpin:
		authorized(ActionUnpin)
		g := Gate{Name: GatePinned, OK: env.Pin != nil}
		if g.OK {
			g.Reason = fmt.Sprintf("%s is pinned for %s by %s", in.Environment, in.Release.Bundle, env.Pin.By)
		} else {
			g.Reason = fmt.Sprintf("%s is not pinned for %s: nothing to unpin", in.Environment, in.Release.Bundle)
		}
		add(g)
		add(gateRequired(GateReason, true, in.Reason, "an unpin needs a reason: give one (--reason)"))
	case ActionVeto:
		authorized(ActionVeto)
		g := gateNotVetoed(in, in.Release.Version)
		if !g.OK {
			g.Reason = "already vetoed: " + g.Reason
		}
		add(g)
		add(gateRequired(GateReason, true, in.Reason, "a veto needs a reason: give one (--reason)"))
	default:
		add(Gate{Name: GateAuthorized, Reason: fmt.Sprintf("unknown action %q", in.Action)})
	}
	if in.BreakGlass && (in.Action == ActionPromote || in.Action == ActionRollback) {
		applyBreakGlass(&rep, in, auth.For(ActionBreakGlass), ep)
	}
	return rep
}

// applyBreakGlass adds the break_glass gate and, when it passes, overrides the blocked gates
// that break-glass may override.
func applyBreakGlass(rep *GateReport, in GateInput, d Decision, ep EnvPolicy) {
	g := Gate{Name: GateBreakGlass}
	switch {
	case !d.Allowed:
		g.Reason = "break-glass refused: " + d.Reason
	case strings.TrimSpace(in.Reason) == "":
		g.Reason = "break-glass needs a reason: give one (--reason)"
	default:
		g.OK = true
		for i := range rep.Gates {
			if gi := &rep.Gates[i]; gi.BreakGlass && !gi.OK {
				gi.Overridden = true
				rep.BreakGlassUsed = true
			}
		}
		if rep.BreakGlassUsed {
			g.Reason = fmt.Sprintf("break-glass by %s overrides the freeze and budget gates: %s", in.Principal.User, strings.TrimSpace(in.Reason))
		} else {
			g.Reason = "break-glass asked for, but no freeze or budget gate blocks: not used"
		}
	}
	rep.Gates = append(rep.Gates, g)
}

func actionPhrase(a Action, env string) string {
	switch a {
	case ActionPromote:
		return "promote into " + env
	case ActionRollback:
		return "roll back " + env
	}
	return string(a) + " in " + env
}

func gateUpstream(in GateInput) Gate {
	g := Gate{Name: GateVerifiedUpstream}
	rid := in.Release.ID()
	prev, ok := in.Policy.Previous(in.Environment)
	if !ok {
		g.OK, g.Reason = true, fmt.Sprintf("%s is the first environment: nothing to be verified in", in.Environment)
		return g
	}
	d, ok := in.State.Env(prev).Latest(in.Release.Version)
	switch {
	case !ok:
		g.Reason = fmt.Sprintf("%s was never deployed to %s: promote it there first", rid, prev)
	case d.Verdict == "":
		g.Reason = fmt.Sprintf("%s has no verdict in %s yet: wait for its bake time and post-deploy checks", rid, prev)
	case !d.Verified():
		g.Reason = fmt.Sprintf("%s is %s in %s: only a healthy release moves on", rid, d.Verdict, prev)
	default:
		g.OK, g.Reason = true, fmt.Sprintf("%s verified healthy in %s at %s", rid, prev, stamp(d.VerdictAt, nil))
	}
	return g
}

func gatePreChecks(in GateInput) Gate {
	g := Gate{Name: GatePreChecks}
	var pre []Check
	for _, c := range in.PreChecks {
		if c.Phase == PhasePre {
			pre = append(pre, c)
		}
	}
	n := CountChecks(pre)
	names := func(o Outcome) string {
		var out []string
		seen := map[string]bool{}
		for _, c := range latestChecks(pre) {
			if !seen[c.Name] && (c.Outcome == o || (o == OutcomeInconclusive && c.NoData)) {
				seen[c.Name] = true
				out = append(out, c.Name)
			}
		}
		return strings.Join(out, ", ")
	}
	switch {
	case n.Total() == 0:
		if _, hasPrev := in.Policy.Previous(in.Environment); hasPrev {
			g.Reason = fmt.Sprintf("no pre-deploy checks are recorded for %s: run them before promoting", in.Release.ID())
		} else {
			g.OK, g.Reason = true, "no pre-deploy checks recorded yet: the deployer job runs them"
		}
	case n.Fail > 0:
		g.Reason = fmt.Sprintf("%d pre-deploy check(s) failed (%s): fix the release and cut a new one", n.Fail, names(OutcomeFail))
	case n.Pending > 0:
		g.Reason = fmt.Sprintf("%d pre-deploy check(s) pending (%s): wait for them", n.Pending, names(OutcomePending))
	case n.Inconclusive > 0:
		g.Reason = fmt.Sprintf("%d pre-deploy check(s) inconclusive (%s): a person must decide and re-run them", n.Inconclusive, names(OutcomeInconclusive))
	default:
		g.OK, g.Reason = true, fmt.Sprintf("%d pre-deploy check(s) passed", n.Pass)
	}
	return g
}

// latestChecks keeps the latest report of each named check, as CountChecks does.
func latestChecks(cs []Check) []Check {
	latest := map[string]int{}
	var out []Check
	for _, c := range cs {
		if i, ok := latest[c.Name]; ok {
			if !c.At.Before(out[i].At) {
				out[i] = c
			}
			continue
		}
		latest[c.Name] = len(out)
		out = append(out, c)
	}
	return out
}

func gateNotVetoed(in GateInput, version string) Gate {
	g := Gate{Name: GateNotVetoed}
	rid := ReleaseID(in.Release.Bundle, version)
	if v, ok := in.State.Vetoed(version); ok && version != "" {
		g.Reason = fmt.Sprintf("%s was vetoed in %s by %s at %s: %s", rid, v.Environment, v.By, stamp(v.At, nil), v.Reason)
		if v.Ticket != "" {
			g.Reason += " (" + v.Ticket + ")"
		}
		return g
	}
	g.OK, g.Reason = true, rid+" is not vetoed"
	return g
}

func gateNotPinned(in GateInput, env EnvState) Gate {
	g := Gate{Name: GateNotPinned}
	p := env.Pin
	if p == nil {
		g.OK, g.Reason = true, fmt.Sprintf("%s is not pinned for %s", in.Environment, in.Release.Bundle)
		return g
	}
	g.Reason = fmt.Sprintf("%s is pinned for %s at %s by %s at %s: %s", in.Environment, in.Release.Bundle, p.Version, p.By, stamp(p.At, nil), p.Reason)
	if p.Ticket != "" {
		g.Reason += " (" + p.Ticket + ")"
	}
	if in.Action == ActionPin {
		g.Reason += "; it is pinned already"
	} else {
		g.Reason += fmt.Sprintf("; unpin it with a reason first (cockpit unpin --bundle %s --env %s --reason ...)", in.Release.Bundle, in.Environment)
	}
	return g
}

func gateFreeze(in GateInput, ep EnvPolicy) Gate {
	g := Gate{Name: GateNoFreeze, BreakGlass: true}
	f := ep.FreezeAt(in.Now)
	if !f.Frozen {
		g.OK, g.Reason = true, "no freeze window is active in "+in.Environment
		return g
	}
	g.Reason = f.Reason + breakGlassHint(ep)
	return g
}

func gateBudget(in GateInput, ep EnvPolicy) Gate {
	g := Gate{Name: GateBudget, BreakGlass: true}
	b := in.Budget
	switch {
	case ep.SLO.Target <= 0:
		g.OK, g.Reason = true, in.Environment+" has no SLO"
	case !ep.SLO.Gate:
		g.OK, g.Reason = true, fmt.Sprintf("%s (not a gate in %s)", b, in.Environment)
	case b.Spent:
		g.Reason = fmt.Sprintf("%s's %s in %s%s", in.Release.Bundle, b, in.Environment, breakGlassHint(ep))
	default:
		g.OK, g.Reason = true, b.String()
		if p := b.Paging(); len(p) > 0 {
			g.Reason += fmt.Sprintf("; burning %.1fx over %s (pages)", p[0].Long, fmtDuration(p[0].Rule.Long))
		}
	}
	return g
}

func breakGlassHint(ep EnvPolicy) string {
	bg := ep.Grants[ActionBreakGlass]
	if bg.Empty() {
		return "; nobody may break glass here: wait for it to end"
	}
	return fmt.Sprintf("; wait, or break glass with a reason (%s)", bg)
}

func gateInFlight(in GateInput, env EnvState) Gate {
	g := Gate{Name: GateNotInFlight}
	for _, r := range env.InFlight() {
		if in.RequestID != "" && (r.ID == in.RequestID || r.AttemptID == in.RequestID) {
			continue
		}
		g.Reason = fmt.Sprintf("%s %s by %s is in flight in %s since %s (request %s", r.Action, r.Release.ID(), r.Requester, in.Environment, stamp(r.At, nil), r.ID)
		if r.RunID != 0 {
			g.Reason += fmt.Sprintf(", run %d", r.RunID)
		}
		g.Reason += "): wait for it to end"
		return g
	}
	g.OK, g.Reason = true, fmt.Sprintf("no deployment of %s is in flight in %s", in.Release.Bundle, in.Environment)
	return g
}

func gateApprovals(in GateInput, ep EnvPolicy, env EnvState) Gate {
	g := Gate{Name: GateApprovals}
	need := ep.ApprovalsRequired
	if need <= 0 {
		g.OK, g.Reason = true, "no approvals required in "+in.Environment
		return g
	}
	requester := in.Principal.User
	if r, ok := env.Request(in.RequestID); ok && in.RequestID != "" {
		requester = r.Requester
	}
	var by []string
	for _, a := range env.ApprovalsFor(in.Release.Version) {
		if !strings.EqualFold(a.By, in.Principal.User) && !strings.EqualFold(a.By, requester) {
			by = append(by, a.By)
		}
	}
	if len(by) >= need {
		g.OK, g.Reason = true, fmt.Sprintf("approved by %s (%d of %d)", strings.Join(by, ", "), len(by), need)
		return g
	}
	g.Reason = fmt.Sprintf("needs %d approval(s) by people other than the requester, has %d: ask %s (cockpit approve %s --env %s)",
		need, len(by), ep.Grants[ActionApprove], in.Release.ID(), in.Environment)
	return g
}

func gateRetryable(in GateInput, env EnvState) Gate {
	g := Gate{Name: GateRetryable}
	r, ok := env.Request(in.RequestID)
	switch {
	case !ok:
		g.Reason = fmt.Sprintf("no request %q in %s", in.RequestID, in.Environment)
	case !r.Retryable():
		g.Reason = fmt.Sprintf("request %s is %s: only a failed request can be retried", r.ID, strings.ReplaceAll(string(r.State), "_", " "))
	default:
		g.OK, g.Reason = true, fmt.Sprintf("attempt %d of request %s (%s %s)", r.Attempts+1, r.ID, r.Action, r.Release.ID())
		if len(r.FailedResources) > 0 {
			g.Reason += "; failed last time: " + strings.Join(r.FailedResources, ", ")
		}
	}
	return g
}

// GateInputFor fills a GateInput from a request in the ledger: action, environment, release,
// ticket, reason, break-glass and RequestID, for `cockpit gate` (judging the deployer run of
// that request), for executing an approved request and for a retry (set Retry). The caller
// adds who asks, their permission, the pre-deploy checks and the budget.
func GateInputFor(p Policy, s BundleState, r Request, now time.Time) GateInput {
	return GateInput{Action: r.Action, Policy: p, Environment: r.Environment, Release: r.Release,
		Ticket: r.Ticket, Reason: r.Reason, BreakGlass: r.BreakGlass, RequestID: r.ID, State: s, Now: now}
}

func gateRequired(name GateName, required bool, value, missing string) Gate {
	g := Gate{Name: name}
	switch {
	case strings.TrimSpace(value) != "":
		g.OK, g.Reason = true, "given: "+strings.TrimSpace(value)
	case !required:
		g.OK, g.Reason = true, "not required"
	default:
		g.Reason = missing
	}
	return g
}

func gateRollbackTarget(in GateInput, env EnvState) (Release, Gate) {
	g := Gate{Name: GateRollbackTarget}
	bundle := in.Release.Bundle
	cur, ok := env.Current()
	if !ok {
		g.Reason = fmt.Sprintf("%s has no deployment in %s to roll back", bundle, in.Environment)
		return in.Release, g
	}
	if in.Release.Version == "" {
		d, ok := env.LastVerified()
		if !ok {
			g.Reason = fmt.Sprintf("no earlier verified deployment of %s in %s to roll back to: pick a version", bundle, in.Environment)
			return in.Release, g
		}
		g.OK, g.Reason = true, fmt.Sprintf("%s → %s, the last verified deployment (%s)", cur.Release.Version, d.Release.Version, stamp(d.DeployedAt, nil))
		return d.Release, g
	}
	target := in.Release
	if target.Version == cur.Release.Version {
		g.Reason = fmt.Sprintf("%s is already current in %s", target.ID(), in.Environment)
		return target, g
	}
	for i := len(env.Deployments) - 2; i >= 0; i-- {
		d := env.Deployments[i]
		if d.Release.Version != target.Version {
			continue
		}
		if !d.Verified() {
			verdict := string(d.Verdict)
			if verdict == "" {
				verdict = "without a verdict"
			}
			g.Reason = fmt.Sprintf("%s was %s in %s: roll back only to a verified deployment", target.ID(), verdict, in.Environment)
			continue // an earlier landing of the same version may have been verified
		}
		g.OK, g.Reason = true, fmt.Sprintf("%s → %s, verified at %s", cur.Release.Version, target.Version, stamp(d.VerdictAt, nil))
		return d.Release, g
	}
	if g.Reason == "" {
		g.Reason = fmt.Sprintf("%s was never deployed to %s before the current %s", target.ID(), in.Environment, cur.Release.Version)
	}
	return target, g
}

func gateRequestPending(in GateInput, env EnvState) (Request, Gate) {
	g := Gate{Name: GateRequestPending}
	var r Request
	var ok bool
	if in.RequestID != "" {
		r, ok = env.Request(in.RequestID)
	} else {
		r, ok = env.PendingFor(in.Release.Version)
	}
	switch {
	case !ok:
		g.Reason = fmt.Sprintf("no request of %s into %s awaits approval", in.Release.ID(), in.Environment)
	case r.State != RequestAwaitingApproval && r.State != RequestApproved:
		g.Reason = fmt.Sprintf("request %s is %s: only a pending request can be approved", r.ID, strings.ReplaceAll(string(r.State), "_", " "))
	default:
		g.OK, g.Reason = true, fmt.Sprintf("%s requested by %s, %d of %d approval(s)", r.Release.ID(), r.Requester, len(r.Approvals), r.ApprovalsRequired)
	}
	return r, g
}

func gateNotRequester(in GateInput, r Request) Gate {
	g := Gate{Name: GateNotRequester}
	switch {
	case r.ID == "":
		g.Reason = "no request to approve"
	case strings.EqualFold(r.Requester, in.Principal.User):
		g.Reason = fmt.Sprintf("you (%s) requested it: another person must approve", in.Principal.User)
	case r.ApprovedBy(in.Principal.User):
		g.Reason = fmt.Sprintf("you (%s) approved it already: approvals count distinct people", in.Principal.User)
	default:
		g.OK, g.Reason = true, fmt.Sprintf("requested by %s, not you", r.Requester)
	}
	return g
}
