//! The worker pool: async loops that claim jobs, each feeding one dedicated engine thread.
//!
//! Workers are stateless: everything they know comes from the catalog and the object store,
//! so any number of them may run in any number of processes. In the embedded default a
//! process holds `workers.lock` in the data directory, which proves no other worker is
//! alive there, so jobs left running by a killed process resume at once; on PostgreSQL a
//! dead worker's jobs return when their leases expire. Told to stop, a worker claims
//! nothing more and finishes its job in hand, or after `drain_grace` drops it and hands it
//! back (`Catalog::release_job`). Every outcome is an internal event (`crate::events`).

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hoso_extractors::PageText;
use hoso_pipeline::ports::{
    Catalog, CatalogError, Completion, DerivativeKind, Job, JobFate, JobProgress, ObjectKey,
    ObjectStore, PageEngine, PageError,
};
use hoso_pipeline::service::{analyse_reporting, Analysis};
use hoso_pipeline::telemetry::emit;
use hoso_pipeline::{ContentHash, ExtractionResult, Limits};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use crate::events::{
    DocumentsExtracted, FailureReason, JobFailed, JobProcessed, JobReleased, PagesRead, Stage,
    StageTimed,
};

/// When a pool's workers stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    /// The queue has nothing left queued or running.
    Drained,
    /// The shutdown signal came.
    Stopped,
}

/// After this many failed claims in a row the worker gives up and reports the error.
const MAX_CONSECUTIVE_CATALOG_ERRORS: u32 = 10;

/// Builds a page engine on the thread that will use it.
pub type EngineFactory = Arc<dyn Fn() -> Result<Box<dyn PageEngine>, String> + Send + Sync>;

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub workers: usize,
    /// Identifies this process in job leases.
    pub owner: String,
    pub lease: Duration,
    pub heartbeat: Duration,
    pub idle_poll: Duration,
    pub limits: Limits,
    /// Backoff before the second attempt; doubles per attempt, jittered.
    pub retry_base: Duration,
    /// Where each job's original and searchable PDF are kept on disk while it runs: the
    /// engines read and write files, so no file is ever held whole in memory.
    pub scratch_dir: PathBuf,
    /// Once told to stop, how long a job in hand may still run before it is handed back
    /// to the queue: less than the time the process is given to stop (Kubernetes'
    /// termination grace period).
    pub drain_grace: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            owner: format!("pid-{}", std::process::id()),
            lease: Duration::from_secs(60),
            heartbeat: Duration::from_secs(15),
            idle_poll: Duration::from_millis(250),
            limits: Limits::default(),
            retry_base: Duration::from_secs(2),
            scratch_dir: std::env::temp_dir(),
            drain_grace: Duration::from_secs(120),
        }
    }
}

/// What the pool reports as it goes, for progress bars and logs.
#[derive(Debug, Clone)]
pub enum PoolEvent {
    Completed {
        hash: ContentHash,
        file_name: String,
        documents: usize,
        pages: u32,
    },
    Failed {
        hash: ContentHash,
        file_name: String,
        error: String,
        fate: JobFate,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("catalog unavailable: {0}")]
    Catalog(#[from] hoso_pipeline::ports::CatalogError),
}

pub struct WorkerPool {
    catalog: Arc<dyn Catalog>,
    store: Arc<dyn ObjectStore>,
    engines: EngineFactory,
    options: PoolOptions,
    events: mpsc::UnboundedSender<PoolEvent>,
}

struct EngineRequest {
    job: Job,
    /// The original, on disk.
    source: PathBuf,
    /// Where the searchable PDF goes.
    searchable_pdf: PathBuf,
    limits: Limits,
    reply: oneshot::Sender<EngineReply>,
    /// The count of pages read so far, as each page is read.
    pages_read: mpsc::UnboundedSender<u32>,
}

struct EngineOutput {
    analysis: Analysis,
    /// Whether the searchable PDF was written.
    searchable_pdf: bool,
    producer: String,
}

type EngineReply = Result<EngineOutput, EngineFailure>;

#[derive(Debug)]
enum EngineFailure {
    Page(PageError),
    /// The engine could not start or panicked: not the file's fault, so retry.
    Internal(String),
}

impl WorkerPool {
    pub fn new(
        catalog: Arc<dyn Catalog>,
        store: Arc<dyn ObjectStore>,
        engines: EngineFactory,
        options: PoolOptions,
    ) -> (Self, mpsc::UnboundedReceiver<PoolEvent>) {
        let (events, rx) = mpsc::unbounded_channel();
        (
            Self {
                catalog,
                store,
                engines,
                options,
                events,
            },
            rx,
        )
    }

