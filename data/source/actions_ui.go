package source

import (
	"context"

	"github.com/release-cockpit/cockpit/model"
)

// UIActions is the executor in the terms the terminal UI reads (ui.ActionSource: model
// types only, the UI depends on no data package): plans, executions with their progress,
// and the requests left in flight.
type UIActions struct{ A *Actions }

// Policy is the policy the actions are judged by.
func (u UIActions) Policy() model.Policy { return u.A.Policy() }

// Whoami is who the user is in env and their permission on its deployer job.
func (u UIActions) Whoami(ctx context.Context, env string) (model.Principal, model.PermissionLevel, error) {
	return u.A.Whoami(ctx, env)
}

// PlanAction plans an action (Plan) and describes it.
func (u UIActions) PlanAction(ctx context.Context, r model.ActionRequest) (model.ActionPlan, error) {
	p, err := u.A.Plan(ctx, ActionRequest{Action: r.Action, Bundle: r.Bundle, Version: r.Version, Environment: r.Environment,
		Reason: r.Reason, Ticket: r.Ticket, BreakGlass: r.BreakGlass, RetryOf: r.RetryOf})
	if err != nil {
		return model.ActionPlan{}, err
	}
	req := p.Request
	return model.ActionPlan{
		Request: model.ActionRequest{Action: req.Action, Bundle: req.Bundle, Version: req.Version, Environment: req.Environment,
			Reason: req.Reason, Ticket: req.Ticket, BreakGlass: req.BreakGlass, RetryOf: req.RetryOf},
		Actor: p.Actor, Report: p.Report, From: p.From, To: p.To, Resources: p.Resources, RequestID: p.RequestID,
		AwaitsApproval: p.AwaitsApproval, Call: p.Call, Writes: p.Writes, Handle: p,
	}, nil
}

// ExecuteAction executes a plan PlanAction made, following the deployer run to its end.
func (u UIActions) ExecuteAction(ctx context.Context, p model.ActionPlan, progress func(model.ActionProgress)) (model.ActionOutcome, error) {
	plan, ok := p.Handle.(Plan)
	if !ok {
		return model.ActionOutcome{}, input("the plan was not made by this executor: plan again")
	}
	out, err := u.A.Execute(ctx, plan, ExecOptions{Progress: func(pr Progress) {
		if progress != nil {
			progress(model.ActionProgress{RequestID: pr.RequestID, RunID: pr.RunID, State: pr.State, Task: pr.Task, Elapsed: pr.Elapsed, RunURL: pr.RunURL})
		}
	}})
	return outcome(out), err
}

// InFlight lists the requests without a result.
func (u UIActions) InFlight(ctx context.Context) ([]model.Request, error) { return u.A.InFlight(ctx) }

// Reconcile settles a request left in flight from its run's state.
func (u UIActions) Reconcile(ctx context.Context, r model.Request) (model.ActionOutcome, error) {
	out, err := u.A.Reconcile(ctx, r)
	return outcome(out), err
}

func outcome(o Outcome) model.ActionOutcome {
	return model.ActionOutcome{RequestID: o.RequestID, RunID: o.RunID, RunURL: o.RunURL, State: o.State, Message: o.Message}
}
