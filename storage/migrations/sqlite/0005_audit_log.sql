-- The tamper-evident audit log (issue 24). Same shape as migrations/postgres/0005_audit_log.sql.
--
-- An entry is written in the transaction of the change or read it records, and queued in
-- `audit_pending`. The sequencer then gives queued entries, in id order, the next leaves
-- of the Merkle tree and stores the tree's new hashes (`hoso-audit`'s `tree`), and
-- checkpoints sign the tree's root. Entries, leaves, hashes and checkpoints are only
-- ever inserted: triggers refuse every update and delete. Only `audit_pending`, the
-- sequencer's queue, is deleted from, and an entry missing from both it and the tree is
-- reported by `hoso audit verify`.

-- `body` is the entry's JSON as written, the leaf data; `at`, `action` and `record_id`
-- repeat what it says, for lookups.
CREATE TABLE audit_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    action     TEXT NOT NULL,
    record_id  TEXT,
    body       TEXT NOT NULL
);
CREATE INDEX audit_entries_record ON audit_entries (record_id, id);

CREATE TABLE audit_pending (
    entry_id  INTEGER PRIMARY KEY NOT NULL REFERENCES audit_entries (id)
);
-- Every entry is queued by the database itself: writing one is a single statement.
CREATE TRIGGER audit_entries_queue AFTER INSERT ON audit_entries
BEGIN INSERT INTO audit_pending (entry_id) VALUES (NEW.id); END;

-- Leaf `leaf_index` of the tree is entry `entry_id`.
CREATE TABLE audit_leaves (
    leaf_index  INTEGER PRIMARY KEY NOT NULL,
    entry_id    INTEGER NOT NULL UNIQUE REFERENCES audit_entries (id)
);

-- The tree's stored hashes in tlog's layout (`stored_hash_index(level, n)`), 32 bytes each.
CREATE TABLE audit_hashes (
    hash_index  INTEGER PRIMARY KEY NOT NULL,
    hash        BLOB NOT NULL
);

-- Signed checkpoints (C2SP tlog-checkpoint notes), in the order they were made.
CREATE TABLE audit_checkpoints (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tree_size   INTEGER NOT NULL,
    note        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_checkpoints_size ON audit_checkpoints (tree_size, id);

CREATE TRIGGER audit_entries_append_only_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
CREATE TRIGGER audit_entries_append_only_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
CREATE TRIGGER audit_leaves_append_only_update BEFORE UPDATE ON audit_leaves
BEGIN SELECT RAISE(ABORT, 'audit_leaves is append-only'); END;
CREATE TRIGGER audit_leaves_append_only_delete BEFORE DELETE ON audit_leaves
BEGIN SELECT RAISE(ABORT, 'audit_leaves is append-only'); END;
CREATE TRIGGER audit_hashes_append_only_update BEFORE UPDATE ON audit_hashes
BEGIN SELECT RAISE(ABORT, 'audit_hashes is append-only'); END;
CREATE TRIGGER audit_hashes_append_only_delete BEFORE DELETE ON audit_hashes
BEGIN SELECT RAISE(ABORT, 'audit_hashes is append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
