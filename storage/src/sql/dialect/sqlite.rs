//! SQLite's side of the dialect layer: the embedded default, one file in the data
//! directory, one process.

use std::path::Path;

use hoso_pipeline::ports::CatalogError;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Executor};

use super::Dialect;
use crate::sql::error::db;
use crate::sql::{AttemptEnd, Claimed};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Milliseconds since the epoch; `subsec` (SQLite 3.42) keeps the milliseconds.
pub const NOW: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

pub const RECORDS_SELECT: &str =
    "SELECT r.id, r.document_type, r.status, r.content_key, r.fields, \
     r.created_at, r.verified_at, r.verified_by, r.superseded_by, r.revoked_reason, \
     (SELECT json_group_array(json_object('kind', s.kind, 'value', s.value)) \
         FROM record_subjects s WHERE s.record_id = r.id) AS subjects, \
     (SELECT json_group_array(json_object('id', d.document_id, 'sha256', d.sha256) ORDER BY d.seq) \
         FROM record_documents d WHERE d.record_id = r.id) AS documents \
     FROM records r {filter}";

pub const DOSSIERS_SELECT: &str = "SELECT d.code, d.procedure_code, d.subject_kind, \
     d.subject_value, d.created_at, d.created_by, \
     (SELECT json_group_array(o.sha256 ORDER BY o.ordinal) FROM dossier_originals o \
         WHERE o.code = d.code) AS originals \
     FROM dossiers d";

/// Opens (creating if needed) the database file and brings its schema up to date.
pub async fn open(path: &Path) -> Result<AnyPool, CatalogError> {
    sqlx::any::install_default_drivers();
    let url = url_of(path)?;
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL lets readers (`hoso list`) run while workers write.
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = NORMAL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 30000",
                ] {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(|e| db(e).context(&format!("cannot open {}", path.display())))?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| CatalogError::permanent(format!("migrating {}: {e}", path.display())))?;
    Ok(pool)
}

/// `sqlite://` and the path, with the characters a URL gives meaning to escaped (sqlx
/// decodes them again).
fn url_of(path: &Path) -> Result<String, CatalogError> {
    let text = path.to_str().ok_or_else(|| {
        CatalogError::permanent(format!(
            "the database path {} is not valid utf-8",
            path.display()
        ))
    })?;
    let mut url = String::from("sqlite://");
    for c in text.chars() {
        match c {
            '%' => url.push_str("%25"),
            '?' => url.push_str("%3F"),
            '#' => url.push_str("%23"),
            c => url.push(c),
        }
    }
    url.push_str("?mode=rwc");
    Ok(url)
}

/// The claim as a write transaction of four statements: SQLite has no data-modifying
/// `WITH`, and a single process needs no skipping of locked rows.
pub async fn claim(
    pool: &AnyPool,
    owner: &str,
    lease_ms: i64,
) -> Result<Option<Claimed>, CatalogError> {
    let sqlite = Dialect::Sqlite;
    let mut tx = pool.begin_with(sqlite.begin_write()).await.map_err(db)?;
    let claimed: Option<(i64, String, i64, i64, i64)> = sqlx::query_as(&sqlite.sql(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, progress = NULL, \
         lease_expires_at = {now} + $2, updated_at = {now} \
         WHERE id = (SELECT id FROM jobs WHERE run_at <= {now} \
             AND (state = 'queued' OR (state = 'running' AND lease_expires_at < {now} \
                 AND attempts < max_attempts)) \
             ORDER BY run_at, id LIMIT 1) \
         RETURNING id, sha256, attempts, max_attempts, updated_at",
    ))
    .bind(owner)
    .bind(lease_ms)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let Some((id, sha256, attempts, max_attempts, now)) = claimed else {
        tx.commit().await.map_err(db)?;
        return Ok(None);
    };
    sqlx::query(
        "UPDATE job_attempts SET outcome = 'abandoned', ended_at = $2, error = 'the lease expired' \
         WHERE job_id = $1 AND outcome = 'running'",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    sqlx::query(
        "INSERT INTO job_attempts (job_id, attempt, worker, started_at, outcome) \
         VALUES ($1, $2, $3, $4, 'running')",
    )
    .bind(id)
    .bind(attempts)
    .bind(owner)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let (file_name, media_type): (String, String) =
        sqlx::query_as("SELECT file_name, media_type FROM originals WHERE sha256 = $1")
            .bind(&sha256)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(Some(Claimed {
        id,
        sha256,
        attempts,
        max_attempts,
        file_name,
        media_type,
    }))
}

/// The fenced end of an attempt as up to four statements of the caller's transaction.
pub async fn end_attempt(
    conn: &mut AnyConnection,
    end: &AttemptEnd<'_>,
) -> Result<(), CatalogError> {
    let sqlite = Dialect::Sqlite;
    let fenced: Option<(String, i64)> = sqlx::query_as(&sqlite.sql(
        "UPDATE jobs SET state = $3, run_at = {now} + $4, last_error = $5, lease_owner = NULL, progress = NULL, \
         lease_expires_at = NULL, updated_at = {now} \
         WHERE id = $1 AND attempts = $2 AND state = 'running' RETURNING sha256, updated_at",
    ))
    .bind(end.job.id)
    .bind(i64::from(end.job.attempt))
    .bind(end.state)
    .bind(end.run_after_ms)
    .bind(end.error)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some((sha256, now)) = fenced else {
        return Err(end.lost_lease());
    };
    sqlx::query(
        "UPDATE job_attempts SET outcome = $3, ended_at = $4, error = $5 \
         WHERE job_id = $1 AND attempt = $2",
    )
    .bind(end.job.id)
    .bind(i64::from(end.job.attempt))
    .bind(end.outcome.as_str())
    .bind(now)
    .bind(end.error)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    if let Some(status) = end.original_status {
        sqlx::query(
            "UPDATE originals SET status = $2, error = $3, page_count = COALESCE($4, page_count), \
             updated_at = $5 WHERE sha256 = $1",
        )
        .bind(&sha256)
        .bind(status)
        .bind(end.error)
        .bind(end.pages)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    if end.clear_documents {
        sqlx::query("DELETE FROM documents WHERE sha256 = $1")
            .bind(&sha256)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_becomes_a_url_sqlx_reads_back() {
        let cases = [
            ("/data/hoso.db", "sqlite:///data/hoso.db?mode=rwc"),
            (
                "/d?x#y%z/hoso.db",
                "sqlite:///d%3Fx%23y%25z/hoso.db?mode=rwc",
            ),
            ("/hồ sơ/hoso.db", "sqlite:///hồ sơ/hoso.db?mode=rwc"),
        ];
        for (path, url) in cases {
            assert_eq!(url_of(Path::new(path)).unwrap(), url);
        }
    }
}
