package ui

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// The life of an action in the TUI: a key plans it (a tea.Cmd asks the executor for the
// plan, every gate judged); the plan opens its dialog; a confirmation plans it again with
// what was typed (reason, ticket) and executes it in a tea.Cmd that reports the deployer
// run's progress as messages to a progress overlay; the end tells every screen to reload.
// Messages carry the id of the actionKeys that started them: every screen on the stack
// sees every message, and only the one that asked acts on it.

var actionOwners atomic.Int64

// planReady answers a plan request.
type planReady struct {
	owner int64
	plan  model.ActionPlan
	prod  bool
	err   error
}

// actionPayload rides in the dialog's result.
type actionPayload struct {
	owner int64
	plan  model.ActionPlan
}

// execStarted hands the channel of a running execution to its owner.
type execStarted struct {
	owner int64
	id    int64
	title string
	ch    <-chan tea.Msg
}

// execProgress is one observation of the run; execFinished its end.
type execProgress struct {
	owner int64
	id    int64
	p     model.ActionProgress
}

type execFinished struct {
	owner int64
	id    int64
	plan  model.ActionPlan
	out   model.ActionOutcome
	err   error
}

var execIDs atomic.Int64

// startAction asks the executor for the plan of an action on a target.
func startAction(a *actionKeys, act model.Action, t *actionTarget) tea.Cmd {
	req := model.ActionRequest{Action: act, Bundle: t.Bundle, Version: t.Version, Environment: t.Env}
	switch act {
	case model.ActionRollback:
		req.Version = "" // the last verified earlier deployment
	case actionRetry:
		if t.FailedRequest == "" {
			return notify(fmt.Sprintf("nothing to retry: the newest request of %s into %s did not fail", t.Bundle, t.Env), true)
		}
		req = model.ActionRequest{RetryOf: t.FailedRequest, Bundle: t.Bundle, Environment: t.Env}
	}
	envs := a.policy().Names()
	prod := len(envs) > 0 && envs[len(envs)-1] == t.Env
	src, ctx, owner, timeout := a.c.Actions, a.ctx, a.owner, a.c.Timeout
	return func() tea.Msg {
		cctx, cancel := withTimeout(ctx, timeout)
		defer cancel()
		p, err := src.PlanAction(cctx, req)
		return planReady{owner: owner, plan: p, prod: prod, err: err}
	}
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}

// updateExec handles the plans, dialog answers and executions this component started.
func (a *actionKeys) updateExec(msg tea.Msg) tea.Cmd {
	switch m := msg.(type) {
	case planReady:
		if m.owner != a.owner {
			return nil
		}
		if m.err != nil {
			return notify("could not plan the action: "+m.err.Error(), true)
		}
		spec := actionDialog(m.plan, m.prod, a.decision(m.plan.Request.Environment, model.ActionBreakGlass))
		spec.Payload = actionPayload{owner: a.owner, plan: m.plan}
		return Open(NewConfirm(a.c, spec))
	case ConfirmResult:
		pl, ok := m.Payload.(actionPayload)
		if !ok || pl.owner != a.owner || !m.Confirmed {
			if ok && pl.owner == a.owner {
				return notify("cancelled: nothing was done", false)
			}
			return nil
		}
		return a.execute(pl.plan, m.Values, m.Toggled)
	case execStarted:
		if m.owner != a.owner {
			return nil
		}
		prog := newProgress(a.c, m.id, m.title)
		return tea.Batch(Open(prog), prog.tick(), waitExec(m.ch))
	case execProgress:
		if m.owner == a.owner {
			return waitExec(a.running[m.id])
		}
	case execFinished:
		if m.owner != a.owner {
			return nil
		}
		delete(a.running, m.id)
		req := m.plan.Request
		done := actionDone{Action: req.Action, Bundle: req.Bundle, Env: req.Environment, OK: m.err == nil}
		if m.err != nil {
			done.Text = m.err.Error()
		} else {
			done.Text = m.out.State
		}
		return func() tea.Msg { return done }
	}
	return nil
}

// execute plans the action again with what was typed (and break-glass when the dialog was
// confirmed with it on: the executor judges and records it as the CLI's --break-glass
// does), then carries it out; the run's observations come back as messages through a
// channel the owner drains.
func (a *actionKeys) execute(p model.ActionPlan, values map[string]string, breakGlass bool) tea.Cmd {
	req := p.Request
	if v := values["reason"]; v != "" {
		req.Reason = v
	}
	if v := values["ticket"]; v != "" {
		req.Ticket = v
	}
	req.BreakGlass = breakGlass
	id := execIDs.Add(1)
	ch := make(chan tea.Msg, 64)
	a.running[id] = ch
	src, ctx, owner := a.c.Actions, a.ctx, a.owner
	title := actionTitle(req.Action, &actionTarget{Bundle: req.Bundle, Env: req.Environment, Version: p.To.Version})
	if breakGlass {
		title += " (break-glass)"
	}
	return func() tea.Msg {
		go func() {
			defer close(ch)
			plan, err := src.PlanAction(ctx, req)
			if err == nil && !plan.Report.OK() && !plan.AwaitsApproval {
				err = fmt.Errorf("refused: %s", joinReasons(plan.Report))
			}
			var out model.ActionOutcome
			if err == nil {
				out, err = src.ExecuteAction(ctx, plan, func(pr model.ActionProgress) {
					select {
					case ch <- execProgress{owner: owner, id: id, p: pr}:
					default: // the overlay is behind: it gets the next one
					}
				})
			}
			ch <- execFinished{owner: owner, id: id, plan: p, out: out, err: err}
		}()
		return execStarted{owner: owner, id: id, title: title, ch: ch}
	}
}

// waitExec waits for the next message of a running execution.
func waitExec(ch <-chan tea.Msg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		return m
	}
}

func joinReasons(r model.GateReport) string {
	s := ""
	for i, x := range r.Reasons() {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}
