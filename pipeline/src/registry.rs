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
use hoso_extractors::{DocumentType, Fields};
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

    /// Dossiers opened at or after `since_ms`, newest first.
    async fn dossiers_since(
        &self,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<Dossier>, RegistryError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_extractors::{BBox, Evidence, ExtractedDocument, Field, FieldKey, Method};

    fn field(value: &str) -> Field {
        Field {
            value: value.to_string(),
            confidence: 0.9,
            method: Method::Ocr,
            evidence: vec![Evidence {
                page: 1,
                bbox: BBox::new(0.1, 0.1, 0.2, 0.2),
                raw: value.to_string(),
            }],
        }
    }

    fn doc(t: DocumentType, fields: &[(&str, &str)]) -> ExtractedDocument {
        ExtractedDocument {
            document_type: t,
            pages: vec![1],
            confidence: 0.9,
            fields: fields
                .iter()
                .map(|(k, v)| (FieldKey::parse(k).expect("a field key"), field(v)))
                .collect(),
            warnings: vec![],
        }
    }

    fn citizen(v: &str) -> SubjectId {
        SubjectId {
            kind: SubjectKind::Citizen,
            value: v.to_string(),
        }
    }

    fn enterprise(v: &str) -> SubjectId {
        SubjectId {
            kind: SubjectKind::Enterprise,
            value: v.to_string(),
        }
    }

    /// Field key and value pairs, as a fixture writes them.
    type Fields<'a> = &'a [(&'a str, &'a str)];

    #[test]
    fn subject_ids_parse_by_shape() {
        let cases: &[(&str, Result<SubjectId, SubjectError>)] = &[
            ("001099012345", Ok(citizen("001099012345"))),
            ("  001099012345\n", Ok(citizen("001099012345"))),
            ("0101234567", Ok(enterprise("0101234567"))),
            ("0101234567-001", Ok(enterprise("0101234567-001"))),
            ("\t0101234567-001 ", Ok(enterprise("0101234567-001"))),
            ("", Err(SubjectError::Empty)),
            ("   ", Err(SubjectError::Empty)),
            (
                "00109901234",
                Err(SubjectError::BadLength {
                    value: "00109901234".into(),
                }),
            ),
            (
                "0010990123456",
                Err(SubjectError::BadLength {
                    value: "0010990123456".into(),
                }),
            ),
            (
                "012345678",
                Err(SubjectError::BadLength {
                    value: "012345678".into(),
                }),
            ),
            (
                "0101234567-01",
                Err(SubjectError::BadLength {
                    value: "0101234567-01".into(),
                }),
            ),
            (
                "010123456-0001",
                Err(SubjectError::BadLength {
                    value: "010123456-0001".into(),
                }),
            ),
            (
                "0101234567-001-002",
                Err(SubjectError::BadLength {
                    value: "0101234567-001-002".into(),
                }),
            ),
            (
                "001099-012345",
                Err(SubjectError::BadLength {
                    value: "001099-012345".into(),
                }),
            ),
            (
                "-0101234567",
                Err(SubjectError::BadLength {
                    value: "-0101234567".into(),
                }),
            ),
            (
                "001 099 012 345",
                Err(SubjectError::BadCharacter {
                    value: "001 099 012 345".into(),
                    found: ' ',
                }),
            ),
            (
                "00109901234O",
                Err(SubjectError::BadCharacter {
                    value: "00109901234O".into(),
                    found: 'O',
                }),
            ),
            (
                "００１０９９０１２３４５",
                Err(SubjectError::BadCharacter {
                    value: "００１０９９０１２３４５".into(),
                    found: '０',
                }),
            ),
            (
                "0101.234.567",
                Err(SubjectError::BadCharacter {
                    value: "0101.234.567".into(),
                    found: '.',
                }),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(&SubjectId::parse(input), want, "{input:?}");
            assert_eq!(&input.parse::<SubjectId>(), want, "{input:?}");
        }
    }

    #[test]
    fn subject_errors_name_the_problem_in_lowercase() {
        let messages = [
            (
                SubjectId::parse(" ").unwrap_err(),
                "the subject id is empty",
            ),
            (
                SubjectId::parse("12a").unwrap_err(),
                "subject id \"12a\" holds 'a': only digits and one branch dash are allowed",
            ),
            (
                SubjectId::parse("123").unwrap_err(),
                "subject id \"123\" is neither 12 digits (citizen), 10 digits (enterprise) \
                 nor 10 digits-3 digits (branch)",
            ),
            (
                SubjectId::citizen("0101234567").unwrap_err(),
                "subject id \"0101234567\" is an enterprise code, not a 12-digit citizen number",
            ),
        ];
        for (err, want) in messages {
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn citizen_accepts_only_citizen_numbers_and_display_prints_the_value() {
        let id = SubjectId::citizen(" 001099012345 ").unwrap();
        assert_eq!(id, citizen("001099012345"));
        assert_eq!(id.to_string(), "001099012345");
        assert_eq!(enterprise("0101234567-001").to_string(), "0101234567-001");
        assert!(SubjectId::citizen("0101234567-001").is_err());
        assert!(SubjectId::citizen("1234").is_err());
        for kind in [SubjectKind::Citizen, SubjectKind::Enterprise] {
            assert_eq!(SubjectKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn candidates_name_the_subjects_of_each_type() {
        use DocumentType::*;
        let cases: &[(DocumentType, Fields, &[SubjectId])] = &[
            (
                CitizenId,
                &[
                    ("id_number", "001099012345"),
                    ("full_name", "NGUYỄN VĂN AN"),
                ],
                &[citizen("001099012345")],
            ),
            (
                BirthCertificate,
                &[
                    ("personal_id_number", "001223004567"),
                    ("mother_full_name", "TRẦN THỊ BÌNH"),
                ],
                &[citizen("001223004567")],
            ),
            (
                MarriageCertificate,
                &[
                    ("wife_id_number", "001199000002"),
                    ("husband_id_number", "001099000001"),
                ],
                &[citizen("001099000001"), citizen("001199000002")],
            ),
            (
                BusinessRegistration,
                &[
                    ("enterprise_code", "0101234567"),
                    ("legal_representative_id_number", "001099012345"),
                ],
                &[citizen("001099012345"), enterprise("0101234567")],
            ),
            (
                BusinessRegistration,
                &[("enterprise_code", "0101234567-002")],
                &[enterprise("0101234567-002")],
            ),
            (
                ResidenceConfirmation,
                &[("id_number", "001099012345")],
                &[citizen("001099012345")],
            ),
            // Misread or wrong-kind values name nobody; the dossier names the subject later.
            (CitizenId, &[("id_number", "00109901234")], &[]),
            (CitizenId, &[("full_name", "NGUYỄN VĂN AN")], &[]),
            (
                BusinessRegistration,
                &[
                    ("enterprise_code", "001099012345"),
                    ("legal_representative_id_number", "0101234567"),
                ],
                &[],
            ),
            // A citizen number in a field the type does not read subjects from.
            (BirthCertificate, &[("id_number", "001099012345")], &[]),
            // The same person twice is one subject.
            (
                MarriageCertificate,
                &[
                    ("wife_id_number", "001099000001"),
                    ("husband_id_number", "001099000001"),
                ],
                &[citizen("001099000001")],
            ),
        ];
        let source = ContentHash::of(b"scan");
        for (t, fields, subjects) in cases {
            let d = doc(*t, fields);
            let c = record_candidate("abc-1", &source, &d).expect("a candidate");
            assert_eq!(c.subjects, *subjects, "{t:?} {fields:?}");
            assert_eq!(c.document_type, *t);
            assert_eq!(c.document_id, "abc-1");
            assert_eq!(c.source, source);
            assert_eq!(c.fields, d.fields);
        }
        assert_eq!(
            record_candidate(
                "abc-2",
                &source,
                &doc(Unknown, &[("id_number", "001099012345")])
            ),
            None
        );
    }

    #[test]
    fn content_keys_compare_key_fields_as_the_spec_compares_values() {
        use DocumentType::*;
        let base: &[(&str, &str)] = &[
            ("id_number", "001099012345"),
            ("date_of_issue", "2021-04-12"),
            ("full_name", "NGUYỄN VĂN AN"),
            ("date_of_birth", "1999-01-02"),
            ("sex", "male"),
        ];
        let key = |t: DocumentType, fields: &[(&str, &str)], id: &str| {
            content_key(t, &doc(t, fields).fields, id)
        };
        let k = key(CitizenId, base, "a-1");
        assert_eq!(k.len(), 64);
        assert!(k.bytes().all(|b| b.is_ascii_hexdigit()));
        // Stable across documents, field order, case, spacing and normal form.
        assert_eq!(k, key(CitizenId, base, "b-7"));
        let mut shuffled = base.to_vec();
        shuffled.reverse();
        assert_eq!(k, key(CitizenId, &shuffled, "a-1"));
        let mut variant = base.to_vec();
        variant[2] = ("full_name", "  nguye\u{0302}\u{0303}n   Văn\tan ");
        assert_eq!(k, key(CitizenId, &variant, "a-1"));
        // Fields outside the key do not matter.
        let mut other_sex = base.to_vec();
        other_sex[4] = ("sex", "female");
        assert_eq!(k, key(CitizenId, &other_sex, "a-1"));
        // Every key field matters, and so does the type.
        for i in 0..4 {
            let mut changed = base.to_vec();
            changed[i].1 = "changed";
            assert_ne!(k, key(CitizenId, &changed, "a-1"), "{}", base[i].0);
            let missing: Vec<_> = base.iter().copied().filter(|f| f.0 != base[i].0).collect();
            assert_ne!(k, key(CitizenId, &missing, "a-1"), "{}", base[i].0);
        }
        assert_ne!(k, key(ResidenceConfirmation, base, "a-1"));
        // A value cannot pose as another line.
        assert_ne!(
            key(
                CitizenId,
                &[("full_name", "A\ndate_of_birth=1999-01-02")],
                "a-1"
            ),
            key(
                CitizenId,
                &[("full_name", "a"), ("date_of_birth", "1999-01-02")],
                "a-1"
            )
        );
        // Nothing readable: no two documents share a key.
        let empty: &[(&str, &str)] = &[("sex", "male")];
        assert_ne!(key(CitizenId, empty, "a-1"), key(CitizenId, empty, "a-2"));
        assert_eq!(key(CitizenId, empty, "a-1"), key(CitizenId, empty, "a-1"));
        // The key of the candidate is this key.
        let source = ContentHash::of(b"scan");
        assert_eq!(
            record_candidate("z-1", &source, &doc(CitizenId, base))
                .unwrap()
                .content_key,
            k
        );
    }

    #[test]
    fn key_fields_and_subject_fields_are_field_keys_of_their_type() {
        for t in DocumentType::ALL {
            for key in key_fields(t) {
                assert!(field_keys(t).contains(&key), "{t:?} {key}");
            }
            for (key, _) in subject_fields(t) {
                assert!(field_keys(t).contains(&key), "{t:?} {key}");
            }
        }
        assert_eq!(field_keys(DocumentType::CitizenId).len(), 11);
        assert_eq!(field_keys(DocumentType::BirthCertificate).len(), 16);
        assert_eq!(field_keys(DocumentType::MarriageCertificate).len(), 10);
        assert_eq!(field_keys(DocumentType::BusinessRegistration).len(), 7);
        assert_eq!(field_keys(DocumentType::ResidenceConfirmation).len(), 9);
        assert!(field_keys(DocumentType::Unknown).is_empty());
    }

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        use RecordAction::*;
        use RecordStatus::*;
        let table = [
            (Extracted, Correct, Some(Extracted)),
            (Extracted, Verify, Some(Verified)),
            (Extracted, Revoke, Some(Revoked)),
            (Verified, Correct, Some(Verified)),
            (Verified, Verify, None),
            (Verified, Revoke, Some(Revoked)),
            (Superseded, Correct, None),
            (Superseded, Verify, None),
            (Superseded, Revoke, None),
            (Revoked, Correct, None),
            (Revoked, Verify, None),
            (Revoked, Revoke, None),
        ];
        for (status, action, after) in table {
            assert_eq!(status.apply(action), after, "{status:?} {action:?}");
            assert_eq!(status.allows(action), after.is_some());
            assert_eq!(RecordStatus::parse(status.as_str()), Some(status));
        }
        let err = Verified.transition("r-1", Verify).unwrap_err();
        assert_eq!(
            err.to_string(),
            "record r-1 is verified: verify is not allowed"
        );
        assert!(matches!(
            err,
            RegistryError::InvalidTransition {
                status: "verified",
                action: "verify",
                ..
            }
        ));
        assert_eq!(Extracted.transition("r-1", Verify).unwrap(), Verified);
    }

    #[test]
    fn corrections_are_manual_normalised_and_keep_evidence() {
        let old = field("NGUYEN VAN AN");
        let new = corrected_field(Some(&old), "  Nguye\u{0302}\u{0303}n  Văn\nAn ");
        assert_eq!(new.value, "Nguyễn Văn An");
        assert_eq!(new.method, Method::Manual);
        assert_eq!(new.confidence, 1.0);
        assert_eq!(new.evidence, old.evidence);
        let added = corrected_field(None, "male");
        assert!(added.evidence.is_empty());
        assert_eq!(added.value, "male");
    }

    #[test]
    fn a_corrected_id_number_moves_the_subject() {
        use DocumentType::*;
        /// The fields read, the correction, the subjects it takes away and adds.
        type Case<'a> = (
            DocumentType,
            Fields<'a>,
            (&'a str, &'a str),
            &'a [SubjectId],
            &'a [SubjectId],
        );
        let cases: &[Case] = &[
            (
                CitizenId,
                &[("id_number", "001099012346")],
                ("id_number", "001099012345"),
                &[citizen("001099012346")],
                &[citizen("001099012345")],
            ),
            // A misread that named nobody: the correction only adds.
            (
                CitizenId,
                &[("id_number", "0010990I2345")],
                ("id_number", "001099012345"),
                &[],
                &[citizen("001099012345")],
            ),
            // Not a subject field: nothing moves.
            (
                CitizenId,
                &[("id_number", "001099012345")],
                ("full_name", "NGUYỄN VĂN AN"),
                &[],
                &[],
            ),
            // The other spouse stays.
            (
                MarriageCertificate,
                &[
                    ("wife_id_number", "001199000002"),
                    ("husband_id_number", "001099000001"),
                ],
                ("wife_id_number", "001199000003"),
                &[citizen("001199000002")],
                &[citizen("001199000003")],
            ),
            // A corrected value that is no id takes the subject away.
            (
                BusinessRegistration,
                &[("enterprise_code", "0101234567")],
                ("enterprise_code", "01012345"),
                &[enterprise("0101234567")],
                &[],
            ),
        ];
        for (t, fields, (key, value), gone, came) in cases {
            let record = record_of(*t, doc(*t, fields).fields);
            let planned = plan_correction(&record, key, value, Some("misread")).unwrap();
            assert_eq!(
                (
                    planned.subjects_gone.as_slice(),
                    planned.subjects_came.as_slice()
                ),
                (*gone, *came),
                "{t:?} {key}"
            );
            let typed = FieldKey::parse(key).expect("a field key");
            assert_eq!(
                planned.fields[&typed],
                corrected_field(record.fields.get(&typed), value)
            );
            assert_eq!(
                planned.event,
                RecordEventKind::Corrected {
                    key: key.to_string(),
                    old_value: record.fields.get(&typed).map(|f| f.value.clone()),
                    new_value: planned.fields[&typed].value.clone(),
                    reason: Some("misread".to_string()),
                }
            );
        }
    }

    #[test]
    fn a_correction_of_a_key_the_type_lacks_is_refused() {
        let record = record_of(DocumentType::CitizenId, hoso_extractors::Fields::new());
        let err = plan_correction(&record, "enterprise_code", "0101234567", None).unwrap_err();
        assert!(
            matches!(&err, RegistryError::UnknownField { id, key } if id == "r-1" && key == "enterprise_code"),
            "{err}"
        );
    }

    fn record_of(t: DocumentType, fields: hoso_extractors::Fields) -> Record {
        Record {
            id: "r-1".to_string(),
            document_type: t,
            subjects: subjects_of(t, &fields),
            status: RecordStatus::Extracted,
            fields,
            documents: Vec::new(),
            content_key: String::new(),
            created_at_ms: 0,
            verified_at_ms: None,
            verified_by: None,
            superseded_by: None,
            revoked_reason: None,
        }
    }

    #[test]
    fn an_empty_query_asks_for_verified_records() {
        assert_eq!(
            RecordQuery::default().statuses(),
            vec![RecordStatus::Verified]
        );
        let q = RecordQuery {
            document_types: vec![],
            statuses: vec![RecordStatus::Extracted, RecordStatus::Revoked],
        };
        assert_eq!(
            q.statuses(),
            vec![RecordStatus::Extracted, RecordStatus::Revoked]
        );
    }

    #[test]
    fn catalog_errors_become_registry_errors() {
        assert!(matches!(
            RegistryError::from(CatalogError::Corrupt("x".into())),
            RegistryError::Corrupt(d) if d == "x"
        ));
        let down = RegistryError::from(CatalogError::transient("down"));
        assert!(
            matches!(&down, RegistryError::Catalog(e) if e.is_transient()),
            "{down:?}"
        );
        assert_eq!(down.to_string(), "database error (transient): down");
    }
}
