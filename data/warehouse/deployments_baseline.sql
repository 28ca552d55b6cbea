-- Pre-deploy baseline of the deployments of one page (DESIGN §5, "against its own
-- baseline"): per deployment, the runs and updates of its jobs and pipelines that started in
-- the 7 days before it and finished, and how many of them failed; and, for each successful
-- run and update inside its window, how many successful ones of the same job or pipeline
-- in those 7 days lasted at least as long (a running count over the durations, longest
-- first, whose default frame takes in the equally long: no join of runs with runs): one row per (deployment, job or pipeline) with
-- how many successful runs it had in the window, how many it had in the 7 days (N), and
-- how many window runs were slower than the p95, i.e. at most floor(5% of N) of the N
-- lasted as long (model.DurationSample says what chance gives), and that p95 itself for
-- every job or pipeline with successful runs before the deploy, window runs or not (a row
-- with timed 0). Durations are compared as
-- intervals (end - start), which both engines order. A deployment without durations has
-- one row with a NULL resource_id.
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment (6 keys);
-- resources: environment; the job_runs fragment (workspace, scan start, scan end);
-- the pipeline_updates fragment (workspace, scan start, scan end).
WITH {{deployments}},
{{page}},
resources AS (
  SELECT DISTINCT p.event_id AS window_id, p.deployed_at AS window_start, p.window_end,
    r.resource_type, r.resource_id
  FROM page AS p
  JOIN {{release_resources}} AS r ON r.release_id = p.release_id
  WHERE r.environment = ?
),
run_jobs AS (
  SELECT DISTINCT s.resource_id AS job_id FROM resources AS s WHERE s.resource_type = 'job'
),
{{job_runs}},
update_pipelines AS (
  SELECT DISTINCT s.resource_id AS pipeline_id FROM resources AS s
  WHERE s.resource_type = 'pipeline'
),
{{pipeline_updates}},
finished AS (
  SELECT 'job' AS resource_type, r.job_id AS resource_id, r.start_time,
    r.end_time, r.result_state <> 'SUCCEEDED' AS failed
  FROM runs AS r
  WHERE r.result_state IN ('SUCCEEDED', 'FAILED', 'ERROR', 'TIMED_OUT', 'CANCELLED')
  UNION ALL
  SELECT 'pipeline', u.pipeline_id, u.start_time, u.end_time,
    u.result_state = 'FAILED'
  FROM updates AS u
  WHERE u.result_state IN ('COMPLETED', 'FAILED')
),
placed AS (
  SELECT s.window_id, s.resource_type, s.resource_id, f.start_time, f.end_time, f.failed,
    f.start_time >= s.window_start AS inside
  FROM resources AS s
  JOIN finished AS f ON f.resource_type = s.resource_type AND f.resource_id = s.resource_id
  WHERE f.start_time >= s.window_start - INTERVAL 7 DAYS
    AND (s.window_end IS NULL OR f.start_time < s.window_end)
),
failures AS (
  SELECT b.window_id,
    CAST(COUNT(*) AS BIGINT) AS finished,
    CAST(COUNT(*) FILTER (WHERE b.failed) AS BIGINT) AS failed
  FROM placed AS b
  WHERE NOT b.inside
  GROUP BY b.window_id
),
ranked AS (
  SELECT pl.window_id, pl.resource_type, pl.resource_id, pl.inside,
    SUM(CASE WHEN pl.inside THEN 0 ELSE 1 END) OVER (
      PARTITION BY pl.window_id, pl.resource_type, pl.resource_id) AS earlier,
    SUM(CASE WHEN pl.inside THEN 0 ELSE 1 END) OVER (
      PARTITION BY pl.window_id, pl.resource_type, pl.resource_id
      ORDER BY pl.end_time - pl.start_time DESC) AS as_long
  FROM placed AS pl
  WHERE NOT pl.failed
),
durations AS (
  SELECT k.window_id, k.resource_type, k.resource_id,
    CAST(COUNT(*) AS BIGINT) AS timed,
    CAST(MAX(k.earlier) AS BIGINT) AS earlier,
    CAST(COUNT(*) FILTER (WHERE k.as_long <= FLOOR(k.earlier * 0.05)) AS BIGINT) AS slower
  FROM ranked AS k
  WHERE k.inside
  GROUP BY k.window_id, k.resource_type, k.resource_id
),
-- The p95 itself, per job or pipeline with successful runs before the deploy: the
-- floor(5% of N) + 1-th longest of them (a window run is slower exactly when it lasted
-- longer), as its start and end, so that runs only the REST API knows yet are held against
-- it as these are (model.MergeLive).
earlier_ranked AS (
  SELECT pl.window_id, pl.resource_type, pl.resource_id, pl.start_time, pl.end_time,
    COUNT(*) OVER (PARTITION BY pl.window_id, pl.resource_type, pl.resource_id) AS n,
    ROW_NUMBER() OVER (PARTITION BY pl.window_id, pl.resource_type, pl.resource_id
      ORDER BY pl.end_time - pl.start_time DESC, pl.start_time) AS rn
  FROM placed AS pl
  WHERE NOT pl.inside AND NOT pl.failed
),
thresholds AS (
  SELECT e.window_id, e.resource_type, e.resource_id, e.n, e.start_time AS p95_start,
    e.end_time AS p95_end
  FROM earlier_ranked AS e
  WHERE e.rn = FLOOR(e.n * 0.05) + 1
),
samples AS (
  SELECT COALESCE(d.window_id, t.window_id) AS window_id,
    COALESCE(d.resource_type, t.resource_type) AS resource_type,
    COALESCE(d.resource_id, t.resource_id) AS resource_id,
    COALESCE(d.timed, 0) AS timed, COALESCE(d.earlier, t.n, 0) AS earlier,
    COALESCE(d.slower, 0) AS slower, t.p95_start, t.p95_end
  FROM durations AS d
  FULL OUTER JOIN thresholds AS t ON t.window_id = d.window_id
    AND t.resource_type = d.resource_type AND t.resource_id = d.resource_id
)
SELECT p.event_id AS deployment_id,
  COALESCE(f.finished, 0) AS finished_before,
  COALESCE(f.failed, 0) AS failed_before,
  s.resource_id,
  CAST(COALESCE(s.timed, 0) AS BIGINT) AS timed,
  CAST(COALESCE(s.earlier, 0) AS BIGINT) AS earlier,
  CAST(COALESCE(s.slower, 0) AS BIGINT) AS slower,
  s.resource_type, s.p95_start, s.p95_end
FROM page AS p
LEFT JOIN failures AS f ON f.window_id = p.event_id
LEFT JOIN samples AS s ON s.window_id = p.event_id
ORDER BY p.event_id, s.resource_type, s.resource_id
