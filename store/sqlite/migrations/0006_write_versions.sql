-- PostgreSQL's 0006 keeps the versions of the writes, for the views its
-- replicas keep. SQLite has one process, which counts its own writes
-- (sqlstore.ViewCache): nothing to keep. The numbers stay in step with
-- PostgreSQL's.
SELECT 1;
