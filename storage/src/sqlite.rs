//! The catalog on SQLite: the embedded default, one file in the data directory.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use hoso_pipeline::ports::{
    document_id, AttemptOutcome, AttemptRecord, Catalog, CatalogError, DocumentRecord, Job,
    JobFate, NewOriginal, OriginalRecord, QueueCounts, QueuePolicy, Registration,
};
use hoso_pipeline::{ContentHash, ExtractionResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::codec::{self, DocumentRow, FieldRow};
use crate::now_ms;

use crate::STAGE_EXTRACT;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteCatalog {
    pub(crate) pool: SqlitePool,
    policy: QueuePolicy,
}

fn db(e: impl std::fmt::Display) -> CatalogError {
    CatalogError::Backend(e.to_string())
}

fn parse_hash(s: &str) -> Result<ContentHash, CatalogError> {
    ContentHash::from_str(s).map_err(codec::corrupt)
}

impl SqliteCatalog {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, CatalogError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // WAL lets readers (`hoso list`) run while workers write.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| CatalogError::Backend(format!("cannot open {}: {e}", path.display())))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| CatalogError::Backend(format!("migrating {}: {e}", path.display())))?;
        Ok(Self {
            pool,
            policy: QueuePolicy::default(),
        })
    }

    pub fn with_policy(mut self, policy: QueuePolicy) -> Self {
        self.policy = policy;
        self
    }

    fn max_attempts(&self) -> i64 {
        i64::from(self.policy.max_attempts.max(1))
    }

    async fn original_row(
        &self,
        hash: &ContentHash,
    ) -> Result<Option<OriginalRecord>, CatalogError> {
        let sql = format!("{} WHERE o.sha256 = ?", codec::ORIGINALS_SELECT);
        let row = sqlx::query_as::<_, codec::OriginalRow>(&sql)
            .bind(hash.to_hex())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(codec::OriginalRow::into_record).transpose()
    }

    async fn load_documents(
        &self,
        filter_sql: &str,
        arg: Option<String>,
    ) -> Result<Vec<DocumentRecord>, CatalogError> {
        let sql = codec::DOCUMENTS_SELECT.replace("{filter}", filter_sql);
        let mut q = sqlx::query_as::<_, DocumentRow>(&sql);
        if let Some(a) = &arg {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db)?;
        let sql = codec::FIELDS_SELECT.replace("{filter}", filter_sql);
        let mut q = sqlx::query_as::<_, FieldRow>(&sql);
        if let Some(a) = &arg {
            q = q.bind(a);
        }
        let fields = q.fetch_all(&self.pool).await.map_err(db)?;
        codec::assemble_documents(rows, fields)
    }
}

