-- Pre-deploy duration baselines of a release's pipelines: the last n updates of each of its
-- pipelines that had ended before an instant (a deployment), folded from their slices,
-- newest first per pipeline, as baselines.sql reads its jobs' runs. Slices are read up to
-- the instant only, so an update still going then has no result and is left out.
-- Parameters: release id, environment; the pipeline_updates fragment (workspace, scan
-- start, scan end = the instant); lookback start; n.
WITH update_pipelines AS (
  SELECT DISTINCT r.resource_id AS pipeline_id
  FROM "sim"."release_cockpit"."release_resources" AS r
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
  FROM "sim"."lakeflow"."pipeline_update_timeline" AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.pipeline_id IN (SELECT p.pipeline_id FROM update_pipelines AS p)
  GROUP BY t.workspace_id, t.pipeline_id, t.update_id
)
SELECT u.pipeline_id, u.update_id, u.start_time, u.end_time
FROM updates AS u
WHERE u.result_state IS NOT NULL AND u.start_time >= CAST(? AS TIMESTAMP)
QUALIFY ROW_NUMBER() OVER (PARTITION BY u.pipeline_id ORDER BY u.start_time DESC, u.update_id DESC)
  <= CAST(? AS INT)
ORDER BY u.pipeline_id, u.start_time DESC, u.update_id DESC
