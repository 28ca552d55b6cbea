-- What a bundle's jobs, their tasks and its pipelines were at two instants (0: the previous
-- deployment, 1: this one): the latest row of each at or before the instant in the SCD2
-- system tables. The bundle's jobs are those whose deployment.metadata_file_path is that of
-- the jobs of either release in the ledger, or ends in the default bundle root
-- (/.bundle/<bundle>/<target>/state/metadata.json); its pipelines are those of either release
-- and those whose configuration bundle.sourcePath lies under such a bundle root (the
-- pipelines table carries no deployment column). Nested columns come back as JSON text.
-- Parameters: instant 0, instant 1; environment, this release id, the previous release id
-- (resources); workspace (paths), default metadata path suffix; workspace (jobs); workspace
-- (tasks); workspace (pipelines).
WITH instants AS (
  SELECT 0 AS snap, CAST(? AS TIMESTAMP) AS at
  UNION ALL
  SELECT 1 AS snap, CAST(? AS TIMESTAMP) AS at
),
ids AS (
  SELECT DISTINCT r.resource_type, r.resource_id
  FROM "sim"."release_cockpit"."release_resources" AS r
  WHERE r.environment = ? AND r.release_id IN (?, ?)
),
paths AS (
  SELECT DISTINCT j.deployment.metadata_file_path AS path,
    left(j.deployment.metadata_file_path, length(j.deployment.metadata_file_path) - 20) AS root
  FROM "sim"."lakeflow"."jobs" AS j
  WHERE j.workspace_id = ? AND j.deployment.metadata_file_path LIKE '%/state/metadata.json'
    AND (j.job_id IN (SELECT resource_id FROM ids WHERE resource_type = 'job')
      OR right(j.deployment.metadata_file_path, length(CAST(? AS STRING))) = CAST(? AS STRING))
),
bundle_jobs AS (
  SELECT i.snap, i.at, j.job_id, j.name, j.delete_time, j.paused, j.timeout_seconds, j.run_as_user_name,
    j.trigger_type, CAST(to_json(j.trigger) AS STRING) AS trigger_json, CAST(to_json(j.tags) AS STRING) AS tags_json,
    CAST(to_json(j.health_rules) AS STRING) AS health_json, j.deployment.metadata_file_path AS path
  FROM "sim"."lakeflow"."jobs" AS j
  JOIN instants AS i ON j.change_time <= i.at
  WHERE j.workspace_id = ? AND j.deployment.metadata_file_path IN (SELECT path FROM paths)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY i.snap, j.job_id ORDER BY j.change_time DESC) = 1
),
bundle_tasks AS (
  SELECT i.snap, t.job_id, t.task_key, t.delete_time, t.timeout_seconds,
    CAST(to_json(t.depends_on_keys) AS STRING) AS depends_json
  FROM "sim"."lakeflow"."job_tasks" AS t
  JOIN instants AS i ON t.change_time <= i.at
  WHERE t.workspace_id = ? AND t.job_id IN (SELECT job_id FROM bundle_jobs)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY i.snap, t.job_id, t.task_key ORDER BY t.change_time DESC) = 1
),
bundle_pipelines AS (
  SELECT i.snap, p.pipeline_id, p.name, p.delete_time, p.run_as, p.pipeline_type,
    CAST(to_json(p.settings) AS STRING) AS settings_json, CAST(to_json(p.tags) AS STRING) AS tags_json,
    CAST(to_json(p.configuration) AS STRING) AS configuration_json
  FROM "sim"."lakeflow"."pipelines" AS p
  JOIN instants AS i ON p.change_time <= i.at
  WHERE p.workspace_id = ?
    AND (p.pipeline_id IN (SELECT resource_id FROM ids WHERE resource_type = 'pipeline')
      OR EXISTS (SELECT 1 FROM paths AS b
        WHERE left(p.configuration['bundle.sourcePath'], length(b.root) + 1) = b.root || '/'))
  QUALIFY ROW_NUMBER() OVER (PARTITION BY i.snap, p.pipeline_id ORDER BY p.change_time DESC) = 1
)
SELECT j.snap, 'job' AS kind, j.job_id AS id, j.name, CAST(NULL AS STRING) AS task_key,
  j.delete_time IS NOT NULL AND j.delete_time <= j.at AS deleted, j.paused, j.timeout_seconds,
  j.run_as_user_name AS run_as, j.trigger_type AS type, j.trigger_json AS settings_json, j.tags_json,
  j.health_json AS rules_json, j.path
FROM bundle_jobs AS j
UNION ALL
SELECT t.snap, 'task', t.job_id, CAST(NULL AS STRING), t.task_key, t.delete_time IS NOT NULL, CAST(NULL AS BOOLEAN),
  t.timeout_seconds, CAST(NULL AS STRING), CAST(NULL AS STRING), t.depends_json, CAST(NULL AS STRING),
  CAST(NULL AS STRING), CAST(NULL AS STRING)
FROM bundle_tasks AS t
UNION ALL
SELECT p.snap, 'pipeline', p.pipeline_id, p.name, CAST(NULL AS STRING), p.delete_time IS NOT NULL, CAST(NULL AS BOOLEAN),
  CAST(NULL AS BIGINT), p.run_as, p.pipeline_type, p.settings_json, p.tags_json, p.configuration_json,
  CAST(NULL AS STRING)
FROM bundle_pipelines AS p
ORDER BY 1, 2, 3, 5
