package model

import (
	"fmt"
	"strings"
)

// The gates, one function each; EvaluateGates calls the ones of an action in order.

func gateNotCurrent(in GateInput, env EnvState) Gate {
	g := Gate{Name: GateNotCurrent}
	if cur, ok := env.Current(); ok && cur.Release.Version == in.Release.Version {
		g.Reason = fmt.Sprintf("%s is already current in %s (since %s)", in.Release.ID(), in.Environment, stamp(cur.DeployedAt, nil))
		return g
	}
	g.OK, g.Reason = true, fmt.Sprintf("%s is not current in %s", in.Release.ID(), in.Environment)
	return g
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
	a := in.Upstream
	switch {
	case !ok:
		g.Reason = fmt.Sprintf("%s was never deployed to %s: promote it there first", rid, prev)
	case d.Verdict == "" && a != nil && !a.Provisional && a.Verdict == VerdictHealthy:
		g.OK, g.Reason = true, fmt.Sprintf("%s judged healthy in %s after its bake time", rid, prev)
	case d.Verdict == "" && a != nil && !a.Provisional:
		g.Reason = fmt.Sprintf("%s is %s in %s: only a healthy release moves on", rid, a.Verdict, prev)
		if len(a.Reasons) > 0 {
			g.Reason += " (" + strings.Join(a.Reasons, "; ") + ")"
		}
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
	// outcome is how CountChecks counts a check: no data and unknown outcomes are inconclusive.
	outcome := func(c Check) Outcome {
		switch {
		case c.NoData:
			return OutcomeInconclusive
		case c.Outcome == OutcomePass, c.Outcome == OutcomeFail, c.Outcome == OutcomePending:
			return c.Outcome
		}
		return OutcomeInconclusive
	}
	names := func(o Outcome) string {
		var out []string
		for _, c := range latestChecks(pre) {
			if outcome(c) == o {
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
		g.Reason = fmt.Sprintf("%s was vetoed in %s by %s at %s: %s", rid, v.Environment, v.By, stamp(v.At, nil), why(v.Reason))
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
	g.Reason = fmt.Sprintf("%s is pinned for %s at %s by %s at %s: %s", in.Environment, in.Release.Bundle, p.Version, p.By, stamp(p.At, nil), why(p.Reason))
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

// gateBudget judges the bundle's error budget in the target. A spent budget freezes
// promotions (DESIGN §5: releases stop until the budget recovers, or break-glass), never
// a rollback: rolling back is the remedy for a burning budget (the SRE workbook's error
// budget policy halts changes except fixes), so for a rollback the gate reports the budget
// and passes.
func gateBudget(in GateInput, ep EnvPolicy) Gate {
	rollback := in.Action == ActionRollback
	g := Gate{Name: GateBudget, BreakGlass: !rollback}
	b := in.Budget
	switch {
	case ep.SLO.Target <= 0:
		g.OK, g.Reason = true, in.Environment+" has no SLO"
	case !ep.SLO.Gate:
		g.OK, g.Reason = true, fmt.Sprintf("%s (not a gate in %s)", b, in.Environment)
	case b.Spent && rollback:
		g.OK, g.Reason = true, fmt.Sprintf("budget spent: rollbacks are allowed, promotions are frozen (%s's %s in %s)", in.Release.Bundle, b, in.Environment)
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

// why is a reason for messages; the ledger may hold none.
func why(reason string) string {
	if strings.TrimSpace(reason) == "" {
		return "no reason given"
	}
	return reason
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
		g.Reason = fmt.Sprintf("%s %s by %s is in flight in %s since %s (request %s", r.Action, r.Release.ID(), r.AttemptBy, in.Environment, stamp(r.At, nil), r.AttemptID)
		if r.RunID != 0 {
			g.Reason += fmt.Sprintf(", run %d", r.RunID)
		}
		if r.StartedAt.IsZero() {
			g.Reason += "): it has not started; if the cockpit that asked died, the next start reconciles it"
		} else {
			g.Reason += "): wait for it to end"
		}
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

func gateTicket(in GateInput, ep EnvPolicy) Gate {
	g := gateRequired(GateTicket, ep.TicketRequired, in.Ticket, in.Environment+" requires a change ticket: give one (--ticket)")
	if t := strings.TrimSpace(in.Ticket); t != "" && ep.TicketPattern != nil && !ep.TicketPattern.MatchString(t) {
		g.OK, g.Reason = false, fmt.Sprintf("%q does not look like a change ticket in %s (%s)", t, in.Environment, ep.TicketPattern)
	}
	return g
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
