package sim

import (
	"fmt"
	"time"

	"github.com/release-cockpit/cockpit/config"
)

// runRec is one job run or pipeline update, decided in full when it is scheduled.
type runRec struct {
	env, ws    string
	pipeline   bool
	bundle     *bundleSpec
	res        *resourceSpec
	objectID   string // job id or pipeline id
	runID      string // run id or update id
	name       string
	start, end time.Time
	result     string // system-table vocabulary
	termCode   string
	trigger    string
	updateType string
	rows       int64
	// firstRatio is the failure ratio of the pipeline's first expectation, the one a bad
	// release breaks; the others' ratios are drawn in SQL from the update id.
	firstRatio float64
	runAs      string
}

// maxRunLength bounds how long any generated run lasts; catch-up looks back this far for runs
// that end inside the interval it generates.
const maxRunLength = 4 * time.Hour

// activity enumerates every run and update scheduled to start in [from, to), in no
// particular order, calling fn for each.
func (g *generator) activity(from, to time.Time, fn func(*runRec)) {
	for _, env := range Environments {
		g.activityIn(env, from, to, fn)
	}
}

// activityIn is activity for one environment. It only reads the generator, so the
// environments can be generated concurrently.
func (g *generator) activityIn(env string, from, to time.Time, fn func(*runRec)) {
	if env == "dev" {
		g.devActivity(from, to, fn)
		return
	}
	for _, b := range g.e.bundles {
		for j := range b.jobs {
			g.schedule(env, b, &b.jobs[j], j, from, to, fn)
		}
		for p := range b.pipes {
			g.schedule(env, b, &b.pipes[p], p, from, to, fn)
		}
	}
	for _, r := range g.storyRuns() {
		if r.env == env && !r.start.Before(from) && r.start.Before(to) {
			fn(r)
		}
	}
}

// devActivity: a bundle deployed in development mode has its schedules paused (reference
// §5.4), so dev runs only what each deployment kicks off: the bundle's main job and its
// main pipeline, a few minutes after it lands. Two deployments whose runs would start in
// the same minute share them: a run is one run, whoever asked for it.
func (g *generator) devActivity(from, to time.Time, fn func(*runRec)) {
	for _, b := range g.e.bundles {
		g.devActivityOf(b, from, to, fn)
	}
}

// devActivityOf is devActivity for one bundle.
func (g *generator) devActivityOf(b *bundleSpec, from, to time.Time, fn func(*runRec)) {
	var last time.Time
	for _, d := range g.tl.byKey[key(b.name, "dev")] {
		job := d.at.Add(time.Duration(2+d.at.Unix()%4) * time.Minute).Truncate(time.Minute)
		if !job.After(last) {
			continue
		}
		last = job
		pipe := job.Add(time.Minute)
		if !job.Before(from) && job.Before(to) {
			fn(g.run("dev", b, &b.jobs[0], 0, job, false))
		}
		if !pipe.Before(from) && pipe.Before(to) {
			fn(g.run("dev", b, &b.pipes[0], 0, pipe, false))
		}
	}
}

// schedule emits the runs of one resource: hourly at a fixed minute, or daily in the night.
func (g *generator) schedule(env string, b *bundleSpec, res *resourceSpec, idx int, from, to time.Time, fn func(*runRec)) {
	budgetJob, _ := g.st.budgetFailure(b.name, res.key, env, 0)
	hourly := res.hourly || budgetJob
	step := 24 * time.Hour
	first := from.Truncate(24 * time.Hour).Add(time.Duration(1+(b.index+idx)%5)*time.Hour + time.Duration(res.offset)*time.Minute)
	if hourly {
		step = time.Hour
		first = from.Truncate(time.Hour).Add(time.Duration(res.offset) * time.Minute)
	}
	for slot := first; slot.Before(to); slot = slot.Add(step) {
		if slot.Before(from) {
			continue
		}
		fn(g.run(env, b, res, idx, slot, hourly))
	}
}

var failureCodes = []string{"RUN_EXECUTION_ERROR", "RUN_EXECUTION_ERROR", "RUN_EXECUTION_ERROR", "DRIVER_ERROR", "CLUSTER_ERROR", "STORAGE_ACCESS_ERROR"}

