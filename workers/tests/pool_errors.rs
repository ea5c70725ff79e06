//! The pool retries what may pass and fails at once what will not. A completion the
//! catalog refuses transiently is tried again within the lease; a conflict or a permanent
//! error fails the attempt at once with its reason, and no second attempt follows.
//!
//! The catalog is a real SQLite one with its `complete_job` made to fail a given number
//! of times: a unit test of the pool's policy. That real databases produce each kind is
//! tested in `hoso-storage` (`sql/tests/errors.rs`).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use hoso_pipeline::ports::{
    AttemptOutcome, AttemptRecord, Catalog, CatalogError, CatalogErrorKind, Completion,
    DocumentRecord, Job, JobFate, NewOriginal, ObjectKey, ObjectStore, OriginalRecord,
    OriginalStatus, PageEngine, QueueCounts, QueueDepth, Registration,
};
use hoso_pipeline::{ContentHash, ExtractionResult, MediaType};
use hoso_storage::{LocalObjectStore, SqlCatalog};
use hoso_workers::pool::{PoolOptions, WorkerPool};
use hoso_workers::StandInEngine;

/// A real catalog whose completions fail `times` times with an error of `kind`.
struct Refusing {
    inner: SqlCatalog,
    kind: CatalogErrorKind,
    times: AtomicU32,
}

#[async_trait]
impl Catalog for Refusing {
    async fn complete_job(
        &self,
        job: &Job,
        result: &ExtractionResult,
        producer: &str,
    ) -> Result<Completion, CatalogError> {
        let left = self.times.load(Ordering::SeqCst);
        if left > 0 {
            self.times.store(left - 1, Ordering::SeqCst);
            return Err(CatalogError::Database {
                kind: self.kind,
                detail: format!("injected {} refusal", self.kind),
            });
        }
        self.inner.complete_job(job, result, producer).await
    }

    async fn register_original(&self, o: &NewOriginal) -> Result<Registration, CatalogError> {
        self.inner.register_original(o).await
    }
    async fn retry_original(&self, hash: &ContentHash) -> Result<(), CatalogError> {
        self.inner.retry_original(hash).await
    }
    async fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Job>, CatalogError> {
        self.inner.claim_job(owner, lease).await
    }
    async fn report_progress(
        &self,
        job: &Job,
        progress: hoso_pipeline::ports::JobProgress,
    ) -> Result<(), CatalogError> {
        self.inner.report_progress(job, progress).await
    }
    async fn extend_lease(&self, job: &Job, lease: Duration) -> Result<bool, CatalogError> {
        self.inner.extend_lease(job, lease).await
    }
    async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        retry_after: Option<Duration>,
    ) -> Result<JobFate, CatalogError> {
        self.inner.fail_job(job, error, retry_after).await
    }
    async fn release_job(&self, job: &Job, reason: &str) -> Result<bool, CatalogError> {
        self.inner.release_job(job, reason).await
    }
    async fn release_running_jobs(&self) -> Result<u64, CatalogError> {
        self.inner.release_running_jobs().await
    }
    async fn attempts(&self, hash: &ContentHash) -> Result<Vec<AttemptRecord>, CatalogError> {
        self.inner.attempts(hash).await
    }
    async fn queue_counts(&self) -> Result<QueueCounts, CatalogError> {
        self.inner.queue_counts().await
    }
    async fn queue_depth(&self) -> Result<Vec<QueueDepth>, CatalogError> {
        self.inner.queue_depth().await
    }
    async fn originals(&self) -> Result<Vec<OriginalRecord>, CatalogError> {
        self.inner.originals().await
    }
    async fn original(&self, hash: &ContentHash) -> Result<Option<OriginalRecord>, CatalogError> {
        self.inner.original(hash).await
    }
    async fn documents(&self) -> Result<Vec<DocumentRecord>, CatalogError> {
        self.inner.documents().await
    }
    async fn document(&self, id: &str) -> Result<Option<DocumentRecord>, CatalogError> {
        self.inner.document(id).await
    }
    async fn documents_of(&self, hash: &ContentHash) -> Result<Vec<DocumentRecord>, CatalogError> {
        self.inner.documents_of(hash).await
    }
}

/// Runs one file through a pool whose catalog refuses its completion `times` times with
/// `kind`, and returns the original and its attempts.
async fn run(kind: CatalogErrorKind, times: u32) -> (OriginalRecord, Vec<AttemptRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let inner = SqlCatalog::open(&dir.path().join("hoso.db")).await.unwrap();
    let catalog = Arc::new(Refusing {
        inner,
        kind,
        times: AtomicU32::new(times),
    });
    let store = Arc::new(LocalObjectStore::open(dir.path().join("objects")).unwrap());
    let bytes = b"\x89PNG\r\n\x1a\n a stand-in page".to_vec();
    let hash = ContentHash::of(&bytes);
    store
        .put(&ObjectKey::original(&hash), &bytes)
        .await
        .unwrap();
    catalog
        .register_original(&NewOriginal {
            hash,
            file_name: "page.png".to_string(),
            media_type: MediaType::Png,
            byte_size: bytes.len() as u64,
        })
        .await
        .unwrap();
    let options = PoolOptions {
        workers: 1,
        retry_base: Duration::from_millis(10),
        scratch_dir: dir.path().to_path_buf(),
        ..PoolOptions::default()
    };
    let engines = Arc::new(|| Ok(Box::new(StandInEngine::default()) as Box<dyn PageEngine>));
    let (pool, _events) = WorkerPool::new(catalog.clone(), store, engines, options);
    tokio::time::timeout(Duration::from_secs(60), pool.drain())
        .await
        .expect("the queue drains")
        .unwrap();
    let original = catalog.original(&hash).await.unwrap().unwrap();
    let attempts = catalog.attempts(&hash).await.unwrap();
    (original, attempts)
}

#[tokio::test]
async fn a_transient_refusal_is_ridden_out_within_the_attempt() {
    let (original, attempts) = run(CatalogErrorKind::Transient, 2).await;
    assert_eq!(original.status, OriginalStatus::Processed, "{original:?}");
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0].outcome, AttemptOutcome::Done);
}

#[tokio::test]
async fn a_conflict_or_a_permanent_error_fails_the_attempt_at_once() {
    for kind in [CatalogErrorKind::Conflict, CatalogErrorKind::Permanent] {
        let (original, attempts) = run(kind, 1).await;
        assert_eq!(
            original.status,
            OriginalStatus::Failed,
            "{kind}: {original:?}"
        );
        let error = original.error.unwrap_or_default();
        assert!(
            error.contains(&format!("injected {kind} refusal")),
            "{error}"
        );
        assert_eq!(attempts.len(), 1, "{kind}: no second attempt: {attempts:?}");
        assert_eq!(attempts[0].outcome, AttemptOutcome::Failed);
    }
}
