-- The replicas that serve reads from kept views (store/postgres/keepers.go).
-- A write waits out its read window only while another replica's row has
-- not expired: with none, no read anywhere can be served from a version
-- check sent before the write committed.
CREATE TABLE view_keepers (
    replica TEXT PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);
