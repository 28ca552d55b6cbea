package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The SCD2 change rows of jobs and pipelines (reference §1.1, §1.2, §1.6): the estate's
// objects are created with one row each (writeObjects), and every successful `bundle
// deploy` rewrites each job and pipeline of its bundle, one row each, a minute before its
// deploy_succeeded event. job_tasks gains a row for a task added, and one with delete_time
// for a task removed; a pipeline a version no longer has gets a row with delete_time.

// jobStageCols and pipeStageCols are the flat columns job and pipeline rows are staged in,
// for the estate's objects (o_jobs, o_pipes) and for deployments (st_jobs, st_pipes) alike.
const (
	jobStageCols = `workspace_id VARCHAR, job_id VARCHAR, name VARCHAR, bundle VARCHAR, environment VARCHAR,
  team VARCHAR, metadata_path VARCHAR, created TIMESTAMP, change_time TIMESTAMP, delete_time TIMESTAMP,
  run_as_id VARCHAR, run_as_name VARCHAR, cron VARCHAR, timeout BIGINT, health BIGINT, cost_center VARCHAR`
	pipeStageCols = `workspace_id VARCHAR, pipeline_id VARCHAR, name VARCHAR, bundle VARCHAR, environment VARCHAR,
  team VARCHAR, metadata_path VARCHAR, created TIMESTAMP, source_path VARCHAR, change_time TIMESTAMP, delete_time TIMESTAMP,
  channel VARCHAR, photon BOOLEAN, cost_center VARCHAR`
	taskStageCols = `workspace_id VARCHAR, job_id VARCHAR, task_key VARCHAR, depends_on VARCHAR, change_time TIMESTAMP, delete_time TIMESTAMP`
)

// tagsSQL is a resource's tags: bundle, environment and team, and cost_center when set.
const tagsSQL = `CASE WHEN cost_center IS NULL THEN MAP {'bundle': bundle, 'environment': environment, 'team': team}
	  ELSE MAP {'bundle': bundle, 'environment': environment, 'team': team, 'cost_center': cost_center} END`

// jobRowsSQL inserts the staged job rows of from into system.lakeflow.jobs.
func jobRowsSQL(from string) string {
	return `INSERT INTO sim.lakeflow.jobs SELECT '` + AccountID + `', workspace_id, job_id, name, '', '` + ciPrincipalID + `',
	  ` + tagsSQL + `, change_time, delete_time, run_as_id,
	  CASE WHEN cron IS NULL THEN NULL ELSE {'file_arrival': NULL, 'periodic': NULL, 'continuous': NULL, 'table_update': NULL,
	    'schedule': {'quartz_cron_expression': cron, 'timezone_id': 'UTC'}} END,
	  'CRON', run_as_name, '` + ciPrincipal + `', false, timeout,
	  [{'metric': 'RUN_DURATION_SECONDS', 'operator': 'GREATER_THAN', 'value': health}],
	  CASE WHEN metadata_path = '' THEN NULL ELSE {'kind': 'BUNDLE', 'metadata_file_path': metadata_path} END, created
	FROM ` + from
}

// pipeRowsSQL inserts the staged pipeline rows of from into system.lakeflow.pipelines.
func pipeRowsSQL(from string) string {
	return `INSERT INTO sim.lakeflow.pipelines SELECT '` + AccountID + `', workspace_id, pipeline_id, 'ETL_PIPELINE', name,
	  '` + ciPrincipal + `', '` + ciPrincipal + `', ` + tagsSQL + `,
	  {'photon': photon, 'development': environment = 'dev', 'continuous': false, 'serverless': true, 'edition': 'ADVANCED', 'channel': channel},
	  MAP {'bundle.sourcePath': source_path}, created, change_time, delete_time
	FROM ` + from
}

// taskRowsSQL inserts the staged task rows of from into system.lakeflow.job_tasks.
func taskRowsSQL(from string) string {
	return `INSERT INTO sim.lakeflow.job_tasks SELECT '` + AccountID + `', workspace_id, job_id, task_key,
	  CASE WHEN depends_on = '' THEN [] ELSE string_split(depends_on, ',') END, change_time, delete_time, 3600
	FROM ` + from
}

