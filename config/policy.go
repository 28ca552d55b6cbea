package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // freeze windows name IANA zones; the static build must know them all

	"github.com/release-cockpit/cockpit/model"
	"gopkg.in/yaml.v3"
)

// Policy is what an environment demands of a deployment and of the people acting on it
// (DESIGN §5-6), as written under an environment's `policy:` key or in a policy file.
type Policy struct {
	BakeTime Duration `yaml:"bake_time"`
	// DeployerJob is the deployer job's name (the data layer resolves it to an id when the
	// environment names no deployer_job_id).
	DeployerJob string `yaml:"deployer_job"`
	ReadOnly    bool   `yaml:"read_only"`

	Promote    Principals `yaml:"promote"`
	Rollback   Principals `yaml:"rollback"`
	Approve    Principals `yaml:"approve"`
	Pin        Principals `yaml:"pin"`
	Unpin      Principals `yaml:"unpin"`
	Veto       Principals `yaml:"veto"`
	BreakGlass Principals `yaml:"break_glass"`

	ApprovalsRequired int  `yaml:"approvals_required"`
	TicketRequired    bool `yaml:"ticket_required"`
	// TicketPattern is a regular expression tickets must match, e.g. ^(CHG|INC)-[0-9]+$.
	TicketPattern  string `yaml:"ticket_pattern"`
	ReasonRequired bool   `yaml:"reason_required"`

	Freeze []Window `yaml:"freeze"`
	SLO    *SLO     `yaml:"slo"`
	// Verdict tunes how deployments are held against their baseline (config/verdict.go).
	Verdict Verdict `yaml:"verdict"`
}

// Principals names users (e-mails, or service principals' application ids) and groups.
type Principals struct {
	Users  []string `yaml:"users"`
	Groups []string `yaml:"groups"`
}

// Window is a freeze window: from each start its cron schedule matches in its time zone, for
// its duration. Kind deny (the default) freezes; allow windows, when an environment has any,
// are the only times it is open; deny beats allow.
type Window struct {
	Kind     string `yaml:"kind"`
	Schedule string `yaml:"schedule"`
	Duration string `yaml:"duration"`
	TimeZone string `yaml:"time_zone"`
	Reason   string `yaml:"reason"`
}

// SLO is an objective on run success; unset fields take the defaults (0.99 over 28d, the SRE
// workbook's burn rules; gate only in the last environment).
type SLO struct {
	Target float64    `yaml:"target"`
	Window string     `yaml:"window"`
	Burn   []BurnRule `yaml:"burn"`
	Gate   *bool      `yaml:"gate"`
}

// BurnRule is a multi-window burn-rate alert.
type BurnRule struct {
	Long     string  `yaml:"long"`
	Short    string  `yaml:"short"`
	Factor   float64 `yaml:"factor"`
	Severity string  `yaml:"severity"`
}

// policyFile is a policy file: the environments in promotion order, each with its name, its
// deployer job and the keys of Policy.
type policyFile struct {
	Environments []policyFileEnv `yaml:"environments"`
}

type policyFileEnv struct {
	Name          string `yaml:"name"`
	DeployerJobID int64  `yaml:"deployer_job_id"`
	Policy        `yaml:",inline"`
}

// ParsePolicy decodes and validates a policy file (read by the caller from the workspace or
// disk; name is what errors call it). Its environments are the promotion chain, in order.
// Every error names the file, the line and the key; unknown keys are errors.
func ParsePolicy(name string, data []byte) (model.Policy, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		if err.Error() == "EOF" {
			return model.Policy{}, fmt.Errorf("%w: %s: the policy file is empty: it needs environments", ErrInvalid, name)
		}
		return model.Policy{}, fmt.Errorf("%w: %s: %v", ErrInvalid, name, cleanYAMLError(err))
	}
	var f policyFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return model.Policy{}, fmt.Errorf("%w: %s: %v", ErrInvalid, name, cleanYAMLError(err))
	}
	if len(f.Environments) == 0 {
		return model.Policy{}, fmt.Errorf("%w: %s:%d: environments: the policy file names no environments", ErrInvalid, name, lineOf(&root, "environments"))
	}
	var p model.Policy
	seen := map[string]bool{}
	for i, e := range f.Environments {
		v := validator{file: name, root: &root, path: []any{"environments", i}, key: fmt.Sprintf("environments[%d]", i)}
		if !envName.MatchString(e.Name) {
			return model.Policy{}, v.bad(fmt.Sprintf("%q is not an environment name: lower-case letters, digits, - and _", e.Name), "name")
		}
		if seen[e.Name] {
			return model.Policy{}, v.bad(fmt.Sprintf("environment %q is listed twice", e.Name), "name")
		}
		seen[e.Name] = true
		ep, err := e.Policy.toModel(v, e.Name, e.DeployerJobID, i == len(f.Environments)-1)
		if err != nil {
			return model.Policy{}, err
		}
		p.Environments = append(p.Environments, ep)
	}
	return p, nil
}

