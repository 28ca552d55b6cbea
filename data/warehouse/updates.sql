-- The pipeline updates of a deployment: updates of the release's pipelines in the
-- environment's workspace whose first slice starts inside the window, newest first.
-- Parameters: release id, environment; the pipeline_updates fragment (workspace, scan start, scan
-- end); window start, window end.
WITH update_pipelines AS (
  SELECT DISTINCT r.resource_id AS pipeline_id
  FROM {{release_resources}} AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = 'pipeline'
),
{{pipeline_updates}}
SELECT u.workspace_id, u.pipeline_id, u.update_id, u.update_type, u.trigger_type,
  u.start_time, u.end_time, u.result_state
FROM updates AS u
WHERE u.start_time >= CAST(? AS TIMESTAMP) AND u.start_time < CAST(? AS TIMESTAMP)
ORDER BY u.start_time DESC, u.update_id DESC