// sourcePath is where a bundle's pipelines find their source (configuration bundle.sourcePath).
func sourcePath(bundle, env string) string { return bundleRoot(bundle, env) + "/files/src" }

// changeLead is how long before its deploy_succeeded event a deployment rewrites its first resource.
const changeLead = time.Minute

// stageChanges stages the job, task and pipeline rows of a successful deployment whose
// change time falls in (from, to].
func (g *generator) stageChanges(s *stage, d *deployment, from, to time.Time) error {
	if d.failed {
		return nil
	}
	conf, prev := d.conf, d.prevConf
	if conf == nil {
		conf = baseConf(d.bundle)
	}
	if prev == nil {
		prev = baseConf(d.bundle)
	}
	b, env := d.bundle, d.env
	ws, mp := WorkspaceID(env), metadataPath(b.name, env)
	created := g.start.Add(-30 * 24 * time.Hour)
	at := d.at.Add(-changeLead)
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	for j, r := range b.jobs {
		t := at.Add(time.Duration(j) * time.Second)
		if !in(t) {
			continue
		}
		id := fmt.Sprint(jobID(env, b.index, j))
		jc := conf.jobs[j]
		p := runAsPrincipals[jc.runAs]
		if err := s.add("st_jobs", ws, id, resourceName(env, r.key), b.name, env, b.catalog, mp, created, t, nil,
			p[0], p[1], jc.cron, jc.timeout, jc.healthMax, nullable(jc.costCenter)); err != nil {
			return err
		}
		if err := stageTaskChanges(s, ws, id, prev.jobs[j].tasks, jc.tasks, t); err != nil {
			return err
		}
	}
	n := len(b.jobs)
	for p, r := range b.pipes {
		t := at.Add(time.Duration(n+p) * time.Second)
		if !in(t) {
			continue
		}
		pc := conf.pipes[p]
		if err := s.add("st_pipes", ws, pipelineID(env, r.key), resourceName(env, r.key), b.name, env, b.catalog, mp, created,
			sourcePath(b.name, env), t, nil, pc.channel, pc.photon, nullable(pc.costCenter)); err != nil {
			return err
		}
	}
	n += len(b.pipes)
	extras := slices.Clone(conf.extra)
	for _, k := range prev.extra {
		if !slices.Contains(extras, k) {
			extras = append(extras, k)
		}
	}
	for i, k := range extras {
		t := at.Add(time.Duration(n+i) * time.Second)
		if !in(t) {
			continue
		}
		var deleted any
		if !slices.Contains(conf.extra, k) {
			deleted = t
		}
		first, ok := g.tl.created[key(b.name, env)+"|"+k]
		if !ok {
			first = t
		}
		if err := s.add("st_pipes", ws, pipelineID(env, k), resourceName(env, k), b.name, env, b.catalog, mp, first.Add(-changeLead),
			sourcePath(b.name, env), t, deleted, baseChannel, true, nil); err != nil {
			return err
		}
	}
	return nil
}

// stageTaskChanges stages a job_tasks row for each task added (depending on the task before
// it) and a deleted row for each task removed.
func stageTaskChanges(s *stage, ws, job string, prev, cur []string, t time.Time) error {
	if slices.Equal(prev, cur) {
		return nil
	}
	dep := func(tasks []string, i int) string {
		if i == 0 {
			return ""
		}
		return tasks[i-1]
	}
	for i, k := range cur {
		if !slices.Contains(prev, k) {
			if err := s.add("st_tasks", ws, job, k, dep(cur, i), t, nil); err != nil {
				return err
			}
		}
	}
	for i, k := range prev {
		if !slices.Contains(cur, k) {
			if err := s.add("st_tasks", ws, job, k, dep(prev, i), t, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// changeTablesDDL stages the change rows of a catch-up.
var changeTablesDDL = strings.Join([]string{
	`CREATE OR REPLACE TABLE memory.main.st_jobs (` + jobStageCols + `)`,
	`CREATE OR REPLACE TABLE memory.main.st_pipes (` + pipeStageCols + `)`,
	`CREATE OR REPLACE TABLE memory.main.st_tasks (` + taskStageCols + `)`,
}, ";\n") + ";\n"
