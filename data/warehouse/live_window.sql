-- What the warehouse already holds of the open windows of the current deployments of an
-- environment (and bundle) deployed at or after an instant, found by the statement itself:
-- live_known.sql (spliced in below, without its header) with its releases named by
-- open_windows instead of parameters, so that it needs no page read first and goes out
-- beside the page's statements. Its scans start at the instant rather than at the oldest
-- open window. One more row per open window: 'open', its release and its start.
-- Parameters: the deployments fragment (deploymentsArgs); closed after (a
-- window that closed since is live too: model.Window.Live); since; then
-- live_known.sql's: workspace, since (runs); workspace, since (updates); workspace, since
-- (expectations); environment (resources).
WITH {{deployments}},
open_windows AS (
  SELECT w.release_id, w.deployed_at
  FROM windowed AS w
  WHERE (w.window_end IS NULL OR w.window_end > CAST(? AS TIMESTAMP)) AND w.deployed_at >= CAST(? AS TIMESTAMP)
),
{{live_known}}
UNION ALL
SELECT 'open', o.release_id, CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING),
  o.deployed_at
FROM open_windows AS o
