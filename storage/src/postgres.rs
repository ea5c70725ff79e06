//! The catalog on PostgreSQL: the production backend, shared by any number of worker
//! processes on any number of machines.
//!
//! The queue is a table: claims take a row with `FOR UPDATE SKIP LOCKED` so concurrent
//! workers never wait on each other, leases are timed by the database's clock, attempt
//! numbers fence stale completions, and a trigger's `pg_notify` wakes idle workers. Most
//! operations are one statement (data-modifying CTEs), so they are atomic without an
//! explicit transaction and cost one round trip.

use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use hoso_pipeline::ports::{
    document_id, AttemptRecord, Catalog, CatalogError, DocumentRecord, Job, JobFate, NewOriginal,
    OriginalRecord, QueueCounts, QueuePolicy, Registration,
};
use hoso_pipeline::{ContentHash, ExtractionResult};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgPool, Row};
use tokio::sync::{Notify, OnceCell};

use crate::codec::{self, DocumentRow, FieldRow};
use crate::STAGE_EXTRACT;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel the `jobs_notify` trigger signals on.
const JOBS_CHANNEL: &str = "hoso_jobs";

/// How often, at most, one process looks for jobs whose worker died on every attempt.
const DEAD_JOB_SWEEP_MS: i64 = 1_000;

#[derive(Debug, Clone)]
pub struct PgCatalog {
    pool: PgPool,
    /// Connections whose commits do not wait for the WAL flush, for claims and lease
    /// extensions only. Losing one in a database crash is harmless: the job simply looks
    /// unclaimed again, and every completion, which does wait for the flush, also makes
    /// durable all that came before it.
    async_commit: PgPool,
    policy: QueuePolicy,
    wakeups: Arc<Wakeups>,
}

#[derive(Debug, Default)]
struct Wakeups {
    notify: Notify,
    listener: OnceCell<()>,
    last_sweep_ms: AtomicI64,
}

fn db(e: impl std::fmt::Display) -> CatalogError {
    CatalogError::Backend(e.to_string())
}

fn parse_hash(s: &str) -> Result<ContentHash, CatalogError> {
    ContentHash::from_str(s).map_err(codec::corrupt)
}

/// Options for the connection pool, from the service's configuration.
#[derive(Debug, Clone, Copy)]
pub struct PgPoolSettings {
    pub max_connections: u32,
    pub connect_timeout: Duration,
}

