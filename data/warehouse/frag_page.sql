-- Fragment {{page}} (this header is not sent): the rows of `windowed` whose key
-- (deployed_at, event_id) lies between the last and the first row of a page, both inclusive.
-- Parameters: low at, low at, low id, high at, high at, high id.
page AS (
  SELECT w.event_id, w.release_id, w.bundle, w.deployed_at, w.window_end, w.previous_id,
    w.previous_release_id, w.previous_at
  FROM windowed AS w
  WHERE (w.deployed_at > CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id >= ?))
    AND (w.deployed_at < CAST(? AS TIMESTAMP)
      OR (w.deployed_at = CAST(? AS TIMESTAMP) AND w.event_id <= ?))
)
