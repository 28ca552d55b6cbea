package sim

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/release-cockpit/cockpit/config"
)

// profile is how good a deployed version is; it drives run failures, expectation results
// and check outcomes inside the deployment's window.
type profile int

const (
	profGood profile = iota
	profDegraded
	profBad
)

// deployment is one landing (or failed attempt) of a release in an environment.
type deployment struct {
	bundle    *bundleSpec
	env       string
	version   string
	sha       string
	created   time.Time // when the version was cut (its first dev deployment)
	at        time.Time // deploy_succeeded or deploy_failed
	actor     string
	ticket    string
	action    string // deploy | promote | rollback
	from      string // the version it replaced
	failed    bool
	profile   profile
	firstSeen bool // first successful landing of this release in this environment
	next      time.Time
	// checks overrides the generated post-deploy check outcomes (stories).
	checks map[string]checkSpec
	// forceRatio, if > 0, is the failing expectation's ratio in this deployment's window.
	forceRatio float64
	// story names the scripted story a deployment belongs to; empty for generated ones.
	story string
	seq   int // position in generation order, the tie-break of the timeline's sort
	// conf is the settings the version deploys; prevConf those it replaced in the
	// environment (nil for the first deployment of the history: the objects' base settings).
	conf, prevConf *bundleConf
}

func (d *deployment) releaseID() string { return d.bundle.name + "@" + d.version }

// ledgerRow is one release_events row to emit.
type ledgerRow struct {
	id, releaseID, bundle, version, sha, env, kind, status, actor string
	at                                                            time.Time
	ticket, reason                                                string
	runID                                                         int64
	details                                                       string
}

// timeline is every deployment of the estate from the history start up to now.
type timeline struct {
	all   []*deployment
	byKey map[string][]*deployment // bundle|env → successful landings by time
	extra []ledgerRow              // approvals, pins, vetoes and requests from stories
	// created is when a pipeline beyond a bundle's shape was first deployed, by
	// bundle|env|pipeline key.
	created map[string]time.Time
}

func key(bundle, env string) string { return bundle + "|" + env }

