package sim

import (
	"fmt"
	"slices"
	"time"
)

// A version of a bundle carries its resources' settings; each `bundle deploy` rewrites the
// jobs and pipelines of the bundle with them, and system.lakeflow.jobs, job_tasks and
// pipelines gain rows (SCD2, reference §1.1, §1.2, §1.6). Most versions change only code;
// about one in eight changes one setting: a task added or removed, a schedule moved, a
// timeout raised, a cost-center tag, the run-as principal, a health rule, a pipeline's
// channel or Photon. Settings are cumulative in the order versions are cut, so promoting a
// version carries its settings and rolling back restores the older ones.

// bundleConf is the settings of every resource of a bundle in one version. Versions that
// change nothing share their predecessor's.
type bundleConf struct {
	jobs  []jobConf  // parallel to bundleSpec.jobs
	pipes []pipeConf // parallel to bundleSpec.pipes
	// extra are pipelines a version added beyond the bundle's shape (the incident's backfill).
	extra []string
	// change says what this version changed, for tests and docs; empty when nothing.
	change string
}

type jobConf struct {
	tasks      []string
	cron       string // quartz cron of the schedule
	timeout    int64  // seconds
	runAs      int    // index into runAsPrincipals
	costCenter string // the cost_center tag, empty when absent
	healthMax  int64  // RUN_DURATION_SECONDS > healthMax
}

type pipeConf struct {
	channel    string
	photon     bool
	costCenter string
}

// runAsPrincipals are who the bundles' jobs run as: CI's service principal, and the ETL
// runner principal some versions switch to. Each is a SCIM id and an application id.
var runAsPrincipals = [...][2]string{
	{ciPrincipalID, ciPrincipal},
	{"4410021984412377", "e9a4b7c2-6d1f-4a83-9b05-3c8d2f71a6e4"},
}

// Base settings: what the estate's objects are created with.
const (
	baseTimeout   = 14400
	baseHealthMax = 7200
	baseChannel   = "CURRENT"
)

// IncidentBackfillPipeline is the pipeline the scripted incident's release adds.
const IncidentBackfillPipeline = IncidentBundle + "_client_backfill_dlt"

// cronOf is a resource's schedule, from its minute offset.
func cronOf(r resourceSpec) string {
	if r.hourly {
		return fmt.Sprintf("0 %d * * * ?", r.offset)
	}
	return fmt.Sprintf("0 %d %d * * ?", r.offset, 1+r.offset%5)
}

func baseConf(b *bundleSpec) *bundleConf {
	c := &bundleConf{}
	for _, r := range b.jobs {
		c.jobs = append(c.jobs, jobConf{tasks: r.tasks, cron: cronOf(r), timeout: baseTimeout, healthMax: baseHealthMax})
	}
	for range b.pipes {
		c.pipes = append(c.pipes, pipeConf{channel: baseChannel, photon: true})
	}
	return c
}

// clone copies a conf for a version to change; slices are copied, task lists are replaced
// rather than appended to where they change.
func (c *bundleConf) clone() *bundleConf {
	n := &bundleConf{jobs: slices.Clone(c.jobs), pipes: slices.Clone(c.pipes), extra: slices.Clone(c.extra)}
	return n
}

// addedTasks are the task keys a version may add to a job.
var addedTasks = []string{"validate", "notify", "optimize"}

