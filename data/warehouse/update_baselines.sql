-- Pre-deploy duration baselines of a release's pipelines: the last n updates of each of its
-- pipelines that had ended before an instant (a deployment), folded from their slices,
-- newest first per pipeline, as baselines.sql reads its jobs' runs. Slices are read up to
-- the instant only, so an update still going then has no result and is left out.
-- Parameters: release id, environment; the pipeline_updates fragment (workspace, scan
-- start, scan end = the instant); lookback start; n.
WITH update_pipelines AS (
  SELECT DISTINCT r.resource_id AS pipeline_id
  FROM {{release_resources}} AS r
  WHERE r.release_id = ? AND r.environment = ? AND r.resource_type = 'pipeline'
),
{{pipeline_updates}}
SELECT u.pipeline_id, u.update_id, u.start_time, u.end_time
FROM updates AS u
WHERE u.result_state IS NOT NULL AND u.start_time >= CAST(? AS TIMESTAMP)
QUALIFY ROW_NUMBER() OVER (PARTITION BY u.pipeline_id ORDER BY u.start_time DESC, u.update_id DESC)
  <= CAST(? AS INT)
ORDER BY u.pipeline_id, u.start_time DESC, u.update_id DESC
