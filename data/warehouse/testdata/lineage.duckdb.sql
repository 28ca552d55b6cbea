-- The lineage of a deployment from table_lineage: tables read (upstream) and written by the
-- job runs and pipeline updates that started in its window, and the consumers of the
-- written tables up to two hops: entities other than the release's own that read a written
-- table (hop 1) with what they write, then entities that read those tables (hop 2). A
-- consumer that only reads (a query, a dashboard) has an empty table. Each row's basis says
-- whose lineage it is: 'window' (the runs and updates since the deploy) or 'before' (the
-- release's jobs and pipelines before it, while the system tables hold none of the
-- window's yet).
-- Parameters: release id, environment; the job_runs fragment (workspace, scan start, scan end);
-- window start, window end; the pipeline_updates fragment (workspace, scan start, scan end);
-- window start, window end; workspace, lineage from date, lineage to date; window start
-- (lineage before the deploy); workspace (job names); workspace (pipeline names).
-- Each consumer comes with its job's or pipeline's name (the latest row of the SCD2 system
-- tables, as names.sql reads it; empty for a query or a dashboard), so the lineage needs
-- no second statement for them.
WITH resources AS (
  SELECT DISTINCT r.resource_type, r.resource_id
  FROM "sim"."release_cockpit"."release_resources" AS r
  WHERE r.release_id = ? AND r.environment = ?
),
run_jobs AS (
  SELECT s.resource_id AS job_id FROM resources AS s WHERE s.resource_type = 'job'
),
runs AS (
  SELECT t.workspace_id, t.job_id, t.run_id,
    MAX(t.run_name) AS run_name,
    MIN(t.period_start_time) AS start_time,
    MAX(t.period_end_time) AS end_time,
    MAX_BY(t.result_state, t.period_end_time)
      FILTER (WHERE t.result_state IS NOT NULL) AS result_state,
    MAX_BY(t.termination_code, t.period_end_time)
      FILTER (WHERE t.termination_code IS NOT NULL) AS termination_code
  FROM "sim"."lakeflow"."job_run_timeline" AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.job_id IN (SELECT j.job_id FROM run_jobs AS j)
  GROUP BY t.workspace_id, t.job_id, t.run_id
),
window_runs AS (
  SELECT r.run_id FROM runs AS r
  WHERE r.start_time >= CAST(? AS TIMESTAMP) AND r.start_time < CAST(? AS TIMESTAMP)
),
update_pipelines AS (
  SELECT s.resource_id AS pipeline_id FROM resources AS s WHERE s.resource_type = 'pipeline'
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
),
window_updates AS (
  SELECT u.update_id FROM updates AS u
  WHERE u.start_time >= CAST(? AS TIMESTAMP) AND u.start_time < CAST(? AS TIMESTAMP)
),
lineage AS (
  SELECT l.entity_type, l.entity_id, l.entity_run_id, l.event_time,
    l.source_table_full_name AS source_table, l.target_table_full_name AS target_table
  FROM "sim"."access"."table_lineage" AS l
  WHERE l.workspace_id = ? AND l.event_date >= CAST(? AS DATE) AND l.event_date <= CAST(? AS DATE)
),
own_window AS (
  SELECT l.source_table, l.target_table
  FROM lineage AS l
  WHERE (l.entity_type = 'JOB' AND l.entity_run_id IN (SELECT r.run_id FROM window_runs AS r))
     OR (l.entity_type = 'PIPELINE'
       AND l.entity_run_id IN (SELECT u.update_id FROM window_updates AS u))
),
-- The system tables hold a window's lineage about an hour late. Until they hold some, what
-- the release's jobs and pipelines read and wrote before the deploy stands in for it, and
-- every row says so (basis 'before').
own_before AS (
  SELECT l.source_table, l.target_table
  FROM lineage AS l
  WHERE NOT EXISTS (SELECT 1 FROM own_window)
    AND l.entity_type IN ('JOB', 'PIPELINE')
    AND l.entity_id IN (SELECT s.resource_id FROM resources AS s)
    AND l.event_time < CAST(? AS TIMESTAMP)
),
own AS (
  SELECT o.source_table, o.target_table FROM own_window AS o
  UNION ALL
  SELECT o.source_table, o.target_table FROM own_before AS o
),
basis AS (
  SELECT CASE WHEN EXISTS (SELECT 1 FROM own_before) THEN 'before' ELSE 'window' END AS basis
),
written AS (
  SELECT DISTINCT o.target_table AS table_name FROM own AS o WHERE o.target_table IS NOT NULL
),
upstream AS (
  SELECT DISTINCT o.source_table AS table_name FROM own AS o
  WHERE o.source_table IS NOT NULL
    AND o.source_table NOT IN (SELECT w.table_name FROM written AS w)
),
others AS (
  SELECT l.entity_id, l.source_table, l.target_table
  FROM lineage AS l
  WHERE l.entity_id IS NOT NULL
    AND l.entity_id NOT IN (SELECT s.resource_id FROM resources AS s)
),
reads AS (
  SELECT DISTINCT o.entity_id, o.source_table FROM others AS o WHERE o.source_table IS NOT NULL
),
writes AS (
  SELECT DISTINCT o.entity_id, o.target_table FROM others AS o WHERE o.target_table IS NOT NULL
),
hop1 AS (
  SELECT DISTINCT r.entity_id AS consumer, r.source_table AS via, wr.target_table AS table_name
  FROM reads AS r
  JOIN written AS w ON w.table_name = r.source_table
  LEFT JOIN writes AS wr ON wr.entity_id = r.entity_id
),
hop2 AS (
  SELECT DISTINCT r.entity_id AS consumer, r.source_table AS via, wr.target_table AS table_name
  FROM reads AS r
  JOIN (SELECT DISTINCT h.table_name FROM hop1 AS h WHERE h.table_name IS NOT NULL) AS t
    ON t.table_name = r.source_table
  LEFT JOIN writes AS wr ON wr.entity_id = r.entity_id
  WHERE r.entity_id NOT IN (SELECT h.consumer FROM hop1 AS h)
),
downstream AS (
  SELECT 1 AS hops, h.table_name, h.via, h.consumer FROM hop1 AS h
  UNION ALL
  SELECT 2, h.table_name, h.via, h.consumer FROM hop2 AS h
),
job_names AS (
  SELECT j.job_id AS id, j.name AS name
  FROM "sim"."lakeflow"."jobs" AS j
  WHERE j.workspace_id = ? AND j.job_id IN (SELECT d.consumer FROM downstream AS d)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY j.workspace_id, j.job_id ORDER BY j.change_time DESC) = 1
),
pipeline_names AS (
  SELECT p.pipeline_id AS id, p.name AS name
  FROM "sim"."lakeflow"."pipelines" AS p
  WHERE p.workspace_id = ? AND p.pipeline_id IN (SELECT d.consumer FROM downstream AS d)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.workspace_id, p.pipeline_id ORDER BY p.change_time DESC) = 1
)
SELECT 'upstream' AS direction, 0 AS hops, u.table_name, '' AS via, '' AS consumer, '' AS consumer_name,
  b.basis
FROM upstream AS u CROSS JOIN basis AS b
UNION ALL
SELECT 'written', 0, w.table_name, '', '', '', b.basis FROM written AS w CROSS JOIN basis AS b
UNION ALL
SELECT 'downstream', d.hops, COALESCE(d.table_name, ''), d.via, d.consumer, COALESCE(jn.name, pn.name, ''),
  b.basis
FROM downstream AS d
CROSS JOIN basis AS b
LEFT JOIN job_names AS jn ON jn.id = d.consumer
LEFT JOIN pipeline_names AS pn ON pn.id = d.consumer
ORDER BY 1, 2, 3, 5, 4
