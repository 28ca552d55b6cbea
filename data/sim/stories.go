package sim

import (
	"encoding/json"
	"fmt"
	"time"
)

// stories are the scripted situations DESIGN §7 promises near "now" for every seed. They are
// anchored to the instant the estate was first generated (kept in the database), so they
// stay put while time flows: reopen a day later and the incident is a day old.
type stories struct {
	seed     int64
	anchor   time.Time
	deps     map[string][]*deployment
	suppress map[string][2]time.Time
	e        *estate
}

// Names the stories use; tests and docs refer to them.
const (
	IncidentBundle = "ecommerce_orders"
	// IncidentExpectation is the expectation whose failure ratio jumps in the incident.
	IncidentExpectation = "valid_client_id"
	// IncidentGoldTable is the downstream gold table whose row count fell.
	IncidentGoldTable   = "ecommerce.gold.daily_revenue"
	AwaitingBundle      = "supply_chain_analytics"
	PinnedBundle        = "logistics_cost_streaming"
	VetoedBundle        = "tariff_analysis"
	BudgetBundle        = "kafka_alerting"
	incidentAge         = 35 * time.Minute
	incidentRatio       = 0.182
	incidentGoldRowDrop = 0.36
)

// storyVersion is a version string no generated version can take (generated ones end in 1-9).
func storyVersion(t time.Time, n int) string {
	return fmt.Sprintf("%d.%02d%02d.%d", t.Year(), int(t.Month()), t.Day(), 20+n)
}

func newStories(e *estate, seed int64, anchor time.Time) *stories {
	s := &stories{seed: seed, anchor: anchor, deps: map[string][]*deployment{}, suppress: map[string][2]time.Time{}, e: e}
	A := anchor
	add := func(story, bundle, env, version string, at time.Time, actor string, prof profile) *deployment {
		b := e.byName[bundle]
		d := &deployment{bundle: b, env: env, version: version, at: at, actor: actor, profile: prof, story: story, action: "promote"}
		if env == "dev" {
			d.action = "deploy"
		}
		if version != "" {
			d.sha = gitSHA(seed, bundle, version)
		}
		if env == "prod" {
			d.ticket = fmt.Sprintf("CHG-%05d", 48000+len(s.deps)*7)
		}
		s.deps[key(bundle, env)] = append(s.deps[key(bundle, env)], d)
		return d
	}
	quiet := func(bundle string, from, to time.Duration) {
		for _, env := range Environments {
			s.suppress[key(bundle, env)] = [2]time.Time{A.Add(from), A.Add(to)}
		}
	}

	// Each story that compares with, or returns to, an earlier prod release gets one, so the
	// story stands whatever the seed generated before it.
	prior := func(bundle string, at time.Time, n int) {
		created := at.Add(-20 * time.Hour)
		add("prior", bundle, "prod", storyVersion(created, n), at, "dana.okafor@example.com", profGood).created = created
	}
	prior(IncidentBundle, A.Add(-29*time.Hour), 5)
	prior(PinnedBundle, A.Add(-20*time.Hour), 6)

	// 1. The prod incident: a release 35 minutes old whose expectation failure ratio jumped
	// and whose downstream gold table's row count fell.
	v := storyVersion(A.Add(-26*time.Hour), 1)
	created := A.Add(-26 * time.Hour)
	for _, x := range []struct {
		env string
		at  time.Time
	}{{"dev", created}, {"staging", A.Add(-20 * time.Hour)}} {
		d := add("incident", IncidentBundle, x.env, v, x.at, "aiko.tanaka@example.com", profGood)
		d.created = created
	}
	inc := add("incident", IncidentBundle, "prod", v, A.Add(-incidentAge), "marco.bianchi@example.com", profBad)
	inc.created, inc.forceRatio = created, incidentRatio
	inc.checks = map[string]checkSpec{
		"expectations":    {outcome: "fail", observed: fmt.Sprintf("%.1f%% failed (%s)", 100*incidentRatio, IncidentExpectation), threshold: "≤ 2x previous (0.4%)"},
		"row_count_drift": {outcome: "fail", observed: fmt.Sprintf("-%d%% rows in %s", int(100*(1-incidentGoldRowDrop)), IncidentGoldTable), threshold: "±30% of median of 7 runs"},
		"canary_run":      {outcome: "pass", observed: "SUCCESS", threshold: "SUCCESS"},
	}
	quiet(IncidentBundle, -30*time.Hour, 12*time.Hour)

	// 2. A staging release, verified, waiting for prod approval.
	v = storyVersion(A.Add(-5*time.Hour), 2)
	created = A.Add(-5 * time.Hour)
	add("awaiting-approval", AwaitingBundle, "dev", v, created, "lena.fischer@example.com", profGood).created = created
	add("awaiting-approval", AwaitingBundle, "staging", v, A.Add(-3*time.Hour), "lena.fischer@example.com", profGood).created = created
	quiet(AwaitingBundle, -30*time.Hour, 12*time.Hour)

	// 3. A bad prod release rolled back by the on-call engineer; (bundle, prod) pinned.
	v = storyVersion(A.Add(-28*time.Hour), 3)
	created = A.Add(-28 * time.Hour)
	add("pinned", PinnedBundle, "dev", v, created, "tomas.herrera@example.com", profGood).created = created
	add("pinned", PinnedBundle, "staging", v, A.Add(-26*time.Hour), "tomas.herrera@example.com", profGood).created = created
	bad := add("pinned", PinnedBundle, "prod", v, A.Add(-6*time.Hour), "lena.fischer@example.com", profBad)
	bad.created = created
	bad.checks = map[string]checkSpec{"sla": {outcome: "fail", observed: "p95 71m", threshold: "p95 ≤ 20m"}}
	rb := add("pinned", PinnedBundle, "prod", "", A.Add(-5*time.Hour-10*time.Minute), people[0].UserName, profGood)
	rb.action, rb.ticket = "rollback", ""
	quiet(PinnedBundle, -30*time.Hour, 24*time.Hour)

	// 4. A vetoed release: bad in staging, marked never to move on.
	v = storyVersion(A.Add(-30*time.Hour), 4)
	created = A.Add(-30 * time.Hour)
	add("vetoed", VetoedBundle, "dev", v, created, "oliver.grant@example.com", profBad).created = created
	vs := add("vetoed", VetoedBundle, "staging", v, A.Add(-28*time.Hour), "oliver.grant@example.com", profBad)
	vs.created = created
	vs.checks = map[string]checkSpec{"tests": {outcome: "pass"}, "expectations": {outcome: "fail", observed: "9.4% failed (valid_status)", threshold: "≤ 2x previous (0.3%)"}}
	quiet(VetoedBundle, -31*time.Hour, 12*time.Hour)
	return s
}

