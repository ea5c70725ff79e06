//! Who may do what: callers authenticated by API token, the actions of the service layer
//! and the role × action table. The HTTP API and the clerks' interface share it, so a
//! role means the same thing wherever it is checked.

use hoso_extractors::DocumentType;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::registry::Role;

/// Secrets start with this, so that a leaked one is recognisable in logs and scanners.
pub const SECRET_PREFIX: &str = "hoso_";

/// A new token secret: the prefix and 32 random bytes in hex. 256 bits of entropy, so a
/// plain SHA-256 of it is safe to store (no password-style slow hash is needed).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", hex::encode(bytes))
}

/// What is stored of a secret.
pub fn secret_sha256(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The authenticated party of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// The token's name; it is the actor in histories and the access log.
    pub name: String,
    pub role: Role,
    /// For procedure systems: the document types they may read.
    pub document_types: Vec<DocumentType>,
    /// Why the data is read; procedure systems must declare it on every request.
    pub purpose: Option<String>,
}

impl Caller {
    /// The pipeline itself, for commands run on the server (reports, the CLI).
    pub fn system() -> Self {
        Self {
            name: "system".to_string(),
            role: Role::Admin,
            document_types: Vec::new(),
            purpose: None,
        }
    }

    pub fn may(&self, action: Action) -> bool {
        action.allowed(self.role)
    }

    /// Whether the caller may read records of this type.
    pub fn may_read_type(&self, document_type: DocumentType) -> bool {
        self.role != Role::ProcedureSystem || self.document_types.contains(&document_type)
    }
}

/// Everything the service layer does on behalf of a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    UploadOriginal,
    ReadOriginal,
    ReadQueue,
    UploadDossier,
    ReadDossier,
    ReadRecord,
    CorrectRecord,
    VerifyRecord,
    RevokeRecord,
    /// A subject's verified records: the reuse interface of procedure systems.
    SubjectRecords,
    Prefill,
    ReadAccessLog,
    ManageTokens,
    /// The audit log: checkpoints, proofs, receipts, provenance, verification.
    ReadAudit,
    /// Making checkpoints on demand.
    ManageAudit,
    /// People's accounts: creating them, setting others' passwords.
    ManageAccounts,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::UploadOriginal,
        Action::ReadOriginal,
        Action::ReadQueue,
        Action::UploadDossier,
        Action::ReadDossier,
        Action::ReadRecord,
        Action::CorrectRecord,
        Action::VerifyRecord,
        Action::RevokeRecord,
        Action::SubjectRecords,
        Action::Prefill,
        Action::ReadAccessLog,
        Action::ManageTokens,
        Action::ReadAudit,
        Action::ManageAudit,
        Action::ManageAccounts,
    ];

    /// The role × action table. Clerks do the counter's work; procedure systems only
    /// reuse (their own types, with a purpose); auditors read everything and change
    /// nothing; admins do everything.
    pub fn allowed(self, role: Role) -> bool {
        use Action::*;
        match role {
            Role::Admin => true,
            Role::Clerk => !matches!(
                self,
                ReadAccessLog | ManageTokens | ReadAudit | ManageAudit | ManageAccounts
            ),
            Role::ProcedureSystem => matches!(self, SubjectRecords | Prefill),
            Role::Auditor => matches!(
                self,
                ReadOriginal
                    | ReadQueue
                    | ReadDossier
                    | ReadRecord
                    | SubjectRecords
                    | Prefill
                    | ReadAccessLog
                    | ReadAudit
            ),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::UploadOriginal => "upload an original",
            Action::ReadOriginal => "read originals",
            Action::ReadQueue => "read the queue",
            Action::UploadDossier => "upload a dossier",
            Action::ReadDossier => "read dossiers",
            Action::ReadRecord => "read records",
            Action::CorrectRecord => "correct records",
            Action::VerifyRecord => "verify records",
            Action::RevokeRecord => "revoke records",
            Action::SubjectRecords => "read a subject's records",
            Action::Prefill => "prefill a procedure",
            Action::ReadAccessLog => "read the access log",
            Action::ManageTokens => "manage tokens",
            Action::ReadAudit => "read the audit log",
            Action::ManageAudit => "make audit checkpoints",
            Action::ManageAccounts => "manage accounts",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_stored_only_as_hashes() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert!(a.starts_with("hoso_") && a.len() == 5 + 64, "{a}");
        let h = secret_sha256(&a);
        assert_eq!(h.len(), 64);
        assert_ne!(h, secret_sha256(&b));
        assert!(!h.contains(&a[5..]));
    }

    #[test]
    fn procedure_systems_only_reuse_and_auditors_only_read() {
        for a in Action::ALL {
            assert!(a.allowed(Role::Admin));
            assert_eq!(
                a.allowed(Role::ProcedureSystem),
                matches!(a, Action::SubjectRecords | Action::Prefill),
                "{a:?}"
            );
        }
        for a in [
            Action::UploadOriginal,
            Action::UploadDossier,
            Action::CorrectRecord,
            Action::VerifyRecord,
            Action::RevokeRecord,
            Action::ManageTokens,
            Action::ManageAccounts,
        ] {
            assert!(!a.allowed(Role::Auditor), "{a:?}");
        }
        assert!(!Action::ReadAccessLog.allowed(Role::Clerk));
        assert!(Action::ReadAccessLog.allowed(Role::Auditor));
    }
}
