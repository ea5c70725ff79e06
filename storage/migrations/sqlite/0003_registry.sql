-- The reuse registry (issue 6): dossiers and their originals, records made from documents
-- with their subjects and history, API tokens, and the log of procedure systems' reads.
-- Same shape as migrations/postgres/0003_registry.sql.

-- A dossier (hồ sơ) is one application for one procedure, about one subject.
CREATE TABLE dossiers (
    code            TEXT PRIMARY KEY NOT NULL,
    procedure_code  TEXT NOT NULL,
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('citizen', 'enterprise')),
    subject_value   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX dossiers_subject ON dossiers (subject_kind, subject_value);

-- No foreign key to originals: a dossier may name a file before its registration commits,
-- and the subject is handed to its records by whichever of the two comes second.
CREATE TABLE dossier_originals (
    code         TEXT NOT NULL REFERENCES dossiers (code),
    sha256       TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    attached_at  INTEGER NOT NULL,
    PRIMARY KEY (code, sha256),
    UNIQUE (code, ordinal)
);
CREATE INDEX dossier_originals_sha256 ON dossier_originals (sha256, attached_at);

-- A record is the reusable content of one or more documents. Its fields are the spec's
-- JSON (value, confidence, method, evidence) as one column: they are always read and
-- written whole, and a correction must not depend on the documents, which a reprocessing
-- replaces. `content_key` is the hash of the type and key fields as first extracted; it
-- stays as it was through corrections, so a rescan of the same paper links to the record.
CREATE TABLE records (
    id              TEXT PRIMARY KEY NOT NULL,
    document_type   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('extracted', 'verified', 'superseded', 'revoked')),
    content_key     TEXT NOT NULL,
    fields          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    verified_at     INTEGER,
    verified_by     TEXT,
    superseded_by   TEXT REFERENCES records (id),
    revoked_reason  TEXT
);
-- At most one live record per content: a second document with the same content links to
-- it. Superseded and revoked records step aside.
CREATE UNIQUE INDEX records_live_content ON records (content_key)
    WHERE status IN ('extracted', 'verified');

CREATE TABLE record_subjects (
    record_id  TEXT NOT NULL REFERENCES records (id),
    kind       TEXT NOT NULL CHECK (kind IN ('citizen', 'enterprise')),
    value      TEXT NOT NULL,
    PRIMARY KEY (record_id, kind, value)
);
-- A subject's records: the lookup procedure systems make on every request.
CREATE INDEX record_subjects_subject ON record_subjects (kind, value, record_id);

-- The documents a record was made from or linked to; `seq` keeps them first one first.
-- No foreign key to documents: reprocessing an original replaces its documents under the
-- same ids, and the record keeps the link.
CREATE TABLE record_documents (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id    TEXT NOT NULL REFERENCES records (id),
    document_id  TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    linked_at    INTEGER NOT NULL,
    UNIQUE (record_id, document_id)
);
CREATE INDEX record_documents_original ON record_documents (sha256, ordinal);

-- A record's history; `kind` is the event as JSON. Appended, never changed.
CREATE TABLE record_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id  TEXT NOT NULL REFERENCES records (id),
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL
);
CREATE INDEX record_events_record ON record_events (record_id, id);
CREATE TRIGGER record_events_append_only_update BEFORE UPDATE ON record_events
BEGIN SELECT RAISE(ABORT, 'record_events is append-only'); END;
CREATE TRIGGER record_events_append_only_delete BEFORE DELETE ON record_events
BEGIN SELECT RAISE(ABORT, 'record_events is append-only'); END;

-- API tokens. Only the SHA-256 of the secret is kept. `document_types` is a JSON array.
CREATE TABLE tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('clerk', 'procedure_system', 'auditor', 'admin')),
    document_types  TEXT NOT NULL,
    secret_sha256   TEXT NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    revoked_at      INTEGER
);

-- Every read of a subject's data. Token names, not ids: the log outlives revoked tokens.
-- Appended, never changed.
CREATE TABLE access_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    token_name      TEXT NOT NULL,
    role            TEXT NOT NULL,
    subject_kind    TEXT NOT NULL,
    subject_value   TEXT NOT NULL,
    document_types  TEXT NOT NULL,
    record_ids      TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    endpoint        TEXT NOT NULL
);
CREATE INDEX access_log_subject ON access_log (subject_kind, subject_value, at, id);
CREATE INDEX access_log_at ON access_log (at, id);
CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
