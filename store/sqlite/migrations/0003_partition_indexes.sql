-- Reads of one partition must not scan it. What is due in a partition is
-- found by (account, region, due_at); the applications of one resource by
-- (account, region, resource_type, resource_id) in application order, so
-- that no planner prefers walking the primary key of the whole partition
-- for the ORDER BY.
DROP INDEX associations_resource;
CREATE INDEX associations_resource ON associations (account, region, resource_type, resource_id, application_id);
CREATE INDEX associations_partition_due ON associations (account, region, due_at) WHERE due_at > 0;
CREATE INDEX resources_partition_due ON resources (account, region, due_at) WHERE due_at > 0;
