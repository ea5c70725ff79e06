//! The reuse registry: records about subjects (citizens, enterprises), the dossiers that
//! brought them in, API tokens and the access log of procedure systems' reads.
//!
//! A record is made from one extracted document. Its lifecycle:
//! `extracted → verified → superseded` (a newer verified record of the same type and
//! subject arrived) or `→ revoked` (with a reason). Corrections keep the old value in the
//! record's history. Only verified records are offered to procedure systems.

use std::collections::BTreeMap;

use async_trait::async_trait;
use hoso_extractors::{DocumentType, Field};
use serde::{Deserialize, Serialize};

use crate::ContentHash;

/// Who a record is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A citizen, by the 12-digit personal identification number.
    Citizen,
    /// An enterprise, by its 10-digit code, or `10 digits-3 digits` for a branch.
    Enterprise,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubjectId {
    pub kind: SubjectKind,
    /// Normalised: digits only, plus the branch dash.
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Extracted,
    Verified,
    Superseded,
    Revoked,
}

impl RecordStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            RecordStatus::Extracted => "extracted",
            RecordStatus::Verified => "verified",
            RecordStatus::Superseded => "superseded",
            RecordStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Extracted,
            Self::Verified,
            Self::Superseded,
            Self::Revoked,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// A new record, derived from one extracted document (see `record_candidates`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    /// The document it was made from (`DocumentRecord::id`).
    pub document_id: String,
    pub source: ContentHash,
    pub document_type: DocumentType,
    pub subjects: Vec<SubjectId>,
    /// Type plus key fields, hashed: the same content for the same subject has the same key,
    /// and links to the existing record instead of making a second one.
    pub content_key: String,
    pub fields: BTreeMap<String, Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub document_type: DocumentType,
    pub subjects: Vec<SubjectId>,
    pub status: RecordStatus,
    /// The current values, with their method (`manual` after a correction) and evidence.
    pub fields: BTreeMap<String, Field>,
    /// Every document that had this content, first one first.
    pub documents: Vec<String>,
    pub content_key: String,
    pub created_at_ms: i64,
    pub verified_at_ms: Option<i64>,
    pub verified_by: Option<String>,
    pub superseded_by: Option<String>,
    pub revoked_reason: Option<String>,
}

/// One entry of a record's history: a correction, a verification, a supersession or a
/// revocation. Appended, never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordEvent {
    pub record_id: String,
    pub at_ms: i64,
    /// The token name (or `system` for the pipeline) that caused it.
    pub actor: String,
    pub kind: RecordEventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordEventKind {
    Created {
        document_id: String,
    },
    Linked {
        document_id: String,
    },
    Corrected {
        key: String,
        old_value: Option<String>,
        new_value: String,
        reason: Option<String>,
    },
    Verified,
    Superseded {
        by: String,
    },
    Revoked {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewDossier {
    /// The dossier code (*mã hồ sơ*), unique.
    pub code: String,
    pub procedure_code: String,
    pub subject: SubjectId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub code: String,
    pub procedure_code: String,
    pub subject: SubjectId,
    pub created_at_ms: i64,
    pub created_by: String,
    /// The SHA-256 (hex) of the originals uploaded with it, in upload order.
    pub originals: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Clerk,
    ProcedureSystem,
    Auditor,
    Admin,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::ProcedureSystem => "procedure_system",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Clerk,
            Self::ProcedureSystem,
            Self::Auditor,
            Self::Admin,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    /// For `procedure_system`: the document types it may read. Empty for other roles.
    pub document_types: Vec<DocumentType>,
    /// SHA-256 of the secret, hex. The secret itself is never stored.
    pub secret_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub document_types: Vec<DocumentType>,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// One read of a subject's data: who, what, why, when. Appended, never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub token_name: String,
    pub role: Role,
    pub subject: SubjectId,
    pub document_types: Vec<DocumentType>,
    pub record_ids: Vec<String>,
    pub purpose: String,
    /// The endpoint, e.g. `GET /api/v1/subjects/{id}/records`.
    pub endpoint: String,
    pub at_ms: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("record {0} not found")]
    RecordNotFound(String),
    #[error("dossier {0} not found")]
    DossierNotFound(String),
    #[error("dossier {0} already exists")]
    DossierExists(String),
    #[error("a token named {0} already exists")]
    TokenExists(String),
    #[error("record {id} is {status}: {action} is not allowed")]
    InvalidTransition {
        id: String,
        status: &'static str,
        action: &'static str,
    },
    #[error("record {id} has no field {key} and the type has no such key")]
    UnknownField { id: String, key: String },
    #[error("database error: {0}")]
    Backend(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Which records to return for a subject.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordQuery {
    /// Empty: every type.
    pub document_types: Vec<DocumentType>,
    /// Empty: verified only (what procedure systems see).
    pub statuses: Vec<RecordStatus>,
}

#[async_trait]
pub trait Registry: Send + Sync {
    /// Creates a dossier; `DossierExists` if the code is taken.
    async fn create_dossier(
        &self,
        dossier: &NewDossier,
        by: &str,
    ) -> Result<Dossier, RegistryError>;

    /// Adds an original to a dossier (idempotent). Records of that original's documents that
    /// name no subject of their own are given the dossier's subject.
    async fn attach_original(&self, code: &str, hash: &ContentHash) -> Result<(), RegistryError>;

    async fn dossier(&self, code: &str) -> Result<Option<Dossier>, RegistryError>;

    async fn dossiers(&self) -> Result<Vec<Dossier>, RegistryError>;

    /// The records made from the documents of one original.
    async fn records_of_original(&self, hash: &ContentHash) -> Result<Vec<Record>, RegistryError>;

    async fn record(&self, id: &str) -> Result<Option<Record>, RegistryError>;

    async fn history(&self, id: &str) -> Result<Vec<RecordEvent>, RegistryError>;

    /// Replaces one field's value (method `manual`, evidence kept); allowed while the record
    /// is extracted or verified. The old value goes to the history.
    async fn correct_field(
        &self,
        id: &str,
        key: &str,
        value: &str,
        reason: Option<&str>,
        by: &str,
    ) -> Result<Record, RegistryError>;

    /// Marks an extracted record verified and, in the same transaction, supersedes the
    /// older verified records of the same type and subject.
    async fn verify(&self, id: &str, by: &str) -> Result<Record, RegistryError>;

    async fn revoke(&self, id: &str, reason: &str, by: &str) -> Result<Record, RegistryError>;

    async fn subject_records(
        &self,
        subject: &SubjectId,
        query: &RecordQuery,
    ) -> Result<Vec<Record>, RegistryError>;

    async fn create_token(&self, token: &NewToken) -> Result<Token, RegistryError>;

    /// The live (not revoked) token with this secret hash.
    async fn token_by_secret(&self, secret_sha256: &str) -> Result<Option<Token>, RegistryError>;

    async fn tokens(&self) -> Result<Vec<Token>, RegistryError>;

    async fn revoke_token(&self, name: &str) -> Result<(), RegistryError>;

    async fn log_access(&self, entry: &AccessEntry) -> Result<(), RegistryError>;

    /// Newest first; `None` for every subject.
    async fn access_log(
        &self,
        subject: Option<&SubjectId>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>, RegistryError>;
}
