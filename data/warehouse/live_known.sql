-- What the warehouse already holds since an instant (model.Known): each run and update with
-- its result state (NULL while active) and the updates with expectation results; and the
-- jobs and pipelines of the releases whose windows are open, which the live feed is
-- matched against.
-- Parameters: workspace, since (runs); workspace, since (updates); workspace, since
-- (expectations); environment and the release ids (resources).
SELECT 'run' AS kind, CAST(NULL AS STRING) AS release_id, CAST(NULL AS STRING) AS resource_type,
  t.run_id AS id,
  MAX_BY(t.result_state, t.period_end_time) FILTER (WHERE t.result_state IS NOT NULL) AS state
FROM {{job_run_timeline}} AS t
WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
GROUP BY t.run_id
UNION ALL
SELECT 'update', CAST(NULL AS STRING), CAST(NULL AS STRING), u.update_id,
  MAX_BY(u.result_state, u.period_end_time) FILTER (WHERE u.result_state IS NOT NULL)
FROM {{pipeline_update_timeline}} AS u
WHERE u.workspace_id = ? AND u.period_start_time >= CAST(? AS TIMESTAMP)
GROUP BY u.update_id
UNION ALL
SELECT DISTINCT 'expectations', CAST(NULL AS STRING), CAST(NULL AS STRING), x.update_id, CAST(NULL AS STRING)
FROM {{expectation_results}} AS x
WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
UNION ALL
SELECT DISTINCT 'resource', r.release_id, r.resource_type, r.resource_id, CAST(NULL AS STRING)
FROM {{release_resources}} AS r
WHERE r.environment = ? AND r.release_id IN (?)
