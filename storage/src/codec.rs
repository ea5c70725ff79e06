//! Conversions between stored columns and domain types, shared by the SQL backends.

use std::collections::BTreeMap;

use hoso_extractors::{DocumentType, Evidence, ExtractedDocument, Field, Method};
use hoso_pipeline::ports::{AttemptOutcome, AttemptRecord, CatalogError, OriginalStatus};
use hoso_pipeline::MediaType;

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

/// A stored document row before its fields are attached.
pub struct DocumentRow {
    pub document_type: String,
    pub pages: String,
    pub confidence: f64,
    pub warnings: String,
}

pub struct FieldRow {
    pub document_id: String,
    pub key: String,
    pub value: String,
    pub confidence: f64,
    pub method: String,
    pub evidence: String,
}

pub fn assemble_document(
    row: DocumentRow,
    fields: Vec<FieldRow>,
) -> Result<ExtractedDocument, CatalogError> {
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
    Ok(ExtractedDocument {
        document_type: document_type_from_str(&row.document_type)?,
        pages: from_json(&row.pages)?,
        confidence: row.confidence as f32,
        fields: map,
        warnings: from_json(&row.warnings)?,
    })
}

pub fn attempt(
    job_id: i64,
    attempt: i64,
    worker: String,
    outcome: &str,
    error: Option<String>,
) -> Result<AttemptRecord, CatalogError> {
    Ok(AttemptRecord {
        job_id,
        attempt: attempt as u32,
        worker,
        outcome: AttemptOutcome::parse(outcome)
            .ok_or_else(|| corrupt(format!("unknown attempt outcome {outcome:?}")))?,
        error,
    })
}
