//! Each error kind, produced by a real database and sorted by `error::db`.

use hoso_pipeline::ports::CatalogErrorKind;
use hoso_testkit::postgres::TestDatabase;
use sqlx::{Any, AnyPool, Connection, Transaction};

use super::{postgres, sqlite};
use crate::sql::error::db;

const INSERT_TOKEN: &str =
    "INSERT INTO tokens (name, role, document_types, secret_sha256, created_at) \
     VALUES ($1, 'clerk', '[]', $2, 0)";

async fn insert_token(pool: &AnyPool, name: &str, secret: &str) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_TOKEN)
        .bind(name)
        .bind(secret)
        .execute(pool)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn a_killed_connection_mid_transaction_is_transient() {
    let db_ = TestDatabase::create().await;
    let catalog = postgres(&db_).await;
    let mut tx = catalog.pool().begin().await.unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query(INSERT_TOKEN)
        .bind("mid-transaction")
        .bind("a")
        .execute(&mut *tx)
        .await
        .unwrap();
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .fetch_one(catalog.pool())
        .await
        .unwrap();
    assert!(killed);
    let err = sqlx::query("SELECT 1")
        .execute(&mut *tx)
        .await
        .expect_err("the connection was killed");
    let err = db(err);
    assert_eq!(err.kind(), CatalogErrorKind::Transient, "{err}");
    drop(tx);
    // The transaction's write died with it, and the pool goes on with new connections.
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tokens")
        .fetch_one(catalog.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_violated_unique_key_is_a_conflict_on_both_dialects() {
    let dir = tempfile::tempdir().unwrap();
    let db_ = TestDatabase::create().await;
    for catalog in [sqlite(&dir).await, postgres(&db_).await] {
        insert_token(catalog.pool(), "counter-1", "s1")
            .await
            .unwrap();
        let err = db(insert_token(catalog.pool(), "counter-1", "s2")
            .await
            .expect_err("the name is taken"));
        assert_eq!(err.kind(), CatalogErrorKind::Conflict, "{err}");
        let err = db(insert_token(catalog.pool(), "counter-2", "s1")
            .await
            .expect_err("the secret is taken"));
        assert_eq!(err.kind(), CatalogErrorKind::Conflict, "{err}");
    }
}

/// Two serializable transactions that each read what the other writes: PostgreSQL
/// aborts one of them rather than let them both commit.
#[tokio::test]
async fn a_serialization_failure_between_two_transactions_is_transient() {
    let db_ = TestDatabase::create().await;
    let catalog = postgres(&db_).await;
    let begin = "BEGIN ISOLATION LEVEL SERIALIZABLE";
    let mut one: Transaction<'_, Any> = catalog.pool().begin_with(begin).await.unwrap();
    let mut two: Transaction<'_, Any> = catalog.pool().begin_with(begin).await.unwrap();
    for tx in [&mut one, &mut two] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tokens")
            .fetch_one(&mut **tx)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
    let wrote_one = write_token(&mut one, "one").await;
    let wrote_two = write_token(&mut two, "two").await;
    let one = match wrote_one {
        Ok(()) => one.commit().await,
        Err(e) => Err(e),
    };
    let two = match wrote_two {
        Ok(()) => two.commit().await,
        Err(e) => Err(e),
    };
    let failures: Vec<_> = [one, two]
        .into_iter()
        .filter_map(Result::err)
        .map(db)
        .collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(
        failures[0].kind(),
        CatalogErrorKind::Transient,
        "{}",
        failures[0]
    );
}

async fn write_token(tx: &mut Transaction<'_, Any>, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_TOKEN)
        .bind(name)
        .bind(name)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// A writer that finds the database locked and may not wait is told to come back.
#[tokio::test]
async fn a_locked_sqlite_database_is_transient() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = sqlite(&dir).await;
    let _holder = catalog.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
    let mut other = catalog.pool().acquire().await.unwrap();
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *other)
        .await
        .unwrap();
    let err = db(Connection::begin_with(&mut *other, "BEGIN IMMEDIATE")
        .await
        .map(|_| ())
        .expect_err("the write lock is held"));
    assert_eq!(err.kind(), CatalogErrorKind::Transient, "{err}");
}

#[tokio::test]
async fn a_statement_the_schema_cannot_run_is_permanent_on_both_dialects() {
    let dir = tempfile::tempdir().unwrap();
    let db_ = TestDatabase::create().await;
    for catalog in [sqlite(&dir).await, postgres(&db_).await] {
        let err = db(sqlx::query("SELECT no_such_column FROM tokens")
            .execute(catalog.pool())
            .await
            .expect_err("no such column"));
        assert_eq!(err.kind(), CatalogErrorKind::Permanent, "{err}");
        let err = db(sqlx::query(
            "INSERT INTO tokens (name, role, document_types, secret_sha256, created_at) \
             VALUES ('x', 'king', '[]', 'x', 0)",
        )
        .execute(catalog.pool())
        .await
        .expect_err("no such role"));
        assert_eq!(err.kind(), CatalogErrorKind::Permanent, "{err}");
    }
}