impl Default for PgPoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl PgCatalog {
    /// Connects and brings the schema up to date. Several processes may start at once:
    /// sqlx's migrator takes an advisory lock, so exactly one of them migrates.
    pub async fn connect(url: &str, pool: PgPoolSettings) -> Result<Self, CatalogError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| CatalogError::Backend(format!("bad database url: {e}")))?;
        let async_commit = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.connect_timeout)
            .connect_lazy_with(options.clone().options([("synchronous_commit", "off")]));
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.connect_timeout)
            .connect_with(options)
            .await
            .map_err(|e| CatalogError::Backend(format!("cannot connect to postgresql: {e}")))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| CatalogError::Backend(format!("migrating postgresql: {e}")))?;
        Ok(Self {
            pool,
            async_commit,
            policy: QueuePolicy::default(),
            wakeups: Arc::default(),
        })
    }

    pub fn with_policy(mut self, policy: QueuePolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn max_attempts(&self) -> i64 {
        i64::from(self.policy.max_attempts.max(1))
    }

    /// Starts, once per catalog, the task that turns notifications into wake-ups. It
    /// reconnects by itself; while it is down, workers still poll.
    fn start_listener(&self) {
        if self.wakeups.listener.initialized() {
            return;
        }
        let _ = self.wakeups.listener.set(());
        let pool = self.pool.clone();
        let wakeups = Arc::clone(&self.wakeups);
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                match listen(&pool, &wakeups).await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, "job notifications interrupted; reconnecting");
                        // Anything may have been queued while we were not listening.
                        wakeups.notify.notify_waiters();
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                    }
                }
            }
        });
    }

    /// Fails jobs whose worker died on every attempt: handing them out again would only
    /// kill the next worker too. `everyone_dead` treats every running job as abandoned.
    async fn fail_dead_jobs(&self, everyone_dead: bool) -> Result<(), CatalogError> {
        sqlx::query(SWEEP_DEAD_JOBS)
            .bind(everyone_dead)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn maybe_sweep(&self, force: bool) -> Result<(), CatalogError> {
        let now = crate::now_ms();
        let last = self.wakeups.last_sweep_ms.load(Ordering::Relaxed);
        if force || now - last >= DEAD_JOB_SWEEP_MS {
            self.wakeups.last_sweep_ms.store(now, Ordering::Relaxed);
            self.fail_dead_jobs(false).await?;
        }
        Ok(())
    }

    async fn try_claim(&self, owner: &str, lease: Duration) -> Result<Option<Job>, CatalogError> {
        let row = sqlx::query(CLAIM)
            .bind(owner)
            .bind(lease.as_millis() as i64)
            .fetch_optional(&self.async_commit)
            .await
            .map_err(db)?;
        row.map(|r| {
            Ok(Job {
                id: r.get("id"),
                hash: parse_hash(r.get::<&str, _>("sha256"))?,
                file_name: r.get("file_name"),
                media_type: codec::media_type_from_str(r.get::<&str, _>("media_type"))?,
                attempt: r.get::<i64, _>("attempts") as u32,
                max_attempts: r.get::<i64, _>("max_attempts") as u32,
            })
        })
        .transpose()
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

async fn listen(pool: &PgPool, wakeups: &Wakeups) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(JOBS_CHANNEL).await?;
    // Work queued before we listened would otherwise wait for the next poll.
    wakeups.notify.notify_waiters();
    loop {
        // `try_recv` returns None when the connection dropped; the next call reconnects.
        match listener.try_recv().await? {
            Some(_) => wakeups.notify.notify_waiters(),
            None => wakeups.notify.notify_waiters(),
        }
    }
}

/// One statement: pick the oldest due job (or a running one whose lease expired and that
/// has attempts left), skipping rows other workers hold, start its next attempt and
/// return it with its original.
const CLAIM: &str = "
WITH clock AS (SELECT hoso_now_ms() AS now),
next AS (
    SELECT j.id FROM jobs j, clock
    WHERE j.state IN ('queued', 'running') AND j.run_at <= clock.now
      AND (j.state = 'queued' OR (j.lease_expires_at < clock.now AND j.attempts < j.max_attempts))
    ORDER BY j.run_at, j.id
    LIMIT 1
    FOR UPDATE OF j SKIP LOCKED
),
claimed AS (
    UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, lease_owner = $1,
        lease_expires_at = clock.now + $2, updated_at = clock.now
    FROM next, clock WHERE jobs.id = next.id
    RETURNING jobs.id, jobs.sha256, jobs.attempts, jobs.max_attempts, clock.now
),
abandoned AS (
    UPDATE job_attempts SET outcome = 'abandoned', ended_at = claimed.now, error = 'the lease expired'
    FROM claimed
    WHERE job_attempts.job_id = claimed.id AND job_attempts.outcome = 'running'
),
started AS (
    INSERT INTO job_attempts (job_id, attempt, worker, started_at, outcome)
    SELECT id, attempts, $1, now, 'running' FROM claimed
)
SELECT c.id, c.sha256, c.attempts, c.max_attempts, o.file_name, o.media_type
FROM claimed c JOIN originals o ON o.sha256 = c.sha256";

/// Fails (dead-letters) running jobs whose lease expired, or all running jobs when $1,
/// that have no attempts left.
const SWEEP_DEAD_JOBS: &str = "
WITH clock AS (SELECT hoso_now_ms() AS now),
dead AS (
    SELECT j.id FROM jobs j, clock
    WHERE j.state = 'running' AND ($1 OR j.lease_expires_at < clock.now)
      AND j.attempts >= j.max_attempts
    FOR UPDATE OF j SKIP LOCKED
),
failed AS (
    UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL,
        last_error = 'the worker stopped during every attempt (' || jobs.attempts || ')',
        updated_at = clock.now
    FROM dead, clock WHERE jobs.id = dead.id
    RETURNING jobs.id, jobs.sha256, jobs.last_error, clock.now
),
abandoned AS (
    UPDATE job_attempts SET outcome = 'abandoned', ended_at = failed.now, error = 'the worker stopped'
    FROM failed WHERE job_attempts.job_id = failed.id AND job_attempts.outcome = 'running'
)
UPDATE originals SET status = 'failed', error = failed.last_error, updated_at = failed.now
FROM failed WHERE originals.sha256 = failed.sha256";

/// The fenced end of an attempt: only the holder of the job's latest attempt, still
/// running, may end it. Returns one row when the fence held. The original's status
/// follows the job's: $4 is the original's new status, or NULL to leave it.
const END_ATTEMPT: &str = "
WITH clock AS (SELECT hoso_now_ms() AS now),
fenced AS (
    UPDATE jobs SET state = $3, run_at = clock.now + $5, last_error = $6, lease_owner = NULL,
        lease_expires_at = NULL, updated_at = clock.now
    FROM clock
    WHERE jobs.id = $1 AND jobs.attempts = $2 AND jobs.state = 'running'
    RETURNING jobs.id, jobs.sha256, clock.now
),
attempt AS (
    UPDATE job_attempts SET outcome = $7, ended_at = fenced.now, error = $6
    FROM fenced WHERE job_attempts.job_id = fenced.id AND job_attempts.attempt = $2
),
original AS (
    UPDATE originals SET status = COALESCE($4, originals.status),
        error = CASE WHEN $4 IS NULL THEN originals.error ELSE $6 END,
        page_count = COALESCE($8, originals.page_count), updated_at = fenced.now
    FROM fenced WHERE originals.sha256 = fenced.sha256 AND $4 IS NOT NULL
),
cleared AS (
    DELETE FROM documents USING fenced WHERE documents.sha256 = fenced.sha256 AND $9
)
SELECT id FROM fenced";

struct AttemptEnd<'a> {
    state: &'a str,
    original_status: Option<&'a str>,
    run_after_ms: i64,
    error: Option<&'a str>,
    outcome: &'a str,
    pages: Option<i64>,
    clear_documents: bool,
}