// buildTimeline generates the deployments of all bundles between start and until. It is
// causal: what happens at time t depends only on the seed and on what happened before t,
// so building it later, up to a later until, never changes the past.
func buildTimeline(e *estate, seed int64, start, until time.Time, st *stories) *timeline {
	tl := &timeline{byKey: map[string][]*deployment{}, created: map[string]time.Time{}}
	day0 := start.Truncate(24 * time.Hour).Add(-24 * time.Hour)
	for _, b := range e.bundles {
		var cands [3][]*deployment
		for day := day0; !day.After(until); day = day.Add(24 * time.Hour) {
			n := between(5, 9, seed, "versions", b.name, day.Unix())
			for k := 1; k <= n; k++ {
				cut := day.Add(8*time.Hour + time.Duration(between(0, 12*60, seed, "cut", b.name, day.Unix(), k))*time.Minute)
				if cut.Before(start) || cut.After(until) {
					continue
				}
				v := &deployment{
					bundle: b, env: "dev", created: cut, at: cut,
					version: versionOf(cut, k),
					action:  "deploy",
					actor:   humans[between(0, len(humans)-1, seed, "author", b.name, cut.Unix())],
				}
				v.sha = gitSHA(seed, b.name, v.version)
				r := unit(seed, "profile", b.name, v.version)
				switch {
				case st.stableBundle(b.name):
				case r < 0.03:
					v.profile = profBad
				case r < 0.09:
					v.profile = profDegraded
				}
				cands[0] = append(cands[0], v)
				pStage := 0.5
				if v.profile == profBad {
					pStage = 0.15
				}
				if unit(seed, "stage", b.name, v.version) >= pStage {
					continue
				}
				s := *v
				s.env, s.action = "staging", "promote"
				s.at = cut.Add(time.Duration(between(30, 180, seed, "stage-lag", b.name, v.version)) * time.Minute)
				cands[1] = append(cands[1], &s)
				pProd := 0.55
				if v.profile != profGood {
					pProd = 0.3
				}
				if unit(seed, "prod", b.name, v.version) >= pProd {
					continue
				}
				p := s
				p.env = "prod"
				p.at = s.at.Add(time.Duration(between(120, 26*60, seed, "prod-lag", b.name, v.version)) * time.Minute)
				p.actor = releasers[between(0, len(releasers)-1, seed, "releaser", b.name, v.version)]
				p.ticket = "CHG-" + strconv.Itoa(between(10000, 99999, seed, "ticket", b.name, v.version))
				cands[2] = append(cands[2], &p)
			}
		}
		confs := assignConfs(seed, b, st, cands)
		for ei, env := range Environments {
			ds := cands[ei]
			ds = append(ds, st.deployments(b.name, env)...)
			slices.SortStableFunc(ds, byLanding)
			var cur *deployment
			var hist []*deployment
			var pinnedUntil time.Time
			for _, d := range ds {
				if d.at.After(until) || d.at.Before(start) {
					continue
				}
				if !d.isStory() && (st.suppressed(b.name, env, d.at) || d.at.Before(pinnedUntil)) {
					continue
				}
				if d.action == "rollback" && d.version == "" {
					// A scripted rollback goes back to the version before the current one.
					if len(hist) < 2 {
						continue
					}
					t := hist[len(hist)-2]
					d.version, d.sha, d.created = t.version, t.sha, t.created
				}
				if c, ok := confs[d.version]; ok {
					d.conf = c
				}
				// A promotion never moves an environment back to an older version.
				if cur != nil && !d.isStory() && d.action == "promote" && !d.created.After(cur.created) {
					continue
				}
				if cur != nil {
					d.from = cur.version
					d.prevConf = cur.conf
				}
				if !d.isStory() && unit(seed, "deploy-failed", b.name, env, d.version) < 0.02 {
					d.failed = true
					tl.all = append(tl.all, d)
					continue
				}
				tl.all = append(tl.all, d)
				tl.byKey[key(b.name, env)] = append(tl.byKey[key(b.name, env)], d)
				tl.noteCreated(d)
				prev := cur
				cur = d
				hist = append(hist, d)
				// A bad prod release is rolled back by the on-call engineer, and the
				// (bundle, prod) pinned until a lead unpins it.
				if env == "prod" && d.profile == profBad && !d.isStory() && prev != nil {
					rb := *prev
					rb.action, rb.from, rb.ticket = "rollback", d.version, ""
					rb.at = d.at.Add(time.Duration(between(40, 90, seed, "rollback", b.name, d.version)) * time.Minute)
					rb.actor = people[0].UserName
					rb.checks, rb.forceRatio, rb.story = nil, 0, ""
					rb.prevConf = d.conf
					if rb.at.After(until) {
						continue
					}
					tl.all = append(tl.all, &rb)
					tl.byKey[key(b.name, env)] = append(tl.byKey[key(b.name, env)], &rb)
					cur = &rb
					hist = append(hist, &rb)
					pins := pinRows(seed, &rb, until)
					tl.extra = append(tl.extra, pins...)
					pinnedUntil = until.Add(time.Hour)
					if len(pins) == 2 {
						pinnedUntil = pins[1].at
					}
				}
			}
		}
	}
	for _, ds := range tl.byKey {
		seen := map[string]bool{}
		for i, d := range ds {
			if i+1 < len(ds) {
				d.next = ds[i+1].at
			}
			if !seen[d.version] {
				d.firstSeen = true
				seen[d.version] = true
			}
		}
	}
	// Stable by landing: ties keep the order they were generated in (seq), and the
	// unstable sort with that tie-break is much faster than a stable one.
	for i, d := range tl.all {
		d.seq = i
	}
	slices.SortFunc(tl.all, func(a, b *deployment) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	tl.extra = append(tl.extra, st.ledgerRows(tl)...)
	return tl
}

func (d *deployment) isStory() bool { return d.story != "" }

// byLanding orders deployments by when they land.
func byLanding(a, b *deployment) int { return a.at.Compare(b.at) }

// versionOf is the k-th version cut on a day: 2026.1123.3.
func versionOf(cut time.Time, k int) string {
	y, m, d := cut.Date()
	b := strconv.AppendInt(make([]byte, 0, 16), int64(y), 10)
	b = append(b, '.', byte('0'+int(m)/10), byte('0'+int(m)%10), byte('0'+d/10), byte('0'+d%10), '.')
	return string(strconv.AppendInt(b, int64(k), 10))
}

// deployLead bounds how long before landing a deployment's first event (the request) is written.
const deployLead = 15 * time.Minute

// releasers promote to prod.
var releasers = []string{"marco.bianchi@example.com", "dana.okafor@example.com", "lena.fischer@example.com"}

// pinRows pins (bundle, env) right after a rollback and unpins it some hours later.
func pinRows(seed int64, rb *deployment, until time.Time) []ledgerRow {
	pin := ledgerRow{
		releaseID: rb.releaseID(), bundle: rb.bundle.name, version: rb.version, sha: rb.sha, env: rb.env,
		kind: "pinned", status: "pinned", actor: rb.actor, at: rb.at.Add(time.Minute),
		reason: "rolled back " + rb.bundle.name + "@" + rb.from + ": post-deploy checks failed",
	}
	pin.id = eventID(pin.at, seed, "pin", pin.releaseID, pin.at.Unix())
	rows := []ledgerRow{pin}
	un := pin
	un.kind, un.status, un.actor = "unpinned", "unpinned", "dana.okafor@example.com"
	un.at = pin.at.Add(time.Duration(between(4*60, 8*60, seed, "unpin", pin.releaseID)) * time.Minute)
	un.reason = "fix verified in staging"
	un.id = eventID(un.at, seed, "unpin", pin.releaseID, un.at.Unix())
	if !un.at.After(until) {
		rows = append(rows, un)
	}
	return rows
}

// at finds the deployment of a bundle in an environment whose window holds t.
func (tl *timeline) at(bundle, env string, t time.Time) *deployment {
	ds := tl.byKey[key(bundle, env)]
	i := sort.Search(len(ds), func(i int) bool { return ds[i].at.After(t) })
	if i == 0 {
		return nil
	}
	return ds[i-1]
}

// deploymentRows are the ledger events of one deployment that fall in (from, to]; ran says
// what of its bundle ran while it was current (exercise).
func deploymentRows(seed int64, d *deployment, ran exercised, from, to time.Time) []ledgerRow {
	rid := d.releaseID()
	base := ledgerRow{releaseID: rid, bundle: d.bundle.name, version: d.version, sha: d.sha, env: d.env, actor: d.actor, ticket: d.ticket}
	deployerRun := int64(900_000_000_000) + int64(h64(seed, "deployer", rid, d.env, d.at.Unix())%100_000_000_000)
	rows := make([]ledgerRow, 0, 4+len(preChecks)+len(postChecks))
	add := func(kind, status string, at time.Time, runID int64, details string) {
		if !at.After(from) || at.After(to) {
			return
		}
		r := base
		r.kind, r.status, r.at, r.runID, r.details = kind, status, at, runID, details
		// eventID(at, seed, kind, rid, d.env, d.at.Unix(), status), without boxing the parts.
		r.id = eventIDOf(at, fnvHash(fnvOffset).u64(uint64(seed)).str(kind).str(rid).str(d.env).u64(uint64(d.at.Unix())).str(status))
		rows = append(rows, r)
	}
	requested := d.at.Add(-time.Duration(between(6, 12, seed, "req", rid, d.env, d.at.Unix())) * time.Minute)
	req, _ := json.Marshal(requestDetails{Action: d.action, From: d.from, To: d.version})
	add("deploy_requested", "requested", requested, 0, string(req))
	for i, name := range preChecks {
		add("check", "pass", requested.Add(time.Duration(i+1)*20*time.Second), 0, checkJSON(name, "pre", checkSpec{outcome: "pass"}))
	}
	add("deploy_started", "started", d.at.Add(-5*time.Minute), deployerRun, "")
	if d.failed {
		add("deploy_failed", "failed", d.at, deployerRun, deployFailedJSON)
		return rows
	}
	add("deploy_succeeded", "succeeded", d.at, deployerRun, "")
	done := d.at.Add(config.DefaultBakeTime(d.env))
	if !d.next.IsZero() && d.next.Before(done) {
		return rows // superseded before its bake time ended: no post-deploy verdict
	}
	for i, name := range postChecks {
		spec := postCheck(seed, d, ran, name)
		add("check", spec.outcome, done.Add(time.Duration(i)*10*time.Second), 0, checkJSON(name, "post", spec))
	}
	add("verdict", truth(d, ran), done.Add(time.Minute), 0, "")
	return rows
}

// requestDetails are a deploy_requested event's details; its fields are in the order
// json.Marshal sorts a map's keys, so it marshals as the map it stands for.
type requestDetails struct {
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
}

var deployFailedJSON = func() string {
	b, _ := json.Marshal(map[string]any{"error": "bundle deploy: terraform apply failed: 409 RESOURCE_CONFLICT"})
	return string(b)
}()

// checkJSONs caches the marshalled details of checks: there are few distinct ones.
var checkJSONs sync.Map // checkKey → string

type checkKey struct {
	name, phase string
	c           checkSpec
}

// checkJSON is checkDetails marshalled.
func checkJSON(name, phase string, c checkSpec) string {
	k := checkKey{name, phase, c}
	if v, ok := checkJSONs.Load(k); ok {
		return v.(string)
	}
	b, _ := json.Marshal(checkDetails(name, phase, c))
	checkJSONs.Store(k, string(b))
	return string(b)
}

var (
	preChecks  = []string{"bundle_validate", "schema_compat", "tests", "policy"}
	postChecks = []string{"canary_run", "sla", "freshness", "row_count_drift", "expectations", "error_budget"}
)

// checkSpec is a check's outcome and what it observed.
type checkSpec struct {
	outcome, observed, threshold string
	noData                       bool
}

func checkDetails(name, phase string, c checkSpec) map[string]any {
	m := map[string]any{"name": name, "phase": phase}
	if c.observed != "" {
		m["observed"] = c.observed
	}
	if c.threshold != "" {
		m["threshold"] = c.threshold
	}
	if c.noData {
		m["no_data"] = true
	}
	return m
}

// truth is the simulation's answer key for a deployment (the verdict event, which the
// cockpit never reads): its profile, as far as anything showed it. A degraded release shows
// only through its runs and updates (slower, failing more often); one under which nothing of
// its bundle ran did no harm that anyone could see, so its truth is healthy. A bad release
// also fails its checks, so it is failing whatever ran.
func truth(d *deployment, ran exercised) string {
	if d.profile == profDegraded && !ran.window {
		return "healthy"
	}
	return map[profile]string{profGood: "healthy", profDegraded: "degraded", profBad: "failing"}[d.profile]
}

// postCheck decides a post-deploy check from the deployment's profile and what ran.
func postCheck(seed int64, d *deployment, ran exercised, name string) checkSpec {
	if c, ok := d.checks[name]; ok {
		return c
	}
	pass := checkSpec{outcome: "pass"}
	switch name {
	case "sla":
		pass.observed, pass.threshold = fmt.Sprintf("p95 %dm", 8+between(0, 6, seed, "sla", d.releaseID())), "p95 ≤ 20m"
		if d.profile == profDegraded && !ran.bake {
			// Nothing ran to measure: the slower runs of a degraded release cannot show yet.
			return checkSpec{outcome: "inconclusive", noData: true, threshold: "p95 ≤ 20m"}
		}
		if d.profile == profDegraded {
			return checkSpec{outcome: "inconclusive", observed: "p95 24m", threshold: "p95 ≤ 20m"}
		}
	case "freshness":
		if unit(seed, "fresh-nodata", d.releaseID(), d.env) < 0.04 {
			return checkSpec{outcome: "inconclusive", noData: true, threshold: "written within 2h"}
		}
		pass.observed, pass.threshold = "written 14m ago", "written within 2h"
	case "expectations":
		pass.observed, pass.threshold = "0.2% failed", "≤ 2x previous (0.4%)"
		if d.profile == profBad {
			return checkSpec{outcome: "fail", observed: "14.8% failed", threshold: "≤ 2x previous (0.4%)"}
		}
	case "row_count_drift":
		pass.observed, pass.threshold = "-3% rows", "±30% of median of 7 runs"
		if d.profile == profBad {
			return checkSpec{outcome: "fail", observed: "-58% rows", threshold: "±30% of median of 7 runs"}
		}
	case "canary_run":
		if d.profile == profBad && unit(seed, "canary", d.releaseID()) < 0.5 {
			return checkSpec{outcome: "fail", observed: "FAILED: RUN_EXECUTION_ERROR", threshold: "SUCCESS"}
		}
		pass.observed, pass.threshold = "SUCCESS", "SUCCESS"
	case "error_budget":
		pass.observed, pass.threshold = "41% of budget left", "> 0%"
	}
	return pass
}
