package sim

import "time"

// What Databricks records of a bundle deploy, besides the jobs and pipelines it rewrites:
// the audit log's rows (who, when, which jobs and pipelines) and, for the bundles that opt
// into it, the bundle deployment metadata service's versions (server_bundles.go). Both are
// derived in SQL from one staged row per deploy (st_deploys → bundle_deploys).

// stageDeploy stages a deployment that lands in (from, to]: succeeded or failed, it is a
// version in the deployment history; a succeeded one also leaves audit rows (auditSQL).
func stageDeploy(s *stage, d *deployment, from, to time.Time) error {
	if !d.at.After(from) || d.at.After(to) {
		return nil
	}
	return s.add("st_deploys", WorkspaceID(d.env), d.bundle.name, d.env, d.at, d.actor, d.version, d.sha, d.failed)
}

// cliUserAgent is the user agent of the Databricks CLI's `bundle deploy`; every request of
// one command carries the same cmd-exec-id.
const cliUserAgent = `'cli/0.279.0 databricks-sdk-go/0.82.0 go/1.24.4 os/linux cmd/bundle_deploy cmd-exec-id/'`

// auditSQL writes, for every succeeded deploy staged, one `system.access.audit` row per job
// (service jobs, action reset, request_params job_id and new_settings: the settings the
// deploy sent, with its deployment block and the bundle_version job parameter) and per
// pipeline (service deltaPipelines, action edit, request_params pipeline_id), a few seconds
// apart and ending a second before the deploy succeeded, as the deploying user.
var auditSQL = `INSERT INTO sim.access.audit
SELECT '` + AccountID + `', r.workspace_id, '2.0', t, CAST(t AS DATE), '10.20.4.17',
  ` + cliUserAgent + ` || md5(r.workspace_id || r.bundle || r.environment || CAST(r.deployed_at AS VARCHAR) || r.version) || ' auth/pat',
  NULL, {'email': r.actor, 'subject_name': NULL},
  CASE WHEN r.resource_type = 'job' THEN 'jobs' ELSE 'deltaPipelines' END,
  CASE WHEN r.resource_type = 'job' THEN 'reset' ELSE 'edit' END,
  md5('request' || r.workspace_id || r.resource_id || CAST(r.deployed_at AS VARCHAR)),
  CASE WHEN r.resource_type = 'job' THEN MAP {'job_id': r.resource_id, 'new_settings':
    '{"name":"' || r.name || '","deployment":{"kind":"BUNDLE","metadata_file_path":"` + bundleUsersRoot + `' || r.bundle || '/' || r.environment
    || '/state/metadata.json"},"edit_mode":"UI_LOCKED","format":"MULTI_TASK","parameters":[{"name":"bundle_version","default":"' || r.version || '"}]}'}
  ELSE MAP {'pipeline_id': r.resource_id, 'name': r.name} END,
  {'status_code': 200, 'error_message': NULL, 'result': '{}'},
  'WORKSPACE_LEVEL', md5('audit' || r.workspace_id || r.resource_id || CAST(r.deployed_at AS VARCHAR)),
  {'run_by': r.actor, 'run_as': r.actor, 'acting_resource': NULL, 'run_by_display_name': NULL, 'run_as_display_name': NULL}
FROM (SELECT d.*, r.resource_type, r.resource_id, r.name,
        d.deployed_at - to_seconds(CAST(2 * ROW_NUMBER() OVER (PARTITION BY d.workspace_id, d.bundle, d.environment, d.deployed_at
          ORDER BY r.resource_type DESC, r.resource_key DESC) - 1 AS BIGINT)) AS t
      FROM memory.main.st_deploys d
      JOIN sim.sim_internal.bundle_resources r ON r.bundle = d.bundle AND r.environment = d.environment
      WHERE NOT d.failed) AS r`

// bundleUsersRoot is the start of every bundle's root (bundleRoot) before its name.
const bundleUsersRoot = "/Workspace/Users/7c1e5a92-3d4b-4f60-8a17-2b9c0e6d4f13/.bundle/"

// recordsHistory says whether a bundle sets experimental.record_deployment_history: about
// half of them do, and the bundle deployment metadata service answers for those only.
func recordsHistory(b *bundleSpec) bool { return b.index%2 == 0 }
