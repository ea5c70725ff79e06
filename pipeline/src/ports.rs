//! The traits the pipeline is written against. `storage` implements the object store and
//! the catalog; `workers` implements the page engine.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use hoso_extractors::{ExtractedDocument, PageText};

use crate::{ContentHash, ExtractionResult, Limits, MediaType};

/// Where a blob lives in an object store. Keys are derived from content hashes, never from
/// anything a user typed, so no upload name can reach a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub fn original(hash: &ContentHash) -> Self {
        let hex = hash.to_hex();
        Self(format!("originals/{}/{}", &hex[..2], hex))
    }

    /// A file derived from an original (OCR words, searchable PDF).
    pub fn derivative(hash: &ContentHash, kind: DerivativeKind) -> Self {
        Self(format!("derived/{}/{}", hash.to_hex(), kind.file_name()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivativeKind {
    /// Every page's words and boxes as JSON, so extraction can be re-run without OCR.
    PageText,
    /// The file's pages with the words read from them as an invisible text layer, so that
    /// any PDF reader can search and copy them.
    SearchablePdf,
    /// One page as a PNG at screen size (`PAGE_IMAGE_WIDTH` pixels wide), turned upright
    /// as it was read, so that boxes drawn on it match; made on demand for people.
    PageImage { page: u32 },
}

/// The width of `DerivativeKind::PageImage`: a page beside its fields on a laptop screen.
pub const PAGE_IMAGE_WIDTH: u32 = 1000;

impl DerivativeKind {
    fn file_name(&self) -> String {
        match self {
            DerivativeKind::PageText => "pages.json".to_string(),
            DerivativeKind::SearchablePdf => "searchable.pdf".to_string(),
            DerivativeKind::PageImage { page } => {
                format!("page-{page}-w{PAGE_IMAGE_WIDTH}.png")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object {0} not found")]
    NotFound(String),
    #[error("object {key} is corrupt: {detail}")]
    Corrupt { key: String, detail: String },
    #[error("object store failed on {key}: {detail}")]
    Backend { key: String, detail: String },
    #[error("object store refused access to {key}: {detail}")]
    Unauthorized { key: String, detail: String },
    /// The store understood the request and refused it for good (an S3 4xx other than
    /// a timeout or throttling): sending it again gets the same answer.
    #[error("object store rejected the request for {key}: {detail}")]
    Rejected { key: String, detail: String },
}

impl StoreError {
    /// Whether trying again later may succeed: the store was unreachable, timed out,
    /// throttled or failed, as opposed to the object being missing or damaged, the
    /// credentials being wrong or the request being refused.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Backend { .. })
    }
}

/// Content-addressed blob storage. Objects are written once and never modified.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Stores `bytes` under `key`; storing the same key again is a no-op. For originals,
    /// whose keys are their content hashes.
    async fn put(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError>;
    /// Stores `bytes` under `key`, replacing what was there. For derivatives, which a
    /// retry or a newer engine rewrites.
    async fn replace(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError>;
    /// Reads an object whole; backends verify its checksum and report a mismatch as
    /// `Corrupt`.
    async fn get(&self, key: &ObjectKey) -> Result<Vec<u8>, StoreError>;
    async fn exists(&self, key: &ObjectKey) -> Result<bool, StoreError>;
    /// Every key that starts with `prefix` (a folder such as `originals/`), sorted. For
    /// operators and consistency checks, not for the hot path.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;

    /// Copies an object into the local file `path` (created or truncated), for engines
    /// that read from disk. Backends that can stream override it, so a large original is
    /// never held whole in memory; this default reads it whole.
    async fn get_to_file(&self, key: &ObjectKey, path: &Path) -> Result<(), StoreError> {
        let bytes = self.get(key).await?;
        tokio::fs::write(path, bytes)
            .await
            .map_err(|e| local_file_error(key, path, e))
    }

    /// `replace` with the contents of the local file `path`. Backends that can stream
    /// override it; this default reads the file whole.
    async fn replace_from_file(&self, key: &ObjectKey, path: &Path) -> Result<(), StoreError> {
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| local_file_error(key, path, e))?;
        self.replace(key, &bytes).await
    }
}

/// A failure of the local side of a transfer (a full scratch disk, say): transient, like
/// the backend's own failures.
pub fn local_file_error(key: &ObjectKey, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Backend {
        key: key.as_str().to_string(),
        detail: format!("local file {}: {e}", path.display()),
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageError {
    #[error("the file is not a readable {media}: {detail}")]
    Unreadable { media: MediaType, detail: String },
    #[error("the pdf is encrypted and needs a password")]
    Encrypted,
    #[error("the file has {pages} pages, over the limit of {limit}")]
    TooManyPages { pages: u32, limit: u32 },
    #[error("page {page} is {width}x{height} pixels, over the limit of {limit} pixels")]
    TooManyPixels {
        page: u32,
        width: u64,
        height: u64,
        limit: u64,
    },
    #[error("ocr of page {page} took longer than its limit of {limit_ms} ms")]
    OcrTimeout { page: u32, limit_ms: u64 },
    #[error("the ocr engine failed on page {page}: {detail}")]
    Engine { page: u32, detail: String },
    #[error("the page engine crashed on this file ({detail})")]
    Crashed { detail: String },
    #[error("the page engine needed more than its memory limit of {limit_mib} MiB for this file")]
    OutOfMemory { limit_mib: u64 },
    #[error("reading the file took longer than its limit of {limit_ms} ms")]
    FileTimeout { limit_ms: u64 },
    #[error("the page engine made no progress for {limit_ms} ms after {pages_done} page(s)")]
    Stalled { pages_done: u32, limit_ms: u64 },
    #[error("the page engine could not start: {detail}")]
    EngineStart { detail: String },
    #[error("cannot build the searchable pdf: {detail}")]
    Searchable { detail: String },
}

impl PageError {
    /// Permanent errors come from the file itself: retrying cannot help. A page that
    /// exhausts the generous OCR limit, or a file that crashes or hangs the native
    /// libraries, is taken to be hostile, not unlucky.
    pub fn is_permanent(&self) -> bool {
        !matches!(
            self,
            PageError::Engine { .. } | PageError::EngineStart { .. }
        )
    }
}

/// Turns a file's pages into words with boxes. Implementations hold native engines and are
/// used from one blocking thread at a time.
pub trait PageEngine: Send {
    /// Reads every page of the file at `source` in order, handing each to `on_page` as soon
    /// as it is done. The file is read from disk as pages need it, so that memory follows
    /// one page, not the whole dossier. Returns the page count.
    fn read_pages(
        &mut self,
        media: MediaType,
        source: &Path,
        limits: &Limits,
        on_page: &mut dyn FnMut(PageText),
    ) -> Result<u32, PageError>;

    /// Writes the searchable PDF of a file whose pages were read to `output`: the original
    /// page images with `pages`' words as an invisible text layer. `false` from engines
    /// that make none.
    fn searchable_pdf(
        &mut self,
        _media: MediaType,
        _source: &Path,
        _pages: &[PageText],
        _limits: &Limits,
        _output: &Path,
    ) -> Result<bool, PageError> {
        Ok(false)
    }

    /// Names and versions of the engines, recorded as provenance of every result.
    fn describe(&self) -> String;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginalStatus {
    Queued,
    Processed,
    Failed,
}

impl OriginalStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            OriginalStatus::Queued => "queued",
            OriginalStatus::Processed => "processed",
            OriginalStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Processed, Self::Failed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewOriginal {
    pub hash: ContentHash,
    pub file_name: String,
    pub media_type: MediaType,
    pub byte_size: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OriginalRecord {
    pub hash: ContentHash,
    pub file_name: String,
    pub media_type: MediaType,
    pub byte_size: u64,
    pub pages: Option<u32>,
    pub status: OriginalStatus,
    pub error: Option<String>,
    pub attempts: u32,
    /// When the file was first uploaded, milliseconds since the epoch.
    pub received_at_ms: i64,
    /// What the worker holding its job has done so far; `None` before a worker starts.
    pub progress: Option<JobProgress>,
}

/// A running job's progress, for the clerk watching the file: written by the attempt
/// that holds the job, read by the live view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum JobProgress {
    /// A worker has the original and has read this many of its pages.
    Reading {
        #[serde(default)]
        pages: u32,
    },
    /// Its pages are read, classified into documents and their fields extracted.
    Extracted { pages: u32, documents: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Registration {
    /// First time these bytes are seen: a job was queued.
    New,
    /// The bytes are already registered; nothing was queued.
    Known(OriginalRecord),
}

/// A claimed unit of work. `attempt` fences completions: only the holder of the latest
/// attempt may complete or fail the job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub hash: ContentHash,
    pub file_name: String,
    pub media_type: MediaType,
    pub attempt: u32,
    pub max_attempts: u32,
    /// The worker holding this attempt (the owner that claimed it).
    pub worker: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFate {
    /// Queued again, to run after the backoff.
    Retrying,
    /// Out of attempts, or the error is permanent: kept with its last error.
    Failed,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub queued: u64,
    pub running: u64,
    pub done: u64,
    pub failed: u64,
}

impl QueueCounts {
    pub fn unfinished(&self) -> u64 {
        self.queued + self.running
    }
}

/// How many jobs of a stage are in a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDepth {
    pub stage: String,
    pub state: String,
    pub jobs: u64,
}

/// What a completed job did to the registry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completion {
    /// Records made from the job's documents.
    pub records_made: u32,
    /// Documents linked to a record that already had their content.
    pub records_linked: u32,
}

/// How one attempt at a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Running,
    Done,
    /// Failed for good: the job went to the dead-letter state.
    Failed,
    /// Failed, and the job was queued again.
    Retrying,
    /// The worker went away (lease expired, or its process died).
    Abandoned,
}

impl AttemptOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            AttemptOutcome::Running => "running",
            AttemptOutcome::Done => "done",
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::Retrying => "retrying",
            AttemptOutcome::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Running,
            Self::Done,
            Self::Failed,
            Self::Retrying,
            Self::Abandoned,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// One attempt at a job, kept for operators and for checking exactly-once processing.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub job_id: i64,
    pub attempt: u32,
    pub worker: String,
    pub outcome: AttemptOutcome,
    pub error: Option<String>,
}

/// Queue policy shared by every catalog backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePolicy {
    /// Attempts before a job goes to the dead-letter state. A worker that dies during an
    /// attempt uses it up too, so a file that crashes the engine cannot circulate forever.
    pub max_attempts: u32,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        Self { max_attempts: 3 }
    }
}

/// A registered document with its identity and provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRecord {
    /// `<first 12 hex of the original's hash>-<1-based ordinal in the file>`.
    pub id: String,
    pub source: ContentHash,
    pub file_name: String,
    pub document: ExtractedDocument,
    /// The engines that produced it.
    pub producer: String,
}

pub fn document_id(source: &ContentHash, ordinal: usize) -> String {
    format!("{}-{}", source.short(), ordinal)
}

/// What a caller can do about a failed catalog call. Backends sort their database's
/// errors into these in one place; callers branch on the kind, never on a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogErrorKind {
    /// The database was unreachable, overloaded or shutting down, or gave up this
    /// transaction so that others stay consistent (a serialization failure, a deadlock):
    /// the same call may succeed later.
    Transient,
    /// A unique or exclusion constraint refused the write: retrying repeats the refusal.
    Conflict,
    /// A newer attempt holds the job; this worker's outcome no longer counts.
    LostLease,
    /// Anything else: a bug, a schema that does not match, damaged data. Retrying fails
    /// again.
    Permanent,
}

impl CatalogErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogErrorKind::Transient => "transient",
            CatalogErrorKind::Conflict => "conflict",
            CatalogErrorKind::LostLease => "lost lease",
            CatalogErrorKind::Permanent => "permanent",
        }
    }
}

