-- The pipeline updates of a deployment: updates of the release's pipelines in the
-- environment's workspace whose first slice starts inside the window, newest first.
-- Parameters: release id, environment; the pipeline_updates fragment (workspace, scan start, scan
-- end); window start, window end.
-- Each row carries its pipeline's name (the latest row of the SCD2 table, as names.sql
-- reads it), so the tab needs no second statement for them.
WITH update_pipelines AS (
  SELECT DISTINCT r.resource_id AS pipeline_id
  FROM `main`.`release_cockpit`.`release_resources` AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = 'pipeline'
),
updates AS (
  SELECT t.workspace_id, t.pipeline_id, t.update_id,
    MAX(t.update_type) AS update_type,
    MAX(t.trigger_type) AS trigger_type,
    MIN(t.period_start_time) AS start_time,
    MAX(t.period_end_time) AS end_time,
    MAX_BY(t.result_state, t.period_end_time)
      FILTER (WHERE t.result_state IS NOT NULL) AS result_state
  FROM `system`.`lakeflow`.`pipeline_update_timeline` AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.pipeline_id IN (SELECT p.pipeline_id FROM update_pipelines AS p)
  GROUP BY t.workspace_id, t.pipeline_id, t.update_id
),
pipeline_names AS (
  SELECT p.workspace_id, p.pipeline_id, p.name
  FROM `system`.`lakeflow`.`pipelines` AS p
  WHERE p.pipeline_id IN (SELECT k.pipeline_id FROM update_pipelines AS k)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.workspace_id, p.pipeline_id ORDER BY p.change_time DESC) = 1
)
SELECT u.workspace_id, u.pipeline_id, u.update_id, u.update_type, u.trigger_type,
  u.start_time, u.end_time, u.result_state, n.name
FROM updates AS u
LEFT JOIN pipeline_names AS n ON n.workspace_id = u.workspace_id AND n.pipeline_id = u.pipeline_id
WHERE u.start_time >= CAST(? AS TIMESTAMP) AND u.start_time < CAST(? AS TIMESTAMP)
ORDER BY u.start_time DESC, u.update_id DESC
