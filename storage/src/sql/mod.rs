//! The catalog, its job queue and the registry on a SQL database, written once for SQLite
//! (the embedded default, one file in the data directory) and PostgreSQL (production,
//! shared by any number of worker processes). What differs between the two lives in
//! `dialect`; errors become typed kinds in `error`.
//!
//! Times are milliseconds since the Unix epoch by the database's clock (`{now}`), so that
//! leases mean the same thing to workers on machines whose clocks disagree. Attempt
//! numbers fence stale completions: only the holder of a job's latest attempt may end it.

mod accounts;
mod audit;
mod catalog;
pub(crate) mod dialect;
pub(crate) mod error;
mod places;
mod registry;
mod search;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::atomic::AtomicI64;
use std::sync::Arc;

use hoso_pipeline::ports::{AttemptOutcome, CatalogError, Job, QueuePolicy};
use sqlx::{Any, AnyPool, Transaction};

pub use dialect::postgres::PgPoolSettings;
pub use dialect::Dialect;
use error::db;

/// The catalog and registry on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlCatalog {
    pool: AnyPool,
    /// For claims and lease extensions. On PostgreSQL its commits do not wait for the
    /// WAL flush (see `dialect::postgres::Pools`); on SQLite it is `pool`.
    fast: AnyPool,
    dialect: Dialect,
    policy: QueuePolicy,
    /// PostgreSQL's `NOTIFY` wake-ups; SQLite's workers simply poll.
    notifier: Option<Arc<dialect::postgres::Notifier>>,
    /// When this process last looked for jobs whose worker died on every attempt.
    last_sweep_ms: Arc<AtomicI64>,
    /// Whether changes write their audit entries; off only to measure what the log costs
    /// (`hoso bench audit`).
    audit: bool,
}

impl SqlCatalog {
    /// Opens (creating if needed) a SQLite database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, CatalogError> {
        let pool = dialect::sqlite::open(path).await?;
        Ok(Self::new(pool.clone(), pool, Dialect::Sqlite, None))
    }

    /// Connects to PostgreSQL and brings the schema up to date.
    pub async fn connect(url: &str, settings: PgPoolSettings) -> Result<Self, CatalogError> {
        let pools = dialect::postgres::connect(url, settings).await?;
        let notifier = Arc::new(dialect::postgres::Notifier::new(url));
        Ok(Self::new(
            pools.pool,
            pools.fast,
            Dialect::Postgres,
            Some(notifier),
        ))
    }

    fn new(
        pool: AnyPool,
        fast: AnyPool,
        dialect: Dialect,
        notifier: Option<Arc<dialect::postgres::Notifier>>,
    ) -> Self {
        Self {
            pool,
            fast,
            dialect,
            policy: QueuePolicy::default(),
            notifier,
            last_sweep_ms: Arc::default(),
            audit: true,
        }
    }

    /// The same catalog writing no audit entries: for the benchmark that measures what
    /// the log adds to the operations it covers, never for serving.
    pub fn without_audit(mut self) -> Self {
        self.audit = false;
        self
    }

    pub fn with_policy(mut self, policy: QueuePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The connection pool, for tools that query the database directly (benchmarks).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn max_attempts(&self) -> i64 {
        i64::from(self.policy.max_attempts.max(1))
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Any>, CatalogError> {
        self.pool
            .begin_with(self.dialect.begin_write())
            .await
            .map_err(db)
    }
}

/// A claimed job's row, before it is checked and typed.
#[derive(sqlx::FromRow)]
pub(crate) struct Claimed {
    pub id: i64,
    pub sha256: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub file_name: String,
    pub media_type: String,
}

/// How an attempt ends: the job's new state and, when it changes, the original's.
pub(crate) struct AttemptEnd<'a> {
    pub job: &'a Job,
    pub state: &'a str,
    pub outcome: AttemptOutcome,
    /// The original's new status, or `None` to leave it (a retry).
    pub original_status: Option<&'a str>,
    pub run_after_ms: i64,
    pub error: Option<&'a str>,
    pub pages: Option<i64>,
    /// Whether to delete the original's documents (a completion replaces them).
    pub clear_documents: bool,
}

impl AttemptEnd<'_> {
    fn lost_lease(&self) -> CatalogError {
        CatalogError::LostLease {
            job: self.job.id,
            attempt: self.job.attempt,
        }
    }
}
