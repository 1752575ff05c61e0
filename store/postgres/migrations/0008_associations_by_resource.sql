-- SQLite's 0008 keeps associations in its primary key's b-tree (WITHOUT
-- ROWID), keyed by resource, with a covering index in application order.
-- PostgreSQL's table and indexes already serve both orders: nothing to
-- change. The numbers stay in step with SQLite's.
SELECT 1;
