-- SQLite's 0008 stores associations in its primary key's b-tree (WITHOUT
-- ROWID). A PostgreSQL table has no rowid: nothing to change. The numbers
-- stay in step with SQLite's.
SELECT 1;
