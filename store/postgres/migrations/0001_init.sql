-- Images, bundles, WorkSpaces and directories: indexed key, state and due
-- time; the rest is the service's JSON document.
CREATE TABLE resources (
    account    TEXT   NOT NULL,
    region     TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    id         TEXT   NOT NULL,
    state      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    due_at     BIGINT NOT NULL DEFAULT 0, -- unix ms of the next lifecycle step; 0: none
    doc        BYTEA  NOT NULL,
    PRIMARY KEY (account, region, kind, id)
);
CREATE INDEX resources_due ON resources (due_at) WHERE due_at > 0;

CREATE TABLE associations (
    account        TEXT   NOT NULL,
    region         TEXT   NOT NULL,
    application_id TEXT   NOT NULL,
    resource_type  TEXT   NOT NULL,
    resource_id    TEXT   NOT NULL,
    state          TEXT   NOT NULL,
    reason_code    TEXT   NOT NULL DEFAULT '',
    reason_message TEXT   NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    due_at         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account, region, application_id, resource_type, resource_id)
);
CREATE INDEX associations_resource ON associations (account, region, resource_type, resource_id);
CREATE INDEX associations_due ON associations (due_at) WHERE due_at > 0;

CREATE TABLE tags (
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (account, region, resource_id, key)
);