// Policy is the configuration's policy: each environment's `policy:` key, validated when the
// file was parsed, in promotion order. When PolicyFile is set the caller reads that file and
// uses ParsePolicy instead (CheckPolicy says whether it fits the environments).
func (c Config) Policy() model.Policy {
	if c.policy != nil {
		return *c.policy
	}
	// Built in code (Default, tests): fill what Parse would.
	var p model.Policy
	for i, e := range c.Environments {
		ep, err := e.Policy.toModel(validator{file: c.Path}, e.Name, e.DeployerJobID, i == len(c.Environments)-1)
		if err != nil {
			ep = model.EnvPolicy{Name: e.Name, DeployerJobID: e.DeployerJobID}
		}
		p.Environments = append(p.Environments, ep)
	}
	return p
}

// LoadPolicy is the policy the cockpit and `cockpit gate` judge by: the environments'
// `policy:` keys, or, when policy_file is set, that file, read through read (the caller reads
// it from the workspace, or from disk), checked against the configured environments, with the
// configured deployer_job_id where the file names none.
func (c Config) LoadPolicy(read func(path string) ([]byte, error)) (model.Policy, error) {
	if c.PolicyFile == "" {
		return c.Policy(), nil
	}
	data, err := read(c.PolicyFile)
	if err != nil {
		return model.Policy{}, fmt.Errorf("reading the policy file %s (policy_file in %s): %w", c.PolicyFile, c.Path, err)
	}
	p, err := ParsePolicy(c.PolicyFile, data)
	if err != nil {
		return model.Policy{}, err
	}
	if err := c.CheckPolicy(p); err != nil {
		return model.Policy{}, err
	}
	for i := range p.Environments {
		if p.Environments[i].DeployerJobID == 0 {
			p.Environments[i].DeployerJobID = c.Environments[i].DeployerJobID
		}
	}
	return p, nil
}

// CheckPolicy reports whether a policy (from a policy file) covers the configured
// environments in the same order.
func (c Config) CheckPolicy(p model.Policy) error {
	want, got := strings.Join(c.EnvironmentNames(), ", "), strings.Join(p.Names(), ", ")
	if want != got {
		return fmt.Errorf("%w: %s: the policy file's environments (%s) are not the configured ones (%s) in promotion order", ErrInvalid, c.PolicyFile, got, want)
	}
	return nil
}

// validator places errors in a YAML document: file:line: key: message.
type validator struct {
	file string
	root *yaml.Node // nil: no line numbers
	path []any
	key  string
}

func (v validator) at(sub ...any) validator {
	w := v
	w.path = append(append([]any(nil), v.path...), sub...)
	for _, s := range sub {
		switch k := s.(type) {
		case string:
			w.key += "." + k
		case int:
			w.key += fmt.Sprintf("[%d]", k)
		}
	}
	w.key = strings.TrimPrefix(w.key, ".")
	return w
}

func (v validator) bad(msg string, sub ...any) error {
	w := v.at(sub...)
	line := 0
	if v.root != nil {
		line = lineOf(v.root, w.path...)
	}
	return fmt.Errorf("%w: %s:%d: %s: %s", ErrInvalid, v.file, line, w.key, msg)
}

// toModel validates a policy and turns it into the model's. last says whether it is the last
// environment of the chain (where the budget gates by default).
func (p Policy) toModel(v validator, env string, jobID int64, last bool) (model.EnvPolicy, error) {
	ep := model.EnvPolicy{
		Name: env, DeployerJobID: jobID, DeployerJob: p.DeployerJob, ReadOnly: p.ReadOnly,
		ApprovalsRequired: p.ApprovalsRequired, TicketRequired: p.TicketRequired, ReasonRequired: p.ReasonRequired,
		BakeTime: time.Duration(p.BakeTime), Grants: map[model.Action]model.Principals{},
	}
	if ep.BakeTime == 0 {
		ep.BakeTime = DefaultBakeTime(env)
	}
	if k, msg := p.Verdict.validate(); k != "" {
		return ep, v.bad(msg, "verdict", k)
	}
	ep.Verdict = p.Verdict.Policy(ep.BakeTime)
	if ep.BakeTime < 0 {
		return ep, v.bad("must not be negative", "bake_time")
	}
	if ep.DeployerJob == "" {
		ep.DeployerJob = "release-cockpit-deployer-" + env
	}
	grants := []struct {
		key string
		act model.Action
		who Principals
	}{
		{"promote", model.ActionPromote, p.Promote}, {"rollback", model.ActionRollback, p.Rollback},
		{"approve", model.ActionApprove, p.Approve}, {"pin", model.ActionPin, p.Pin}, {"unpin", model.ActionUnpin, p.Unpin},
		{"veto", model.ActionVeto, p.Veto}, {"break_glass", model.ActionBreakGlass, p.BreakGlass},
	}
	for _, g := range grants {
		for _, list := range []struct {
			key   string
			names []string
		}{{"users", g.who.Users}, {"groups", g.who.Groups}} {
			for i, n := range list.names {
				if strings.TrimSpace(n) == "" || n != strings.TrimSpace(n) {
					return ep, v.bad(fmt.Sprintf("%q is not a name", n), g.key, list.key, i)
				}
			}
		}
		ep.Grants[g.act] = model.Principals{Users: g.who.Users, Groups: g.who.Groups}
	}
	if p.TicketPattern != "" {
		re, err := regexp.Compile(p.TicketPattern)
		if err != nil {
			return ep, v.bad(fmt.Sprintf("%q is not a regular expression: %v", p.TicketPattern, err), "ticket_pattern")
		}
		ep.TicketPattern = re
	}
	if p.ApprovalsRequired < 0 || p.ApprovalsRequired > 10 {
		return ep, v.bad(fmt.Sprintf("%d: use 0 to 10", p.ApprovalsRequired), "approvals_required")
	}
	if p.ApprovalsRequired > 0 && ep.Grants[model.ActionApprove].Empty() {
		return ep, v.bad(fmt.Sprintf("%d approval(s) required but nobody may approve: add approve: {groups: [...]}", p.ApprovalsRequired), "approvals_required")
	}
	for i, w := range p.Freeze {
		fw, err := w.toModel(v.at("freeze", i))
		if err != nil {
			return ep, err
		}
		ep.Windows = append(ep.Windows, fw)
	}
	slo, err := p.SLO.toModel(v.at("slo"), last)
	if err != nil {
		return ep, err
	}
	ep.SLO = slo
	return ep, nil
}

