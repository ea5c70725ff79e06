//! The `Catalog` port: originals, the job queue, and the documents read.

use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_trait::async_trait;
use hoso_extractors::ExtractedDocument;
use hoso_pipeline::audit;
use hoso_pipeline::ports::ObjectKey;
use hoso_pipeline::ports::{
    document_id, AttemptOutcome, AttemptRecord, Catalog, CatalogError, Completion, DocumentRecord,
    Job, JobFate, JobProgress, NewOriginal, OriginalRecord, QueueCounts, QueueDepth, Registration,
};
use hoso_pipeline::{ContentHash, ExtractionResult};
use serde_json::json;
use sqlx::AnyConnection;

use super::error::db;
use super::{AttemptEnd, Claimed, Dialect, SqlCatalog};
use crate::codec::{self, DocumentRow, FieldRow};
use crate::STAGE_EXTRACT;

/// How often, at most, one process looks for jobs whose worker died on every attempt.
const DEAD_JOB_SWEEP_MS: i64 = 1_000;

/// Rows per multi-row `INSERT`: well under both databases' limits on bound parameters.
const ROWS_PER_INSERT: usize = 500;

impl SqlCatalog {
    /// Fails (dead-letters) the running jobs whose worker died on every attempt: handing
    /// them out again would only kill the next worker too. `everyone_dead` treats every
    /// running job as abandoned, whatever its lease says.
    async fn fail_dead_jobs(
        &self,
        conn: &mut AnyConnection,
        everyone_dead: bool,
    ) -> Result<(), CatalogError> {
        let dead: Vec<(i64, String, String)> = sqlx::query_as(&self.dialect.sql(
            "UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, \
             last_error = 'the worker stopped during every attempt (' || attempts || ')', \
             updated_at = {now} \
             WHERE id IN (SELECT id FROM jobs WHERE state = 'running' \
                 AND ($1 OR lease_expires_at < {now}) AND attempts >= max_attempts{skip_locked}) \
             RETURNING id, sha256, last_error",
        ))
        .bind(everyone_dead)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        for (id, sha256, error) in dead {
            sqlx::query(&self.dialect.sql(
                "UPDATE job_attempts SET outcome = 'abandoned', ended_at = {now}, \
                 error = 'the worker stopped' WHERE job_id = $1 AND outcome = 'running'",
            ))
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
            sqlx::query(&self.dialect.sql(
                "UPDATE originals SET status = 'failed', error = $2, updated_at = {now} \
                 WHERE sha256 = $1",
            ))
            .bind(sha256)
            .bind(error)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        }
        Ok(())
    }

