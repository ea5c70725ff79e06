//! The reuse registry: records about subjects (citizens, enterprises), the dossiers that
//! brought them in, API tokens and the access log of procedure systems' reads.
//!
//! A record is made from one extracted document. Its lifecycle:
//! `extracted → verified → superseded` (a newer verified record of the same type and
//! subject arrived) or `→ revoked` (with a reason). Corrections keep the old value in the
//! record's history. Only verified records are offered to procedure systems.

use std::fmt;
use std::str::FromStr;

use async_trait::async_trait;
use hoso_extractors::{DocumentType, FieldKey, Fields};
use serde::{Deserialize, Serialize};

use crate::ports::CatalogError;

use crate::ContentHash;

pub use crate::record_rules::*;

/// Who a record is about: defined with the document types' schemas.
pub use hoso_extractors::SubjectKind;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubjectId {
    pub kind: SubjectKind,
    /// Normalised: digits only, plus the branch dash.
    pub value: String,
}

/// Why a text is not a subject id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    #[error("the subject id is empty")]
    Empty,
    #[error("subject id {value:?} holds {found:?}: only digits and one branch dash are allowed")]
    BadCharacter { value: String, found: char },
    #[error(
        "subject id {value:?} is neither 12 digits (citizen), 10 digits (enterprise) \
         nor 10 digits-3 digits (branch)"
    )]
    BadLength { value: String },
    #[error("subject id {value:?} is an enterprise code, not a 12-digit citizen number")]
    NotCitizen { value: String },
}

impl SubjectId {
    /// Reads a citizen number (12 digits), an enterprise code (10 digits) or a branch code
    /// (10 digits, a dash, 3 digits), around which whitespace is ignored. Nothing else is
    /// accepted: no inner spaces, no dots, no 9-digit CMND, because an id that is almost
    /// right must not silently become someone else's.
    pub fn parse(s: &str) -> Result<Self, SubjectError> {
        let value = s.trim();
        if value.is_empty() {
            return Err(SubjectError::Empty);
        }
        if let Some(found) = value.chars().find(|c| !(c.is_ascii_digit() || *c == '-')) {
            return Err(SubjectError::BadCharacter {
                value: value.to_string(),
                found,
            });
        }
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        let kind = match value.split_once('-') {
            None if value.len() == 12 => SubjectKind::Citizen,
            None if value.len() == 10 => SubjectKind::Enterprise,
            Some((code, branch)) if code.len() == 10 && branch.len() == 3 && all_digits(branch) => {
                SubjectKind::Enterprise
            }
            _ => {
                return Err(SubjectError::BadLength {
                    value: value.to_string(),
                })
            }
        };
        Ok(Self {
            kind,
            value: value.to_string(),
        })
    }

    /// `kind:value` (`citizen:001099012345`): the subject as the audit log names it, the
    /// kind spelt out because the value alone says it only by its length.
    pub fn qualified(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.value)
    }

    /// A citizen by the 12-digit personal identification number; enterprise codes are
    /// refused.
    pub fn citizen(number: &str) -> Result<Self, SubjectError> {
        let id = Self::parse(number)?;
        match id.kind {
            SubjectKind::Citizen => Ok(id),
            SubjectKind::Enterprise => Err(SubjectError::NotCitizen { value: id.value }),
        }
    }
}

impl FromStr for SubjectId {
    type Err = SubjectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
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

    /// The status after `action`, or `None` when the lifecycle forbids it. `superseded` is
    /// never the result of an action on the record itself: only verifying a newer record
    /// of the same type and subject puts an older one there.
    pub fn apply(self, action: RecordAction) -> Option<RecordStatus> {
        use RecordStatus::*;
        match (action, self) {
            (RecordAction::Correct, Extracted | Verified) => Some(self),
            (RecordAction::Verify, Extracted) => Some(Verified),
            // A superseded record was true once and stays in the history as it was;
            // revoking it would rewrite that history.
            (RecordAction::Revoke, Extracted | Verified) => Some(Revoked),
            _ => None,
        }
    }

    pub fn allows(self, action: RecordAction) -> bool {
        self.apply(action).is_some()
    }

    /// `apply`, with the error a caller reports.
    pub fn transition(self, id: &str, action: RecordAction) -> Result<RecordStatus, RegistryError> {
        self.apply(action)
            .ok_or_else(|| RegistryError::InvalidTransition {
                id: id.to_string(),
                status: self.as_str(),
                action: action.as_str(),
            })
    }

    /// The statuses in which a record takes part in deduplication: a document with the same
    /// content links to such a record instead of making a new one.
    pub const LIVE: [RecordStatus; 2] = [RecordStatus::Extracted, RecordStatus::Verified];
}

/// What a clerk (or a token) can do to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordAction {
    Correct,
    Verify,
    Revoke,
}

