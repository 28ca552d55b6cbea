package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/release-cockpit/cockpit/model"
)

// ActionSource is what the action keys need of the data layer (data/source's UIActions
// adapts its executor to it): the policy in force; who the user is in an environment with
// their permission on its deployer job, from which model.Allowed decides each action; a
// plan with every gate judged; its execution, following the deployer run; and the requests
// a cockpit left in flight, reconciled from their runs.
type ActionSource interface {
	Policy() model.Policy
	Whoami(ctx context.Context, env string) (model.Principal, model.PermissionLevel, error)
	PlanAction(ctx context.Context, req model.ActionRequest) (model.ActionPlan, error)
	// ExecuteAction carries out a plan (re-reading the state first), calling progress with
	// each observation of the deployer run until it ends.
	ExecuteAction(ctx context.Context, p model.ActionPlan, progress func(model.ActionProgress)) (model.ActionOutcome, error)
	InFlight(ctx context.Context) ([]model.Request, error)
	Reconcile(ctx context.Context, r model.Request) (model.ActionOutcome, error)
	// Budget is a bundle's error budget in an environment under the policy's SLO.
	Budget(ctx context.Context, bundle, env string) (model.Budget, error)
}

// actionTarget is what an action key acts on: a bundle in an environment, the version
// concerned (promoted, approved, vetoed; the current one for a rollback, pin or unpin) and
// the environment it comes from for a promotion.
type actionTarget struct {
	Bundle, Env, Version string
	From                 string // promotion: the environment it is verified in
	Current              string // the version current in Env
	Pinned               bool   // Env is pinned for Bundle (P unpins)
	RequestID            string // a pending request of Version into Env (a approves it)
	FailedRequest        string // the newest request into Env, when it failed (R retries it)
}

// actionKind is one action key.
type actionKind struct {
	Action model.Action
	Key    string
	Verb   string
}

// actionKinds are the action keys, in the order help lists them. P is pin or unpin.
var actionKinds = []actionKind{
	{model.ActionPromote, "p", "promote to the next environment"},
	{model.ActionRollback, "b", "roll back to the last verified version"},
	{model.ActionApprove, "a", "approve the pending request"},
	{model.ActionPin, "P", "pin / unpin"},
	{model.ActionVeto, "x", "veto the release"},
	{actionRetry, "R", "retry the failed deployment"},
}

// actionRetry is R: a new attempt of a failed request, judged as its action (promote or
// rollback) is.
const actionRetry model.Action = "retry"

// decisionsLoaded answers a Whoami: the user's authorization in an environment.
type decisionsLoaded struct {
	env  string
	auth model.Authorization
	err  error
}

// actionDone says an action finished (or was refused): screens reload what it changed.
type actionDone struct {
	Action model.Action
	Bundle string
	Env    string
	OK     bool
	Text   string
}

// actionKeys is the component the home, release and board screens share for the action
// keys: it knows what the user may do in each environment, lists the keys in help (the
// disabled ones with their reason, none in read-only mode) and opens the dialogs.
type actionKeys struct {
	c     *Common
	ctx   context.Context
	owner int64 // stamps the messages of the actions it starts
	auth  map[string]model.Authorization
	errs  map[string]error
	asked map[string]bool
	// running are the executions in flight, by id: their messages arrive through these.
	running map[int64]chan tea.Msg
}

func newActionKeys(c *Common, ctx context.Context) *actionKeys {
	if ctx == nil {
		ctx = c.context()
	}
	return &actionKeys{c: c, ctx: ctx, owner: actionOwners.Add(1), auth: map[string]model.Authorization{}, errs: map[string]error{},
		asked: map[string]bool{}, running: map[int64]chan tea.Msg{}}
}

// policy is the policy in force: the actions', else the configuration's.
func (a *actionKeys) policy() model.Policy { return policyOf(a.c) }

// policyOf is the policy the cockpit judges by: the actions' (from the configuration, a
// policy file or the simulation); without actions, only the promotion chain.
func policyOf(c *Common) model.Policy {
	var p model.Policy
	switch {
	case c.Actions != nil:
		p = c.Actions.Policy()
	case c.Source != nil:
		for _, env := range c.Source.Environments() {
			p.Environments = append(p.Environments, model.EnvPolicy{Name: env})
		}
	}
	return p
}

// init asks who the user is in each environment (once per environment).
func (a *actionKeys) init(envs []string) tea.Cmd {
	if a.c.Actions == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, env := range envs {
		if a.asked[env] {
			continue
		}
		a.asked[env] = true
		src, ctx, timeout := a.c.Actions, a.ctx, a.c.Timeout
		cmds = append(cmds, func() tea.Msg {
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			who, perm, err := src.Whoami(ctx, env)
			if err != nil {
				return decisionsLoaded{env: env, err: err}
			}
			return decisionsLoaded{env: env, auth: model.Allowed(src.Policy(), env, who, perm)}
		})
	}
	return tea.Batch(cmds...)
}

// update takes the answers of Whoami, and the plans, dialog answers and executions of the
// actions this component started; other messages are not the component's.
func (a *actionKeys) update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(decisionsLoaded); ok {
		if m.err != nil {
			a.errs[m.env] = m.err
		} else {
			a.auth[m.env], a.errs[m.env] = m.auth, nil
		}
		return nil
	}
	return a.updateExec(msg)
}

