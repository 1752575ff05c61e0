-- associations becomes a WITHOUT ROWID table: its rows live in the b-tree
-- of its primary key, so writing or deleting one changes the table and
-- its indexes instead of a rowid table, the primary key's index and the
-- indexes: an Associate at 8 connections answered 6-9 % more requests.
-- No statement reads the rowid. The rows are copied as they are (one
-- pass, in this migration's transaction), and the indexes made again.
CREATE TABLE associations_by_key (
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
    PRIMARY KEY (account, region, application_id, resource_type, resource_id)
) WITHOUT ROWID;
INSERT INTO associations_by_key (account, region, application_id, resource_type, resource_id, state,
    reason_code, reason_message, created_at, updated_at, due_at, failed_step)
SELECT account, region, application_id, resource_type, resource_id, state,
    reason_code, reason_message, created_at, updated_at, due_at, failed_step
FROM associations;
DROP TABLE associations;
ALTER TABLE associations_by_key RENAME TO associations;
CREATE INDEX associations_resource ON associations (account, region, resource_type, resource_id, application_id);
CREATE INDEX associations_due ON associations (due_at) WHERE due_at > 0;
CREATE INDEX associations_partition_due ON associations (account, region, due_at) WHERE due_at > 0;
