-- Names of jobs and pipelines by id, from the latest row of each in the SCD2 system tables:
-- what the lineage tree and the runs tab show instead of raw ids. The ids arrive as one
-- comma-separated parameter (a list cannot be one portable parameter).
-- Parameters: workspace id, ids (jobs); workspace id, ids (pipelines).
SELECT j.job_id AS id, j.name AS name
FROM "sim"."lakeflow"."jobs" AS j
WHERE j.workspace_id = ? AND array_contains(split(CAST(? AS STRING), ','), j.job_id)
QUALIFY ROW_NUMBER() OVER (PARTITION BY j.workspace_id, j.job_id ORDER BY j.change_time DESC) = 1
UNION ALL
SELECT p.pipeline_id AS id, p.name AS name
FROM "sim"."lakeflow"."pipelines" AS p
WHERE p.workspace_id = ? AND array_contains(split(CAST(? AS STRING), ','), p.pipeline_id)
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.workspace_id, p.pipeline_id ORDER BY p.change_time DESC) = 1
