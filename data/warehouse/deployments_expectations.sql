-- The expectation of each deployment of one page whose failed-record ratio rose most
-- against the same expectation (dataset, name) before the deploy: its ratio over the
-- window's updates, the median of its per-update ratios over the updates of the same
-- pipelines in the 7 days before the deploy (NULL when none checked it: a median is not
-- moved by one bad release, so a second bad release in a row still stands out), and how
-- many records it checked. Deployments whose updates checked no records have no row.
-- Parameters: the deployments fragment (deploymentsArgs); the page fragment (6 keys);
-- resources: environment; the pipeline_updates fragment (workspace, scan start, scan end);
-- records: workspace, scan start.
WITH {{deployments}},
{{page}},
resources AS (
  SELECT DISTINCT p.event_id AS window_id, p.deployed_at AS window_start, p.window_end,
    r.resource_id AS pipeline_id
  FROM page AS p
  JOIN {{release_resources}} AS r ON r.release_id = p.release_id
  WHERE r.environment = ? AND r.resource_type = 'pipeline'
),
update_pipelines AS (
  SELECT DISTINCT s.pipeline_id FROM resources AS s
),
{{pipeline_updates}},
placed AS (
  SELECT s.window_id, u.update_id, u.start_time >= s.window_start AS inside
  FROM resources AS s
  JOIN updates AS u ON u.pipeline_id = s.pipeline_id
  WHERE u.start_time >= s.window_start - INTERVAL 7 DAYS
    AND (s.window_end IS NULL OR u.start_time < s.window_end)
),
checked AS (
  SELECT pl.window_id, pl.inside, x.update_id, x.dataset, x.expectation,
    CAST(SUM(x.passed_records) AS BIGINT) AS passed,
    CAST(SUM(x.failed_records) AS BIGINT) AS failed
  FROM placed AS pl
  JOIN {{expectation_results}} AS x ON x.update_id = pl.update_id
  WHERE x.workspace_id = ? AND x.event_time >= CAST(? AS TIMESTAMP)
  GROUP BY pl.window_id, pl.inside, x.update_id, x.dataset, x.expectation
),
window_ratios AS (
  SELECT c.window_id, c.dataset, c.expectation,
    CAST(SUM(c.passed + c.failed) AS BIGINT) AS records,
    CAST(SUM(c.failed) AS DOUBLE) / CAST(SUM(c.passed + c.failed) AS DOUBLE) AS ratio
  FROM checked AS c
  WHERE c.inside AND c.passed + c.failed > 0
  GROUP BY c.window_id, c.dataset, c.expectation
),
earlier_ratios AS (
  SELECT c.window_id, c.dataset, c.expectation,
    CAST(MEDIAN(CAST(c.failed AS DOUBLE) / CAST(c.passed + c.failed AS DOUBLE)) AS DOUBLE) AS ratio
  FROM checked AS c
  WHERE NOT c.inside AND c.passed + c.failed > 0
  GROUP BY c.window_id, c.dataset, c.expectation
)
SELECT cur.window_id AS deployment_id, cur.dataset, cur.expectation, cur.ratio,
  b.ratio AS previous_ratio, cur.records
FROM window_ratios AS cur
LEFT JOIN earlier_ratios AS b ON b.window_id = cur.window_id AND b.dataset = cur.dataset
  AND b.expectation = cur.expectation
QUALIFY ROW_NUMBER() OVER (PARTITION BY cur.window_id
  ORDER BY cur.ratio - COALESCE(b.ratio, 0) DESC, cur.dataset, cur.expectation) = 1
