-- Expectation records of a deployment's pipeline updates per (dataset, expectation), and
-- the same for the deployment before it, for the delta.
-- Parameters: current release, window start, window end; previous release ('' when
-- none), window start, window end; environment; the pipeline_updates fragment (workspace, scan
-- start, scan end); workspace, records from.
WITH windows AS (
  SELECT 'current' AS side, CAST(? AS STRING) AS release_id,
    CAST(? AS TIMESTAMP) AS window_start, CAST(? AS TIMESTAMP) AS window_end
  UNION ALL
  SELECT 'previous', CAST(? AS STRING), CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP)
),
resources AS (
  SELECT DISTINCT w.side, r.resource_id AS pipeline_id
  FROM windows AS w
  JOIN `main`.`release_cockpit`.`release_resources` AS r ON r.release_id = w.release_id
  WHERE r.environment = ? AND r.resource_type = 'pipeline'
),
update_pipelines AS (
  SELECT DISTINCT s.pipeline_id FROM resources AS s
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
window_updates AS (
  SELECT w.side, u.pipeline_id, u.update_id
  FROM windows AS w
  JOIN resources AS s ON s.side = w.side
  JOIN updates AS u ON u.pipeline_id = s.pipeline_id
  WHERE u.start_time >= w.window_start AND u.start_time < w.window_end
)
SELECT wu.side, MIN(wu.pipeline_id) AS pipeline_id, x.dataset, x.expectation,
  CAST(SUM(x.passed_records) AS BIGINT) AS passed_records,
  CAST(SUM(x.failed_records) AS BIGINT) AS failed_records
FROM window_updates AS wu
JOIN `main`.`release_cockpit`.`expectation_results` AS x ON x.update_id = wu.update_id
WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
GROUP BY wu.side, x.dataset, x.expectation
ORDER BY x.dataset, x.expectation, wu.side
