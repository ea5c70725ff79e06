-- The clerks' interface (issue 25): local accounts with argon2id password hashes, their
-- sign-in sessions, a job's progress for the live view, and a search key per record.
-- Same shape as migrations/postgres/0006_accounts.sql.

-- `password_changed_at` ends every older session: a session is valid only if it began
-- after the account's last password change.
CREATE TABLE users (
    name                 TEXT PRIMARY KEY NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('clerk', 'auditor', 'admin')),
    password_hash        TEXT NOT NULL,
    password_changed_at  INTEGER NOT NULL,
    created_at           INTEGER NOT NULL
);

-- Only the SHA-256 of a session's 256-bit secret is kept, like API tokens.
CREATE TABLE sessions (
    secret_sha256  TEXT PRIMARY KEY NOT NULL,
    user_name      TEXT NOT NULL REFERENCES users (name),
    csrf_token     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);

-- What the worker holding a job has done so far, as JSON (`JobProgress`); null until it
-- starts. Written by the attempt that owns the job only.
ALTER TABLE jobs ADD COLUMN progress TEXT;

-- The names a record holds, folded (lower case, no tone marks, đ as d), so that a clerk
-- can find "NGUYỄN VĂN AN" by typing "nguyen van an". Written with the record and on
-- every correction.
CREATE TABLE record_search (
    record_id  TEXT PRIMARY KEY NOT NULL REFERENCES records (id),
    folded     TEXT NOT NULL
);

-- The least confidence of a record's fields, in thousandths, kept beside its fields: the
-- review queue is the records still waiting, least certain first, read from this index
-- alone however many records are verified.
ALTER TABLE records ADD COLUMN least_confidence INTEGER NOT NULL DEFAULT 1000;
CREATE INDEX records_review ON records (least_confidence, created_at, id)
    WHERE status = 'extracted';
CREATE INDEX dossiers_created ON dossiers (created_at, code);
