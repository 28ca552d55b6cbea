-- Fragment {{page}} of the follow-up statements of a page read in one round trip (this
-- header is not sent): the rows of `windowed` that the page's own filter selects, in the
-- page's order and with its limit (deployments_page.sql's matched, ordered, limited), so
-- the follow-ups go out beside the page instead of after it. A release's page (the newest
-- deployment of one release) adds its release id; '' keeps every release.
-- Parameters: since; has cursor (0 or 1), cursor at, cursor at, cursor id; release id,
-- release id; limit.
page AS (
  SELECT w.event_id, w.release_id, w.bundle, w.deployed_at, w.window_end, w.previous_id,
    w.previous_release_id, w.previous_at
  FROM windowed AS w
  WHERE w.deployed_at >= CAST(? AS TIMESTAMP)
    AND (? = 0 OR w.deployed_at < CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id < ?))
    AND (? = '' OR w.release_id = ?)
  ORDER BY w.deployed_at DESC, w.event_id DESC
  LIMIT ?
)