async fn end_attempt<'e, E>(executor: E, job: &Job, end: AttemptEnd<'_>) -> Result<(), CatalogError>
where
    E: sqlx::PgExecutor<'e>,
{
    let fenced = sqlx::query(END_ATTEMPT)
        .bind(job.id)
        .bind(job.attempt as i64)
        .bind(end.state)
        .bind(end.original_status)
        .bind(end.run_after_ms)
        .bind(end.error)
        .bind(end.outcome)
        .bind(end.pages)
        .bind(end.clear_documents)
        .fetch_optional(executor)
        .await
        .map_err(db)?;
    match fenced {
        Some(_) => Ok(()),
        None => Err(CatalogError::LostLease {
            job: job.id,
            attempt: job.attempt,
        }),
    }
}

#[async_trait]
impl Catalog for PgCatalog {
    async fn register_original(&self, o: &NewOriginal) -> Result<Registration, CatalogError> {
        // One statement: the original and its job appear together or not at all.
        let queued = sqlx::query(
            "WITH clock AS (SELECT hoso_now_ms() AS now),
             inserted AS (
                 INSERT INTO originals (sha256, file_name, media_type, byte_size, status, created_at, updated_at)
                 SELECT $1, $2, $3, $4, 'queued', now, now FROM clock
                 ON CONFLICT (sha256) DO NOTHING RETURNING sha256, created_at
             )
             INSERT INTO jobs (sha256, stage, state, max_attempts, run_at, created_at, updated_at)
             SELECT sha256, $5, 'queued', $6, created_at, created_at, created_at FROM inserted
             ON CONFLICT (sha256, stage) DO NOTHING RETURNING id",
        )
        .bind(o.hash.to_hex())
        .bind(&o.file_name)
        .bind(o.media_type.as_mime())
        .bind(o.byte_size as i64)
        .bind(STAGE_EXTRACT)
        .bind(self.max_attempts())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        if queued.is_some() {
            return Ok(Registration::New);
        }
        let known = self
            .original(&o.hash)
            .await?
            .ok_or_else(|| codec::corrupt("original vanished during registration"))?;
        Ok(Registration::Known(known))
    }

