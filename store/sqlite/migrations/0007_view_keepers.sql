-- PostgreSQL's 0007 is the table of the replicas that keep views. SQLite
-- has one process, which knows its own writes: nothing to keep. The
-- numbers stay in step with PostgreSQL's.
SELECT 1;
