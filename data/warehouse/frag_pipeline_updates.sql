-- Fragment {{pipeline_updates}} (this header is not sent): pipeline updates folded from
-- their slices, for the pipelines listed in a preceding CTE update_pipelines(pipeline_id).
-- Parameters: workspace id, slice scan start, slice scan end.
updates AS (
  SELECT t.workspace_id, t.pipeline_id, t.update_id,
    MAX(t.update_type) AS update_type,
    MAX(t.trigger_type) AS trigger_type,
    MIN(t.period_start_time) AS start_time,
    MAX(t.period_end_time) AS end_time,
    MAX_BY(t.result_state, t.period_end_time)
      FILTER (WHERE t.result_state IS NOT NULL) AS result_state
  FROM {{pipeline_update_timeline}} AS t
  WHERE t.workspace_id = ? AND t.period_start_time >= CAST(? AS TIMESTAMP)
    AND t.period_start_time < CAST(? AS TIMESTAMP)
    AND t.pipeline_id IN (SELECT p.pipeline_id FROM update_pipelines AS p)
  GROUP BY t.workspace_id, t.pipeline_id, t.update_id
)