    async fn retry_original(&self, hash: &ContentHash) -> Result<(), CatalogError> {
        // Attempt numbers only grow, so they keep fencing out any worker of an earlier try.
        sqlx::query(
            "WITH clock AS (SELECT hoso_now_ms() AS now),
             retried AS (
                 UPDATE jobs SET state = 'queued', max_attempts = jobs.attempts + $2, run_at = clock.now,
                     last_error = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = clock.now
                 FROM clock WHERE jobs.sha256 = $1 AND jobs.state = 'failed'
                 RETURNING jobs.sha256, clock.now
             )
             UPDATE originals SET status = 'queued', error = NULL, updated_at = retried.now
             FROM retried WHERE originals.sha256 = retried.sha256",
        )
        .bind(hash.to_hex())
        .bind(self.max_attempts())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Job>, CatalogError> {
        self.maybe_sweep(false).await?;
        if let Some(job) = self.try_claim(owner, lease).await? {
            return Ok(Some(job));
        }
        // An idle queue is the cheap moment to dead-letter what died on every attempt.
        self.maybe_sweep(true).await?;
        Ok(None)
    }

    async fn extend_lease(&self, job: &Job, lease: Duration) -> Result<bool, CatalogError> {
        let n = sqlx::query(
            "UPDATE jobs SET lease_expires_at = hoso_now_ms() + $3, updated_at = hoso_now_ms() \
             WHERE id = $1 AND attempts = $2 AND state = 'running'",
        )
        .bind(job.id)
        .bind(job.attempt as i64)
        .bind(lease.as_millis() as i64)
        .execute(&self.async_commit)
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
        let end = AttemptEnd {
            state: "done",
            original_status: Some("processed"),
            run_after_ms: 0,
            error: None,
            outcome: "done",
            pages: Some(i64::from(result.source.pages)),
            // Reprocessing replaces the previous reading of the same original.
            clear_documents: true,
        };
        if result.documents.is_empty() {
            // Nothing to insert: the fenced statement alone is atomic.
            return end_attempt(&self.pool, job, end).await;
        }
        let sha = job.hash.to_hex();
        let mut tx = self.pool.begin().await.map_err(db)?;
        end_attempt(&mut *tx, job, end).await?;

        let mut doc_cols = DocumentColumns::default();
        let mut field_cols = FieldColumns::default();
        for (i, doc) in result.documents.iter().enumerate() {
            let id = document_id(&job.hash, i + 1);
            doc_cols.id.push(id.clone());
            doc_cols.ordinal.push((i + 1) as i64);
            doc_cols
                .document_type
                .push(doc.document_type.as_str().to_string());
            doc_cols.pages.push(codec::to_json(&doc.pages)?);
            doc_cols.confidence.push(f64::from(doc.confidence));
            doc_cols.warnings.push(codec::to_json(&doc.warnings)?);
            for (key, field) in &doc.fields {
                field_cols.document_id.push(id.clone());
                field_cols.key.push(key.clone());
                field_cols.value.push(field.value.clone());
                field_cols.confidence.push(f64::from(field.confidence));
                field_cols.method.push(field.method.as_str().to_string());
                field_cols.evidence.push(codec::to_json(&field.evidence)?);
            }
        }
        // Columns as arrays: every document (and every field) in one round trip.
        sqlx::query(
            "INSERT INTO documents (id, sha256, ordinal, document_type, pages, confidence, warnings, producer, created_at) \
             SELECT d.id, $7, d.ordinal, d.document_type, d.pages, d.confidence, d.warnings, $8, hoso_now_ms() \
             FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::float8[], $6::text[]) \
                 AS d(id, ordinal, document_type, pages, confidence, warnings)",
        )
        .bind(&doc_cols.id)
        .bind(&doc_cols.ordinal)
        .bind(&doc_cols.document_type)
        .bind(&doc_cols.pages)
        .bind(&doc_cols.confidence)
        .bind(&doc_cols.warnings)
        .bind(&sha)
        .bind(producer)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if !field_cols.key.is_empty() {
            sqlx::query(
                "INSERT INTO fields (document_id, key, value, confidence, method, evidence) \
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[])",
            )
            .bind(&field_cols.document_id)
            .bind(&field_cols.key)
            .bind(&field_cols.value)
            .bind(&field_cols.confidence)
            .bind(&field_cols.method)
            .bind(&field_cols.evidence)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        crate::pg_registry::register_records(&mut tx, &job.hash, &result.documents).await?;
        tx.commit().await.map_err(db)
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
                state: "queued",
                original_status: None,
                run_after_ms: retry_after.map_or(0, |d| d.as_millis() as i64),
                error: Some(error),
                outcome: "retrying",
                pages: None,
                clear_documents: false,
            },
            JobFate::Failed => AttemptEnd {
                state: "failed",
                original_status: Some("failed"),
                run_after_ms: 0,
                error: Some(error),
                outcome: "failed",
                pages: None,
                clear_documents: false,
            },
        };
        end_attempt(&self.pool, job, end).await?;
        Ok(fate)
    }