impl std::fmt::Display for CatalogErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the job {job} attempt {attempt} lost its lease to a newer attempt")]
    LostLease { job: i64, attempt: u32 },
    /// The database refused or failed a call; `kind` says whether to try again.
    #[error("database error ({kind}): {detail}")]
    Database {
        kind: CatalogErrorKind,
        detail: String,
    },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl CatalogError {
    pub fn transient(detail: impl Into<String>) -> Self {
        CatalogError::Database {
            kind: CatalogErrorKind::Transient,
            detail: detail.into(),
        }
    }

    pub fn permanent(detail: impl Into<String>) -> Self {
        CatalogError::Database {
            kind: CatalogErrorKind::Permanent,
            detail: detail.into(),
        }
    }

    pub fn kind(&self) -> CatalogErrorKind {
        match self {
            CatalogError::LostLease { .. } => CatalogErrorKind::LostLease,
            CatalogError::Database { kind, .. } => *kind,
            CatalogError::Corrupt(_) => CatalogErrorKind::Permanent,
        }
    }

    /// The same error, its detail prefixed with what was being done.
    pub fn context(self, doing: &str) -> Self {
        match self {
            CatalogError::Database { kind, detail } => CatalogError::Database {
                kind,
                detail: format!("{doing}: {detail}"),
            },
            other => other,
        }
    }

    /// Whether the same call may succeed later.
    pub fn is_transient(&self) -> bool {
        self.kind() == CatalogErrorKind::Transient
    }
}