func (w Window) toModel(v validator) (model.FreezeWindow, error) {
	fw := model.FreezeWindow{Kind: model.WindowKind(w.Kind), Reason: w.Reason}
	switch w.Kind {
	case "", "deny":
		fw.Kind = model.WindowDeny
	case "allow":
	default:
		return fw, v.bad(fmt.Sprintf("%q is not a window kind: use deny or allow", w.Kind), "kind")
	}
	if w.Schedule == "" {
		return fw, v.bad(`missing: a cron expression (minute hour day-of-month month day-of-week), e.g. "0 18 * * FRI"`, "schedule")
	}
	c, err := model.ParseCron(w.Schedule)
	if err != nil {
		return fw, v.bad(err.Error(), "schedule")
	}
	fw.Schedule = c
	if w.Duration == "" {
		return fw, v.bad("missing: how long each window lasts, e.g. 24h or 2d", "duration")
	}
	d, err := ParseDuration(w.Duration)
	if err != nil {
		return fw, v.bad(err.Error(), "duration")
	}
	if d <= 0 || d > 366*24*time.Hour {
		return fw, v.bad(fmt.Sprintf("%s: use more than 0 and at most 366d", w.Duration), "duration")
	}
	fw.Duration = d
	fw.Location = time.UTC
	if w.TimeZone != "" {
		loc, err := time.LoadLocation(w.TimeZone)
		if err != nil || w.TimeZone == "Local" {
			return fw, v.bad(fmt.Sprintf("%q is not an IANA time zone: use names like Europe/Berlin, America/New_York or UTC", w.TimeZone), "time_zone")
		}
		fw.Location = loc
	}
	return fw, nil
}

func (s *SLO) toModel(v validator, last bool) (model.SLO, error) {
	out := model.DefaultSLO()
	out.Gate = last
	if s == nil {
		return out, nil
	}
	if s.Target != 0 {
		if s.Target >= 1 && s.Target < 100 {
			return out, v.bad(fmt.Sprintf("%v is not a fraction: write %v for %v%%", s.Target, s.Target/100, s.Target), "target")
		}
		if s.Target <= 0 || s.Target >= 1 {
			return out, v.bad(fmt.Sprintf("%v: use a fraction between 0 and 1, e.g. 0.99", s.Target), "target")
		}
		out.Target = s.Target
	}
	if s.Window != "" {
		d, err := ParseDuration(s.Window)
		if err != nil {
			return out, v.bad(err.Error(), "window")
		}
		if d < time.Hour {
			return out, v.bad("must be at least 1h", "window")
		}
		out.Window = d
	}
	if s.Gate != nil {
		out.Gate = *s.Gate
	}
	if len(s.Burn) > 0 {
		out.Burn = nil
	}
	for i, b := range s.Burn {
		bv := v.at("burn", i)
		long, err := ParseDuration(b.Long)
		if err != nil || long <= 0 {
			return out, bv.bad(fmt.Sprintf("%q: the long window, e.g. 1h", b.Long), "long")
		}
		short, err := ParseDuration(b.Short)
		if err != nil || short <= 0 || short > long {
			return out, bv.bad(fmt.Sprintf("%q: the short window, shorter than the long one (the workbook uses 1/12 of it)", b.Short), "short")
		}
		if b.Factor <= 0 {
			return out, bv.bad(fmt.Sprintf("%v: a burn rate above 0, e.g. 14.4", b.Factor), "factor")
		}
		sev := b.Severity
		switch sev {
		case "":
			sev = model.SeverityPage
		case model.SeverityPage, model.SeverityTicket:
		default:
			return out, bv.bad(fmt.Sprintf("%q: use page or ticket", b.Severity), "severity")
		}
		out.Burn = append(out.Burn, model.BurnRule{Long: long, Short: short, Factor: b.Factor, Severity: sev})
	}
	return out, nil
}
