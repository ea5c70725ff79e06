//! The audit log on both dialects: the shared suite; the database refusing to change or
//! delete log rows; and tampering done directly in the database, past the refusal, the
//! four ways (an entry edited, deleted, inserted, reordered), each detected by
//! `verify` and located. On PostgreSQL, the service's role cannot change the log at all.

use std::sync::Arc;

use hoso_audit::keys::SigningKey;
use hoso_audit::verify::{Finding, Report};
use hoso_pipeline::audit::{AuditLog, Auditor};
use hoso_testkit::postgres::TestDatabase;
use sqlx::Executor;

use super::{postgres, sqlite};
use crate::audit_suite::{self, step, ORIGIN};
use crate::sql::{Dialect, PgPoolSettings, SqlCatalog};

const TABLES: [&str; 4] = [
    "audit_entries",
    "audit_leaves",
    "audit_hashes",
    "audit_checkpoints",
];

#[tokio::test]
async fn sqlite_passes_the_audit_suite() {
    let dir = tempfile::tempdir().unwrap();
    audit_suite::run(Arc::new(sqlite(&dir).await)).await;
}

#[tokio::test]
async fn postgres_passes_the_audit_suite() {
    let db = TestDatabase::create().await;
    audit_suite::run(Arc::new(postgres(&db).await)).await;
}

/// A log of 30 entries after its key, signed at 11 and 31 entries.
async fn signed_log(c: &SqlCatalog) -> Auditor {
    let key = SigningKey::generate(ORIGIN).unwrap();
    let auditor = Auditor::new(Arc::new(c.clone()), Some(key), ORIGIN);
    for i in 0..30 {
        if i == 10 {
            auditor.checkpoint().await.unwrap();
        }
        c.append(&step(i)).await.unwrap();
    }
    auditor.checkpoint().await.unwrap();
    let report = auditor.verify(None).await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.entries, 31);
    auditor
}

/// What someone with the database's owner rights can do: switch the protection off.
async fn unprotect(c: &SqlCatalog) {
    for table in TABLES {
        let sql = match c.dialect() {
            Dialect::Postgres => vec![format!("ALTER TABLE {table} DISABLE TRIGGER USER")],
            Dialect::Sqlite => vec![
                format!("DROP TRIGGER {table}_append_only_update"),
                format!("DROP TRIGGER {table}_append_only_delete"),
            ],
        };
        for s in sql {
            c.pool().execute(s.as_str()).await.unwrap();
        }
    }
}

async fn exec(c: &SqlCatalog, sql: &str) {
    c.pool()
        .execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Renumbers leaves from `from` on by `by`, past the primary key's checks.
async fn shift_leaves(c: &SqlCatalog, from: u64, by: i64) {
    exec(c, &format!("UPDATE audit_leaves SET leaf_index = -(leaf_index + ({by})) - 1 WHERE leaf_index >= {from}")).await;
    exec(
        c,
        "UPDATE audit_leaves SET leaf_index = -leaf_index - 1 WHERE leaf_index < 0",
    )
    .await;
}

async fn entry_id_at(c: &SqlCatalog, leaf: u64) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT entry_id FROM audit_leaves WHERE leaf_index = {leaf}"
    ))
    .fetch_one(c.pool())
    .await
    .unwrap()
}

async fn verify(auditor: &Auditor) -> Report {
    let report = auditor.verify(None).await.unwrap();
    assert!(!report.is_intact(), "tampering went unnoticed");
    report
}

