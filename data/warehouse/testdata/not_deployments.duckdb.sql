-- The deploy_succeeded events of an environment that cannot be deployments: without an
-- event id, a release id, a bundle or a time (the rule of frag_deployments.sql), each event
-- once, with what is missing. Those with a time before the window are not counted; those
-- without a time always are.
-- Parameters: environment, bundle, bundle ('' for every bundle), since.
SELECT DISTINCT e.event_id,
  TRIM(COALESCE(e.release_id, '')) = '' AS no_release_id,
  TRIM(COALESCE(e.bundle, '')) = '' AS no_bundle,
  e.at IS NULL AS no_time
FROM "sim"."release_cockpit"."release_events" AS e
WHERE e.environment = ? AND e.kind = 'deploy_succeeded' AND (? = '' OR e.bundle = ?)
  AND (e.at IS NULL OR e.at >= CAST(? AS TIMESTAMP))
  AND (TRIM(COALESCE(e.event_id, '')) = '' OR TRIM(COALESCE(e.release_id, '')) = ''
    OR TRIM(COALESCE(e.bundle, '')) = '' OR e.at IS NULL)
ORDER BY e.event_id