// deployments are the story's deployments of a bundle in an environment.
func (s *stories) deployments(bundle, env string) []*deployment { return s.deps[key(bundle, env)] }

// suppressed says whether generated deployments are kept out around a story.
func (s *stories) suppressed(bundle, env string, t time.Time) bool {
	w, ok := s.suppress[key(bundle, env)]
	return ok && !t.Before(w[0]) && t.Before(w[1])
}

// stableBundle: the story bundles' generated versions are all good, so the stories stand out
// against a clean baseline.
func (s *stories) stableBundle(name string) bool {
	return name == IncidentBundle || name == AwaitingBundle
}

// ledgerRows are the story events that are not deployments: the approval request, the pin
// after the scripted rollback, the veto.
func (s *stories) ledgerRows(tl *timeline) []ledgerRow {
	A := s.anchor
	var rows []ledgerRow
	row := func(bundle, version, env, kind, status, actor string, at time.Time, ticket, reason string, details any) {
		r := ledgerRow{releaseID: bundle + "@" + version, bundle: bundle, version: version, sha: gitSHA(s.seed, bundle, version),
			env: env, kind: kind, status: status, actor: actor, at: at, ticket: ticket, reason: reason}
		if details != nil {
			b, _ := json.Marshal(details)
			r.details = string(b)
		}
		r.id = eventID(at, s.seed, "story", kind, r.releaseID, env)
		rows = append(rows, r)
	}
	staged := s.deployments(AwaitingBundle, "staging")[0]
	from := ""
	if cur := tl.at(AwaitingBundle, "prod", A.Add(-40*time.Minute)); cur != nil {
		from = cur.version
	}
	row(AwaitingBundle, staged.version, "prod", "deploy_requested", "awaiting_approval", "marco.bianchi@example.com", A.Add(-40*time.Minute),
		"CHG-48230", "weekly supply-chain KPI release", map[string]any{"action": "promote", "from": from, "to": staged.version, "approvals_required": 1})
	if rb := tl.at(PinnedBundle, "prod", A.Add(-5*time.Hour)); rb != nil && rb.action == "rollback" {
		row(PinnedBundle, rb.version, "prod", "pinned", "pinned", rb.actor, rb.at.Add(time.Minute), "",
			"rolled back "+PinnedBundle+"@"+rb.from+": SLA breach, p95 71m", nil)
	}
	vetoed := s.deployments(VetoedBundle, "staging")[0]
	row(VetoedBundle, vetoed.version, "staging", "vetoed", "vetoed", "dana.okafor@example.com", A.Add(-26*time.Hour), "",
		"hs_code mapping drops EU tariff lines; never promote", nil)
	return rows
}

// FreezeWindow is a time range in which an environment takes no promotions.
type FreezeWindow struct {
	Environment string    `json:"environment"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Reason      string    `json:"reason"`
}

// freezeWindows: an upcoming prod freeze, starting the day after the anchor.
func (s *stories) freezeWindows() []FreezeWindow {
	return []FreezeWindow{{Environment: "prod", Start: s.anchor.Add(20 * time.Hour), End: s.anchor.Add(68 * time.Hour), Reason: "peak-season change freeze"}}
}

// budgetFailure says whether a run of the error-budget story's job fails: about 0.95% of its
// hourly runs over the last 28 days, against a 99% SLO, so the budget is nearly spent.
func (s *stories) budgetFailure(bundle, jobKey, env string, slot int64) (story, fail bool) {
	if bundle != BudgetBundle || env != "prod" || jobKey != s.e.byName[BudgetBundle].jobs[0].key {
		return false, false
	}
	return true, slot%105 == 0
}
