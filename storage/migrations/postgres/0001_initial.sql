-- The same schema as migrations/sqlite, in PostgreSQL's dialect. Times are milliseconds
-- since the Unix epoch taken from the database's clock (hoso_now_ms), so leases mean the
-- same thing to workers on machines whose clocks disagree.
CREATE FUNCTION hoso_now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS
$$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

-- Originals are the uploaded files, identified by the SHA-256 of their bytes.
CREATE TABLE originals (
    sha256       TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    byte_size    BIGINT NOT NULL,
    page_count   BIGINT,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'processed', 'failed')),
    error        TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- The work queue. One job per (original, stage): the unique key keeps a job from being
-- queued twice. `attempts` fences completions from stale workers. A job in state 'failed'
-- is the dead letter: it keeps its last error and is never claimed again until a retry.
CREATE TABLE jobs (
    id               BIGSERIAL PRIMARY KEY,
    sha256           TEXT NOT NULL REFERENCES originals (sha256),
    stage            TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    max_attempts     BIGINT NOT NULL,
    run_at           BIGINT NOT NULL,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (sha256, stage)
);
-- Only unfinished jobs are ever looked for; done ones pile up and must not slow claims.
CREATE INDEX jobs_claimable ON jobs (run_at, id) WHERE state IN ('queued', 'running');

-- Wakes idle workers (LISTEN hoso_jobs) as soon as work is queued; they poll as well.
CREATE FUNCTION hoso_notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hoso_jobs', NEW.stage);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE OF state ON jobs
    FOR EACH ROW WHEN (NEW.state = 'queued') EXECUTE FUNCTION hoso_notify_job();

-- Documents found in an original, and their fields with evidence.
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    sha256         TEXT NOT NULL REFERENCES originals (sha256),
    ordinal        BIGINT NOT NULL,
    document_type  TEXT NOT NULL,
    pages          TEXT NOT NULL,
    confidence     DOUBLE PRECISION NOT NULL,
    warnings       TEXT NOT NULL,
    producer       TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (sha256, ordinal)
);

CREATE TABLE fields (
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    confidence   DOUBLE PRECISION NOT NULL,
    method       TEXT NOT NULL,
    evidence     TEXT NOT NULL,
    PRIMARY KEY (document_id, key)
);
