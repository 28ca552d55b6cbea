-- One page of deployments of an environment, newest first, keyset-paged on
-- (deployed_at, event_id), with the facts the tags need, and how many deployments match
-- from the cursor on (the page and those after it: all of the window on the first page).
-- Parameters: the deployments fragment (deploymentsArgs); pins: environment, environment;
-- since; release id, release id; deployment id, deployment id;
-- has cursor (0 or 1), cursor at, cursor at, cursor id; limit.
WITH discovered_envs AS (
  SELECT CAST(? AS STRING) AS environment, CAST(? AS STRING) AS workspace_id
  UNION ALL
  SELECT CAST(? AS STRING) AS environment, CAST(? AS STRING) AS workspace_id
  UNION ALL
  SELECT CAST(? AS STRING) AS environment, CAST(? AS STRING) AS workspace_id
),
discovered_roots AS (
  SELECT j.workspace_id, 'job' AS resource_type, j.job_id AS resource_id, j.name,
    regexp_extract(j.deployment.metadata_file_path, '^(.*)/state/metadata[.]json$', 1) AS root
  FROM "sim"."lakeflow"."jobs" AS j
  WHERE j.workspace_id IN (SELECT e.workspace_id FROM discovered_envs AS e)
    AND j.deployment.kind = 'BUNDLE'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY j.workspace_id, j.job_id ORDER BY j.change_time DESC) = 1
  UNION ALL
  SELECT p.workspace_id, 'pipeline', p.pipeline_id, p.name,
    regexp_extract(p.configuration['bundle.sourcePath'], '^(.*)/files(/.*)?$', 1)
  FROM "sim"."lakeflow"."pipelines" AS p
  WHERE p.workspace_id IN (SELECT e.workspace_id FROM discovered_envs AS e)
    AND p.configuration['bundle.sourcePath'] IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.workspace_id, p.pipeline_id ORDER BY p.change_time DESC) = 1
),
discovered_touches AS (
  SELECT a.workspace_id, a.event_time, a.user_identity.email AS actor,
    CASE WHEN a.service_name = 'jobs' THEN 'job' ELSE 'pipeline' END AS resource_type,
    COALESCE(a.request_params['job_id'], a.request_params['pipeline_id'],
      NULLIF(regexp_extract(a.response.result, '"(job_id|pipeline_id)": ?"?([0-9a-f-]+)', 2), '')) AS resource_id,
    COALESCE(regexp_extract(a.user_agent, 'cmd-exec-id/([0-9A-Za-z-]+)', 1), '') AS command,
    NULLIF(regexp_extract(a.request_params['new_settings'],
      '"name": ?"bundle_version", ?"default": ?"([^"]+)"', 1), '') AS version
  FROM "sim"."access"."audit" AS a
  WHERE a.workspace_id IN (SELECT e.workspace_id FROM discovered_envs AS e)
    AND a.event_date >= CAST(? AS DATE)
    AND ((a.service_name = 'jobs' AND a.action_name IN ('create', 'reset', 'update'))
      OR (a.service_name = 'deltaPipelines' AND a.action_name IN ('create', 'edit')))
    AND a.response.status_code = 200
),
discovered_marked AS (
  SELECT t.workspace_id, t.event_time, t.actor, t.resource_type, t.resource_id, t.command,
    t.version, r.root, r.name,
    CASE WHEN LAG(t.event_time) OVER touch_order IS NULL
      OR t.event_time > LAG(t.event_time) OVER touch_order + INTERVAL 10 MINUTES
      THEN 1 ELSE 0 END AS starts
  FROM discovered_touches AS t
  JOIN discovered_roots AS r ON r.workspace_id = t.workspace_id
    AND r.resource_type = t.resource_type AND r.resource_id = t.resource_id
  WHERE r.root <> ''
  WINDOW touch_order AS (PARTITION BY t.workspace_id, r.root, t.command ORDER BY t.event_time)
),
discovered_grouped AS (
  SELECT m.workspace_id, m.event_time, m.actor, m.resource_type, m.resource_id, m.command,
    m.version, m.root, m.name,
    SUM(m.starts) OVER (PARTITION BY m.workspace_id, m.root, m.command ORDER BY m.event_time
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n
  FROM discovered_marked AS m
),
discovered_deploys AS (
  SELECT x.workspace_id, x.root, x.command, x.n, x.deployed_at, x.actor, x.version, x.bundle,
    e.environment,
    CONCAT('discovered-', md5(CONCAT(x.workspace_id, x.root, x.command, CAST(x.deployed_at AS STRING))))
      AS event_id,
    CONCAT(x.bundle, '@', COALESCE(x.version, REPLACE(CAST(x.deployed_at AS STRING), ' ', 'T')))
      AS release_id
  FROM (
    SELECT g.workspace_id, g.root, g.command, g.n,
      MAX(g.event_time) AS deployed_at,
      MAX_BY(g.actor, g.event_time) AS actor,
      MAX(g.version) AS version,
      regexp_extract(g.root, '/[.]bundle/([^/]+)/([^/]+)$', 1) AS bundle,
      regexp_extract(g.root, '/[.]bundle/([^/]+)/([^/]+)$', 2) AS target
    FROM discovered_grouped AS g
    GROUP BY g.workspace_id, g.root, g.command, g.n
  ) AS x
  JOIN discovered_envs AS e ON e.workspace_id = x.workspace_id AND e.environment = x.target
  WHERE x.bundle <> ''
),
discovered_events AS (
  SELECT d.event_id, d.release_id, d.bundle, d.version, CAST(NULL AS STRING) AS git_sha,
    d.environment, 'deploy_succeeded' AS kind, 'succeeded' AS status, d.actor,
    d.deployed_at AS "at", CAST(NULL AS STRING) AS ticket, CAST(NULL AS STRING) AS reason,
    CAST(NULL AS BIGINT) AS run_id, CAST(NULL AS STRING) AS details
  FROM discovered_deploys AS d
),
discovered_resources AS (
  SELECT DISTINCT d.release_id, d.environment, g.resource_type, g.name AS resource_key,
    g.resource_id, g.name
  FROM discovered_grouped AS g
  JOIN discovered_deploys AS d ON d.workspace_id = g.workspace_id AND d.root = g.root
    AND d.command = g.command AND d.n = g.n
),
recent_bundles AS (
  SELECT DISTINCT e.bundle
  FROM discovered_events AS e
  WHERE ? = 1 AND e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at >= CAST(? AS TIMESTAMP)
),
near_before AS (
  SELECT e.bundle, MAX(e.at) AS at
  FROM discovered_events AS e
  WHERE ? = 1 AND e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND TRIM(COALESCE(e.bundle, '')) <> '' AND e.at >= CAST(? AS TIMESTAMP)
    AND e.at < CAST(? AS TIMESTAMP)
  GROUP BY e.bundle
),
last_before AS (
  SELECT n.bundle, n.at FROM near_before AS n
  UNION ALL
  SELECT e.bundle, MAX(e.at) AS at
  FROM discovered_events AS e
  WHERE e.environment = ? AND e.kind = 'deploy_succeeded'
    AND TRIM(COALESCE(e.event_id, '')) <> '' AND TRIM(COALESCE(e.release_id, '')) <> ''
    AND e.at < CAST(? AS TIMESTAMP)
    AND e.bundle IN (SELECT r.bundle FROM recent_bundles AS r
      WHERE r.bundle NOT IN (SELECT n.bundle FROM near_before AS n))
  GROUP BY e.bundle
),
deploys AS (
  SELECT e.event_id, MIN(e.release_id) AS release_id, MIN(e.bundle) AS bundle,
    MIN(e.version) AS version, MIN(e.git_sha) AS git_sha, MIN(e.actor) AS actor,
    MIN(e.ticket) AS ticket, MIN(e.at) AS deployed_at
  FROM (
    SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.actor, r.ticket, r.at
    FROM discovered_events AS r
    WHERE r.environment = ? AND r.kind = 'deploy_succeeded' AND (? = '' OR r.bundle = ?)
      AND TRIM(COALESCE(r.event_id, '')) <> '' AND TRIM(COALESCE(r.release_id, '')) <> ''
      AND TRIM(COALESCE(r.bundle, '')) <> '' AND r.at >= CAST(? AS TIMESTAMP)
    UNION ALL
    SELECT r.event_id, r.release_id, r.bundle, r.version, r.git_sha, r.actor, r.ticket, r.at
    FROM discovered_events AS r
    JOIN last_before AS b ON b.bundle = r.bundle AND b.at = r.at
    WHERE r.environment = ? AND r.kind = 'deploy_succeeded'
      AND TRIM(COALESCE(r.event_id, '')) <> '' AND TRIM(COALESCE(r.release_id, '')) <> ''
  ) AS e
  GROUP BY e.event_id
),
windowed AS (
  SELECT d.event_id, d.release_id, d.bundle, d.version, d.git_sha, d.actor, d.ticket,
    d.deployed_at,
    LEAD(d.deployed_at) OVER bundle_order AS window_end,
    LAG(d.event_id) OVER bundle_order AS previous_id,
    LAG(d.release_id) OVER bundle_order AS previous_release_id,
    LAG(d.deployed_at) OVER bundle_order AS previous_at,
    LAG(d.git_sha) OVER bundle_order AS previous_git_sha
  FROM deploys AS d
  WINDOW bundle_order AS (PARTITION BY d.bundle ORDER BY d.deployed_at, d.event_id)
),
-- The newest pin or unpin of each bundle, each kind read by an equality of its own: DuckDB
-- takes a kind IN (...) as a hint only and would read the columns of every event of the
-- environment.
pins AS (
  SELECT p.bundle, p.kind
  FROM (
    SELECT e.bundle, e.kind, e.at, e.event_id
    FROM discovered_events AS e
    WHERE e.environment = ? AND e.kind = 'pinned'
    UNION ALL
    SELECT e.bundle, e.kind, e.at, e.event_id
    FROM discovered_events AS e
    WHERE e.environment = ? AND e.kind = 'unpinned'
  ) AS p
  QUALIFY ROW_NUMBER() OVER (PARTITION BY p.bundle ORDER BY p.at DESC, p.event_id DESC) = 1
),
vetoes AS (
  SELECT DISTINCT v.release_id
  FROM discovered_events AS v
  WHERE v.kind = 'vetoed'
),
-- The deployments the filters and the cursor match, counted once beside them (a scalar
-- count rather than COUNT(*) OVER (), which DuckDB 1.x can fail on with an internal error
-- when a window sink gets no rows).
matched AS (
  SELECT w.*
  FROM windowed AS w
  WHERE w.deployed_at >= CAST(? AS TIMESTAMP)
    AND (? = '' OR w.release_id = ?)
    AND (? = '' OR w.event_id = ?)
    AND (? = 0 OR w.deployed_at < CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id < ?))
)
SELECT m.event_id, m.release_id, m.bundle, m.version, m.git_sha, m.actor, m.ticket,
  m.deployed_at, m.window_end, m.previous_id, m.previous_at,
  COALESCE(p.kind = 'pinned', FALSE) AS pinned,
  vt.release_id IS NOT NULL AS vetoed,
  m.previous_release_id, m.previous_git_sha,
  n.matching
FROM matched AS m
CROSS JOIN (SELECT COUNT(*) AS matching FROM matched) AS n
LEFT JOIN pins AS p ON p.bundle = m.bundle
LEFT JOIN vetoes AS vt ON vt.release_id = m.release_id
ORDER BY m.deployed_at DESC, m.event_id DESC
LIMIT ?
