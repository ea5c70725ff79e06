use std::fmt;

/// What went wrong, for callers that branch: a malformed input is the caller's to fix, a
/// failed check is evidence, an inconsistent tree is a bug or a damaged store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditErrorKind {
    /// A key, note, receipt or entry that does not parse.
    Malformed,
    /// A signature, proof or hash that does not check out.
    Invalid,
    /// The stored tree cannot answer (a hash it needs is missing).
    Tree,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditError {
    kind: AuditErrorKind,
    detail: String,
}

impl AuditError {
    pub fn malformed(detail: impl Into<String>) -> Self {
        AuditError {
            kind: AuditErrorKind::Malformed,
            detail: detail.into(),
        }
    }

    pub fn invalid(detail: impl Into<String>) -> Self {
        AuditError {
            kind: AuditErrorKind::Invalid,
            detail: detail.into(),
        }
    }

    pub fn tree(detail: impl Into<String>) -> Self {
        AuditError {
            kind: AuditErrorKind::Tree,
            detail: detail.into(),
        }
    }

    pub fn kind(&self) -> AuditErrorKind {
        self.kind
    }
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for AuditError {}

impl From<tlog_tiles::tlog::Error> for AuditError {
    fn from(e: tlog_tiles::tlog::Error) -> Self {
        AuditError::tree(format!("merkle tree: {e}"))
    }
}
