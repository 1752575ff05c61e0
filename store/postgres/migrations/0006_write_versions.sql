-- The versions of the writes, for the views replicas keep (Store.views):
-- a write of some partitions raises each one's row of partition_versions,
-- a write of every partition the row of global_version, in its own
-- transaction. A replica serves a kept view only while both still read
-- what the view's statement read. The global version starts at a random
-- value so that a schema dropped and made again never repeats the
-- versions of the one before.
CREATE TABLE partition_versions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (account, region)
);
CREATE TABLE global_version (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    version BIGINT NOT NULL
);
INSERT INTO global_version (version) VALUES (floor(random() * 4611686018427387904)::BIGINT);
