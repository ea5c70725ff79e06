//! Opens the configured backends: the embedded default (SQLite and a local folder in one
//! data directory) or the production pair (PostgreSQL and S3), in any mix.

use std::fs::File;
use std::sync::Arc;

use anyhow::Context;
use hoso_audit::keys::SigningKey;
use hoso_pipeline::accounts::Accounts;
use hoso_pipeline::audit::{AuditLog, Auditor};
use hoso_pipeline::ports::{Catalog, ObjectStore};
use hoso_pipeline::registry::Registry;
use hoso_pipeline::service::Service;
use hoso_storage::PgPoolSettings;
use hoso_storage::{LocalObjectStore, RetryingObjectStore, S3ObjectStore, SqlCatalog};
use hoso_workers::pool::EngineFactory;
use hoso_workers::PoolOptions;

use crate::config::{redact_url, AuditSettings, Database, Settings};
use crate::engines;

pub struct Backends {
    pub settings: Settings,
    pub service: Service,
    /// The database behind the catalog, registry and logs, for what only a server does
    /// (indexing records made before the search existed).
    pub sql: Arc<SqlCatalog>,
}

impl Backends {
    /// The same backends converting places with the configured unit table, installed for
    /// the process (loading it takes about a tenth of a second, so only the commands that
    /// answer with units ask for it).
    pub fn with_units(mut self) -> anyhow::Result<Self> {
        if let Some(table) = crate::units::install(&self.settings.units)? {
            self.service = self.service.with_crosswalk(table);
        }
        Ok(self)
    }

    pub async fn open(settings: Settings) -> anyhow::Result<Self> {
        // Both catalogs are also the registry: one database holds the queue, the documents
        // and the records made of them.
        let sql: Arc<SqlCatalog> = match &settings.database {
            Database::Sqlite => {
                let dir = &settings.data_dir;
                std::fs::create_dir_all(dir).with_context(|| {
                    format!(
                        "cannot create the data directory {} (data_dir, HOSO_DATA_DIR)",
                        dir.display()
                    )
                })?;
                let catalog = Arc::new(
                    SqlCatalog::open(&dir.join("hoso.db"))
                        .await?
                        .with_policy(settings.workers.queue),
                );
                catalog
            }
            Database::Postgres {
                url,
                max_connections,
                migrate,
            } => {
                let pool = PgPoolSettings {
                    max_connections: *max_connections,
                    migrate: *migrate,
                    ..PgPoolSettings::default()
                };
                let catalog = SqlCatalog::connect(url, pool).await.with_context(|| {
                    format!(
                        "setting database.url (HOSO_DATABASE_URL={}): cannot open the database",
                        redact_url(url)
                    )
                })?;
                Arc::new(catalog.with_policy(settings.workers.queue))
            }
        };
        let catalog: Arc<dyn Catalog> = sql.clone();
        let registry: Arc<dyn Registry> = sql.clone();
        let audit_log: Arc<dyn AuditLog> = sql.clone();
        let accounts: Arc<dyn Accounts> = sql.clone();
        let store: Arc<dyn ObjectStore> = match &settings.s3 {
            None => Arc::new(LocalObjectStore::open(settings.data_dir.join("objects"))?),
            Some(s3) => {
                let store = S3ObjectStore::new(s3.clone()).with_context(|| {
                    format!(
                        "settings s3.* (HOSO_S3_*): cannot set up bucket {}",
                        s3.bucket
                    )
                })?;
                store.ensure_bucket().await.with_context(|| {
                    format!(
                        "settings s3.* (HOSO_S3_*): cannot reach bucket {} at {}",
                        s3.bucket,
                        s3.endpoint.as_deref().unwrap_or("aws")
                    )
                })?;
                // A store that is briefly away is waited out inside a job, not failed.
                Arc::new(RetryingObjectStore::with_deadline(
                    store,
                    settings.workers.store_retry,
                ))
            }
        };
        let key = signing_key(&settings.audit)?;
        let auditor = Auditor::new(audit_log, Some(key), &settings.audit.origin);
        let service = Service::new(catalog, store, settings.limits)
            .with_registry(registry)
            .with_auditor(auditor)
            .with_accounts(accounts, settings.web.session);
        Ok(Self {
            settings,
            service,
            sql,
        })
    }

