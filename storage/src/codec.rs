//! Conversions between stored columns and domain types, shared by the SQL backends.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use hoso_extractors::{DocumentType, Evidence, ExtractedDocument, Field, FieldKey, Method};
use hoso_pipeline::ports::{
    AttemptOutcome, AttemptRecord, CatalogError, DocumentRecord, OriginalRecord, OriginalStatus,
    QueueCounts,
};
use hoso_pipeline::registry::{
    AccessEntry, Dossier, Record, RecordEvent, RecordStatus, Role, SubjectId, SubjectKind, Token,
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
                let key = FieldKey::parse(&f.key)
                    .ok_or_else(|| corrupt(format!("unknown field key {:?}", f.key)))?;
                map.insert(
                    key,
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
    pub progress: Option<String>,
    pub created_at: i64,
}

pub const ORIGINALS_SELECT: &str = "SELECT o.sha256, o.file_name, o.media_type, o.byte_size, \
     o.page_count, o.status, o.error, COALESCE(j.attempts, 0) AS attempts, j.progress, \
     o.created_at \
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
            received_at_ms: self.created_at,
            // Progress is advisory: an unreadable one is shown as none.
            progress: self
                .progress
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok()),
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

/// A record as both backends select it: `subjects` and `documents` are JSON arrays the
/// query aggregates from `record_subjects` and `record_documents`, so one round trip
/// returns whole records.
#[derive(sqlx::FromRow)]
pub struct RecordRow {
    pub id: String,
    pub document_type: String,
    pub status: String,
    pub content_key: String,
    pub fields: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    pub verified_by: Option<String>,
    pub superseded_by: Option<String>,
    pub revoked_reason: Option<String>,
    pub subjects: String,
    pub documents: String,
}

pub fn record_status_from_str(s: &str) -> Result<RecordStatus, CatalogError> {
    RecordStatus::parse(s).ok_or_else(|| corrupt(format!("unknown record status {s:?}")))
}

pub fn subject_kind_from_str(s: &str) -> Result<SubjectKind, CatalogError> {
    SubjectKind::parse(s).ok_or_else(|| corrupt(format!("unknown subject kind {s:?}")))
}

pub fn role_from_str(s: &str) -> Result<Role, CatalogError> {
    Role::parse(s).ok_or_else(|| corrupt(format!("unknown role {s:?}")))
}

impl RecordRow {
    pub fn into_record(self) -> Result<Record, CatalogError> {
        let mut subjects: Vec<SubjectId> = from_json(&self.subjects)?;
        subjects.sort();
        Ok(Record {
            document_type: document_type_from_str(&self.document_type)?,
            subjects,
            status: record_status_from_str(&self.status)?,
            fields: from_json(&self.fields)?,
            documents: from_json(&self.documents)?,
            content_key: self.content_key,
            created_at_ms: self.created_at,
            verified_at_ms: self.verified_at,
            verified_by: self.verified_by,
            superseded_by: self.superseded_by,
            revoked_reason: self.revoked_reason,
            id: self.id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub record_id: String,
    pub at: i64,
    pub actor: String,
    pub kind: String,
}

impl EventRow {
    pub fn into_event(self) -> Result<RecordEvent, CatalogError> {
        Ok(RecordEvent {
            record_id: self.record_id,
            at_ms: self.at,
            actor: self.actor,
            kind: from_json(&self.kind)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct DossierRow {
    pub code: String,
    pub procedure_code: String,
    pub subject_kind: String,
    pub subject_value: String,
    pub created_at: i64,
    pub created_by: String,
    pub originals: String,
}

impl DossierRow {
    pub fn into_dossier(self) -> Result<Dossier, CatalogError> {
        Ok(Dossier {
            subject: SubjectId {
                kind: subject_kind_from_str(&self.subject_kind)?,
                value: self.subject_value,
            },
            originals: from_json(&self.originals)?,
            code: self.code,
            procedure_code: self.procedure_code,
            created_at_ms: self.created_at,
            created_by: self.created_by,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub document_types: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

pub const TOKENS_SELECT: &str =
    "SELECT id, name, role, document_types, created_at, revoked_at FROM tokens";

impl TokenRow {
    pub fn into_token(self) -> Result<Token, CatalogError> {
        Ok(Token {
            id: self.id,
            role: role_from_str(&self.role)?,
            document_types: from_json(&self.document_types)?,
            name: self.name,
            created_at_ms: self.created_at,
            revoked_at_ms: self.revoked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AccessRow {
    pub at: i64,
    pub token_name: String,
    pub role: String,
    pub subject_kind: String,
    pub subject_value: String,
    pub document_types: String,
    pub record_ids: String,
    pub purpose: String,
    pub endpoint: String,
}

pub const ACCESS_SELECT: &str = "SELECT at, token_name, role, subject_kind, subject_value, \
     document_types, record_ids, purpose, endpoint FROM access_log";

impl AccessRow {
    pub fn into_entry(self) -> Result<AccessEntry, CatalogError> {
        Ok(AccessEntry {
            role: role_from_str(&self.role)?,
            subject: SubjectId {
                kind: subject_kind_from_str(&self.subject_kind)?,
                value: self.subject_value,
            },
            document_types: from_json(&self.document_types)?,
            record_ids: from_json(&self.record_ids)?,
            token_name: self.token_name,
            purpose: self.purpose,
            endpoint: self.endpoint,
            at_ms: self.at,
        })
    }
}

/// A random record id: `r-` and 16 hex digits. Random rather than derived from the first
/// document, because the same document may make several records over time (read again by
/// a newer engine after its first record was revoked).
pub fn new_record_id() -> String {
    format!("r-{:016x}", rand::random::<u64>())
}

/// The name of the advisory lock (PostgreSQL) that serialises verifications of records of
/// one type about one subject, so two concurrent verifications cannot both stay verified.
pub fn verify_lock_key(t: DocumentType, s: &SubjectId) -> String {
    format!("hoso-verify|{}|{}|{}", t.as_str(), s.kind.as_str(), s.value)
}
