package model

import (
	"fmt"
	"strings"
)

// PermissionLevel is a principal's effective permission on a Databricks job, already
// resolved by the data layer from user, group and inherited entries.
type PermissionLevel int

// Job permission levels, in increasing order of power.
const (
	PermissionNone PermissionLevel = iota
	PermissionCanView
	PermissionCanManageRun
	PermissionCanManage
	PermissionIsOwner
)

var permissionNames = [...]string{"no permission", "CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"}

// String is the level's API name (CAN_MANAGE_RUN), or "no permission".
func (p PermissionLevel) String() string {
	if p < 0 || int(p) >= len(permissionNames) {
		return "no permission"
	}
	return permissionNames[p]
}

// ParsePermissionLevel reads an API level name (CAN_VIEW, CAN_MANAGE_RUN, CAN_MANAGE,
// IS_OWNER); an empty string is PermissionNone.
func ParsePermissionLevel(s string) (PermissionLevel, error) {
	if s == "" {
		return PermissionNone, nil
	}
	for i, n := range permissionNames[1:] {
		if strings.EqualFold(s, n) {
			return PermissionLevel(i + 1), nil
		}
	}
	return PermissionNone, fmt.Errorf("unknown permission level %q: use CAN_VIEW, CAN_MANAGE_RUN, CAN_MANAGE or IS_OWNER", s)
}

// Decision says whether a principal may take an action. An action that is not allowed is
// either Hidden (read-only mode removes it) or shown disabled with Reason.
type Decision struct {
	Action  Action
	Allowed bool
	Hidden  bool
	Reason  string
}

// Authorization is what one principal may do in one environment.
type Authorization struct {
	Environment string
	Principal   Principal
	Permission  PermissionLevel
	Decisions   []Decision // one per action, in AllActions order
}

// For returns the decision for an action.
func (a Authorization) For(act Action) Decision {
	for _, d := range a.Decisions {
		if d.Action == act {
			return d
		}
	}
	return Decision{Action: act, Reason: fmt.Sprintf("unknown action %q", act)}
}

// Allowed combines the policy of env with the principal's identity (from SCIM Me) and their
// effective permission on env's deployer job into a decision per action. Read-only (the
// policy's or the environment's) hides every action; otherwise an action is allowed when the
// policy grants it to the user or one of their groups and, for actions that run the deployer
// job (promote, rollback, break glass), the principal has CAN_MANAGE_RUN or more on it.
func Allowed(p Policy, env string, who Principal, perm PermissionLevel) Authorization {
	a := Authorization{Environment: env, Principal: who, Permission: perm}
	ep, known := p.Env(env)
	for _, act := range AllActions {
		a.Decisions = append(a.Decisions, decide(p, ep, known, env, who, perm, act))
	}
	return a
}

func decide(p Policy, ep EnvPolicy, known bool, env string, who Principal, perm PermissionLevel, act Action) Decision {
	d := Decision{Action: act}
	switch {
	case p.ReadOnly:
		d.Hidden, d.Reason = true, "read-only mode"
	case !known:
		d.Reason = fmt.Sprintf("environment %q has no policy", env)
	case ep.ReadOnly:
		d.Hidden, d.Reason = true, fmt.Sprintf("read-only mode (%s is read_only in the policy)", env)
	case who.User == "":
		d.Reason = "you are not signed in (SCIM Me gave no user)"
	case !ep.Grants[act].Includes(who):
		d.Reason = fmt.Sprintf("you (%s) are not in %s's %s: %s", who.User, env, grantNoun(act), ep.Grants[act])
	case act.runsDeployer() && perm < PermissionCanManageRun:
		d.Reason = fmt.Sprintf("you lack CAN_MANAGE_RUN on %s (have %s)", ep.Deployer(), perm)
	default:
		d.Allowed = true
	}
	return d
}

// grantNoun names who holds an action's grant: promoters, approvers, ...
func grantNoun(a Action) string {
	switch a {
	case ActionPromote:
		return "promoters"
	case ActionRollback:
		return "rollback list"
	case ActionApprove:
		return "approvers"
	case ActionPin:
		return "pinners"
	case ActionUnpin:
		return "unpinners"
	case ActionVeto:
		return "veto list"
	case ActionBreakGlass:
		return "break-glass list"
	}
	return string(a) + " list"
}