    /// Whether this process is the only possible worker: with the embedded SQLite
    /// database, workers of other processes are kept out by the data directory's lock.
    pub fn is_embedded(&self) -> bool {
        matches!(self.settings.database, Database::Sqlite)
    }

    /// Where the data lives, for messages.
    pub fn describe(&self) -> String {
        let db = match &self.settings.database {
            Database::Sqlite => format!("{}", self.settings.data_dir.join("hoso.db").display()),
            Database::Postgres { url, .. } => redact_url(url),
        };
        let objects = match &self.settings.s3 {
            None => format!("{}", self.settings.data_dir.join("objects").display()),
            Some(s3) => format!(
                "s3://{}/{} at {}",
                s3.bucket,
                s3.prefix,
                s3.endpoint.as_deref().unwrap_or("aws")
            ),
        };
        format!("database {db}, objects {objects}")
    }

    /// Takes the embedded data directory's worker lock, waiting for another hoso process
    /// that holds it, then resumes the jobs a dead process left running. With a shared
    /// database there is no lock: other workers may be alive, and expired leases hand
    /// their jobs over instead.
    pub async fn prepare_workers(&self) -> anyhow::Result<Option<WorkerLock>> {
        if !self.is_embedded() {
            return Ok(None);
        }
        let path = self.settings.data_dir.join("workers.lock");
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        if file.try_lock().is_err() {
            eprintln!(
                "another hoso process is working on {}; waiting for it to finish",
                self.settings.data_dir.display()
            );
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
        }
        let resumed = self.service.catalog().release_running_jobs().await?;
        if resumed > 0 {
            println!("resuming {resumed} job(s) left unfinished by an earlier run");
        }
        Ok(Some(WorkerLock { _file: file }))
    }

    pub fn pool_options(&self, workers: Option<usize>) -> PoolOptions {
        let w = &self.settings.workers;
        PoolOptions {
            workers: workers.unwrap_or(w.concurrency),
            lease: w.lease,
            heartbeat: w.heartbeat,
            idle_poll: if self.is_embedded() {
                // Nobody else queues work here: idle polling only notices the end.
                std::time::Duration::from_millis(250)
            } else {
                w.poll
            },
            limits: self.settings.limits,
            retry_base: w.retry_base,
            drain_grace: w.drain_grace,
            ..PoolOptions::default()
        }
    }

    pub fn engines(&self) -> EngineFactory {
        engines::factory(&self.settings.workers)
    }
}

/// The audit log's signing key: `HOSO_AUDIT_KEY`, else the key file, which is made with
/// a fresh key (readable by its owner only) when it does not exist yet.
pub fn signing_key(audit: &AuditSettings) -> anyhow::Result<SigningKey> {
    if let Some(secret) = &audit.key_env {
        return SigningKey::parse(secret).context("HOSO_AUDIT_KEY");
    }
    match std::fs::read_to_string(&audit.key_file) {
        Ok(secret) => SigningKey::parse(&secret).with_context(|| {
            format!(
                "audit.key_file (HOSO_AUDIT_KEY_FILE) {}",
                audit.key_file.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SigningKey::generate(&audit.origin)?;
            write_key_file(&audit.key_file, &key)?;
            eprintln!(
                "made a new audit signing key in {}; its public key is {}",
                audit.key_file.display(),
                key.verifier_key()
            );
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| {
            format!(
                "cannot read audit.key_file (HOSO_AUDIT_KEY_FILE) {}",
                audit.key_file.display()
            )
        }),
    }
}

/// Writes a key file readable by its owner only, replacing any earlier one at once.
pub fn write_key_file(path: &std::path::Path, key: &SigningKey) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let part = path.with_extension("part");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&part)
        .with_context(|| format!("cannot write {}", part.display()))?;
    writeln!(file, "{}", key.secret())
        .with_context(|| format!("cannot write {}", part.display()))?;
    file.sync_all()?;
    std::fs::rename(&part, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Held for as long as this process runs workers on the data directory.
pub struct WorkerLock {
    _file: File,
}
