//! The audit log's port and the service around it: entries written for every change and
//! every read of personal data, checkpoints signed over the tree, inclusion and
//! consistency proofs, receipts. The tree, the note formats and verification are
//! `hoso-audit`'s; storage keeps the rows (`AuditLog`), written in the same transaction as
//! the change they record where storage makes the change.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use hoso_audit::checkpoint;
use hoso_audit::entry::{Entry, KEY_ACTION};
use hoso_audit::keys::SigningKey;
use hoso_audit::receipt::{EntryProof, Receipt};
use hoso_audit::tree::{self, Hash, Hashes};
use hoso_audit::verify::Report;
use hoso_audit::AuditError;
use serde_json::{json, Value};

use crate::access::Caller;
use crate::ports::CatalogError;

/// A stored checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointRow {
    pub id: i64,
    pub tree_size: u64,
    pub note: String,
    pub created_at_ms: i64,
}

/// An entry as stored: its leaf in the tree once sequenced.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    pub entry_id: i64,
    pub leaf: Option<u64>,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Writes an entry and queues it for the tree. Changes storage makes itself (records,
    /// extractions, registrations) write theirs in their own transactions instead.
    async fn append(&self, entry: &Entry) -> Result<(), CatalogError>;

    /// Gives the queued entries, in the order they were written, the next leaves and
    /// stores the tree's new hashes. Returns the tree's size.
    async fn integrate(&self) -> Result<u64, CatalogError>;

    async fn tree_size(&self) -> Result<u64, CatalogError>;

    /// The stored hashes at these indexes (tlog's layout).
    async fn hashes(&self, indexes: &[u64]) -> Result<Hashes, CatalogError>;

    async fn add_checkpoint(
        &self,
        tree_size: u64,
        note: &str,
    ) -> Result<CheckpointRow, CatalogError>;

    /// Every checkpoint, in the order they were made.
    async fn checkpoints(&self) -> Result<Vec<CheckpointRow>, CatalogError>;

    async fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>, CatalogError>;

    /// The newest key entry's bytes.
    async fn latest_key_entry(&self) -> Result<Option<Vec<u8>>, CatalogError>;

    /// A record's entries, oldest first.
    async fn record_entries(&self, record_id: &str) -> Result<Vec<StoredEntry>, CatalogError>;

    /// Entries by leaf, from `first`, at most `limit`.
    async fn entries(&self, first: u64, limit: u32) -> Result<Vec<StoredEntry>, CatalogError>;

    /// Recomputes the whole tree from the stored entries and checks every stored hash and
    /// checkpoint (`hoso_audit::verify`), and that every entry is in the tree or queued.
    async fn verify_log(&self, trusted_key: Option<&str>) -> Result<Report, CatalogError>;
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// An entry stamped now.
pub fn entry(
    actor: &str,
    role: &str,
    action: &str,
    record: Option<&str>,
    subject: Option<&str>,
    detail: Value,
) -> Entry {
    Entry {
        at: hoso_audit::time::rfc3339(now_ms()),
        actor: actor.to_string(),
        role: role.to_string(),
        action: action.to_string(),
        record: record.map(str::to_string),
        subject: subject.map(str::to_string),
        detail,
    }
}

/// An entry for what `caller` did.
pub fn by_caller(
    caller: &Caller,
    action: &str,
    record: Option<&str>,
    subject: Option<&str>,
    mut detail: Value,
) -> Entry {
    if let (Some(purpose), Value::Object(map)) = (&caller.purpose, &mut detail) {
        map.insert("purpose".into(), json!(purpose));
    }
    entry(
        &caller.name,
        caller.role.as_str(),
        action,
        record,
        subject,
        detail,
    )
}

#[derive(Debug, thiserror::Error)]
pub enum AuditServiceError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("no audit signing key is configured")]
    NoKey,
    #[error("the configured signing key {configured} is not the log's current key {current}: rotate with `hoso audit rotate-key` instead of replacing the key file")]
    KeyMismatch { configured: String, current: String },
    #[error("{0}")]
    NotFound(String),
}

