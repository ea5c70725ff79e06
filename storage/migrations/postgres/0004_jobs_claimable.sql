-- SQLite's 0004 gives it this dialect's jobs_claimable index; here it exists since 0001.
-- Migrations stay numbered alike in both dialects.
COMMENT ON INDEX jobs_claimable IS 'only unfinished jobs are ever looked for';
