package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// The ledger's state of every bundle as the home and the release screen use it: pending
// approvals and requests in flight (the home's strip), pins, vetoes and rollbacks (the
// release header), and what the action keys act on (the request to approve, the failed one
// to retry, pin or unpin).

// statesLoaded answers a BundleStates load.
type statesLoaded struct {
	states map[string]model.BundleState
	err    error
}

// loadStates reads every bundle's state.
func loadStates(c *Common, ctx context.Context) tea.Cmd {
	if c.Source == nil {
		return nil
	}
	src, timeout := c.Source, c.Timeout
	return func() tea.Msg {
		cctx, cancel := withTimeout(ctx, timeout)
		defer cancel()
		list, err := src.BundleStates(cctx)
		if err != nil {
			return statesLoaded{err: err}
		}
		m := make(map[string]model.BundleState, len(list))
		for _, s := range list {
			m[s.Bundle] = s
		}
		return statesLoaded{states: m}
	}
}

// reconciled says what became of the requests a cockpit left in flight.
type reconciled struct {
	text string
	err  error
}

// reconcileOnStart finds the requests left in flight (by a cockpit that died between its
// writes, or still running) and settles those whose runs ended, from the runs' states.
func reconcileOnStart(c *Common, ctx context.Context) tea.Cmd {
	if c.Actions == nil || c.Actions.Policy().ReadOnly {
		return nil // read-only writes nothing: the strip still shows them
	}
	src, timeout := c.Actions, c.Timeout
	return func() tea.Msg {
		cctx, cancel := withTimeout(ctx, 4*max(timeout, 5*time.Second))
		defer cancel()
		reqs, err := src.InFlight(cctx)
		if err != nil || len(reqs) == 0 {
			return reconciled{err: err}
		}
		var parts []string
		for _, r := range reqs {
			out, err := src.Reconcile(cctx, r)
			state := out.State
			if err != nil {
				state = "not settled: " + err.Error()
			}
			parts = append(parts, fmt.Sprintf("%s %s into %s by %s: %s", r.Action, r.Release.ID(), r.Environment, ShortUser(r.Requester), state))
		}
		return reconciled{text: fmt.Sprintf("%d request(s) were left in flight: %s", len(reqs), strings.Join(parts, "; "))}
	}
}

// requestStrip says what waits in an environment: requests awaiting approval and requests
// in flight, the newest first ("" when none).
func requestStrip(g Glyphs, states map[string]model.BundleState, env string, now time.Time) string {
	var pending, flying []model.Request
	for _, st := range states {
		es := st.Env(env)
		pending = append(pending, es.Pending()...)
		flying = append(flying, es.InFlight()...)
	}
	if len(pending)+len(flying) == 0 {
		return ""
	}
	var parts []string
	if n := len(pending); n > 0 {
		r := newest(pending)
		parts = append(parts, fmt.Sprintf("%d awaiting approval (%s by %s %s ago, %d/%d)", n, Clean(r.Release.ID()),
			Clean(ShortUser(r.Requester)), Age(now.Sub(r.At)), len(r.Approvals), r.ApprovalsRequired))
	}
	if n := len(flying); n > 0 {
		r := newest(flying)
		parts = append(parts, fmt.Sprintf("%d in flight (%s %s by %s since %s)", n, r.Action, Clean(r.Release.ID()),
			Clean(ShortUser(r.Requester)), Age(now.Sub(r.At))))
	}
	return g.Degraded + " " + strings.Join(parts, g.Dot)
}

func newest(rs []model.Request) model.Request {
	best := rs[0]
	for _, r := range rs[1:] {
		if r.At.After(best.At) {
			best = r
		}
	}
	return best
}

// deploymentTarget is what the action keys act on for a deployment shown in env: a
// promotion goes to the next environment; the others act in env.
func deploymentTarget(c *Common, states map[string]model.BundleState, env string, d model.Deployment, act model.Action) *actionTarget {
	t := &actionTarget{Bundle: d.Release.Bundle, Env: env, Version: d.Release.Version}
	if act == model.ActionPromote {
		next, ok := policyOf(c).Next(env)
		if !ok {
			return &actionTarget{Bundle: t.Bundle, Version: t.Version} // nothing after the last: no target env
		}
		t.From, t.Env = env, next
	}
	st, ok := states[t.Bundle]
	if !ok {
		return t
	}
	es := st.Env(t.Env)
	if cur, ok := es.Current(); ok {
		t.Current = cur.Release.Version
	}
	t.Pinned = es.Pin != nil
	if r, ok := es.PendingFor(t.Version); ok {
		t.RequestID = r.ID
	}
	if r, ok := newestFailed(es); ok {
		t.FailedRequest = r.ID
	}
	if act == actionRetry && t.FailedRequest == "" {
		// R on the row a promotion was made from: its failed promotion into the next
		// environment is what there is to retry.
		if next, ok := policyOf(c).Next(env); ok {
			if r, ok := newestFailed(st.Env(next)); ok && r.Release.Version == t.Version {
				t.From, t.Env, t.FailedRequest = env, next, r.ID
			}
		}
	}
	return t
}

// newestFailed is an environment's newest request when it failed: what R retries.
func newestFailed(es model.EnvState) (model.Request, bool) {
	if n := len(es.Requests); n > 0 && es.Requests[n-1].State == model.RequestFailed {
		return es.Requests[n-1], true
	}
	return model.Request{}, false
}

// stateLine says in the release header that a release is pinned, vetoed or rolled back:
// who, when, why and the ticket ("" when none is).
func stateLine(g Glyphs, st model.BundleState, env, version string, now time.Time) string {
	es := st.Env(env)
	var parts []string
	say := func(what, by string, at time.Time, reason, ticket string) {
		s := fmt.Sprintf("%s by %s %s ago (%s)", what, ShortUser(by), Age(now.Sub(at)), at.UTC().Format("01-02 15:04 MST"))
		if reason != "" {
			s += ": " + reason
		} else {
			s += ": no reason given"
		}
		if ticket != "" {
			s += " [" + ticket + "]"
		} else {
			s += " [no ticket]"
		}
		parts = append(parts, s)
	}
	if v, ok := st.Vetoed(version); ok {
		say("VETOED in "+v.Environment, v.By, v.At, v.Reason, v.Ticket)
	}
	r, rolledBack := es.RolledBack(version)
	if rolledBack {
		say(fmt.Sprintf("ROLLED BACK to %s", r.To), r.Requester, r.At, r.Reason, r.Ticket)
	}
	if p := es.Pin; p != nil {
		if rolledBack && p.Version == r.To && strings.HasPrefix(p.Reason, "rolled back ") {
			// The rollback's own pin: its who, why and ticket are the rollback's, said above.
			parts = append(parts, fmt.Sprintf("%s PINNED at %s by the rollback: promotion refused until unpinned", env, p.Version))
		} else {
			say(fmt.Sprintf("PINNED %s at %s", env, p.Version), p.By, p.At, p.Reason, p.Ticket)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return g.Degraded + " " + Clean(strings.Join(parts, g.Dot))
}