/// The log with its signing key: what makes checkpoints, proofs and receipts.
#[derive(Clone)]
pub struct Auditor {
    log: Arc<dyn AuditLog>,
    key: Option<SigningKey>,
    origin: String,
}

impl Auditor {
    /// `origin` names the log in its checkpoints; the key's name should be the same.
    pub fn new(log: Arc<dyn AuditLog>, key: Option<SigningKey>, origin: &str) -> Self {
        Self {
            log,
            key,
            origin: origin.to_string(),
        }
    }

    pub fn log(&self) -> &Arc<dyn AuditLog> {
        &self.log
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn verifier_key(&self) -> Option<&str> {
        self.key.as_ref().map(SigningKey::verifier_key)
    }

    fn key(&self) -> Result<&SigningKey, AuditServiceError> {
        self.key.as_ref().ok_or(AuditServiceError::NoKey)
    }

    /// The tree's root at `size`, from the stored hashes.
    pub async fn root(&self, size: u64) -> Result<Hash, AuditServiceError> {
        let known = self.log.hashes(&tree::append_needs(size)).await?;
        Ok(tree::root(size, &known)?)
    }

    /// Sequences what is queued and signs the tree as it then stands, unless the newest
    /// checkpoint already covers it. The log's first checkpoint records the key first.
    pub async fn checkpoint(&self) -> Result<CheckpointRow, AuditServiceError> {
        let key = self.key()?;
        match self.log.latest_key_entry().await? {
            None => {
                self.log
                    .append(&entry(
                        "system",
                        "system",
                        KEY_ACTION,
                        None,
                        None,
                        json!({"key": key.verifier_key()}),
                    ))
                    .await?;
            }
            Some(bytes) => {
                let current = Entry::parse(&bytes)?;
                let current = current.introduced_key().unwrap_or_default().to_string();
                if current != key.verifier_key() {
                    return Err(AuditServiceError::KeyMismatch {
                        configured: key.verifier_key().to_string(),
                        current,
                    });
                }
            }
        }
        self.sign_current(key).await
    }

    async fn sign_current(&self, key: &SigningKey) -> Result<CheckpointRow, AuditServiceError> {
        let size = self.log.integrate().await?;
        if let Some(latest) = self.log.latest_checkpoint().await? {
            if latest.tree_size == size {
                return Ok(latest);
            }
        }
        let root = self.root(size).await?;
        let note = checkpoint::sign(&self.origin, size, root, key)?;
        Ok(self.log.add_checkpoint(size, &note).await?)
    }

    /// Replaces the signing key: the log records the new key, the old key signs a
    /// checkpoint that covers that entry, and the new key signs from then on. Returns the
    /// hand-over checkpoint; the caller stores `new` where the configuration reads it.
    pub async fn rotate_key(
        &self,
        new: &SigningKey,
        by: &str,
    ) -> Result<CheckpointRow, AuditServiceError> {
        let old = self.key()?;
        // The old key must be the log's, or its checkpoint would not verify.
        self.checkpoint().await?;
        self.log
            .append(&entry(
                by,
                "admin",
                KEY_ACTION,
                None,
                None,
                json!({"key": new.verifier_key(), "previous": old.verifier_key()}),
            ))
            .await?;
        self.sign_current(old).await
    }

    /// The newest checkpoint, made first if entries were written since.
    pub async fn latest(&self) -> Result<CheckpointRow, AuditServiceError> {
        let size = self.log.integrate().await?;
        match self.log.latest_checkpoint().await? {
            Some(c) if c.tree_size == size || self.key.is_none() => Ok(c),
            _ => self.checkpoint().await,
        }
    }

    /// The inclusion proof of leaf `index` in the tree of `size` entries.
    pub async fn inclusion_proof(
        &self,
        index: u64,
        size: u64,
    ) -> Result<Vec<Hash>, AuditServiceError> {
        let stored = self.log.tree_size().await?;
        if index >= size || size > stored {
            return Err(AuditServiceError::NotFound(format!(
                "entry {index} is not in a tree of {size} entries (the log holds {stored})"
            )));
        }
        let known = self.log.hashes(&tree::inclusion_needs(size, index)).await?;
        Ok(tree::inclusion_proof(size, index, &known)?)
    }

    /// The proof that the tree of `old_size` entries is a prefix of the tree of `size`.
    pub async fn consistency_proof(
        &self,
        old_size: u64,
        size: u64,
    ) -> Result<Vec<Hash>, AuditServiceError> {
        let stored = self.log.tree_size().await?;
        if old_size > size || size > stored || old_size == 0 {
            return Err(AuditServiceError::NotFound(format!(
                "no consistency proof from {old_size} to {size} entries (the log holds {stored}; sizes start at 1)"
            )));
        }
        let known = self
            .log
            .hashes(&tree::consistency_needs(size, old_size))
            .await?;
        Ok(tree::consistency_proof(size, old_size, &known)?)
    }

    /// A record's entries with their inclusion proofs against a fresh checkpoint.
    pub async fn receipt(&self, record_id: &str) -> Result<Receipt, AuditServiceError> {
        let checkpoint = self.latest().await?;
        let entries = self.log.record_entries(record_id).await?;
        let mut proofs = Vec::new();
        for e in entries {
            let Some(leaf) = e.leaf.filter(|&l| l < checkpoint.tree_size) else {
                continue;
            };
            let known = self
                .log
                .hashes(&tree::inclusion_needs(checkpoint.tree_size, leaf))
                .await?;
            proofs.push(EntryProof {
                index: leaf,
                proof: tree::inclusion_proof(checkpoint.tree_size, leaf, &known)?,
                entry: e.bytes,
            });
        }
        if proofs.is_empty() {
            return Err(AuditServiceError::NotFound(format!(
                "the audit log holds no entry of record {record_id}"
            )));
        }
        Ok(Receipt {
            proofs,
            checkpoint: checkpoint.note,
        })
    }

    /// Verifies the whole log, trusting `trusted_key` as its first key, else the
    /// configured one as its current key.
    pub async fn verify(&self, trusted_key: Option<&str>) -> Result<Report, AuditServiceError> {
        self.log.integrate().await?;
        let mut report = self.log.verify_log(trusted_key).await?;
        if trusted_key.is_none() {
            if let (Some(configured), Some((_, current))) =
                (self.verifier_key(), report.keys.last())
            {
                if configured != current {
                    report
                        .findings
                        .push(hoso_audit::verify::Finding::UntrustedKey {
                            key: current.clone(),
                            trusted: configured.to_string(),
                        });
                }
            }
        }
        Ok(report)
    }
}

/// The entry for a read of a subject's data that the access log records (a lookup, a
/// prefill): who, why, which types and records, through which endpoint.
pub fn access_entry(e: &crate::registry::AccessEntry) -> Entry {
    let detail = json!({
        "endpoint": e.endpoint,
        "document_types": e.document_types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "record_ids": e.record_ids,
        "purpose": e.purpose,
    });
    Entry {
        at: hoso_audit::time::rfc3339(e.at_ms),
        actor: e.token_name.clone(),
        role: e.role.as_str().to_string(),
        action: "subject.read".to_string(),
        record: None,
        subject: Some(e.subject.qualified()),
        detail,
    }
}

/// The entry for one event of a record's history: `record.<event>`, the event's own
/// fields as the detail, with `context` (what the event alone does not say) added.
pub fn record_event_entry(
    record_id: &str,
    actor: &str,
    kind: &crate::registry::RecordEventKind,
    context: Value,
) -> Entry {
    let mut detail = serde_json::to_value(kind).unwrap_or(Value::Null);
    let name = detail
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("changed")
        .to_string();
    if let Value::Object(map) = &mut detail {
        map.remove("kind");
        if let Value::Object(extra) = context {
            map.extend(extra);
        }
    }
    let role = if actor == "system" { "system" } else { "" };
    entry(
        actor,
        role,
        &format!("record.{name}"),
        Some(record_id),
        None,
        detail,
    )
}

/// The audit log through the service layer: the caller's role is checked, and reading a
/// record's receipt is itself written to the log.
impl crate::service::Service {
    fn auditor_or_err(&self) -> Result<&Auditor, crate::records::ServiceError> {
        self.auditor().ok_or(crate::records::ServiceError::NoAudit)
    }

