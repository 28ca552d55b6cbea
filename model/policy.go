package model

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Action is something a person does to a release in an environment (DESIGN §6).
type Action string

// Actions. BreakGlass is not an action of its own: it is the right to take a promotion or
// rollback past a freeze window or a spent error budget.
const (
	ActionPromote    Action = "promote"
	ActionRollback   Action = "rollback"
	ActionApprove    Action = "approve"
	ActionPin        Action = "pin"
	ActionUnpin      Action = "unpin"
	ActionVeto       Action = "veto"
	ActionBreakGlass Action = "break_glass"
)

// AllActions lists the actions in the order they are shown.
var AllActions = []Action{ActionPromote, ActionRollback, ActionApprove, ActionPin, ActionUnpin, ActionVeto, ActionBreakGlass}

// ParseAction accepts an action's name.
func ParseAction(s string) (Action, error) {
	for _, a := range AllActions {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown action %q: use promote, rollback, approve, pin, unpin, veto or break_glass", s)
}

// runsDeployer reports whether the action runs the environment's deployer job, and so needs
// CAN_MANAGE_RUN on it; the others only write the ledger.
func (a Action) runsDeployer() bool {
	return a == ActionPromote || a == ActionRollback || a == ActionBreakGlass
}

// Principal is who acts: a user name (an e-mail, or a service principal's application id)
// and the groups SCIM says they belong to.
type Principal struct {
	User   string
	Groups []string
}

// Principals is who a policy lets take an action: users and groups, either suffices.
type Principals struct {
	Users  []string
	Groups []string
}

// Includes reports whether p names the principal or one of its groups. Names compare
// without regard to case.
func (p Principals) Includes(who Principal) bool {
	if who.User == "" {
		return false
	}
	for _, u := range p.Users {
		if strings.EqualFold(u, who.User) {
			return true
		}
	}
	for _, g := range p.Groups {
		for _, h := range who.Groups {
			if strings.EqualFold(g, h) {
				return true
			}
		}
	}
	return false
}

// Empty reports whether nobody is named.
func (p Principals) Empty() bool { return len(p.Users) == 0 && len(p.Groups) == 0 }

// String names who is allowed: "groups release-managers, deployers; users ci@example.com",
// or "nobody".
func (p Principals) String() string {
	var parts []string
	if len(p.Groups) > 0 {
		parts = append(parts, plural(len(p.Groups), "group ", "groups ")+strings.Join(p.Groups, ", "))
	}
	if len(p.Users) > 0 {
		parts = append(parts, plural(len(p.Users), "user ", "users ")+strings.Join(p.Users, ", "))
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WindowKind says whether a window forbids deployments (deny) or is the only time they may
// happen (allow).
type WindowKind string

// Window kinds, as in Argo CD's sync windows.
const (
	WindowDeny  WindowKind = "deny"
	WindowAllow WindowKind = "allow"
)

// FreezeWindow is a recurring span of time: it starts at each minute its cron schedule
// matches, read in its time zone, and lasts Duration. Deny windows freeze the environment;
// when an environment has allow windows, it is frozen outside all of them; deny beats allow.
type FreezeWindow struct {
	Kind     WindowKind
	Schedule Cron
	Duration time.Duration
	// Location is the time zone the schedule is read in; nil is UTC.
	Location *time.Location
	// Reason says why, e.g. "peak-season change freeze (CHG-48100)".
	Reason string
}

// BurnRule is one multi-window burn-rate alert of the SRE workbook: it fires when the error
// budget burns at least Factor times the sustainable rate over both Long and Short.
type BurnRule struct {
	Long, Short time.Duration
	Factor      float64
	Severity    string // page | ticket
}

// DefaultBurnRules are the SRE workbook's: 14.4x over 1h (5m) and 6x over 6h (30m) page,
// 1x over 3d (6h) opens a ticket.
func DefaultBurnRules() []BurnRule {
	return []BurnRule{
		{Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4, Severity: SeverityPage},
		{Long: 6 * time.Hour, Short: 30 * time.Minute, Factor: 6, Severity: SeverityPage},
		{Long: 72 * time.Hour, Short: 6 * time.Hour, Factor: 1, Severity: SeverityTicket},
	}
}

// Burn-rule severities.
const (
	SeverityPage   = "page"
	SeverityTicket = "ticket"
)

// SLO is an objective on run success of a (bundle, environment): Target of the runs in the
// trailing Window succeed. A zero Target means the environment has no SLO.
type SLO struct {
	Target float64
	Window time.Duration
	Burn   []BurnRule
	// Gate: a spent budget refuses promotions and rollbacks into the environment (except
	// break-glass). Without it the budget is shown but does not block.
	Gate bool
}

// DefaultSLO is 99% of runs succeeding over 28 days, with the workbook's burn rules, gating.
func DefaultSLO() SLO {
	return SLO{Target: 0.99, Window: 28 * 24 * time.Hour, Burn: DefaultBurnRules(), Gate: true}
}

// EnvPolicy is what one environment demands of the actions taken on it.
type EnvPolicy struct {
	Name string
	// Verdict is how the environment's deployments are judged against their baseline
	// (its bake time and the keys of policy.verdict over DefaultVerdictPolicy).
	Verdict VerdictPolicy
	// DeployerJobID and DeployerJob identify the job that deploys into the environment; the
	// data layer resolves a name to an id.
	DeployerJobID int64
	DeployerJob   string
	// Grants says who may take each action (promote into, roll back, approve, pin, unpin,
	// veto, break glass). An action nobody is granted is refused to everyone.
	Grants map[Action]Principals
	// ApprovalsRequired distinct people, never the requester, must approve a promotion.
	ApprovalsRequired int
	// TicketRequired: promotions and rollbacks must name a change ticket.
	TicketRequired bool
	// TicketPattern, when set, is what a ticket must look like (e.g. ^(CHG|INC)-[0-9]+$).
	TicketPattern *regexp.Regexp
	// ReasonRequired: promotions and rollbacks must give a reason (pin, unpin, veto and
	// break-glass always must).
	ReasonRequired bool
	Windows        []FreezeWindow
	BakeTime       time.Duration
	SLO            SLO
	// ReadOnly removes every action in the environment.
	ReadOnly bool
}

// Deployer names the deployer job for messages: "job <name>", else "job <id>".
func (e EnvPolicy) Deployer() string {
	switch {
	case e.DeployerJob != "":
		return "job " + e.DeployerJob
	case e.DeployerJobID != 0:
		return fmt.Sprintf("job %d", e.DeployerJobID)
	}
	return "the deployer job"
}

// Policy is the environments' policies in promotion order (the first is where releases enter).
type Policy struct {
	Environments []EnvPolicy
	// ReadOnly removes every action everywhere (the cockpit's --read-only).
	ReadOnly bool
}

// Env finds an environment's policy.
func (p Policy) Env(name string) (EnvPolicy, bool) {
	for _, e := range p.Environments {
		if e.Name == name {
			return e, true
		}
	}
	return EnvPolicy{}, false
}

// Names lists the environments in promotion order.
func (p Policy) Names() []string {
	out := make([]string, len(p.Environments))
	for i, e := range p.Environments {
		out[i] = e.Name
	}
	return out
}

// Next is the environment a release in env is promoted to; false for the last one or an
// unknown one.
func (p Policy) Next(env string) (string, bool) {
	for i, e := range p.Environments {
		if e.Name == env && i+1 < len(p.Environments) {
			return p.Environments[i+1].Name, true
		}
	}
	return "", false
}

// Previous is the environment a release must be verified in before it is promoted into env;
// false for the first one or an unknown one.
func (p Policy) Previous(env string) (string, bool) {
	for i, e := range p.Environments {
		if e.Name == env && i > 0 {
			return p.Environments[i-1].Name, true
		}
	}
	return "", false
}
