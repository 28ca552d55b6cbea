-- What the warehouse already holds of the open windows (model.Known) and from when the live
-- feed must read (the cut). The system tables hold a run or update once its last slice
-- (at most an hour long) has arrived, so anything they lack ended after their newest
-- period_end_time and started at most an hour (plus a margin for rows arriving out of
-- order) before it, or is a run or update they still show active. The cut is the earlier of
-- those two instants; NULL when they hold nothing since the oldest open window (the feed
-- then reads from the window).
-- Rows: each run and update started at or after the cut with its result state (NULL while
-- active), the updates with expectation results, the jobs and pipelines of the releases
-- whose windows are open, and the cut itself.
-- Parameters: workspace, oldest open window (runs); workspace, oldest open window
-- (updates); workspace, oldest open window (expectations); environment and the release ids
-- (resources).
WITH runs AS (
  SELECT t.run_id AS id, MIN(t.period_start_time) AS started, MAX(t.period_end_time) AS ended,
    MAX_BY(t.result_state, t.period_end_time) FILTER (WHERE t.result_state IS NOT NULL) AS state
  FROM `system`.`lakeflow`.`job_run_timeline` AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
  GROUP BY t.run_id
),
updates AS (
  SELECT u.update_id AS id, MIN(u.period_start_time) AS started, MAX(u.period_end_time) AS ended,
    MAX_BY(u.result_state, u.period_end_time) FILTER (WHERE u.result_state IS NOT NULL) AS state
  FROM `system`.`lakeflow`.`pipeline_update_timeline` AS u
  WHERE u.workspace_id = ? AND u.period_start_time >= CAST(? AS TIMESTAMP)
  GROUP BY u.update_id
),
held AS (
  SELECT 'run' AS kind, id, started, ended, state FROM runs
  UNION ALL
  SELECT 'update', id, started, ended, state FROM updates
),
cut AS (
  SELECT LEAST(MAX(ended) - INTERVAL 70 MINUTES, MIN(started) FILTER (WHERE state IS NULL)) AS at FROM held
)
SELECT h.kind, CAST(NULL AS STRING) AS release_id, CAST(NULL AS STRING) AS resource_type, h.id, h.state,
  h.started AS at
FROM held AS h CROSS JOIN cut AS c
WHERE c.at IS NULL OR h.started >= c.at
UNION ALL
SELECT 'cut', CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), c.at
FROM cut AS c
UNION ALL
SELECT DISTINCT 'expectations', CAST(NULL AS STRING), CAST(NULL AS STRING), x.update_id, CAST(NULL AS STRING),
  CAST(NULL AS TIMESTAMP)
FROM `main`.`release_cockpit`.`expectation_results` AS x
WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
UNION ALL
SELECT DISTINCT 'resource', r.release_id, r.resource_type, r.resource_id, CAST(NULL AS STRING), CAST(NULL AS TIMESTAMP)
FROM `main`.`release_cockpit`.`release_resources` AS r
WHERE r.environment = ? AND r.release_id IN (?)