/// Fails the running jobs whose worker died (lease expired before `expired_before`) on
/// every attempt: such a job is poison, and handing it to the next worker would only kill
/// that one too.
async fn fail_dead_jobs(
    tx: &mut sqlx::SqliteConnection,
    now: i64,
    expired_before: i64,
) -> Result<(), CatalogError> {
    let poisoned = sqlx::query(
        "UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, \
         last_error = 'the worker stopped during every attempt (' || attempts || ')', updated_at = ? \
         WHERE state = 'running' AND lease_expires_at < ? AND attempts >= max_attempts \
         RETURNING id, sha256, last_error",
    )
    .bind(now)
    .bind(expired_before)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    for row in poisoned {
        abandon_attempts(&mut *tx, row.get("id"), now, "the worker stopped").await?;
        sqlx::query(
            "UPDATE originals SET status = 'failed', error = ?, updated_at = ? WHERE sha256 = ?",
        )
        .bind(row.get::<String, _>("last_error"))
        .bind(now)
        .bind(row.get::<String, _>("sha256"))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Marks the job's attempt that is still running as abandoned by its worker.
async fn abandon_attempts(
    tx: &mut sqlx::SqliteConnection,
    job_id: i64,
    now: i64,
    why: &str,
) -> Result<(), CatalogError> {
    sqlx::query(
        "UPDATE job_attempts SET outcome = 'abandoned', ended_at = ?, error = ? \
         WHERE job_id = ? AND outcome = 'running'",
    )
    .bind(now)
    .bind(why)
    .bind(job_id)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Ends a running job's attempt in `state`. Fenced by the attempt number: only the holder
/// of the latest attempt may end it, so a worker whose lease was taken over gets
/// `LostLease` and its transaction, dropped uncommitted, rolls back.
async fn end_attempt(
    tx: &mut sqlx::SqliteConnection,
    job: &Job,
    state: &str,
    outcome: AttemptOutcome,
    run_at: i64,
    error: Option<&str>,
    now: i64,
) -> Result<(), CatalogError> {
    let fenced = sqlx::query(
        "UPDATE jobs SET state = ?, run_at = ?, last_error = ?, lease_owner = NULL, \
         lease_expires_at = NULL, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'",
    )
    .bind(state)
    .bind(run_at)
    .bind(error)
    .bind(now)
    .bind(job.id)
    .bind(job.attempt as i64)
    .execute(&mut *tx)
    .await
    .map_err(db)?
    .rows_affected();
    if fenced == 1 {
        sqlx::query(
            "UPDATE job_attempts SET outcome = ?, ended_at = ?, error = ? WHERE job_id = ? AND attempt = ?",
        )
        .bind(outcome.as_str())
        .bind(now)
        .bind(error)
        .bind(job.id)
        .bind(job.attempt as i64)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        Ok(())
    } else {
        Err(CatalogError::LostLease {
            job: job.id,
            attempt: job.attempt,
        })
    }
}

#[async_trait]
impl Catalog for SqliteCatalog {
    async fn register_original(&self, o: &NewOriginal) -> Result<Registration, CatalogError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let inserted = sqlx::query(
            "INSERT INTO originals (sha256, file_name, media_type, byte_size, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(o.hash.to_hex())
        .bind(&o.file_name)
        .bind(o.media_type.as_mime())
        .bind(o.byte_size as i64)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await.map_err(db)?;
            let known = self
                .original_row(&o.hash)
                .await?
                .ok_or_else(|| codec::corrupt("original vanished during registration"))?;
            return Ok(Registration::Known(known));
        }
        sqlx::query(
            "INSERT INTO jobs (sha256, stage, state, max_attempts, run_at, created_at, updated_at) \
             VALUES (?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT (sha256, stage) DO NOTHING",
        )
        .bind(o.hash.to_hex())
        .bind(STAGE_EXTRACT)
        .bind(self.max_attempts())
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Registration::New)
    }

    async fn retry_original(&self, hash: &ContentHash) -> Result<(), CatalogError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Attempt numbers only grow, so they keep fencing out any worker of an earlier try.
        let retried = sqlx::query(
            "UPDATE jobs SET state = 'queued', max_attempts = attempts + ?, run_at = ?, last_error = NULL, \
             lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE sha256 = ? AND state = 'failed'",
        )
        .bind(self.max_attempts())
        .bind(now)
        .bind(now)
        .bind(hash.to_hex())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if retried == 1 {
            sqlx::query("UPDATE originals SET status = 'queued', error = NULL, updated_at = ? WHERE sha256 = ?")
                .bind(now)
                .bind(hash.to_hex())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Job>, CatalogError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        fail_dead_jobs(&mut tx, now, now).await?;
        let claimed = sqlx::query(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, \
             lease_expires_at = ?, updated_at = ? \
             WHERE id = (SELECT id FROM jobs \
                 WHERE (state = 'queued' AND run_at <= ?) OR (state = 'running' AND lease_expires_at < ?) \
                 ORDER BY run_at, id LIMIT 1) \
             RETURNING id, sha256, attempts, max_attempts",
        )
        .bind(owner)
        .bind(now + lease.as_millis() as i64)
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(row) = claimed else {
            tx.commit().await.map_err(db)?;
            return Ok(None);
        };
        let sha: String = row.get("sha256");
        let id: i64 = row.get("id");
        abandon_attempts(&mut tx, id, now, "the lease expired").await?;
        sqlx::query(
            "INSERT INTO job_attempts (job_id, attempt, worker, started_at, outcome) \
             VALUES (?, ?, ?, ?, 'running')",
        )
        .bind(id)
        .bind(row.get::<i64, _>("attempts"))
        .bind(owner)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let original = sqlx::query("SELECT file_name, media_type FROM originals WHERE sha256 = ?")
            .bind(&sha)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Some(Job {
            id: row.get("id"),
            hash: parse_hash(&sha)?,
            file_name: original.get("file_name"),
            media_type: codec::media_type_from_str(original.get::<&str, _>("media_type"))?,
            attempt: row.get::<i64, _>("attempts") as u32,
            max_attempts: row.get::<i64, _>("max_attempts") as u32,
        }))
    }

    async fn extend_lease(&self, job: &Job, lease: Duration) -> Result<bool, CatalogError> {
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ?, updated_at = ? \
             WHERE id = ? AND attempts = ? AND state = 'running'",
        )
        .bind(now + lease.as_millis() as i64)
        .bind(now)
        .bind(job.id)
        .bind(job.attempt as i64)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn complete_job(
        &self,
        job: &Job,
        result: &ExtractionResult,
        producer: &str,
    ) -> Result<(), CatalogError> {
        let now = now_ms();
        let sha = job.hash.to_hex();
        let mut tx = self.pool.begin().await.map_err(db)?;
        end_attempt(&mut tx, job, "done", AttemptOutcome::Done, now, None, now).await?;
        // Reprocessing replaces the previous reading of the same original.
        sqlx::query("DELETE FROM documents WHERE sha256 = ?")
            .bind(&sha)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for (i, doc) in result.documents.iter().enumerate() {
            let id = document_id(&job.hash, i + 1);
            sqlx::query(
                "INSERT INTO documents (id, sha256, ordinal, document_type, pages, confidence, warnings, producer, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&sha)
            .bind((i + 1) as i64)
            .bind(doc.document_type.as_str())
            .bind(codec::to_json(&doc.pages)?)
            .bind(doc.confidence as f64)
            .bind(codec::to_json(&doc.warnings)?)
            .bind(producer)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            for (key, field) in &doc.fields {
                sqlx::query(
                    "INSERT INTO fields (document_id, key, value, confidence, method, evidence) \
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(&id)
                .bind(key)
                .bind(&field.value)
                .bind(field.confidence as f64)
                .bind(field.method.as_str())
                .bind(codec::to_json(&field.evidence)?)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
        }
        crate::sqlite_registry::register_records(&mut tx, &job.hash, &result.documents, now)
            .await?;
        sqlx::query(
            "UPDATE originals SET status = 'processed', error = NULL, page_count = ?, updated_at = ? WHERE sha256 = ?",
        )
        .bind(result.source.pages as i64)
        .bind(now)
        .bind(&sha)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        retry_after: Option<Duration>,
    ) -> Result<JobFate, CatalogError> {
        let now = now_ms();
        let fate = match retry_after {
            Some(_) if job.attempt < job.max_attempts => JobFate::Retrying,
            _ => JobFate::Failed,
        };
        let mut tx = self.pool.begin().await.map_err(db)?;
        let (state, outcome, run_at) = match fate {
            JobFate::Retrying => (
                "queued",
                AttemptOutcome::Retrying,
                now + retry_after.map(|d| d.as_millis() as i64).unwrap_or(0),
            ),
            JobFate::Failed => ("failed", AttemptOutcome::Failed, now),
        };
        end_attempt(&mut tx, job, state, outcome, run_at, Some(error), now).await?;
        if fate == JobFate::Failed {
            sqlx::query("UPDATE originals SET status = 'failed', error = ?, updated_at = ? WHERE sha256 = ?")
                .bind(error)
                .bind(now)
                .bind(job.hash.to_hex())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(fate)
    }

    async fn release_running_jobs(&self) -> Result<u64, CatalogError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Every running job's worker is known to be dead here, whatever its lease says.
        fail_dead_jobs(&mut tx, now, i64::MAX).await?;
        sqlx::query(
            "UPDATE job_attempts SET outcome = 'abandoned', ended_at = ?, error = 'the process stopped' \
             WHERE outcome = 'running'",
        )
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let n = sqlx::query(
            "UPDATE jobs SET state = 'queued', run_at = ?, lease_owner = NULL, lease_expires_at = NULL, \
             updated_at = ? WHERE state = 'running'",
        )
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn attempts(&self, hash: &ContentHash) -> Result<Vec<AttemptRecord>, CatalogError> {
        let rows = sqlx::query_as::<_, codec::AttemptRow>(
            "SELECT a.job_id, a.attempt, a.worker, a.outcome, a.error FROM job_attempts a \
             JOIN jobs j ON j.id = a.job_id WHERE j.sha256 = ? ORDER BY a.job_id, a.attempt",
        )
        .bind(hash.to_hex())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(codec::AttemptRow::into_record)
            .collect()
    }

    async fn queue_counts(&self) -> Result<QueueCounts, CatalogError> {
        let rows = sqlx::query_as::<_, codec::StateCount>(codec::QUEUE_COUNTS_SELECT)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        codec::queue_counts(rows)
    }

    async fn originals(&self) -> Result<Vec<OriginalRecord>, CatalogError> {
        let sql = format!(
            "{} ORDER BY o.created_at, o.sha256",
            codec::ORIGINALS_SELECT
        );
        let rows = sqlx::query_as::<_, codec::OriginalRow>(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.into_iter()
            .map(codec::OriginalRow::into_record)
            .collect()
    }

    async fn original(&self, hash: &ContentHash) -> Result<Option<OriginalRecord>, CatalogError> {
        self.original_row(hash).await
    }

    async fn documents(&self) -> Result<Vec<DocumentRecord>, CatalogError> {
        self.load_documents("", None).await
    }

    async fn document(&self, id: &str) -> Result<Option<DocumentRecord>, CatalogError> {
        let mut docs = self
            .load_documents("WHERE d.id = ?", Some(id.to_string()))
            .await?;
        Ok(docs.pop())
    }

    async fn documents_of(&self, hash: &ContentHash) -> Result<Vec<DocumentRecord>, CatalogError> {
        self.load_documents("WHERE d.sha256 = ?", Some(hash.to_hex()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_pipeline::ports::OriginalStatus;

    #[tokio::test]
    async fn passes_the_catalog_suite() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = SqliteCatalog::open(&dir.path().join("hoso.db"))
            .await
            .unwrap();
        crate::catalog_suite::run(&catalog).await;
    }

    #[tokio::test]
    async fn passes_the_registry_suite() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = SqliteCatalog::open(&dir.path().join("hoso.db"))
            .await
            .unwrap();
        crate::registry_suite::run(&catalog).await;
    }

    #[tokio::test]
    async fn reopening_keeps_data_and_reruns_no_migration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hoso.db");
        let hash = ContentHash::of(b"persisted");
        {
            let c = SqliteCatalog::open(&path).await.unwrap();
            let reg = c
                .register_original(&crate::catalog_suite::new_original(&hash))
                .await
                .unwrap();
            assert_eq!(reg, Registration::New);
        }
        let c = SqliteCatalog::open(&path).await.unwrap();
        let rec = c.original(&hash).await.unwrap().unwrap();
        assert_eq!(rec.status, OriginalStatus::Queued);
    }
}
