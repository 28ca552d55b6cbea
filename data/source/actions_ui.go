package source

import (
	"context"

	"github.com/release-cockpit/cockpit/model"
)

// UIActions is the executor as the terminal UI calls it (ui.ActionSource): the same plans,
// executions and outcomes (model types), with the options of an execution in its arguments.
type UIActions struct{ A *Actions }

// Policy is the policy the actions are judged by.
func (u UIActions) Policy() model.Policy { return u.A.Policy() }

// Whoami is who the user is in env and their permission on its deployer job.
func (u UIActions) Whoami(ctx context.Context, env string) (model.Principal, model.PermissionLevel, error) {
	return u.A.Whoami(ctx, env)
}

// PlanAction plans an action (Plan).
func (u UIActions) PlanAction(ctx context.Context, r model.ActionRequest) (model.ActionPlan, error) {
	return u.A.Plan(ctx, r)
}

// ExecuteAction executes a plan PlanAction made, following the deployer run to its end.
func (u UIActions) ExecuteAction(ctx context.Context, p model.ActionPlan, progress func(model.ActionProgress)) (model.ActionOutcome, error) {
	return u.A.Execute(ctx, p, ExecOptions{Progress: progress})
}

// Budget is a bundle's error budget in an environment (the promotion board's).
func (u UIActions) Budget(ctx context.Context, bundle, env string) (model.Budget, error) {
	return u.A.Budget(ctx, bundle, env)
}

// InFlight lists the requests without a result.
func (u UIActions) InFlight(ctx context.Context) ([]model.Request, error) { return u.A.InFlight(ctx) }

// Reconcile settles a request left in flight from its run's state.
func (u UIActions) Reconcile(ctx context.Context, r model.Request) (model.ActionOutcome, error) {
	return u.A.Reconcile(ctx, r)
}