/// The database: originals, their jobs, and the documents read from them.
#[async_trait]
pub trait Catalog: Send + Sync {
    /// Records an original and queues its processing in one transaction, unless the same
    /// bytes are already known.
    async fn register_original(&self, original: &NewOriginal)
        -> Result<Registration, CatalogError>;

    /// Queues a failed original again with fresh attempts; does nothing unless it failed.
    async fn retry_original(&self, hash: &ContentHash) -> Result<(), CatalogError>;

    /// Claims the oldest due job, or a running one whose lease has expired.
    async fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Job>, CatalogError>;

    /// Extends the lease of a running job; false when the lease was lost.
    async fn extend_lease(&self, job: &Job, lease: Duration) -> Result<bool, CatalogError>;

    /// Records how far the holder of the job's attempt has got; ignored once it no longer
    /// holds it.
    async fn report_progress(&self, job: &Job, progress: JobProgress) -> Result<(), CatalogError>;

    /// Stores the result and completes the job in one transaction.
    async fn complete_job(
        &self,
        job: &Job,
        result: &ExtractionResult,
        producer: &str,
    ) -> Result<Completion, CatalogError>;

    /// Records a failed attempt: retried after `retry_after`, or failed for good when it is
    /// `None` or the attempts are used up.
    async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        retry_after: Option<Duration>,
    ) -> Result<JobFate, CatalogError>;

    /// Hands a job this worker holds back to the queue unfinished, without using up an
    /// attempt: a worker told to stop that cannot finish in time. False when the lease
    /// was lost already (someone else holds the job, or it ended).
    async fn release_job(&self, job: &Job, reason: &str) -> Result<bool, CatalogError>;

    /// Returns running jobs to the queue. Only for a caller that knows no other worker is
    /// alive (the embedded default holds a lock on its data directory).
    async fn release_running_jobs(&self) -> Result<u64, CatalogError>;

    /// Waits until work may have been queued, or `timeout` passes. Backends that can be
    /// told (PostgreSQL's LISTEN/NOTIFY) return early; the rest simply sleep, and callers
    /// poll again either way.
    async fn wait_for_work(&self, timeout: Duration) {
        tokio::time::sleep(timeout).await
    }

    /// Every attempt at the original's jobs, oldest first.
    async fn attempts(&self, hash: &ContentHash) -> Result<Vec<AttemptRecord>, CatalogError>;

    async fn queue_counts(&self) -> Result<QueueCounts, CatalogError>;
    /// Unfinished and dead-lettered jobs by stage and state (done ones are counted as
    /// they finish, not here): what the metrics call the queue's depth.
    async fn queue_depth(&self) -> Result<Vec<QueueDepth>, CatalogError>;
    async fn originals(&self) -> Result<Vec<OriginalRecord>, CatalogError>;
    async fn original(&self, hash: &ContentHash) -> Result<Option<OriginalRecord>, CatalogError>;
    async fn documents(&self) -> Result<Vec<DocumentRecord>, CatalogError>;
    async fn document(&self, id: &str) -> Result<Option<DocumentRecord>, CatalogError>;
    async fn documents_of(&self, hash: &ContentHash) -> Result<Vec<DocumentRecord>, CatalogError>;
}
