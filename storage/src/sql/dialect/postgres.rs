//! PostgreSQL's side of the dialect layer: the production backend, shared by any number
//! of worker processes on any number of machines.
//!
//! The queue's hot statements are one round trip each (data-modifying `WITH`): a claim
//! takes a row with `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on each
//! other, and a trigger's `pg_notify` wakes idle workers (`Notifier`); they poll as well.
//! Claims and lease extensions commit without waiting for the WAL flush (`Pools::fast`):
//! a lost claim only makes the job claimable again, and the durable completion that
//! follows flushes it anyway. After a database crash two workers can therefore hold the
//! same attempt number; the first completion wins and the other is fenced out by the
//! job's state. Out of attempts, a job is `failed` (the dead letter) with its last error.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use hoso_pipeline::ports::CatalogError;
use sqlx::any::AnyPoolOptions;
use sqlx::postgres::{PgConnectOptions, PgListener};
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{Notify, OnceCell};

use crate::sql::error::db;
use crate::sql::{AttemptEnd, Claimed};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel the `jobs_notify` trigger signals on.
const JOBS_CHANNEL: &str = "hoso_jobs";

/// `hoso_now_ms()` is defined by the first migration.
pub const NOW: &str = "hoso_now_ms()";

pub const RECORDS_SELECT: &str = "SELECT r.id, r.document_type, r.status, r.content_key, r.fields, \
     r.created_at, r.verified_at, r.verified_by, r.superseded_by, r.revoked_reason, \
     COALESCE((SELECT json_agg(json_build_object('kind', s.kind, 'value', s.value)) \
         FROM record_subjects s WHERE s.record_id = r.id)::text, '[]') AS subjects, \
     COALESCE((SELECT json_agg(json_build_object('id', d.document_id, 'sha256', d.sha256) ORDER BY d.seq) \
         FROM record_documents d WHERE d.record_id = r.id)::text, '[]') AS documents \
     FROM records r {filter}";

pub const DOSSIERS_SELECT: &str = "SELECT d.code, d.procedure_code, d.subject_kind, \
     d.subject_value, d.created_at, d.created_by, \
     COALESCE((SELECT json_agg(o.sha256 ORDER BY o.ordinal) FROM dossier_originals o \
         WHERE o.code = d.code)::text, '[]') AS originals \
     FROM dossiers d";

/// Options for the connection pool, from the service's configuration.
#[derive(Debug, Clone, Copy)]
pub struct PgPoolSettings {
    pub max_connections: u32,
    pub connect_timeout: Duration,
    /// Whether to bring the schema up to date on connecting. A service that connects as
    /// a role without the owner's rights (see migration 0005) leaves it to the owner and
    /// only checks that the schema is current.
    pub migrate: bool,
}

impl Default for PgPoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            connect_timeout: Duration::from_secs(10),
            migrate: true,
        }
    }
}

/// The pools of one catalog.
pub struct Pools {
    pub pool: AnyPool,
    /// Connections whose commits do not wait for the WAL flush, for claims and lease
    /// extensions only. Losing one in a database crash is harmless: the job simply looks
    /// unclaimed again, and every completion, which does wait for the flush, also makes
    /// durable all that came before it.
    pub fast: AnyPool,
}