// run decides one scheduled run or update. Its randomness is one splitmix stream seeded from
// (seed, resource, environment, slot), drawn in a fixed order.
func (g *generator) run(env string, b *bundleSpec, res *resourceSpec, idx int, slot time.Time, hourly bool) *runRec {
	rnd := rng(g.resourceSeed(env, res) ^ uint64(slot.Unix())*0x9e3779b97f4a7c15)
	r := &runRec{env: env, ws: WorkspaceID(env), pipeline: res.kind == "pipeline", bundle: b, res: res, name: resourceName(env, res.key), runAs: people[3].UserName}
	r.start = slot.Add(time.Duration(rnd.between(5, 90)) * time.Second)
	prof := profGood
	forced := 0.0
	if d := g.tl.at(b.name, env, r.start); d != nil {
		prof, forced = d.profile, d.forceRatio
	}
	mins := float64(res.baseMinutes) * (0.75 + 0.5*rnd.unit())
	long := rnd.unit()
	if !hourly && res.baseMinutes >= 30 && long < 0.3 {
		mins *= 4 // a long nightly run: several hourly slices in the timeline
	}
	if prof == profDegraded {
		mins *= 1.4
	}
	r.end = r.start.Add(time.Duration(mins * float64(time.Minute)))
	pFail := map[profile]float64{profGood: 0.004, profDegraded: 0.05, profBad: 0.22}[prof]
	failed := rnd.unit() < pFail
	if story, fail := g.st.budgetFailure(b.name, res.key, env, slot.Unix()/3600); story {
		failed = fail && slot.After(g.st.anchor.Add(-28*24*time.Hour))
	}
	code, timeout := rnd.next(), rnd.unit()
	if r.pipeline {
		r.objectID = pipelineID(env, res.key)
		r.runID = uuidOf("update", r.objectID, slot.Unix())
		r.trigger, r.updateType = "JOB_TASK", "REFRESH"
		r.result = "COMPLETED"
		if failed {
			r.result = "FAILED"
			return r
		}
		r.rows = int64(rnd.between(20_000, 200_000))
		if hourly {
			r.rows /= 8
		}
		if b.name == "ecommerce_gold_reporting" && env == "prod" && !r.start.Before(g.st.anchor.Add(-incidentAge)) {
			r.rows = int64(float64(r.rows) * incidentGoldRowDrop)
		}
		u := rnd.unit()
		r.firstRatio = 0.0005 + 0.003*u
		switch {
		case forced > 0:
			r.firstRatio = forced * (0.95 + 0.1*u)
		case prof == profBad:
			r.firstRatio = 0.12 + 0.08*u
		case prof == profDegraded:
			r.firstRatio = 0.01 + 0.02*u
		}
		return r
	}
	r.objectID = fmt.Sprint(jobID(env, b.index, idx))
	r.runID = fmt.Sprint(slot.Unix()/60*1000 + globalJobIndex(env, b.index, idx))
	r.trigger = "CRON"
	r.result, r.termCode = "SUCCEEDED", "SUCCESS"
	if failed {
		r.result = "FAILED"
		r.termCode = failureCodes[code%uint64(len(failureCodes))]
		if r.termCode == "RUN_EXECUTION_ERROR" && timeout < 0.15 {
			r.result = "TIMED_OUT"
		}
	}
	return r
}

// resourceSeed is the per-(resource, environment) part of every run's random stream,
// computed once (seedResources) so that generation only reads shared state.
func (g *generator) resourceSeed(env string, res *resourceSpec) uint64 {
	return g.seeds[env+"|"+res.key]
}

// seedResources fills the per-resource seeds.
func (g *generator) seedResources() {
	g.seeds = map[string]uint64{}
	for _, env := range Environments {
		for _, b := range g.e.bundles {
			for _, r := range b.resources() {
				g.seeds[env+"|"+r.key] = h64(g.seed, "run", env+"|"+r.key)
			}
		}
	}
}

// planTasks splits a run into its tasks, one after the other; a failing run fails in its
// last task, after the others succeeded.
func planTasks(runID string, keys []string, start, end time.Time, result string) []TaskPlan {
	out := make([]TaskPlan, len(keys))
	span := end.Sub(start) / time.Duration(len(keys))
	for i, k := range keys {
		t := TaskPlan{TaskKey: k, RunID: fmt.Sprintf("%s%d", runID, i+1), Start: start.Add(time.Duration(i) * span), End: start.Add(time.Duration(i+1) * span), ResultState: "SUCCEEDED"}
		if i == len(keys)-1 {
			t.End = end
			t.ResultState = result
		}
		out[i] = t
	}
	return out
}

// storyRuns are the runs the incident adds to its window: the update the deploy triggered,
// with the failing expectation, and a refresh job that failed.
func (g *generator) storyRuns() []*runRec {
	A := g.st.anchor
	b := g.e.byName[IncidentBundle]
	deployedAt := A.Add(-incidentAge)
	upd := g.run("prod", b, &b.pipes[0], 0, deployedAt.Add(3*time.Minute), true)
	for i := 1; upd.result != "COMPLETED"; i++ { // the triggered update completes, with bad data
		upd = g.run("prod", b, &b.pipes[0], 0, deployedAt.Add(3*time.Minute+time.Duration(i)*time.Second), true)
	}
	upd.runID = uuidOf("story-update", upd.objectID, A.Unix())
	upd.trigger, upd.updateType = "API_CALL", "REFRESH"
	upd.end = upd.start.Add(11 * time.Minute)
	job := g.run("prod", b, &b.jobs[0], 0, deployedAt.Add(8*time.Minute), true)
	job.runID = fmt.Sprint(job.start.Unix()/60*1000 + 999)
	job.trigger = "ONETIME"
	job.end = job.start.Add(8 * time.Minute)
	job.result, job.termCode = "FAILED", "RUN_EXECUTION_ERROR"
	return []*runRec{upd, job}
}

// exercised says whether anything of a deployment's bundle ran while it was current: within
// its bake time (what its post-deploy checks could observe) and within its whole window (up
// to the next deployment, or the end of the bake time for one still current when judged).
type exercised struct{ bake, window bool }

// exercise finds what of a degraded deployment's bundle ran under it; only the degraded
// profile needs it (truth, postCheck), so the others skip the enumeration.
func (g *generator) exercise(d *deployment) exercised {
	if d.profile != profDegraded || d.failed {
		return exercised{}
	}
	done := d.at.Add(config.DefaultBakeTime(d.env))
	end := done
	if !d.next.IsZero() && d.next.After(done) {
		end = d.next
	}
	var ran exercised
	fn := func(r *runRec) {
		if r.bundle != d.bundle || r.start.Before(d.at) || !r.start.Before(end) {
			return
		}
		ran.window = true
		ran.bake = ran.bake || r.start.Before(done)
	}
	if d.env == "dev" {
		g.devActivityOf(d.bundle, d.at, end, fn)
	} else {
		for j := range d.bundle.jobs {
			g.schedule(d.env, d.bundle, &d.bundle.jobs[j], j, d.at, end, fn)
		}
		for p := range d.bundle.pipes {
			g.schedule(d.env, d.bundle, &d.bundle.pipes[p], p, d.at, end, fn)
		}
	}
	return ran
}
