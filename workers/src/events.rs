//! The worker pool's internal events: each one logs and counts (see
//! `hoso_pipeline::telemetry`).

use std::time::Duration;

use hoso_extractors::{ExtractedDocument, PageText};
use hoso_pipeline::ports::{Completion, Job, JobFate, PageError};
use hoso_pipeline::telemetry::{names, InternalEvent};

/// The stages a job's time is split into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The original fetched from the object store and its hash checked.
    Read,
    /// Pages rasterised or decoded and read by OCR, rereadings included.
    Ocr,
    /// Classification and field extraction.
    Extract,
    /// The page text and searchable PDF stored, the result and its records committed.
    Register,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Ocr => "ocr",
            Stage::Extract => "extract",
            Stage::Register => "register",
        }
    }
}

pub struct StageTimed {
    pub stage: Stage,
    pub elapsed: Duration,
}

impl InternalEvent for StageTimed {
    fn emit(self) {
        tracing::trace!(
            stage = self.stage.as_str(),
            seconds = self.elapsed.as_secs_f64(),
            "stage done"
        );
        metrics::histogram!(names::STAGE_SECONDS, "stage" => self.stage.as_str())
            .record(self.elapsed.as_secs_f64());
    }
}

/// A job's pages were read: their count, OCR confidence and rereadings.
pub struct PagesRead<'a> {
    pub job: &'a Job,
    pub pages: &'a [PageText],
}

impl InternalEvent for PagesRead<'_> {
    fn emit(self) {
        let rereadings: usize = self.pages.iter().map(|p| p.rereadings.len()).sum();
        tracing::debug!(
            job = self.job.id,
            pages = self.pages.len(),
            rereadings,
            "pages read"
        );
        metrics::counter!(names::PAGES).increment(self.pages.len() as u64);
        metrics::counter!(names::REREADINGS).increment(rereadings as u64);
        let confidence = metrics::histogram!(names::OCR_CONFIDENCE);
        for page in self.pages {
            if page.words.is_empty() {
                continue;
            }
            let sum: f64 = page.words.iter().map(|w| f64::from(w.confidence)).sum();
            confidence.record(sum / page.words.len() as f64);
        }
    }
}

/// Documents were found in a job's pages.
pub struct DocumentsExtracted<'a> {
    pub documents: &'a [ExtractedDocument],
}

impl InternalEvent for DocumentsExtracted<'_> {
    fn emit(self) {
        for doc in self.documents {
            let kind = doc.document_type.as_str();
            metrics::counter!(names::DOCUMENTS, "document_type" => kind).increment(1);
            let confidence = metrics::histogram!(names::FIELD_CONFIDENCE, "document_type" => kind);
            for field in doc.fields.values() {
                confidence.record(f64::from(field.confidence));
            }
        }
    }
}

/// A job completed: its result and records committed.
pub struct JobProcessed<'a> {
    pub job: &'a Job,
    pub pages: u32,
    pub documents: usize,
    pub completion: Completion,
}

impl InternalEvent for JobProcessed<'_> {
    fn emit(self) {
        tracing::info!(
            original = %self.job.hash.short(),
            file = %self.job.file_name,
            pages = self.pages,
            documents = self.documents,
            records_made = self.completion.records_made,
            records_linked = self.completion.records_linked,
            "processed"
        );
        metrics::counter!(names::JOBS_PROCESSED, "stage" => "extract").increment(1);
        metrics::counter!(names::RECORDS_MADE).increment(u64::from(self.completion.records_made));
        metrics::counter!(names::RECORDS_LINKED)
            .increment(u64::from(self.completion.records_linked));
    }
}

/// Why an attempt failed, as a label of few values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureReason {
    /// The file is not what it claims, is encrypted, or is over a limit.
    Rejected,
    /// OCR or the engine timed out, stalled, ran out of memory or crashed on the file.
    Engine,
    /// The object store could not give or take the bytes.
    Store,
    /// The catalog could not record the result.
    Catalog,
    /// The worker itself (scratch space, its engine thread).
    Worker,
}

impl FailureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Rejected => "rejected",
            FailureReason::Engine => "engine",
            FailureReason::Store => "store",
            FailureReason::Catalog => "catalog",
            FailureReason::Worker => "worker",
        }
    }

    pub fn of_page_error(e: &PageError) -> Self {
        match e {
            PageError::Unreadable { .. }
            | PageError::Encrypted
            | PageError::TooManyPages { .. }
            | PageError::TooManyPixels { .. } => FailureReason::Rejected,
            _ => FailureReason::Engine,
        }
    }
}

/// An attempt at a job failed; it is retried later or dead-lettered.
pub struct JobFailed<'a> {
    pub job: &'a Job,
    pub error: &'a str,
    pub reason: FailureReason,
    pub fate: JobFate,
}

impl InternalEvent for JobFailed<'_> {
    fn emit(self) {
        let fate = match self.fate {
            JobFate::Retrying => "retrying",
            JobFate::Failed => "failed",
        };
        macro_rules! log_at {
            ($level:expr) => {
                tracing::event!(
                    $level,
                    original = %self.job.hash.short(),
                    file = %self.job.file_name,
                    attempt = self.job.attempt,
                    error = self.error,
                    reason = self.reason.as_str(),
                    fate,
                    "attempt failed"
                )
            };
        }
        // A file that is not what it claims is expected input, not a fault of ours: its
        // reason goes to the dossier; warnings are kept for what operators must see.
        if self.reason == FailureReason::Rejected {
            log_at!(tracing::Level::INFO);
        } else {
            log_at!(tracing::Level::WARN);
        }
        metrics::counter!(names::JOBS_FAILED, "reason" => self.reason.as_str(), "fate" => fate)
            .increment(1);
    }
}

/// A stopping worker handed a job back unfinished.
pub struct JobReleased<'a> {
    pub job: &'a Job,
    pub released: bool,
}

impl InternalEvent for JobReleased<'_> {
    fn emit(self) {
        if self.released {
            tracing::info!(original = %self.job.hash.short(), file = %self.job.file_name, "stopping: job handed back to the queue");
            metrics::counter!(names::JOBS_RELEASED).increment(1);
        } else {
            tracing::info!(original = %self.job.hash.short(), "stopping: the job's lease had passed to another worker");
        }
    }
}