    /// Runs the workers until no job is queued or running: the embedded default, where
    /// this process is the only worker.
    pub async fn drain(self) -> Result<(), PoolError> {
        let (_stop_tx, stop) = watch::channel(false);
        self.run_workers(Until::Drained, stop).await
    }

    /// Runs the workers until `shutdown` resolves, then lets each finish its current job:
    /// `hoso worker` and `hoso serve`, one of any number of worker processes. A database
    /// outage is waited out however long it lasts.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), PoolError> {
        let (stop_tx, stop) = watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        self.run_workers(Until::Stopped, stop).await
    }

    async fn run_workers(self, until: Until, stop: watch::Receiver<bool>) -> Result<(), PoolError> {
        let this = Arc::new(self);
        let mut handles = Vec::new();
        for index in 0..this.options.workers.max(1) {
            let worker = Arc::clone(&this);
            let stop = stop.clone();
            handles.push(tokio::spawn(async move {
                worker.run_worker(index, until, stop).await
            }));
        }
        let mut first_error = None;
        for h in handles {
            match h.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Err(join) => {
                    tracing::error!(error = %join, "worker task ended abnormally");
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn run_worker(
        self: Arc<Self>,
        index: usize,
        until: Until,
        mut stop: watch::Receiver<bool>,
    ) -> Result<(), PoolError> {
        let owner = format!("{}-w{}", self.options.owner, index);
        let mut engine = spawn_engine_thread(&owner, Arc::clone(&self.engines));
        let mut consecutive_errors = 0u32;
        while !*stop.borrow() {
            let claimed = match self.catalog.claim_job(&owner, self.options.lease).await {
                Ok(c) => {
                    consecutive_errors = 0;
                    c
                }
                Err(e)
                    if until == Until::Stopped
                        || consecutive_errors < MAX_CONSECUTIVE_CATALOG_ERRORS =>
                {
                    // A busy or restarting database is no reason to stop a worker.
                    consecutive_errors = consecutive_errors.saturating_add(1);
                    tracing::warn!(error = %e, attempt = consecutive_errors, "cannot claim a job; retrying");
                    let pause = self.options.idle_poll * 2u32.pow(consecutive_errors.min(5));
                    let _ = tokio::time::timeout(pause, stop.changed()).await;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let Some(job) = claimed else {
                if until == Until::Drained && self.catalog.queue_counts().await?.unfinished() == 0 {
                    return Ok(());
                }
                tokio::select! {
                    _ = self.catalog.wait_for_work(self.options.idle_poll) => {}
                    _ = stop.changed() => {}
                }
                continue;
            };
            tracing::debug!(job = job.id, attempt = job.attempt, file = %job.file_name, "claimed");
            if let Err(e) = self
                .process_with_heartbeat(&job, &mut engine, &owner, stop.clone())
                .await
            {
                tracing::warn!(job = job.id, error = %e, "could not record the job's outcome");
            }
        }
        Ok(())
    }

    /// Processes one job while keeping its lease alive, from the first read of the original
    /// to the commit of its result. Told to stop, it lets the job run for the drain grace,
    /// then drops it and hands it back to the queue.
    async fn process_with_heartbeat(
        &self,
        job: &Job,
        engine: &mut mpsc::UnboundedSender<EngineRequest>,
        owner: &str,
        mut stop: watch::Receiver<bool>,
    ) -> Result<(), PoolError> {
        let work = self.process(job, engine, owner);
        tokio::pin!(work);
        let mut beat = tokio::time::interval(self.options.heartbeat);
        beat.tick().await;
        let mut deadline: Option<Instant> = None;
        loop {
            let stopping = *stop.borrow();
            if stopping && deadline.is_none() {
                deadline = Some(Instant::now() + self.options.drain_grace);
                tracing::info!(
                    job = job.id,
                    grace_secs = self.options.drain_grace.as_secs(),
                    "stopping: finishing the job in hand"
                );
            }
            let until_deadline = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                r = &mut work => return r,
                _ = stop.changed(), if !stopping => {}
                _ = until_deadline => {
                    // Dropping the work rolls back any transaction it had open; the engine
                    // thread's reading is abandoned with the process.
                    let released = self
                        .catalog
                        .release_job(job, "handed back: the worker was stopped before it finished")
                        .await?;
                    emit(JobReleased { job, released });
                    return Ok(());
                }
                _ = beat.tick() => {
                    // The work goes on whatever the heartbeat says; a missed beat only risks
                    // the lease, and completion is fenced anyway.
                    match self.catalog.extend_lease(job, self.options.lease).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(job = job.id, "lease lost; the result will be discarded"),
                        Err(e) => tracing::warn!(job = job.id, error = %e, "heartbeat failed"),
                    }
                }
            }
        }
    }

    async fn process(
        &self,
        job: &Job,
        engine: &mut mpsc::UnboundedSender<EngineRequest>,
        owner: &str,
    ) -> Result<(), PoolError> {
        let key = ObjectKey::original(&job.hash);
        // Removed with everything in it when the job is over, however it ends.
        let scratch = match tempfile::Builder::new()
            .prefix("hoso-job-")
            .tempdir_in(&self.options.scratch_dir)
        {
            Ok(dir) => dir,
            Err(e) => {
                let msg = format!(
                    "cannot make a scratch folder in {}: {e}",
                    self.options.scratch_dir.display()
                );
                return self.fail(job, &msg, false, FailureReason::Worker).await;
            }
        };
        let source = scratch.path().join("original");
        let started = Instant::now();
        if let Err(e) = self.store.get_to_file(&key, &source).await {
            return self
                .fail(job, &e.to_string(), !e.is_transient(), FailureReason::Store)
                .await;
        }
        match ContentHash::of_file(&source).await {
            Ok(hash) if hash == job.hash => {}
            Ok(_) => {
                let msg = format!(
                    "the stored original {} does not match its hash",
                    key.as_str()
                );
                return self.fail(job, &msg, true, FailureReason::Store).await;
            }
            Err(e) => {
                let msg = format!("cannot read back {}: {e}", source.display());
                return self.fail(job, &msg, false, FailureReason::Worker).await;
            }
        }
        emit(StageTimed {
            stage: Stage::Read,
            elapsed: started.elapsed(),
        });

        self.report(job, JobProgress::Reading { pages: 0 }).await;
        let searchable_path = scratch.path().join("searchable.pdf");
        let (reply_tx, reply_rx) = oneshot::channel();
        let (pages_tx, pages_rx) = mpsc::unbounded_channel();
        let reporter = tokio::spawn(report_pages_read(
            Arc::clone(&self.catalog),
            job.clone(),
            pages_rx,
        ));
        let request = EngineRequest {
            job: job.clone(),
            source,
            searchable_pdf: searchable_path.clone(),
            limits: self.options.limits,
            reply: reply_tx,
            pages_read: pages_tx,
        };
        if engine.send(request).is_err() {
            *engine = spawn_engine_thread(owner, Arc::clone(&self.engines));
            return self
                .fail(
                    job,
                    "the engine thread had stopped",
                    false,
                    FailureReason::Worker,
                )
                .await;
        }
        let Ok(reply) = reply_rx.await else {
            // The engine thread died mid-job (a panic that escaped); start a new one.
            *engine = spawn_engine_thread(owner, Arc::clone(&self.engines));
            return self
                .fail(
                    job,
                    "the engine thread stopped during the job",
                    false,
                    FailureReason::Worker,
                )
                .await;
        };
        match reply {
            Ok(EngineOutput {
                analysis,
                searchable_pdf,
                producer,
            }) => {
                let Analysis {
                    result,
                    pages,
                    reading,
                    extracting,
                } = analysis;
                emit(StageTimed {
                    stage: Stage::Ocr,
                    elapsed: reading,
                });
                emit(StageTimed {
                    stage: Stage::Extract,
                    elapsed: extracting,
                });
                emit(PagesRead { job, pages: &pages });
                emit(DocumentsExtracted {
                    documents: &result.documents,
                });
                let started = Instant::now();
                // Its sender went with the request: it ends after its last report. Should it
                // hang, it is stopped, so that no late count overwrites what follows.
                let abort = reporter.abort_handle();
                if tokio::time::timeout(Duration::from_secs(5), reporter)
                    .await
                    .is_err()
                {
                    abort.abort();
                }
                let progress = JobProgress::Extracted {
                    pages: result.source.pages,
                    documents: result.documents.len() as u32,
                };
                self.report(job, progress).await;
                let pages_key = ObjectKey::derivative(&job.hash, DerivativeKind::PageText);
                let pages_json = serde_json_bytes(&pages);
                if let Err(e) = self.store.replace(&pages_key, &pages_json).await {
                    return self
                        .fail(job, &e.to_string(), !e.is_transient(), FailureReason::Store)
                        .await;
                }
                if searchable_pdf {
                    let key = ObjectKey::derivative(&job.hash, DerivativeKind::SearchablePdf);
                    if let Err(e) = self.store.replace_from_file(&key, &searchable_path).await {
                        return self
                            .fail(job, &e.to_string(), !e.is_transient(), FailureReason::Store)
                            .await;
                    }
                }
                match self.complete(job, &result, &producer).await {
                    Err(CatalogError::LostLease { .. }) => {
                        // A newer attempt owns the job now; its outcome is the one that counts.
                        tracing::warn!(
                            job = job.id,
                            "lease lost before completion; result discarded"
                        );
                        Ok(())
                    }
                    Err(e) => {
                        let permanent = !e.is_transient();
                        let msg = format!("cannot store the result: {e}");
                        self.fail(job, &msg, permanent, FailureReason::Catalog)
                            .await
                    }
                    Ok(completion) => {
                        emit(StageTimed {
                            stage: Stage::Register,
                            elapsed: started.elapsed(),
                        });
                        emit(JobProcessed {
                            job,
                            pages: result.source.pages,
                            documents: result.documents.len(),
                            completion,
                        });
                        self.send(PoolEvent::Completed {
                            hash: job.hash,
                            file_name: job.file_name.clone(),
                            documents: result.documents.len(),
                            pages: result.source.pages,
                        });
                        Ok(())
                    }
                }
            }
            Err(EngineFailure::Page(e)) => {
                let permanent = e.is_permanent();
                let reason = FailureReason::of_page_error(&e);
                self.fail(job, &e.to_string(), permanent, reason).await
            }
            Err(EngineFailure::Internal(msg)) => {
                self.fail(job, &msg, false, FailureReason::Worker).await
            }
        }
    }

    /// Commits a finished job, riding out a database that is briefly away: the result cost
    /// OCR time, and the lease (kept alive meanwhile) says nobody else is redoing it.
    async fn complete(
        &self,
        job: &Job,
        result: &ExtractionResult,
        producer: &str,
    ) -> Result<Completion, CatalogError> {
        let started = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(100);
        loop {
            match self.catalog.complete_job(job, result, producer).await {
                Err(e) if e.is_transient() && started.elapsed() < self.options.lease => {
                    tracing::warn!(job = job.id, error = %e, "cannot commit the result yet; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                other => return other,
            }
        }
    }

    /// Progress is for people watching: a failure to record it is logged, never fatal.
    async fn report(&self, job: &Job, progress: JobProgress) {
        if let Err(e) = self.catalog.report_progress(job, progress).await {
            tracing::warn!(job = job.id, error = %e, "cannot record the job's progress");
        }
    }

    async fn fail(
        &self,
        job: &Job,
        error: &str,
        permanent: bool,
        reason: FailureReason,
    ) -> Result<(), PoolError> {
        let retry = (!permanent).then(|| backoff(self.options.retry_base, job));
        let fate = self.catalog.fail_job(job, error, retry).await?;
        emit(JobFailed {
            job,
            error,
            reason,
            fate,
        });
        self.send(PoolEvent::Failed {
            hash: job.hash,
            file_name: job.file_name.clone(),
            error: error.to_string(),
            fate,
        });
        Ok(())
    }

    fn send(&self, event: PoolEvent) {
        // Nobody listening is fine: events are informational.
        let _ = self.events.send(event);
    }
}

fn serde_json_bytes(pages: &[PageText]) -> Vec<u8> {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_vec(pages).unwrap_or_default()
}

/// Jittered exponential backoff: base × 2^(attempt-1), ±50%, capped at ten minutes.
fn backoff(base: Duration, job: &Job) -> Duration {
    let exp = base.saturating_mul(1u32 << job.attempt.saturating_sub(1).min(16));
    let capped = exp.min(Duration::from_secs(600));
    // Cheap deterministic-per-attempt jitter: enough to spread workers that failed together.
    let seed = (job.id as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((job.attempt as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9))
        ^ std::process::id() as u64;
    let unit = (seed >> 11) as f64 / (1u64 << 53) as f64;
    capped.mul_f64(0.5 + unit)
}

/// Records the pages read as the engine reads them, at most four times a second (the
/// newest count wins), until the engine drops its end.
async fn report_pages_read(
    catalog: Arc<dyn Catalog>,
    job: Job,
    mut pages_rx: mpsc::UnboundedReceiver<u32>,
) {
    let mut last: Option<tokio::time::Instant> = None;
    while let Some(mut pages) = pages_rx.recv().await {
        while let Ok(newer) = pages_rx.try_recv() {
            pages = newer;
        }
        if last.is_some_and(|at| at.elapsed() < Duration::from_millis(250)) {
            continue;
        }
        last = Some(tokio::time::Instant::now());
        if let Err(e) = catalog
            .report_progress(&job, JobProgress::Reading { pages })
            .await
        {
            tracing::warn!(job = job.id, error = %e, "cannot record the pages read");
        }
    }
}

fn spawn_engine_thread(
    owner: &str,
    factory: EngineFactory,
) -> mpsc::UnboundedSender<EngineRequest> {
    let (tx, mut rx) = mpsc::unbounded_channel::<EngineRequest>();
    let name = format!("engine-{owner}");
    let spawned = std::thread::Builder::new().name(name).spawn(move || {
        let mut engine: Option<Box<dyn PageEngine>> = None;
        while let Some(req) = rx.blocking_recv() {
            if engine.is_none() {
                match std::panic::catch_unwind(AssertUnwindSafe(|| factory())) {
                    Ok(Ok(e)) => engine = Some(e),
                    Ok(Err(msg)) => {
                        let _ = req.reply.send(Err(EngineFailure::Internal(msg)));
                        continue;
                    }
                    Err(_) => {
                        let _ = req.reply.send(Err(EngineFailure::Internal(
                            "the page engine panicked while starting".to_string(),
                        )));
                        continue;
                    }
                }
            }
            let Some(e) = engine.as_mut() else { continue };
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                let analysis = analyse_reporting(
                    e.as_mut(),
                    &req.job.hash,
                    &req.job.file_name,
                    req.job.media_type,
                    &req.source,
                    &req.limits,
                    &mut |n| {
                        let _ = req.pages_read.send(n);
                    },
                )?;
                // The searchable PDF is a convenience: without it the reading still counts.
                let searchable_pdf = e
                    .searchable_pdf(
                        req.job.media_type,
                        &req.source,
                        &analysis.pages,
                        &req.limits,
                        &req.searchable_pdf,
                    )
                    .unwrap_or_else(|err| {
                        tracing::warn!(job = req.job.id, error = %err, "no searchable pdf");
                        false
                    });
                Ok(EngineOutput {
                    analysis,
                    searchable_pdf,
                    producer: e.describe(),
                })
            }));
            let reply = match outcome {
                Ok(Ok(ok)) => Ok(ok),
                Ok(Err(page)) => Err(EngineFailure::Page(page)),
                Err(_) => {
                    // A panic may leave the native engine in a bad state: rebuild it.
                    engine = None;
                    Err(EngineFailure::Internal(
                        "the page engine panicked".to_string(),
                    ))
                }
            };
            let _ = req.reply.send(reply);
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start an engine thread");
    }
    tx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(attempt: u32) -> Job {
        Job {
            id: 7,
            hash: ContentHash::of(b"x"),
            file_name: "x".into(),
            media_type: hoso_pipeline::MediaType::Png,
            attempt,
            max_attempts: 3,
            worker: "w".into(),
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let base = Duration::from_secs(2);
        let first = backoff(base, &job(1));
        assert!(
            first >= Duration::from_secs(1) && first <= Duration::from_secs(3),
            "{first:?}"
        );
        let third = backoff(base, &job(3));
        assert!(
            third >= Duration::from_secs(4) && third <= Duration::from_secs(12),
            "{third:?}"
        );
        let huge = backoff(base, &job(40));
        assert!(huge <= Duration::from_secs(900), "{huge:?}");
    }
}
