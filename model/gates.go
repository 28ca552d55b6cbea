package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// GateName names a gate.
type GateName string

// Gates, in the order they are reported. Each action evaluates the ones that apply to it
// (see EvaluateGates).
const (
	GateAuthorized       GateName = "authorized"
	GateNotCurrent       GateName = "not_current"
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
	// Upstream, when set, is the release's deployment in the previous environment judged now
	// (Assess). It verifies the release when the ledger holds no verdict event for it yet:
	// only a final (not provisional) healthy assessment does.
	Upstream *Assessment
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

// AwaitsApproval reports whether approvals are all that block: the promotion may then be
// recorded as a request awaiting approval (deploy_requested with status awaiting_approval),
// which approvers approve and the requester executes once the approvals gate passes.
func (r GateReport) AwaitsApproval() bool {
	b := r.Blocking()
	return len(b) == 1 && b[0].Name == GateApprovals
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
//	promote:  authorized[, retryable], not_current, verified_upstream, pre_checks, not_vetoed,
//	          not_pinned, no_freeze, budget, not_in_flight, approvals, ticket, reason[, break_glass]
//	rollback: authorized[, retryable], rollback_target, not_vetoed, no_freeze, budget,
//	          not_in_flight, ticket, reason[, break_glass]
//	approve:  authorized, request_pending, not_requester
//	pin:      authorized, not_pinned, reason
//	unpin:    authorized, pinned, reason
//	veto:     authorized, not_vetoed, reason
//
// break_glass is reported when GateInput.BreakGlass asks for it: it passes for a user the
// policy allows who gives a reason, and then the blocked no_freeze and budget gates are
// overridden and the report says BreakGlassUsed. A rollback's budget gate reports the
// budget and never blocks (a spent budget freezes promotions, not the remedy), so only a
// freeze window needs break-glass for a rollback.
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
		add(gateNotCurrent(in, env))
		add(gateUpstream(in))
		add(gatePreChecks(in))
		add(gateNotVetoed(in, in.Release.Version))
		add(gateNotPinned(in, env))
		add(gateFreeze(in, ep))
		add(gateBudget(in, ep))
		add(gateInFlight(in, env))
		add(gateApprovals(in, ep, env))
		add(gateTicket(in, ep))
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
		add(gateTicket(in, ep))
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
	case ActionBreakGlass:
		add(Gate{Name: GateAuthorized, Reason: "break-glass is not an action of its own: ask for it on a promotion or a rollback"})
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
		overrideBlocked(rep)
		if rep.BreakGlassUsed {
			g.Reason = fmt.Sprintf("break-glass by %s overrides the freeze and budget gates: %s", in.Principal.User, strings.TrimSpace(in.Reason))
		} else {
			g.Reason = "break-glass asked for, but no freeze or budget gate blocks: not used"
		}
	}
	rep.Gates = append(rep.Gates, g)
}

// overrideBlocked marks the blocked gates that break-glass may override as overridden.
func overrideBlocked(rep *GateReport) {
	for i := range rep.Gates {
		if gi := &rep.Gates[i]; gi.BreakGlass && !gi.OK {
			gi.Overridden = true
			rep.BreakGlassUsed = true
		}
	}
}

// OnlyBreakGlassBlocks reports whether break-glass is what stands between the action and
// its execution: a freeze or budget gate blocks, and every other blocking gate is one of
// those named (the ticket and reason a dialog still asks for). Break-glass never applies
// to other actions than promote and rollback.
func (r GateReport) OnlyBreakGlassBlocks(answered ...GateName) bool {
	if r.Action != ActionPromote && r.Action != ActionRollback {
		return false
	}
	glass := false
	for _, g := range r.Blocking() {
		switch {
		case g.BreakGlass:
			glass = true
		case !slices.Contains(answered, g.Name):
			return false
		}
	}
	return glass
}

