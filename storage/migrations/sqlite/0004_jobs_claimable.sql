-- The same index as PostgreSQL's jobs_claimable: only unfinished jobs are ever looked
-- for; done ones pile up and must not slow claims.
DROP INDEX jobs_due;
CREATE INDEX jobs_claimable ON jobs (run_at, id) WHERE state IN ('queued', 'running');
