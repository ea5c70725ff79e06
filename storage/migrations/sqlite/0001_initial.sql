-- Originals are the uploaded files, identified by the SHA-256 of their bytes.
CREATE TABLE originals (
    sha256       TEXT PRIMARY KEY NOT NULL,
    file_name    TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    byte_size    INTEGER NOT NULL,
    page_count   INTEGER,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'processed', 'failed')),
    error        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- The work queue. One job per (original, stage): the unique key keeps a job from being
-- queued twice. `attempts` fences completions from stale workers.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256           TEXT NOT NULL REFERENCES originals (sha256),
    stage            TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    run_at           INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (sha256, stage)
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- Documents found in an original, and their fields with evidence.
CREATE TABLE documents (
    id             TEXT PRIMARY KEY NOT NULL,
    sha256         TEXT NOT NULL REFERENCES originals (sha256),
    ordinal        INTEGER NOT NULL,
    document_type  TEXT NOT NULL,
    pages          TEXT NOT NULL,
    confidence     REAL NOT NULL,
    warnings       TEXT NOT NULL,
    producer       TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (sha256, ordinal)
);

CREATE TABLE fields (
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    confidence   REAL NOT NULL,
    method       TEXT NOT NULL,
    evidence     TEXT NOT NULL,
    PRIMARY KEY (document_id, key)
);
