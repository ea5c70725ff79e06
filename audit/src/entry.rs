//! One entry of the audit log. Its JSON bytes, as written once, are the tree's leaf data:
//! they are stored as they are and never re-serialised, so what an auditor hashes is what
//! was committed to.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AuditError;

/// The action recorded when a signing key is introduced; `detail` holds `key` (the
/// verifier key, `name+id+base64`) and, on a rotation, `previous`.
pub const KEY_ACTION: &str = "audit.key";

/// Who did what, to which record or subject, when, and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// RFC 3339 UTC with milliseconds.
    pub at: String,
    /// The token or account name, or `system` for the pipeline.
    pub actor: String,
    /// The actor's role (`clerk`, `procedure_system`, `auditor`, `admin`, `system`), where
    /// the writer knows it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    /// `<noun>.<verb>`: `original.uploaded`, `record.corrected`, `subject.looked_up`, …
    pub action: String,
    /// The record the entry is about, where there is one: a receipt gathers these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The subject (`citizen:…`, `enterprise:…`) whose data was read or changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What the action needs said: values before and after, hashes, reasons, purposes.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub detail: Value,
}

impl Entry {
    /// The bytes that become the leaf: compact JSON, keys in declaration order.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain strings and a `Value` cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, AuditError> {
        serde_json::from_slice(bytes)
            .map_err(|e| AuditError::malformed(format!("an audit entry is not valid: {e}")))
    }

    /// The verifier key this entry introduces, if it is a key entry.
    pub fn introduced_key(&self) -> Option<&str> {
        if self.action != KEY_ACTION {
            return None;
        }
        self.detail.get("key").and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_round_trip_and_omit_what_is_absent() {
        let e = Entry {
            at: "2026-12-07T05:00:00.000Z".into(),
            actor: "clerk-1".into(),
            role: "clerk".into(),
            action: "record.verified".into(),
            record: Some("r1".into()),
            subject: None,
            detail: Value::Null,
        };
        let bytes = e.to_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"{"at":"2026-12-07T05:00:00.000Z","actor":"clerk-1","role":"clerk","action":"record.verified","record":"r1"}"#
        );
        assert_eq!(Entry::parse(&bytes).unwrap(), e);
        assert_eq!(e.introduced_key(), None);
    }

    #[test]
    fn key_entries_name_their_key_and_junk_is_malformed() {
        let e = Entry {
            at: "t".into(),
            actor: "admin".into(),
            role: "admin".into(),
            action: KEY_ACTION.into(),
            record: None,
            subject: None,
            detail: json!({"key": "log+01020304+AQ=="}),
        };
        assert_eq!(e.introduced_key(), Some("log+01020304+AQ=="));
        let err = Entry::parse(b"{not json").unwrap_err();
        assert_eq!(err.kind(), crate::AuditErrorKind::Malformed);
    }
}
