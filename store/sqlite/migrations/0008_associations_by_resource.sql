-- Associations live in their primary key's b-tree (WITHOUT ROWID), keyed
-- by resource, the order of the view's statement (one resource's
-- applications, in application order). associations_application holds
-- every column in application order, for the reads by application and the
-- pages of a partition: each order is read from a b-tree that holds the
-- whole row, so no planner without statistics prefers scanning the
-- partition in the other (a secondary index that is not covering loses to
-- the key's b-tree, which is). An insert or delete changes two b-trees
-- instead of three (the rowid table, the key's index and
-- associations_resource): a third fewer pages in its WAL frames.
CREATE TABLE associations_by_resource (
    account        TEXT    NOT NULL,
    region         TEXT    NOT NULL,
    application_id TEXT    NOT NULL,
    resource_type  TEXT    NOT NULL,
    resource_id    TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    reason_code    TEXT    NOT NULL DEFAULT '',
    reason_message TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    due_at         INTEGER NOT NULL DEFAULT 0,
    failed_step    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (account, region, resource_type, resource_id, application_id)
) WITHOUT ROWID;
INSERT INTO associations_by_resource (account, region, application_id, resource_type, resource_id, state,
        reason_code, reason_message, created_at, updated_at, due_at, failed_step)
    SELECT account, region, application_id, resource_type, resource_id, state,
        reason_code, reason_message, created_at, updated_at, due_at, failed_step
    FROM associations ORDER BY account, region, resource_type, resource_id, application_id;
DROP TABLE associations;
ALTER TABLE associations_by_resource RENAME TO associations;
CREATE INDEX associations_application ON associations (account, region, application_id, resource_type, resource_id,
    state, reason_code, reason_message, created_at, updated_at, due_at, failed_step);
CREATE INDEX associations_due ON associations (due_at) WHERE due_at > 0;
CREATE INDEX associations_partition_due ON associations (account, region, due_at) WHERE due_at > 0;