    async fn release_running_jobs(&self) -> Result<u64, CatalogError> {
        self.fail_dead_jobs(true).await?;
        let n = sqlx::query(
            "WITH clock AS (SELECT hoso_now_ms() AS now),
             released AS (
                 UPDATE jobs SET state = 'queued', run_at = clock.now, lease_owner = NULL,
                     lease_expires_at = NULL, updated_at = clock.now
                 FROM clock WHERE jobs.state = 'running' RETURNING jobs.id, clock.now
             ),
             abandoned AS (
                 UPDATE job_attempts SET outcome = 'abandoned', ended_at = released.now,
                     error = 'the process stopped'
                 FROM released WHERE job_attempts.job_id = released.id AND job_attempts.outcome = 'running'
             )
             SELECT COUNT(*) AS n FROM released",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?
        .get::<i64, _>("n");
        Ok(n as u64)
    }

    async fn wait_for_work(&self, timeout: Duration) {
        self.start_listener();
        let _ = tokio::time::timeout(timeout, self.wakeups.notify.notified()).await;
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

#[derive(Default)]
struct DocumentColumns {
    id: Vec<String>,
    ordinal: Vec<i64>,
    document_type: Vec<String>,
    pages: Vec<String>,
    confidence: Vec<f64>,
    warnings: Vec<String>,
}

#[derive(Default)]
struct FieldColumns {
    document_id: Vec<String>,
    key: Vec<String>,
    value: Vec<String>,
    confidence: Vec<f64>,
    method: Vec<String>,
    evidence: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_pipeline::ports::OriginalStatus;
    use hoso_testkit::postgres::TestDatabase;

    async fn catalog(db: &TestDatabase) -> PgCatalog {
        PgCatalog::connect(db.url(), PgPoolSettings::default())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn passes_the_catalog_suite() {
        let db = TestDatabase::create().await;
        crate::catalog_suite::run(&catalog(&db).await).await;
    }

    #[tokio::test]
    async fn passes_the_registry_suite() {
        let db = TestDatabase::create().await;
        crate::registry_suite::run(&catalog(&db).await).await;
    }

    #[tokio::test]
    async fn concurrent_completions_of_one_content_make_one_record() {
        use hoso_pipeline::registry::Registry;
        use hoso_pipeline::SourceInfo;

        let db = TestDatabase::create().await;
        let c = catalog(&db).await;
        let mut jobs = Vec::new();
        for i in 0..8u32 {
            let hash = ContentHash::of(format!("same card, scan {i}").as_bytes());
            c.register_original(&crate::catalog_suite::new_original(&hash))
                .await
                .unwrap();
            jobs.push(
                c.claim_job("w", Duration::from_secs(60))
                    .await
                    .unwrap()
                    .unwrap(),
            );
        }
        let card = crate::registry_suite::card("001099000909", "BÙI VĂN AN", "2021-01-01");
        let tasks: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let c = c.clone();
                let result = ExtractionResult {
                    source: SourceInfo {
                        sha256: job.hash.to_hex(),
                        file_name: "scan.jpg".to_string(),
                        media_type: "image/jpeg".to_string(),
                        pages: 1,
                    },
                    documents: vec![card.clone()],
                };
                tokio::spawn(async move { c.complete_job(&job, &result, "w").await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let all = hoso_pipeline::registry::RecordQuery {
            document_types: vec![],
            statuses: vec![hoso_pipeline::registry::RecordStatus::Extracted],
        };
        let records = c
            .subject_records(&crate::registry_suite::citizen("001099000909"), &all)
            .await
            .unwrap();
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0].documents.len(), 8);
        assert_eq!(c.history(&records[0].id).await.unwrap().len(), 8);
    }

    #[tokio::test]
    async fn of_two_records_verified_at_once_one_stays_verified() {
        use hoso_pipeline::registry::{RecordQuery, RecordStatus, Registry};
        use hoso_pipeline::SourceInfo;

        let db = TestDatabase::create().await;
        let c = catalog(&db).await;
        for round in 0..5 {
            let id = format!("00109900{:04}", 1000 + round);
            let hash = ContentHash::of(format!("two cards {round}").as_bytes());
            c.register_original(&crate::catalog_suite::new_original(&hash))
                .await
                .unwrap();
            let job = c
                .claim_job("w", Duration::from_secs(60))
                .await
                .unwrap()
                .unwrap();
            let result = ExtractionResult {
                source: SourceInfo {
                    sha256: hash.to_hex(),
                    file_name: "scan.jpg".to_string(),
                    media_type: "image/jpeg".to_string(),
                    pages: 2,
                },
                documents: vec![
                    crate::registry_suite::card(&id, "BÙI THỊ BA", "2016-01-01"),
                    crate::registry_suite::card(&id, "BÙI THỊ BA", "2024-01-01"),
                ],
            };
            c.complete_job(&job, &result, "w").await.unwrap();
            let records = c.records_of_original(&hash).await.unwrap();
            assert_eq!(records.len(), 2);
            let verifications: Vec<_> = records
                .iter()
                .map(|r| {
                    let c = c.clone();
                    let id = r.id.clone();
                    tokio::spawn(async move { c.verify(&id, "clerk").await })
                })
                .collect();
            for v in verifications {
                v.await.unwrap().unwrap();
            }
            let verified = c
                .subject_records(
                    &crate::registry_suite::citizen(&id),
                    &RecordQuery::default(),
                )
                .await
                .unwrap();
            assert_eq!(verified.len(), 1, "round {round}: {verified:?}");
            let other = records.iter().find(|r| r.id != verified[0].id).unwrap();
            let other = c.record(&other.id).await.unwrap().unwrap();
            assert_eq!(other.status, RecordStatus::Superseded);
            assert_eq!(
                other.superseded_by.as_deref(),
                Some(verified[0].id.as_str())
            );
        }
    }

    #[tokio::test]
    async fn reconnecting_keeps_data_and_reruns_no_migration() {
        let db = TestDatabase::create().await;
        let hash = ContentHash::of(b"persisted");
        {
            let c = catalog(&db).await;
            let reg = c
                .register_original(&crate::catalog_suite::new_original(&hash))
                .await
                .unwrap();
            assert_eq!(reg, Registration::New);
            c.pool().close().await;
        }
        let c = catalog(&db).await;
        assert_eq!(
            c.original(&hash).await.unwrap().unwrap().status,
            OriginalStatus::Queued
        );
    }

    #[tokio::test]
    async fn concurrent_claims_never_share_a_job() {
        let db = TestDatabase::create().await;
        let c = catalog(&db).await;
        for i in 0..60u32 {
            let hash = ContentHash::of(&i.to_le_bytes());
            c.register_original(&crate::catalog_suite::new_original(&hash))
                .await
                .unwrap();
        }
        let mut tasks = Vec::new();
        for w in 0..6 {
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(job) = c
                    .claim_job(&format!("w{w}"), Duration::from_secs(60))
                    .await
                    .unwrap()
                {
                    mine.push(job.id);
                    c.fail_job(&job, "claimed by the test", None).await.unwrap();
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort_unstable();
        let claimed = all.len();
        all.dedup();
        assert_eq!(claimed, 60, "every job claimed");
        assert_eq!(all.len(), 60, "no job claimed twice");
    }

    #[tokio::test]
    async fn a_notification_wakes_an_idle_worker_before_its_poll() {
        let db = TestDatabase::create().await;
        let c = catalog(&db).await;
        // Let the listener subscribe, then wait far longer than the test allows.
        c.wait_for_work(Duration::from_millis(300)).await;
        let waiter = {
            let c = c.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                c.wait_for_work(Duration::from_secs(30)).await;
                started.elapsed()
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        c.register_original(&crate::catalog_suite::new_original(&ContentHash::of(
            b"wake",
        )))
        .await
        .unwrap();
        let waited = tokio::time::timeout(Duration::from_secs(20), waiter)
            .await
            .expect("the notification arrived")
            .unwrap();
        assert!(waited < Duration::from_secs(20), "{waited:?}");
    }
}