    /// The newest checkpoint, made first if the log grew since.
    pub async fn audit_checkpoint(
        &self,
        caller: &Caller,
    ) -> Result<CheckpointRow, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ReadAudit)?;
        Ok(self.auditor_or_err()?.latest().await?)
    }

    /// Signs a checkpoint now (admins; `hoso serve` also does at an interval).
    pub async fn audit_sign(
        &self,
        caller: &Caller,
    ) -> Result<CheckpointRow, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ManageAudit)?;
        Ok(self.auditor_or_err()?.checkpoint().await?)
    }

    pub async fn audit_inclusion(
        &self,
        caller: &Caller,
        index: u64,
        size: u64,
    ) -> Result<Vec<Hash>, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ReadAudit)?;
        Ok(self.auditor_or_err()?.inclusion_proof(index, size).await?)
    }

    pub async fn audit_consistency(
        &self,
        caller: &Caller,
        old_size: u64,
        size: u64,
    ) -> Result<Vec<Hash>, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ReadAudit)?;
        Ok(self
            .auditor_or_err()?
            .consistency_proof(old_size, size)
            .await?)
    }

    /// Entries by leaf, for auditors reading the log itself.
    pub async fn audit_entries(
        &self,
        caller: &Caller,
        first: u64,
        limit: u32,
    ) -> Result<Vec<StoredEntry>, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ReadAudit)?;
        if limit == 0 || limit > 1000 {
            return Err(crate::records::ServiceError::Invalid(
                "limit must be between 1 and 1000".into(),
            ));
        }
        if i64::try_from(first).is_err() {
            return Err(crate::records::ServiceError::Invalid(format!(
                "first must be at most {}",
                i64::MAX
            )));
        }
        Ok(self.auditor_or_err()?.log().entries(first, limit).await?)
    }

    /// A record's receipt (C2SP tlog-proofs); the export is logged first, so the receipt
    /// covers its own export when the checkpoint is made after it.
    pub async fn audit_receipt(
        &self,
        caller: &Caller,
        record_id: &str,
    ) -> Result<Receipt, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ReadAudit)?;
        let auditor = self.auditor_or_err()?;
        let registry = self
            .registry()
            .ok_or(crate::records::ServiceError::NoRegistry)?;
        if registry.record(record_id).await?.is_none() {
            return Err(
                crate::registry::RegistryError::RecordNotFound(record_id.to_string()).into(),
            );
        }
        auditor
            .log()
            .append(&by_caller(
                caller,
                "record.receipt_exported",
                Some(record_id),
                None,
                json!({}),
            ))
            .await?;
        Ok(auditor.receipt(record_id).await?)
    }

    pub async fn audit_verify(
        &self,
        caller: &Caller,
        trusted_key: Option<&str>,
    ) -> Result<Report, crate::records::ServiceError> {
        self.authorize(caller, crate::access::Action::ReadAudit)?;
        let report = self.auditor_or_err()?.verify(trusted_key).await?;
        let detail = json!({"entries": report.entries, "checkpoints": report.checkpoints,
                            "findings": report.findings.len()});
        self.audit(by_caller(caller, "audit.verified", None, None, detail))
            .await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RecordEventKind;

    #[test]
    fn record_events_become_entries_named_after_them() {
        let e = record_event_entry(
            "r1",
            "clerk-1",
            &RecordEventKind::Corrected {
                key: "full_name".into(),
                old_value: Some("NGUYEN".into()),
                new_value: "NGUYỄN".into(),
                reason: Some("tone marks".into()),
            },
            json!({}),
        );
        assert_eq!(e.action, "record.corrected");
        assert_eq!(e.record.as_deref(), Some("r1"));
        assert_eq!(e.detail["new_value"], "NGUYỄN");
        assert!(e.detail.get("kind").is_none());
        let created = record_event_entry(
            "r2",
            "system",
            &RecordEventKind::Created {
                document_id: "abc-1".into(),
            },
            json!({"sha256": "ab"}),
        );
        assert_eq!(
            (created.action.as_str(), created.role.as_str()),
            ("record.created", "system")
        );
        assert_eq!(
            created.detail,
            json!({"document_id": "abc-1", "sha256": "ab"})
        );
    }
}
