-- One row per attempt at a job: who ran it, when, and how it ended. Operators read the
-- errors of every attempt here, and "processed exactly once" is checkable: a job has at
-- most one attempt whose outcome is 'done'.
CREATE TABLE job_attempts (
    job_id      BIGINT NOT NULL REFERENCES jobs (id),
    attempt     BIGINT NOT NULL,
    worker      TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('running', 'done', 'failed', 'retrying', 'abandoned')),
    error       TEXT,
    PRIMARY KEY (job_id, attempt)
);