    /// Sweeps for dead jobs at most once a `DEAD_JOB_SWEEP_MS` per process, or now.
    async fn maybe_sweep(&self, force: bool) -> Result<(), CatalogError> {
        let now = crate::now_ms();
        let last = self.last_sweep_ms.load(Ordering::Relaxed);
        if !force && now - last < DEAD_JOB_SWEEP_MS {
            return Ok(());
        }
        self.last_sweep_ms.store(now, Ordering::Relaxed);
        let mut tx = self.begin_write().await?;
        self.fail_dead_jobs(&mut tx, false).await?;
        tx.commit().await.map_err(db)
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

impl Claimed {
    fn into_job(self, worker: &str) -> Result<Job, CatalogError> {
        Ok(Job {
            id: self.id,
            hash: ContentHash::from_str(&self.sha256).map_err(codec::corrupt)?,
            file_name: self.file_name,
            media_type: codec::media_type_from_str(&self.media_type)?,
            attempt: self.attempts as u32,
            max_attempts: self.max_attempts as u32,
            worker: worker.to_string(),
        })
    }
}

/// Inserts the documents of one original and their fields, a few hundred rows a
/// statement.
async fn insert_documents(
    conn: &mut AnyConnection,
    dialect: Dialect,
    source: &ContentHash,
    documents: &[ExtractedDocument],
    producer: &str,
) -> Result<(), CatalogError> {
    let sha = source.to_hex();
    let rows: Vec<_> = documents
        .iter()
        .enumerate()
        .map(|(i, doc)| (document_id(source, i + 1), i + 1, doc))
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = multi_row_insert(
            "INSERT INTO documents (id, sha256, ordinal, document_type, pages, confidence, \
             warnings, producer, created_at) VALUES ",
            8,
            &dialect.sql(", {now}"),
            chunk.len(),
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for (id, ordinal, doc) in chunk {
            q = q
                .bind(id.clone())
                .bind(sha.clone())
                .bind(*ordinal as i64)
                .bind(doc.document_type.as_str())
                .bind(codec::to_json(&doc.pages)?)
                .bind(f64::from(doc.confidence))
                .bind(codec::to_json(&doc.warnings)?)
                .bind(producer.to_string());
        }
        q.execute(&mut *conn).await.map_err(db)?;
    }
    let fields: Vec<_> = rows
        .iter()
        .flat_map(|(id, _, doc)| doc.fields.iter().map(move |(key, f)| (id, key, f)))
        .collect();
    for chunk in fields.chunks(ROWS_PER_INSERT) {
        let sql = multi_row_insert(
            "INSERT INTO fields (document_id, key, value, confidence, method, evidence) VALUES ",
            6,
            "",
            chunk.len(),
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for (id, key, field) in chunk {
            q = q
                .bind((*id).clone())
                .bind(key.as_str())
                .bind(field.value.clone())
                .bind(f64::from(field.confidence))
                .bind(field.method.as_str())
                .bind(codec::to_json(&field.evidence)?);
        }
        q.execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

/// `head` followed by `rows` tuples of `columns` numbered placeholders, each tuple
/// ending with `tail` (a value every row shares, such as the clock).
fn multi_row_insert(head: &str, columns: usize, tail: &str, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (columns * 5 + tail.len() + 4));
    sql.push_str(head);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
        }
        sql.push_str(tail);
        sql.push(')');
    }
    sql
}

#[async_trait]
impl Catalog for SqlCatalog {
    async fn register_original(&self, o: &NewOriginal) -> Result<Registration, CatalogError> {
        let mut tx = self.begin_write().await?;
        let created: Option<i64> = sqlx::query_scalar(&self.dialect.sql(
            "INSERT INTO originals (sha256, file_name, media_type, byte_size, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'queued', {now}, {now}) ON CONFLICT (sha256) DO NOTHING \
             RETURNING created_at",
        ))
        .bind(o.hash.to_hex())
        .bind(&o.file_name)
        .bind(o.media_type.as_mime())
        .bind(o.byte_size as i64)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(created) = created else {
            tx.rollback().await.map_err(db)?;
            let known = self
                .original(&o.hash)
                .await?
                .ok_or_else(|| codec::corrupt("original vanished during registration"))?;
            return Ok(Registration::Known(known));
        };
        sqlx::query(
            "INSERT INTO jobs (sha256, stage, state, max_attempts, run_at, created_at, updated_at) \
             VALUES ($1, $2, 'queued', $3, $4, $4, $4) ON CONFLICT (sha256, stage) DO NOTHING",
        )
        .bind(o.hash.to_hex())
        .bind(STAGE_EXTRACT)
        .bind(self.max_attempts())
        .bind(created)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let detail = json!({
            "sha256": o.hash.to_hex(),
            "file_name": o.file_name,
            "media_type": o.media_type.as_mime(),
            "byte_size": o.byte_size,
            "object_key": ObjectKey::original(&o.hash).as_str(),
        });
        self.audit_in(
            &mut tx,
            &audit::entry("system", "system", "original.uploaded", None, None, detail),
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(Registration::New)
    }

    /// Raises `max_attempts` rather than resetting `attempts`: attempt numbers only grow,
    /// so they keep fencing out workers of an earlier try.
    async fn retry_original(&self, hash: &ContentHash) -> Result<(), CatalogError> {
        let mut tx = self.begin_write().await?;
        // Attempt numbers only grow, so they keep fencing out any worker of an earlier try.
        let retried: Option<i64> = sqlx::query_scalar(&self.dialect.sql(
            "UPDATE jobs SET state = 'queued', max_attempts = attempts + $2, run_at = {now}, progress = NULL, \
             last_error = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = {now} \
             WHERE sha256 = $1 AND state = 'failed' RETURNING updated_at",
        ))
        .bind(hash.to_hex())
        .bind(self.max_attempts())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(now) = retried {
            sqlx::query(
                "UPDATE originals SET status = 'queued', error = NULL, updated_at = $2 WHERE sha256 = $1",
            )
            .bind(hash.to_hex())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Job>, CatalogError> {
        self.maybe_sweep(false).await?;
        let lease_ms = lease.as_millis() as i64;
        if let Some(claimed) = self.dialect.claim(&self.fast, owner, lease_ms).await? {
            return claimed.into_job(owner).map(Some);
        }
        // An idle queue is the cheap moment to dead-letter what died on every attempt.
        self.maybe_sweep(true).await?;
        Ok(None)
    }

    async fn extend_lease(&self, job: &Job, lease: Duration) -> Result<bool, CatalogError> {
        let n = sqlx::query(&self.dialect.sql(
            "UPDATE jobs SET lease_expires_at = {now} + $3, updated_at = {now} \
             WHERE id = $1 AND attempts = $2 AND state = 'running'",
        ))
        .bind(job.id)
        .bind(i64::from(job.attempt))
        .bind(lease.as_millis() as i64)
        .execute(&self.fast)
        .await
        .map_err(db)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn report_progress(&self, job: &Job, progress: JobProgress) -> Result<(), CatalogError> {
        sqlx::query(
            "UPDATE jobs SET progress = $3 WHERE id = $1 AND attempts = $2 AND state = 'running'",
        )
        .bind(job.id)
        .bind(i64::from(job.attempt))
        .bind(codec::to_json(&progress)?)
        .execute(&self.fast)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn complete_job(
        &self,
        job: &Job,
        result: &ExtractionResult,
        producer: &str,
    ) -> Result<Completion, CatalogError> {
        let end = AttemptEnd {
            job,
            state: "done",
            outcome: AttemptOutcome::Done,
            original_status: Some("processed"),
            run_after_ms: 0,
            error: None,
            pages: Some(i64::from(result.source.pages)),
            // Reprocessing replaces the previous reading of the same original.
            clear_documents: true,
        };
        if result.documents.is_empty() {
            self.dialect.end_attempt_alone(&self.pool, &end).await?;
            // Nothing was registered, so the entry needs no transaction with the change.
            let entry = self.extraction_entry(job, result, producer);
            hoso_pipeline::audit::AuditLog::append(self, &entry).await?;
            return Ok(Completion::default());
        }
        let mut tx = self.begin_write().await?;
        self.dialect.end_attempt(&mut tx, &end).await?;
        // The extraction's entry first, then its records' as they are made.
        self.audit_in(&mut tx, &self.extraction_entry(job, result, producer))
            .await?;
        insert_documents(
            &mut tx,
            self.dialect,
            &job.hash,
            &result.documents,
            producer,
        )
        .await?;
        let completion = self
            .register_records(&mut tx, &job.hash, &result.documents)
            .await?;
        tx.commit().await.map_err(db)?;
        Ok(completion)
    }

    async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        retry_after: Option<Duration>,
    ) -> Result<JobFate, CatalogError> {
        let fate = match retry_after {
            Some(_) if job.attempt < job.max_attempts => JobFate::Retrying,
            _ => JobFate::Failed,
        };
        let end = match fate {
            JobFate::Retrying => AttemptEnd {
                job,
                state: "queued",
                outcome: AttemptOutcome::Retrying,
                original_status: None,
                run_after_ms: retry_after.map_or(0, |d| d.as_millis() as i64),
                error: Some(error),
                pages: None,
                clear_documents: false,
            },
            JobFate::Failed => AttemptEnd {
                job,
                state: "failed",
                outcome: AttemptOutcome::Failed,
                original_status: Some("failed"),
                run_after_ms: 0,
                error: Some(error),
                pages: None,
                clear_documents: false,
            },
        };
        self.dialect.end_attempt_alone(&self.pool, &end).await?;
        Ok(fate)
    }

    async fn release_job(&self, job: &Job, reason: &str) -> Result<bool, CatalogError> {
        let mut tx = self.begin_write().await?;
        // One more attempt allowed: the job is not the reason it stopped.
        let released = sqlx::query(&self.dialect.sql(
            "UPDATE jobs SET state = 'queued', run_at = {now}, max_attempts = max_attempts + 1, \
             lease_owner = NULL, lease_expires_at = NULL, progress = NULL, updated_at = {now} \
             WHERE id = $1 AND attempts = $2 AND state = 'running'",
        ))
        .bind(job.id)
        .bind(i64::from(job.attempt))
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if released == 0 {
            return Ok(false);
        }
        sqlx::query(&self.dialect.sql(
            "UPDATE job_attempts SET outcome = 'abandoned', ended_at = {now}, error = $3 \
             WHERE job_id = $1 AND attempt = $2",
        ))
        .bind(job.id)
        .bind(i64::from(job.attempt))
        .bind(reason)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn release_running_jobs(&self) -> Result<u64, CatalogError> {
        let mut tx = self.begin_write().await?;
        self.fail_dead_jobs(&mut tx, true).await?;
        sqlx::query(&self.dialect.sql(
            "UPDATE job_attempts SET outcome = 'abandoned', ended_at = {now}, \
             error = 'the process stopped' WHERE outcome = 'running'",
        ))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let n = sqlx::query(&self.dialect.sql(
            "UPDATE jobs SET state = 'queued', run_at = {now}, lease_owner = NULL, progress = NULL, \
             lease_expires_at = NULL, updated_at = {now} WHERE state = 'running'",
        ))
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(n)
    }

    async fn wait_for_work(&self, timeout: Duration) {
        match &self.notifier {
            Some(notifier) => notifier.wait(timeout).await,
            None => tokio::time::sleep(timeout).await,
        }
    }

    async fn attempts(&self, hash: &ContentHash) -> Result<Vec<AttemptRecord>, CatalogError> {
        let rows = sqlx::query_as::<_, codec::AttemptRow>(
            "SELECT a.job_id, a.attempt, a.worker, a.outcome, a.error FROM job_attempts a \
             JOIN jobs j ON j.id = a.job_id WHERE j.sha256 = $1 ORDER BY a.job_id, a.attempt",
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

    async fn queue_depth(&self) -> Result<Vec<QueueDepth>, CatalogError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT stage, state, COUNT(*) FROM jobs WHERE state <> 'done' \
             GROUP BY stage, state ORDER BY stage, state",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(stage, state, jobs)| QueueDepth {
                stage,
                state,
                jobs: jobs.max(0) as u64,
            })
            .collect())
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
        let sql = format!("{} WHERE o.sha256 = $1", codec::ORIGINALS_SELECT);
        let row = sqlx::query_as::<_, codec::OriginalRow>(&sql)
            .bind(hash.to_hex())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(codec::OriginalRow::into_record).transpose()
    }

    async fn documents(&self) -> Result<Vec<DocumentRecord>, CatalogError> {
        self.load_documents("", None).await
    }

    async fn document(&self, id: &str) -> Result<Option<DocumentRecord>, CatalogError> {
        let mut docs = self
            .load_documents("WHERE d.id = $1", Some(id.to_string()))
            .await?;
        Ok(docs.pop())
    }

    async fn documents_of(&self, hash: &ContentHash) -> Result<Vec<DocumentRecord>, CatalogError> {
        self.load_documents("WHERE d.sha256 = $1", Some(hash.to_hex()))
            .await
    }
}

impl SqlCatalog {
    /// The audit entry of a completed extraction: which attempt of which job, on which
    /// worker, with which engines, found which documents.
    fn extraction_entry(
        &self,
        job: &Job,
        result: &ExtractionResult,
        producer: &str,
    ) -> hoso_audit::entry::Entry {
        // `producer` is the engines' versions as JSON; an older engine wrote plain text.
        let engines =
            serde_json::from_str::<serde_json::Value>(producer).unwrap_or_else(|_| json!(producer));
        let documents: Vec<serde_json::Value> = result
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                json!({
                    "id": document_id(&job.hash, i + 1),
                    "document_type": d.document_type.as_str(),
                    "pages": d.pages,
                })
            })
            .collect();
        let detail = json!({
            "sha256": job.hash.to_hex(),
            "job": job.id,
            "attempt": job.attempt,
            "worker": job.worker,
            "engines": engines,
            "pages": result.source.pages,
            "documents": documents,
        });
        audit::entry("system", "system", "original.extracted", None, None, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_inserts_number_their_placeholders_row_by_row() {
        assert_eq!(
            multi_row_insert("INSERT INTO t (a, b, c) VALUES ", 2, ", now()", 3),
            "INSERT INTO t (a, b, c) VALUES ($1, $2, now()), ($3, $4, now()), ($5, $6, now())"
        );
    }
}
