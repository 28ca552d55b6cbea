-- The metadata.json of each bundle deployed to an environment's target: the path that the
-- deployment block of its jobs names (system.lakeflow.jobs, the latest row of each job),
-- <root>/state/metadata.json with a root ending in .bundle/<bundle>/<target>.
-- Parameters: workspace id, target.
SELECT x.bundle, MAX(x.path) AS path
FROM (
  SELECT j.deployment.metadata_file_path AS path,
    regexp_extract(j.deployment.metadata_file_path,
      '/[.]bundle/([^/]+)/([^/]+)/state/metadata[.]json$', 1) AS bundle,
    regexp_extract(j.deployment.metadata_file_path,
      '/[.]bundle/([^/]+)/([^/]+)/state/metadata[.]json$', 2) AS target,
    j.delete_time
  FROM `system`.`lakeflow`.`jobs` AS j
  WHERE j.workspace_id = ? AND j.deployment.kind = 'BUNDLE'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY j.workspace_id, j.job_id ORDER BY j.change_time DESC) = 1
) AS x
WHERE x.delete_time IS NULL AND x.target = ? AND x.bundle <> ''
GROUP BY x.bundle