// BreakGlassPreview is the report as it will be if break-glass is asked for by user, who
// may (Allowed: ActionBreakGlass), with a reason: the freeze and budget gates that block
// are overridden and a passing break_glass gate says so. The executor judges again with
// the reason given; this is what a dialog shows before it is typed.
func (r GateReport) BreakGlassPreview(user string) GateReport {
	out := r
	out.Gates = append([]Gate(nil), r.Gates...)
	overrideBlocked(&out)
	out.Gates = append(out.Gates, Gate{Name: GateBreakGlass, OK: true,
		Reason: fmt.Sprintf("break-glass by %s overrides the freeze and budget gates; recorded as break-glass with the reason given", user)})
	return out
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

// GateInputFor fills a GateInput from a request in the ledger: action, environment, release,
// ticket, reason, break-glass and RequestID, for `cockpit gate` (judging the deployer run of
// that request), for executing an approved request and for a retry (set Retry). The caller
// adds who asks, their permission, the pre-deploy checks and the budget.
func GateInputFor(p Policy, s BundleState, r Request, now time.Time) GateInput {
	return GateInput{Action: r.Action, Policy: p, Environment: r.Environment, Release: r.Release,
		Ticket: r.Ticket, Reason: r.Reason, BreakGlass: r.BreakGlass, RequestID: r.ID, State: s, Now: now}
}

// GateForRun is what `cockpit gate` judges a deployer run by: the request its job parameters
// name (bundle, version, target, request_id), judged for the run's creator. It refuses, with
// the reason, a run whose parameters are missing, whose request is not in the ledger, or
// that does not match its request (another release or environment, or another person than
// the one who asked, except the execution of a promotion that needed approvals by someone
// the gates then authorize: ExecutedByAnother): a run created directly through the API
// must carry a request the ledger knows. The caller adds the creator's permission, the
// pre-deploy checks and the budget.
func GateForRun(p Policy, s BundleState, params map[string]string, creator Principal, now time.Time) (GateInput, error) {
	for _, k := range []string{"bundle", "version", "target", "request_id"} {
		if strings.TrimSpace(params[k]) == "" {
			return GateInput{}, fmt.Errorf("the run has no %s job parameter: deployer runs are asked for through the cockpit (cockpit promote or rollback)", k)
		}
	}
	if params["bundle"] != s.Bundle {
		return GateInput{}, fmt.Errorf("the run deploys bundle %s, the ledger state is of %s", params["bundle"], s.Bundle)
	}
	r, ok := s.Env(params["target"]).Request(params["request_id"])
	if !ok {
		return GateInput{}, fmt.Errorf("request %s is not in the ledger for %s in %s: deployer runs are asked for through the cockpit", params["request_id"], s.Bundle, params["target"])
	}
	if r.Release.Version != params["version"] {
		return GateInput{}, fmt.Errorf("the run deploys %s@%s, but request %s is for %s", s.Bundle, params["version"], r.ID, r.Release.ID())
	}
	if !strings.EqualFold(r.AttemptBy, creator.User) && !ExecutedByAnother(r, creator.User) {
		return GateInput{}, fmt.Errorf("the run was created by %s, but request %s was made by %s: only a promotion that needed approvals may be executed by someone other than its requester", creator.User, params["request_id"], r.AttemptBy)
	}
	in := GateInputFor(p, s, r, now)
	in.Principal = creator
	in.RequestID = params["request_id"]
	return in, nil
}

// ExecutedByAnother reports whether a deployer run of request r created by executor is
// judged as someone else's execution of the request (see GateForRun): the request is a
// promotion made awaiting approval, and the gates are then judged for the executor (their
// grant and CAN_MANAGE_RUN, approvals by people other than the requester and the executor:
// requester, approvers and executor are three roles, of at least two people).
func ExecutedByAnother(r Request, executor string) bool {
	return !strings.EqualFold(r.AttemptBy, executor) && r.ApprovalsRequired > 0 && r.Action == ActionPromote
}
