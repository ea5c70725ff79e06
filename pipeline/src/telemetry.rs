//! Internal events: each thing worth counting is one struct whose `emit` both logs it and
//! records its metrics, so that logs and metrics cannot drift apart (the manner of
//! Vector's `internal_events`). Events live beside the code that emits them; this module
//! holds the trait, the metric names every crate shares, and the service layer's own
//! events.
//!
//! Metrics go to the `metrics` facade: the binary installs a Prometheus recorder and
//! serves `/metrics`; without a recorder (tests, `hoso extract`) recording is a no-op.

use hoso_extractors::DocumentType;

/// Something that happened, logged and counted in one place.
pub trait InternalEvent {
    fn emit(self);
}

/// Emits an event; reads better at call sites than `Event { .. }.emit()`.
pub fn emit(event: impl InternalEvent) {
    event.emit();
}

/// The metric names, in one place so that the exporter's buckets and descriptions, the
/// documentation and the tests name the same series.
pub mod names {
    /// Gauge: jobs by `stage` and `state` (queued, running, failed), read at each scrape.
    pub const QUEUE_JOBS: &str = "hoso_queue_jobs";
    /// Counter: jobs completed, by `stage`.
    pub const JOBS_PROCESSED: &str = "hoso_jobs_processed_total";
    /// Counter: failed attempts, by `reason` (a short kind) and `fate` (retrying, failed).
    pub const JOBS_FAILED: &str = "hoso_jobs_failed_total";
    /// Counter: jobs handed back to the queue unfinished when a worker stopped.
    pub const JOBS_RELEASED: &str = "hoso_jobs_released_total";
    /// Histogram: seconds per job in each `stage` (read, ocr, extract, register).
    pub const STAGE_SECONDS: &str = "hoso_stage_duration_seconds";
    /// Counter: pages read; pages per second is its rate.
    pub const PAGES: &str = "hoso_pages_total";
    /// Histogram: a page's mean OCR word confidence, 0 to 1.
    pub const OCR_CONFIDENCE: &str = "hoso_ocr_page_confidence";
    /// Histogram: each extracted field's confidence, 0 to 1, by `document_type`.
    pub const FIELD_CONFIDENCE: &str = "hoso_field_confidence";
    /// Counter: pages read again (an area, an enlargement, another threshold).
    pub const REREADINGS: &str = "hoso_rereadings_total";
    /// Counter: documents found, by `document_type`.
    pub const DOCUMENTS: &str = "hoso_documents_total";
    /// Counter: records made from a document, by `document_type`.
    pub const RECORDS_MADE: &str = "hoso_records_made_total";
    /// Counter: documents linked to an existing record with the same content.
    pub const RECORDS_LINKED: &str = "hoso_records_linked_total";
    /// Counter: records verified by a clerk, by `document_type`.
    pub const RECORDS_VERIFIED: &str = "hoso_records_verified_total";
    /// Counter: verified records given to a caller instead of asking the citizen again,
    /// by `via` (lookup, prefill).
    pub const RECORDS_REUSED: &str = "hoso_records_reused_total";
    /// Counter: fields asked for in a prefill, by `outcome` (known, missing).
    pub const PREFILL_FIELDS: &str = "hoso_prefill_fields_total";
    /// Counter: HTTP requests by `route` (the matched pattern), `method` and `status`.
    pub const HTTP_REQUESTS: &str = "hoso_http_requests_total";
    /// Histogram: HTTP request seconds by `route`.
    pub const HTTP_SECONDS: &str = "hoso_http_request_duration_seconds";

    /// Buckets for the histograms of seconds: a page of OCR takes seconds, a commit
    /// milliseconds, a 200-page file minutes.
    pub const SECONDS_BUCKETS: &[f64] = &[
        0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
    ];
    /// Buckets for confidences.
    pub const CONFIDENCE_BUCKETS: &[f64] =
        &[0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0];
}

/// A clerk verified a record.
pub struct RecordVerified {
    pub document_type: DocumentType,
}

impl InternalEvent for RecordVerified {
    fn emit(self) {
        tracing::debug!(
            document_type = self.document_type.as_str(),
            "record verified"
        );
        metrics::counter!(names::RECORDS_VERIFIED, "document_type" => self.document_type.as_str())
            .increment(1);
    }
}

/// Verified records went to a caller that would otherwise have asked the citizen again.
pub struct RecordsReused {
    /// `lookup` (a subject's records) or `prefill`.
    pub via: &'static str,
    pub records: usize,
}

impl InternalEvent for RecordsReused {
    fn emit(self) {
        tracing::debug!(
            via = self.via,
            records = self.records,
            "verified records reused"
        );
        metrics::counter!(names::RECORDS_REUSED, "via" => self.via).increment(self.records as u64);
    }
}

/// A prefill was answered: how many of the fields asked the registry knew.
pub struct PrefillAnswered {
    pub known: usize,
    pub missing: usize,
}

impl InternalEvent for PrefillAnswered {
    fn emit(self) {
        tracing::debug!(
            known = self.known,
            missing = self.missing,
            "prefill answered"
        );
        metrics::counter!(names::PREFILL_FIELDS, "outcome" => "known").increment(self.known as u64);
        metrics::counter!(names::PREFILL_FIELDS, "outcome" => "missing")
            .increment(self.missing as u64);
    }
}