// mutate is the conf of a version cut after prev: prev itself, or a copy with one change.
func mutate(prev *bundleConf, seed int64, b *bundleSpec, version string) *bundleConf {
	if unit(seed, "settings", b.name, version) >= 0.125 {
		return prev
	}
	c := prev.clone()
	j := between(0, len(c.jobs)-1, seed, "settings-job", b.name, version)
	jc := &c.jobs[j]
	key := b.jobs[j].key
	switch between(0, 7, seed, "settings-kind", b.name, version) {
	case 0: // a task added (or, when all are there, the last added one removed)
		for _, t := range addedTasks {
			if !slices.Contains(jc.tasks, t) {
				jc.tasks = append(slices.Clone(jc.tasks), t)
				c.change = "task " + t + " added to " + key
				return c
			}
		}
		jc.tasks = slices.Clone(jc.tasks[:len(jc.tasks)-1])
		c.change = "task removed from " + key
	case 1: // the schedule moved by a quarter of an hour
		r := b.jobs[j]
		r.offset = (r.offset + 15*(1+between(0, 2, seed, "settings-cron", b.name, version))) % 60
		jc.cron = cronOf(r)
		c.change = "schedule of " + key + " moved"
	case 2: // the timeout raised by half
		jc.timeout += jc.timeout / 2
		c.change = "timeout of " + key + " raised"
	case 3: // a cost-center tag
		jc.costCenter = fmt.Sprintf("cc-%d", between(100, 999, seed, "settings-cc", b.name, version))
		c.change = "tags of " + key + " changed"
	case 4: // the run-as principal switched
		jc.runAs = 1 - jc.runAs
		c.change = "run-as of " + key + " changed"
	case 5: // the duration health rule tightened
		jc.healthMax = jc.healthMax * 3 / 4
		c.change = "health rule of " + key + " changed"
	case 6: // a pipeline's channel
		p := between(0, len(c.pipes)-1, seed, "settings-pipe", b.name, version)
		c.pipes[p].channel = map[string]string{"CURRENT": "PREVIEW", "PREVIEW": "CURRENT"}[c.pipes[p].channel]
		c.change = "channel of " + b.pipes[p].key + " changed"
	default: // a pipeline's Photon
		p := between(0, len(c.pipes)-1, seed, "settings-pipe", b.name, version)
		c.pipes[p].photon = !c.pipes[p].photon
		c.change = "photon of " + b.pipes[p].key + " changed"
	}
	return c
}

// versionCut is one version of a bundle and when it was cut.
type versionCut struct {
	version string
	created time.Time
	story   string
}

// bundleConfs gives every version of a bundle its settings, cumulative in the order the
// versions were cut (ties by version). The incident's version adds its backfill pipeline.
// A version's settings depend only on the versions cut before it, so the timeline stays
// causal.
func bundleConfs(seed int64, b *bundleSpec, cuts []versionCut) map[string]*bundleConf {
	slices.SortFunc(cuts, func(x, y versionCut) int {
		if c := x.created.Compare(y.created); c != 0 {
			return c
		}
		if x.version < y.version {
			return -1
		}
		if x.version > y.version {
			return 1
		}
		return 0
	})
	out := make(map[string]*bundleConf, len(cuts))
	cur := baseConf(b)
	for _, v := range cuts {
		if _, ok := out[v.version]; ok || v.version == "" {
			continue
		}
		if v.story == "incident" {
			cur = cur.clone()
			if !slices.Contains(cur.extra, IncidentBackfillPipeline) {
				cur.extra = append(cur.extra, IncidentBackfillPipeline)
			}
			cur.change = "pipeline " + IncidentBackfillPipeline + " added"
		} else {
			cur = mutate(cur, seed, b, v.version)
		}
		out[v.version] = cur
	}
	return out
}

// assignConfs computes the settings of every version of a bundle: the generated ones (cut
// in dev) and the stories'.
func assignConfs(seed int64, b *bundleSpec, st *stories, cands [3][]*deployment) map[string]*bundleConf {
	cuts := make([]versionCut, 0, len(cands[0])+4)
	for _, d := range cands[0] {
		cuts = append(cuts, versionCut{d.version, d.created, ""})
	}
	for _, env := range Environments {
		for _, d := range st.deployments(b.name, env) {
			if d.version != "" {
				cuts = append(cuts, versionCut{d.version, d.created, d.story})
			}
		}
	}
	return bundleConfs(seed, b, cuts)
}

// noteCreated records when a deployment first brings a pipeline beyond its bundle's shape.
func (tl *timeline) noteCreated(d *deployment) {
	if d.conf == nil {
		return
	}
	for _, k := range d.conf.extra {
		ck := key(d.bundle.name, d.env) + "|" + k
		if _, ok := tl.created[ck]; !ok {
			tl.created[ck] = d.at
		}
	}
}

// confExtra are the pipelines a deployment's version adds beyond its bundle's shape.
func confExtra(d *deployment) []string {
	if d.conf == nil {
		return nil
	}
	return d.conf.extra
}
