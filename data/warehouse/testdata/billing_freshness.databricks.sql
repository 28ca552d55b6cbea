-- How far billing usage of a workspace has arrived: the latest usage_end_time of its DBU
-- records since a date. Billing is typically up to 12 hours late.
-- Parameters: workspace, from date.
SELECT MAX(b.usage_end_time) AS latest_usage_end
FROM `system`.`billing`.`usage` AS b
WHERE b.workspace_id = ? AND b.usage_date >= CAST(? AS DATE) AND b.usage_unit = 'DBU'