/// Connects and brings the schema up to date. Several processes may start at once:
/// sqlx's migrator takes an advisory lock, so exactly one of them migrates.
pub async fn connect(url: &str, settings: PgPoolSettings) -> Result<Pools, CatalogError> {
    sqlx::any::install_default_drivers();
    // Checked here so that a malformed url is reported as such, not as a refused connection.
    PgConnectOptions::from_str(url)
        .map_err(|e| CatalogError::permanent(format!("bad database url: {e}")))?;
    let options = || {
        AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.connect_timeout)
    };
    let fast = options()
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("SET synchronous_commit = off").await?;
                Ok(())
            })
        })
        .connect_lazy(url)
        .map_err(|e| CatalogError::permanent(format!("bad database url: {e}")))?;
    let pool = options()
        .connect(url)
        .await
        .map_err(|e| db(e).context("cannot connect to postgresql"))?;
    if settings.migrate {
        // Roles belong to the cluster, and sqlx's migration lock to one database: two
        // databases of one cluster migrated at once (tests, several registries) would
        // both see migration 5's role missing and both create it. Made here first,
        // tolerating the other's win, migration 5 finds it.
        sqlx::query(
            "DO $$ BEGIN \
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hoso_service') THEN \
                 CREATE ROLE hoso_service NOLOGIN; \
               END IF; \
             EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL; \
             END $$",
        )
        .execute(&pool)
        .await
        .map_err(|e| db(e).context("making the role hoso_service"))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| CatalogError::permanent(format!("migrating postgresql: {e}")))?;
    } else {
        let newest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&pool)
                .await
                .map_err(|e| {
                    db(e).context("reading the schema version (database.migrate is off)")
                })?;
        if applied.unwrap_or(0) < newest {
            return Err(CatalogError::permanent(format!(
                "the database schema is at migration {}, this hoso needs {newest}: migrate as the \
                 tables' owner (database.migrate = true), then start the service",
                applied.unwrap_or(0)
            )));
        }
    }
    Ok(Pools { pool, fast })
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
    UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, lease_owner = $1, progress = NULL,
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

pub async fn claim(
    pool: &AnyPool,
    owner: &str,
    lease_ms: i64,
) -> Result<Option<Claimed>, CatalogError> {
    sqlx::query_as::<_, Claimed>(CLAIM)
        .bind(owner)
        .bind(lease_ms)
        .fetch_optional(pool)
        .await
        .map_err(db)
}

/// The fenced end of an attempt: only the holder of the job's latest attempt, still
/// running, may end it. Returns one row when the fence held. The original's status
/// follows the job's: $4 is the original's new status, or NULL to leave it.
const END_ATTEMPT: &str = "
WITH clock AS (SELECT hoso_now_ms() AS now),
fenced AS (
    UPDATE jobs SET state = $3, run_at = clock.now + $5, last_error = $6, lease_owner = NULL, progress = NULL,
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

pub async fn end_attempt(
    conn: &mut AnyConnection,
    end: &AttemptEnd<'_>,
) -> Result<(), CatalogError> {
    let fenced: Option<(i64,)> = sqlx::query_as(END_ATTEMPT)
        .bind(end.job.id)
        .bind(i64::from(end.job.attempt))
        .bind(end.state)
        .bind(end.original_status)
        .bind(end.run_after_ms)
        .bind(end.error)
        .bind(end.outcome.as_str())
        .bind(end.pages)
        .bind(end.clear_documents)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    match fenced {
        Some(_) => Ok(()),
        None => Err(end.lost_lease()),
    }
}

/// Transaction-scoped advisory locks, taken in the order given.
pub async fn lock_keys(conn: &mut AnyConnection, keys: &[String]) -> Result<(), CatalogError> {
    for key in keys {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Turns `NOTIFY hoso_jobs` into wake-ups of the workers of this process.
#[derive(Debug)]
pub struct Notifier {
    url: String,
    notify: Notify,
    listener: OnceCell<()>,
}

impl Notifier {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_string(),
            notify: Notify::new(),
            listener: OnceCell::new(),
        }
    }

    /// Waits for a notification, or `timeout`.
    pub async fn wait(self: &Arc<Self>, timeout: Duration) {
        self.start_listener();
        let _ = tokio::time::timeout(timeout, self.notify.notified()).await;
    }

    /// Starts, once, the task that turns notifications into wake-ups. It reconnects by
    /// itself; while it is down, workers still poll.
    fn start_listener(self: &Arc<Self>) {
        if self.listener.initialized() {
            return;
        }
        let _ = self.listener.set(());
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                if let Err(e) = this.listen().await {
                    tracing::debug!(error = %e, "job notifications interrupted; reconnecting");
                    // Anything may have been queued while we were not listening.
                    this.notify.notify_waiters();
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        });
    }

    async fn listen(&self) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect(&self.url).await?;
        listener.listen(JOBS_CHANNEL).await?;
        // Work queued before we listened would otherwise wait for the next poll.
        self.notify.notify_waiters();
        loop {
            // `try_recv` gives None when the connection dropped; the next call reconnects.
            listener.try_recv().await?;
            self.notify.notify_waiters();
        }
    }
}