async fn each_dialect(check: impl AsyncFn(SqlCatalog)) {
    let dir = tempfile::tempdir().unwrap();
    check(sqlite(&dir).await).await;
    let db = TestDatabase::create().await;
    check(postgres(&db).await).await;
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_log_rows() {
    each_dialect(async |c: SqlCatalog| {
        signed_log(&c).await;
        for sql in [
            "UPDATE audit_entries SET body = 'x'",
            "DELETE FROM audit_entries",
            "UPDATE audit_leaves SET entry_id = entry_id",
            "DELETE FROM audit_leaves",
            "DELETE FROM audit_hashes",
            "UPDATE audit_checkpoints SET note = ''",
            "DELETE FROM audit_checkpoints",
        ] {
            let e = c.pool().execute(sql).await.expect_err(sql);
            assert!(e.to_string().contains("append-only"), "{sql}: {e}");
        }
        if c.dialect() == Dialect::Postgres {
            for table in TABLES {
                let e = c
                    .pool()
                    .execute(format!("TRUNCATE {table} CASCADE").as_str())
                    .await
                    .expect_err(table);
                assert!(e.to_string().contains("append-only"), "{table}: {e}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn an_edited_entry_is_detected_and_named() {
    each_dialect(async |c: SqlCatalog| {
        let auditor = signed_log(&c).await;
        unprotect(&c).await;
        let id = entry_id_at(&c, 7).await;
        exec(&c, &format!("UPDATE audit_entries SET body = replace(body, 'clerk-1', 'clerk-2') WHERE id = {id}")).await;
        let r = verify(&auditor).await;
        assert!(matches!(&r.findings[0], Finding::Edited { leaf: 7, entry_id, .. } if *entry_id == id), "{r}");
        assert!(r.findings.iter().any(|f| matches!(f, Finding::RootMismatch { size: 11, first_leaf: 0, later_checkpoints: 1, .. })), "{r}");
    })
    .await;
}

#[tokio::test]
async fn a_deleted_entry_is_detected_and_named() {
    each_dialect(async |c: SqlCatalog| {
        let auditor = signed_log(&c).await;
        unprotect(&c).await;
        let id = entry_id_at(&c, 12).await;
        exec(&c, "DELETE FROM audit_leaves WHERE leaf_index = 12").await;
        exec(&c, &format!("DELETE FROM audit_entries WHERE id = {id}")).await;
        shift_leaves(&c, 13, -1).await;
        let r = verify(&auditor).await;
        assert_eq!(r.findings[0], Finding::Deleted { leaf: 12 }, "{r}");
        assert!(
            r.findings.iter().any(|f| matches!(
                f,
                Finding::Truncated {
                    size: 31,
                    entries: 30,
                    ..
                }
            )),
            "{r}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_inserted_entry_is_detected_and_named() {
    each_dialect(async |c: SqlCatalog| {
        let auditor = signed_log(&c).await;
        unprotect(&c).await;
        shift_leaves(&c, 9, 1).await;
        let body = String::from_utf8(step(99).to_bytes()).unwrap();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO audit_entries (at, action, record_id, body) VALUES (0, 'record.step99', 'r-4', $1) RETURNING id",
        )
        .bind(body)
        .fetch_one(c.pool())
        .await
        .unwrap();
        exec(&c, &format!("INSERT INTO audit_leaves (leaf_index, entry_id) VALUES (9, {id})")).await;
        let r = verify(&auditor).await;
        assert!(matches!(&r.findings[0], Finding::Inserted { leaf: 9, entry_id, .. } if *entry_id == id), "{r}");
        assert!(r.findings.iter().any(|f| matches!(f, Finding::RootMismatch { size: 31, .. })), "{r}");
        assert_eq!(r.unsigned_entries, 32, "no checkpoint holds: {r}");
    })
    .await;
}

#[tokio::test]
async fn reordered_entries_are_detected_and_named() {
    each_dialect(async |c: SqlCatalog| {
        let auditor = signed_log(&c).await;
        unprotect(&c).await;
        let (a, b) = (entry_id_at(&c, 3).await, entry_id_at(&c, 20).await);
        // Swap the two entries' places in the log.
        exec(
            &c,
            "UPDATE audit_leaves SET leaf_index = -1 WHERE leaf_index = 3",
        )
        .await;
        exec(
            &c,
            &format!("UPDATE audit_leaves SET leaf_index = 3 WHERE entry_id = {b}"),
        )
        .await;
        exec(
            &c,
            &format!("UPDATE audit_leaves SET leaf_index = 20 WHERE entry_id = {a}"),
        )
        .await;
        let r = verify(&auditor).await;
        assert_eq!(
            r.findings[0],
            Finding::Swapped { leaf: 3, other: 20 },
            "{r}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_entry_kept_out_of_the_tree_is_reported() {
    each_dialect(async |c: SqlCatalog| {
        let auditor = signed_log(&c).await;
        c.append(&step(500)).await.unwrap();
        // The sequencer's queue may be emptied by the service; the entry stays.
        exec(&c, "DELETE FROM audit_pending").await;
        let r = verify(&auditor).await;
        assert!(matches!(r.findings[0], Finding::NotInTree { .. }), "{r}");
    })
    .await;
}

#[tokio::test]
async fn the_service_role_cannot_change_the_log_on_postgres() {
    let db = TestDatabase::create().await;
    let owner = postgres(&db).await;
    let role = format!("hoso_test_service_{}", std::process::id());
    exec(
        &owner,
        &format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN \
         CREATE ROLE {role} LOGIN IN ROLE hoso_service; END IF; END $$"
        ),
    )
    .await;
    let url = db.url().replacen("postgres@", &format!("{role}@"), 1);
    assert_ne!(
        url,
        db.url(),
        "the test server's url names the postgres user"
    );
    let settings = PgPoolSettings {
        migrate: false,
        ..PgPoolSettings::default()
    };
    let service = SqlCatalog::connect(&url, settings).await.unwrap();

    // The service does its work as that role: the log grows and is signed.
    let auditor = signed_log(&service).await;
    use hoso_pipeline::ports::Catalog;
    let hash = hoso_pipeline::ContentHash::of(b"as the service role");
    service
        .register_original(&crate::catalog_suite::new_original(&hash))
        .await
        .unwrap();

    // It can neither rewrite the log nor switch its protection off.
    for sql in [
        "UPDATE audit_entries SET body = 'x'".to_string(),
        "DELETE FROM audit_entries".to_string(),
        "UPDATE audit_leaves SET leaf_index = leaf_index".to_string(),
        "DELETE FROM audit_hashes".to_string(),
        "DELETE FROM audit_checkpoints".to_string(),
        "TRUNCATE audit_entries CASCADE".to_string(),
        "TRUNCATE audit_checkpoints".to_string(),
        "ALTER TABLE audit_entries DISABLE TRIGGER USER".to_string(),
        "DROP TABLE audit_hashes".to_string(),
    ] {
        let e = service.pool().execute(sql.as_str()).await.expect_err(&sql);
        let text = e.to_string();
        assert!(
            text.contains("permission denied") || text.contains("must be owner"),
            "{sql}: {text}"
        );
    }
    let report = auditor.verify(None).await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert!(report.entries > 31, "the registration was logged: {report}");
}

#[tokio::test]
async fn a_subject_read_is_logged_with_its_audit_entry() {
    use hoso_extractors::DocumentType;
    use hoso_pipeline::registry::{AccessEntry, Registry, Role, SubjectId};
    each_dialect(async |c: SqlCatalog| {
        let read = AccessEntry {
            token_name: "civil-status-system".to_string(),
            role: Role::ProcedureSystem,
            subject: SubjectId::citizen("001099012345").unwrap(),
            document_types: vec![DocumentType::CitizenId],
            record_ids: vec!["r-00000000000000aa".to_string()],
            purpose: "kiểm tra hồ sơ".to_string(),
            endpoint: "GET /api/v1/subjects/{id}/records".to_string(),
            at_ms: 1_765_000_000_000,
        };
        c.log_access(&read).await.unwrap();
        c.integrate().await.unwrap();
        let stored = c.entries(0, 10).await.unwrap();
        assert_eq!(stored.len(), 1);
        let e = hoso_audit::entry::Entry::parse(&stored[0].bytes).unwrap();
        assert_eq!(
            (e.action.as_str(), e.actor.as_str(), e.role.as_str()),
            ("subject.read", "civil-status-system", "procedure_system")
        );
        assert_eq!(e.subject.as_deref(), Some("citizen:001099012345"));
        assert_eq!(e.detail["purpose"], "kiểm tra hồ sơ");
        assert_eq!(e.detail["record_ids"][0], "r-00000000000000aa");
    })
    .await;
}