// decision is the user's decision on an action in env: unknown until Whoami answered.
func (a *actionKeys) decision(env string, act model.Action) model.Decision {
	if a.c.Actions == nil {
		return model.Decision{Action: act, Hidden: true, Reason: "no actions on this source"}
	}
	if err := a.errs[env]; err != nil {
		return model.Decision{Action: act, Reason: "could not read your rights in " + env + ": " + err.Error()}
	}
	auth, ok := a.auth[env]
	if !ok {
		return model.Decision{Action: act, Reason: "your rights in " + env + " are still being read"}
	}
	return auth.For(act)
}

// pinAction is pin, or unpin when the target is pinned.
func pinAction(t *actionTarget) model.Action {
	if t != nil && t.Pinned {
		return model.ActionUnpin
	}
	return model.ActionPin
}

// bindings are the action keys for help: enabled ones with their verb, disabled ones with
// the reason; hidden ones (read-only) are left out.
func (a *actionKeys) bindings(env string) []key.Binding {
	var out []key.Binding
	for _, k := range actionKinds {
		d := a.decision(env, k.Action)
		if k.Action == actionRetry {
			d = a.decision(env, model.ActionPromote)
			if r := a.decision(env, model.ActionRollback); !d.Allowed && r.Allowed {
				d = r
			}
		}
		if k.Action == model.ActionPin {
			// P pins and unpins: disabled only when both are.
			if u := a.decision(env, model.ActionUnpin); !d.Allowed && u.Allowed {
				d = u
			}
		}
		if d.Hidden {
			continue
		}
		desc := k.Verb
		if !d.Allowed {
			desc += " (disabled: " + Clean(d.Reason) + ")"
		}
		out = append(out, key.NewBinding(key.WithKeys(k.Key), key.WithHelp(k.Key, desc)))
	}
	return out
}

// short are the action keys the status bar suggests: the enabled ones.
func (a *actionKeys) short(env string) []key.Binding {
	var out []key.Binding
	for _, k := range actionKinds {
		if d := a.decision(env, k.Action); d.Allowed && k.Action != actionRetry {
			out = append(out, key.NewBinding(key.WithKeys(k.Key), key.WithHelp(k.Key, string(k.Action))))
		}
	}
	return out
}

// key handles an action key on a target; ok is false for a key that is not an action's
// (or whose action is hidden: read-only mode removes the keys).
func (a *actionKeys) key(msg tea.KeyPressMsg, target func(model.Action) *actionTarget) (tea.Cmd, bool) {
	var kind *actionKind
	for i := range actionKinds {
		if msg.String() == actionKinds[i].Key {
			kind = &actionKinds[i]
		}
	}
	if kind == nil || a.c.Actions == nil {
		return nil, false
	}
	act := kind.Action
	t := target(act)
	if t == nil || t.Env == "" {
		if act == model.ActionPromote && t != nil {
			return notify(t.Bundle+" is in the last environment: there is nothing to promote it to", true), true
		}
		return notify("nothing to act on here: move to a deployment first", true), true
	}
	if act == model.ActionPin {
		act = pinAction(t)
	}
	d := a.decision(t.Env, act)
	if act == actionRetry {
		d = a.decision(t.Env, model.ActionPromote)
		if r := a.decision(t.Env, model.ActionRollback); !d.Allowed && r.Allowed {
			d = r
		}
	}
	if d.Hidden {
		return nil, false
	}
	if !d.Allowed {
		return Open(NewConfirm(a.c, disabledSpec(act, t, d.Reason))), true
	}
	return a.start(act, t), true
}

// start begins an enabled action; the executor arrives with the data layer's Plan and
// Execute (see actions_exec.go).
func (a *actionKeys) start(act model.Action, t *actionTarget) tea.Cmd {
	return startAction(a, act, t)
}

// actionTitle names an action on a target: "Promote ecommerce_orders@2026.1122.21 to prod".
func actionTitle(act model.Action, t *actionTarget) string {
	rel := t.Bundle
	if t.Version != "" {
		rel = model.ReleaseID(t.Bundle, t.Version)
	}
	switch act {
	case model.ActionPromote:
		return fmt.Sprintf("Promote %s to %s", rel, t.Env)
	case model.ActionRollback:
		return fmt.Sprintf("Roll back %s in %s", t.Bundle, t.Env)
	case model.ActionApprove:
		return fmt.Sprintf("Approve %s into %s", rel, t.Env)
	case model.ActionPin:
		return fmt.Sprintf("Pin %s in %s", t.Bundle, t.Env)
	case model.ActionUnpin:
		return fmt.Sprintf("Unpin %s in %s", t.Bundle, t.Env)
	case model.ActionVeto:
		return fmt.Sprintf("Veto %s", rel)
	case actionRetry:
		return fmt.Sprintf("Retry %s in %s", rel, t.Env)
	}
	return strings.ToUpper(string(act[:1])) + string(act[1:]) + " " + rel
}

// disabledSpec is the dialog a disabled action's key opens: what it would do and why it
// may not (never silence).
func disabledSpec(act model.Action, t *actionTarget, reason string) ConfirmSpec {
	return ConfirmSpec{
		ID:    "disabled",
		Title: actionTitle(act, t) + " (disabled)",
		Sections: []DialogSection{{Title: "Not allowed", Lines: []string{reason}},
			{Title: "What to do", Lines: []string{"ask someone the policy allows, or an admin of " + t.Env + "'s deployer job"}}},
		Disabled: "disabled: " + reason,
	}
}
