-- The tamper-evident audit log (issue 24). Same shape as migrations/sqlite/0005_audit_log.sql,
-- which explains the tables.
CREATE TABLE audit_entries (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    action     TEXT NOT NULL,
    record_id  TEXT,
    body       TEXT NOT NULL
);
CREATE INDEX audit_entries_record ON audit_entries (record_id, id);

CREATE TABLE audit_pending (
    entry_id  BIGINT PRIMARY KEY REFERENCES audit_entries (id)
);
CREATE FUNCTION hoso_audit_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_pending (entry_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_entries_queue AFTER INSERT ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION hoso_audit_queue();

CREATE TABLE audit_leaves (
    leaf_index  BIGINT PRIMARY KEY,
    entry_id    BIGINT NOT NULL UNIQUE REFERENCES audit_entries (id)
);

CREATE TABLE audit_hashes (
    hash_index  BIGINT PRIMARY KEY,
    hash        BYTEA NOT NULL
);

CREATE TABLE audit_checkpoints (
    id          BIGSERIAL PRIMARY KEY,
    tree_size   BIGINT NOT NULL,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_checkpoints_size ON audit_checkpoints (tree_size, id);

-- Triggers hold for every role, the owner included, until the owner disables them.
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_leaves_append_only BEFORE UPDATE OR DELETE ON audit_leaves
    FOR EACH ROW EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_hashes_append_only BEFORE UPDATE OR DELETE ON audit_hashes
    FOR EACH ROW EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_leaves_no_truncate BEFORE TRUNCATE ON audit_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_hashes_no_truncate BEFORE TRUNCATE ON audit_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION hoso_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION hoso_append_only();

-- The service's role. The tables' owner (who migrates) can disable triggers; the service
-- should not be able to. `hoso_service` may read and write every table but may only read
-- and insert into the audit log's; a deployment runs hoso as a login role that is a
-- member of it (`CREATE ROLE app LOGIN IN ROLE hoso_service`) with `database.migrate =
-- false`, and migrates as the owner. Roles are the cluster's: made once, granted per
-- database. Without the right to create roles, the grants are skipped with a notice.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hoso_service') THEN
        CREATE ROLE hoso_service NOLOGIN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO hoso_service', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO hoso_service', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO hoso_service', current_schema());
    -- Tables of later migrations too; one that must stay append-only revokes as above.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hoso_service', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO hoso_service', current_schema());
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_leaves, audit_hashes,
        audit_checkpoints FROM hoso_service;
    REVOKE UPDATE, TRUNCATE ON audit_pending FROM hoso_service;
    REVOKE UPDATE, DELETE, TRUNCATE ON record_events, access_log FROM hoso_service;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'hoso_service not set up: this role may not create roles or grant';
END
$$;
