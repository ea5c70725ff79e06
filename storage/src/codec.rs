//! Conversions between stored columns and domain types, shared by the SQL backends.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use hoso_extractors::{DocumentType, Evidence, ExtractedDocument, Field, Method};
use hoso_pipeline::ports::{
    AttemptOutcome, AttemptRecord, CatalogError, DocumentRecord, OriginalRecord, OriginalStatus,
    QueueCounts,
};
use hoso_pipeline::{ContentHash, MediaType};

pub fn corrupt(what: impl std::fmt::Display) -> CatalogError {
    CatalogError::Corrupt(what.to_string())
}

pub fn method_from_str(s: &str) -> Result<Method, CatalogError> {
    [
        Method::Qr,
        Method::Mrz,
        Method::Ocr,
        Method::TextLayer,
        Method::Manual,
    ]
    .into_iter()
    .find(|m| m.as_str() == s)
    .ok_or_else(|| corrupt(format!("unknown method {s:?}")))
}

pub fn document_type_from_str(s: &str) -> Result<DocumentType, CatalogError> {
    DocumentType::parse(s).ok_or_else(|| corrupt(format!("unknown document type {s:?}")))
}

pub fn media_type_from_str(s: &str) -> Result<MediaType, CatalogError> {
    MediaType::from_mime(s).ok_or_else(|| corrupt(format!("unknown media type {s:?}")))
}

pub fn status_from_str(s: &str) -> Result<OriginalStatus, CatalogError> {
    OriginalStatus::parse(s).ok_or_else(|| corrupt(format!("unknown status {s:?}")))
}

pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, CatalogError> {
    serde_json::to_string(v).map_err(corrupt)
}

pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, CatalogError> {
    serde_json::from_str(s).map_err(corrupt)
}

/// A stored document as selected by both backends, before its fields are attached.
#[derive(sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub sha256: String,
    pub file_name: String,
    pub document_type: String,
    pub pages: String,
    pub confidence: f64,
    pub warnings: String,
    pub producer: String,
}

#[derive(sqlx::FromRow)]
pub struct FieldRow {
    pub document_id: String,
    pub key: String,
    pub value: String,
    pub confidence: f64,
    pub method: String,
    pub evidence: String,
}

/// The columns both backends select for documents and their fields; `{filter}` is
/// replaced by a `WHERE` on `d` (or nothing).
pub const DOCUMENTS_SELECT: &str = "SELECT d.id, d.sha256, o.file_name, d.document_type, \
     d.pages, d.confidence, d.warnings, d.producer FROM documents d \
     JOIN originals o ON o.sha256 = d.sha256 {filter} ORDER BY o.created_at, d.sha256, d.ordinal";
pub const FIELDS_SELECT: &str = "SELECT f.document_id, f.key, f.value, f.confidence, \
     f.method, f.evidence FROM fields f JOIN documents d ON d.id = f.document_id {filter}";

/// Documents with their fields, in the order of `rows`.
pub fn assemble_documents(
    rows: Vec<DocumentRow>,
    fields: Vec<FieldRow>,
) -> Result<Vec<DocumentRecord>, CatalogError> {
    let mut by_document: HashMap<String, Vec<FieldRow>> = HashMap::new();
    for f in fields {
        by_document
            .entry(f.document_id.clone())
            .or_default()
            .push(f);
    }
    rows.into_iter()
        .map(|row| {
            let fields = by_document.remove(&row.id).unwrap_or_default();
            let source = ContentHash::from_str(&row.sha256).map_err(corrupt)?;
            let mut map = BTreeMap::new();
            for f in fields {
                let evidence: Vec<Evidence> = from_json(&f.evidence)?;
                map.insert(
                    f.key,
                    Field {
                        value: f.value,
                        confidence: f.confidence as f32,
                        method: method_from_str(&f.method)?,
                        evidence,
                    },
                );
            }
            let document = ExtractedDocument {
                document_type: document_type_from_str(&row.document_type)?,
                pages: from_json(&row.pages)?,
                confidence: row.confidence as f32,
                fields: map,
                warnings: from_json(&row.warnings)?,
            };
            Ok(DocumentRecord {
                id: row.id,
                source,
                file_name: row.file_name,
                document,
                producer: row.producer,
            })
        })
        .collect()
}

/// An original with its job's attempt count, as both backends select it.
#[derive(sqlx::FromRow)]
pub struct OriginalRow {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub byte_size: i64,
    pub page_count: Option<i64>,
    pub status: String,
    pub error: Option<String>,
    pub attempts: i64,
}

pub const ORIGINALS_SELECT: &str = "SELECT o.sha256, o.file_name, o.media_type, o.byte_size, \
     o.page_count, o.status, o.error, COALESCE(j.attempts, 0) AS attempts \
     FROM originals o LEFT JOIN jobs j ON j.sha256 = o.sha256 AND j.stage = 'extract'";

impl OriginalRow {
    pub fn into_record(self) -> Result<OriginalRecord, CatalogError> {
        Ok(OriginalRecord {
            hash: ContentHash::from_str(&self.sha256).map_err(corrupt)?,
            file_name: self.file_name,
            media_type: media_type_from_str(&self.media_type)?,
            byte_size: self.byte_size as u64,
            pages: self.page_count.map(|p| p as u32),
            status: status_from_str(&self.status)?,
            error: self.error,
            attempts: self.attempts as u32,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AttemptRow {
    pub job_id: i64,
    pub attempt: i64,
    pub worker: String,
    pub outcome: String,
    pub error: Option<String>,
}

impl AttemptRow {
    pub fn into_record(self) -> Result<AttemptRecord, CatalogError> {
        Ok(AttemptRecord {
            job_id: self.job_id,
            attempt: self.attempt as u32,
            worker: self.worker,
            outcome: AttemptOutcome::parse(&self.outcome)
                .ok_or_else(|| corrupt(format!("unknown attempt outcome {:?}", self.outcome)))?,
            error: self.error,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct StateCount {
    pub state: String,
    pub n: i64,
}

pub const QUEUE_COUNTS_SELECT: &str = "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state";

pub fn queue_counts(rows: Vec<StateCount>) -> Result<QueueCounts, CatalogError> {
    let mut counts = QueueCounts::default();
    for r in rows {
        let n = r.n as u64;
        match r.state.as_str() {
            "queued" => counts.queued = n,
            "running" => counts.running = n,
            "done" => counts.done = n,
            "failed" => counts.failed = n,
            other => return Err(corrupt(format!("unknown job state {other:?}"))),
        }
    }
    Ok(counts)
}