impl RecordAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            RecordAction::Correct => "correct",
            RecordAction::Verify => "verify",
            RecordAction::Revoke => "revoke",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub document_type: DocumentType,
    pub subjects: Vec<SubjectId>,
    pub status: RecordStatus,
    /// The current values, with their method (`manual` after a correction) and evidence.
    pub fields: Fields,
    /// Every document that had this content, first one first.
    pub documents: Vec<RecordDocument>,
    pub content_key: String,
    pub created_at_ms: i64,
    pub verified_at_ms: Option<i64>,
    pub verified_by: Option<String>,
    pub superseded_by: Option<String>,
    pub revoked_reason: Option<String>,
}

/// A document a record was made from or linked to, with the original it is part of. The
/// original's hash is kept beside the link so that a record's provenance is complete
/// without reading the catalog, whose documents a reprocessing replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDocument {
    /// `DocumentRecord::id`.
    pub id: String,
    /// The original's SHA-256, hex.
    pub sha256: String,
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
    /// A clerk chose which of a split commune's current communes a place is in.
    UnitChosen {
        key: String,
        commune_code: String,
        crosswalk: String,
        reason: String,
    },
}

/// A place field's units as stored: converted by one version of the crosswalk (the
/// version travels with the conversion), with a clerk's choice among the candidates when
/// the printed commune was split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPlace {
    pub record_id: String,
    pub key: FieldKey,
    /// The value converted; a correction of the field makes the conversion stale.
    pub printed: String,
    pub crosswalk: String,
    /// The contract's `units` object; null when no unit could be identified.
    pub units: serde_json::Value,
    /// The current commune's code a clerk chose, for a split commune.
    pub chosen: Option<String>,
    pub converted_at_ms: i64,
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
    #[error("a user named {0} already exists")]
    UserExists(String),
    #[error("record {id} is {status}: {action} is not allowed")]
    InvalidTransition {
        id: String,
        status: &'static str,
        action: &'static str,
    },
    #[error("record {id} has no field {key} and the type has no such key")]
    UnknownField { id: String, key: String },
    /// Another change came first: read again and retry.
    #[error("{0}")]
    Conflict(String),
    /// The database failed the call; the catalog error's kind says whether to retry.
    #[error(transparent)]
    Catalog(CatalogError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<CatalogError> for RegistryError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Corrupt(detail) => RegistryError::Corrupt(detail),
            other => RegistryError::Catalog(other),
        }
    }
}

/// Which records to return for a subject.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordQuery {
    /// Empty: every type.
    pub document_types: Vec<DocumentType>,
    /// Empty: verified only (what procedure systems see).
    pub statuses: Vec<RecordStatus>,
}

impl RecordQuery {
    /// The statuses asked for, with the default spelled out.
    pub fn statuses(&self) -> Vec<RecordStatus> {
        if self.statuses.is_empty() {
            vec![RecordStatus::Verified]
        } else {
            self.statuses.clone()
        }
    }
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

    /// Records a read of a subject's data, with its audit log entry (`audit::access_entry`).
    async fn log_access(&self, entry: &AccessEntry) -> Result<(), RegistryError>;

    /// Newest first; `None` for every subject.
    async fn access_log(
        &self,
        subject: Option<&SubjectId>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>, RegistryError>;

    /// Records whose folded names contain `folded` (`search::name_query`), newest first.
    async fn search_records(&self, folded: &str, limit: u32) -> Result<Vec<Record>, RegistryError>;

    /// Records not yet verified nor revoked, least certain first.
    async fn review_queue(&self, limit: u32) -> Result<Vec<Record>, RegistryError>;

    /// Up to `limit` records neither superseded nor revoked, in id order, after the id
    /// `after` when given.
    async fn live_records(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Record>, RegistryError>;

    /// Up to `limit` live records whose places are not converted (new records, and
    /// records changed by a correction since), oldest first.
    async fn unconverted_records(&self, limit: u32) -> Result<Vec<Record>, RegistryError>;

    /// The stored place conversions of one record, or of every record with `None`.
    async fn stored_places(
        &self,
        record_id: Option<&str>,
    ) -> Result<Vec<StoredPlace>, RegistryError>;

    /// Stores conversions and marks `records` converted, in one transaction. Each
    /// conversion replaces the field's earlier one; with `keep_current`, only one of
    /// another value (so a choice a clerk made meanwhile is not undone).
    async fn store_places(
        &self,
        places: &[StoredPlace],
        records: &[String],
        keep_current: bool,
    ) -> Result<(), RegistryError>;

    /// Stores a clerk's choice among the candidates of a split commune in the field's
    /// conversion (`place`, its `chosen` set) and, in the same transaction, in the
    /// record's history and the audit log, like a correction.
    async fn choose_place_unit(
        &self,
        place: &StoredPlace,
        reason: &str,
        by: &str,
    ) -> Result<Record, RegistryError>;

    /// Dossiers opened at or after `since_ms`, newest first.
    async fn dossiers_since(
        &self,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<Dossier>, RegistryError>;
}

#[cfg(test)]
mod tests;
