package sim

import (
	"testing"
	"time"
)

// Every successful deploy rewrites its bundle's jobs and pipelines: one row each in the SCD2
// system tables, a minute before deploy_succeeded, carrying the bundle's metadata.json path.
func TestEachDeployAddsChangeRows(t *testing.T) {
	s := sharedEstate(t)
	at := testNow.Add(-incidentAge)
	ws := WorkspaceID("prod")
	b := newEstate().byName[IncidentBundle]
	jobs := count(t, s, `SELECT count(*) FROM sim.lakeflow.jobs WHERE workspace_id = ? AND change_time >= ? AND change_time < ?
		AND deployment.metadata_file_path = ? AND deployment.kind = 'BUNDLE'`, ws, at.Add(-time.Minute), at, metadataPath(IncidentBundle, "prod"))
	if jobs != int64(len(b.jobs)) {
		t.Errorf("the incident's deploy wrote %d job rows, want %d (one per job)", jobs, len(b.jobs))
	}
	pipes := count(t, s, `SELECT count(*) FROM sim.lakeflow.pipelines WHERE workspace_id = ? AND change_time >= ? AND change_time < ?
		AND starts_with(configuration['bundle.sourcePath'], ?)`, ws, at.Add(-time.Minute), at, bundleRoot(IncidentBundle, "prod")+"/")
	if pipes != int64(len(b.pipes)+1) {
		t.Errorf("the incident's deploy wrote %d pipeline rows, want %d (its pipelines and the added backfill)", pipes, len(b.pipes)+1)
	}
	// Rows per deploy: as many job rows as deploy_succeeded events times jobs, roughly.
	deploys := count(t, s, `SELECT count(*) FROM sim.release_cockpit.release_events WHERE kind = 'deploy_succeeded'`)
	rows := count(t, s, `SELECT count(*) FROM sim.lakeflow.jobs WHERE change_time > create_time`)
	if rows < 4*deploys || rows > 5*deploys {
		t.Errorf("%d job change rows for %d deploys, want 4-5 per deploy", rows, deploys)
	}
}

// The incident's release adds its backfill pipeline: the pipeline has no row before the
// release's first deploy in each environment, then one per deploy.
func TestIncidentReleaseAddsItsBackfillPipeline(t *testing.T) {
	s := sharedEstate(t)
	for env, first := range map[string]time.Time{"dev": testNow.Add(-26 * time.Hour), "staging": testNow.Add(-20 * time.Hour), "prod": testNow.Add(-incidentAge)} {
		var earliest, created time.Time
		if err := s.DB().QueryRow(`SELECT min(change_time), min(create_time) FROM sim.lakeflow.pipelines WHERE workspace_id = ? AND pipeline_id = ?`,
			WorkspaceID(env), pipelineID(env, IncidentBackfillPipeline)).Scan(&earliest, &created); err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if earliest.Before(first.Add(-time.Minute)) || !earliest.Before(first) || created.After(earliest) {
			t.Errorf("%s: the backfill pipeline first appears at %s (created %s), want in the minute before %s", env, earliest, created, first)
		}
	}
}

// Some versions change settings: over two days of 40 bundles, timeouts, schedules, run-as,
// tags, health rules, tasks and pipeline settings each change somewhere.
func TestSomeDeploysChangeSettings(t *testing.T) {
	s := sharedEstate(t)
	for name, q := range map[string]string{
		"timeout":  `SELECT count(*) FROM (SELECT job_id FROM sim.lakeflow.jobs GROUP BY job_id HAVING count(DISTINCT timeout_seconds) > 1)`,
		"schedule": `SELECT count(*) FROM (SELECT job_id FROM sim.lakeflow.jobs GROUP BY job_id HAVING count(DISTINCT "trigger".schedule.quartz_cron_expression) > 1)`,
		"run-as":   `SELECT count(*) FROM (SELECT job_id FROM sim.lakeflow.jobs GROUP BY job_id HAVING count(DISTINCT run_as_user_name) > 1)`,
		"tags":     `SELECT count(*) FROM sim.lakeflow.jobs WHERE tags['cost_center'] IS NOT NULL`,
		"health":   `SELECT count(*) FROM (SELECT job_id FROM sim.lakeflow.jobs GROUP BY job_id HAVING count(DISTINCT health_rules[1].value) > 1)`,
		"task":     `SELECT count(*) FROM sim.lakeflow.job_tasks WHERE change_time > (SELECT min(change_time) FROM sim.lakeflow.job_tasks)`,
		"pipeline": `SELECT count(*) FROM (SELECT pipeline_id FROM sim.lakeflow.pipelines GROUP BY pipeline_id HAVING count(DISTINCT settings.channel) > 1 OR count(DISTINCT settings.photon) > 1)`,
	} {
		if n := count(t, s, q); n == 0 {
			t.Errorf("no %s change in two days", name)
		}
	}
	// Most deploys change nothing: far fewer distinct settings than rows.
	if n := count(t, s, `SELECT count(*) FROM (SELECT job_id FROM sim.lakeflow.jobs GROUP BY job_id HAVING count(DISTINCT timeout_seconds) > 2)`); n > 20 {
		t.Errorf("%d jobs changed their timeout more than once in two days", n)
	}
}
