//! Checkpoints: C2SP `tlog-checkpoint` bodies (origin, tree size, base64 root) in C2SP
//! `signed-note`s signed with the log's ed25519 key.

use signed_note::{Note, VerifierList};
use tlog_tiles::Checkpoint;

use crate::keys::{verifier, SigningKey};
use crate::tree::Hash;
use crate::AuditError;

/// A checkpoint's content, once its signature checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeHead {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// The signed note of a checkpoint of `size` entries with `root`.
pub fn sign(origin: &str, size: u64, root: Hash, key: &SigningKey) -> Result<String, AuditError> {
    let body = Checkpoint::new(origin, size, root, "").map_err(|e| {
        AuditError::malformed(format!(
            "cannot make a checkpoint for origin {origin:?}: {e:?}"
        ))
    })?;
    let mut note = Note::new(&body.to_bytes(), &[])
        .map_err(|e| AuditError::malformed(format!("cannot make a note of the checkpoint: {e}")))?;
    note.add_sigs(&[key.signer()])
        .map_err(|e| AuditError::malformed(format!("cannot sign the checkpoint: {e}")))?;
    String::from_utf8(note.to_bytes())
        .map_err(|_| AuditError::malformed("the signed checkpoint is not UTF-8"))
}

/// The tree head `note` states, if `verifier_key` signed it.
pub fn open(note: &str, verifier_key: &str) -> Result<TreeHead, AuditError> {
    let known = VerifierList::new(vec![Box::new(verifier(verifier_key)?)]);
    let parsed = parse(note)?;
    parsed.verify(&known).map_err(|e| {
        AuditError::invalid(format!(
            "the checkpoint is not signed by {}: {e}",
            verifier_key.trim()
        ))
    })?;
    head_of(&parsed)
}

/// The tree head a note states, signature unchecked: for reports that must say what a
/// checkpoint claims even when no known key signed it.
pub fn read_unverified(note: &str) -> Result<TreeHead, AuditError> {
    head_of(&parse(note)?)
}

fn parse(note: &str) -> Result<Note, AuditError> {
    Note::from_bytes(note.as_bytes())
        .map_err(|e| AuditError::malformed(format!("the checkpoint is not a signed note: {e}")))
}

fn head_of(note: &Note) -> Result<TreeHead, AuditError> {
    let body = Checkpoint::from_bytes(note.text())
        .map_err(|e| AuditError::malformed(format!("the note is not a tlog checkpoint: {e:?}")))?;
    Ok(TreeHead {
        origin: body.origin().to_string(),
        size: body.size(),
        root: *body.hash(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::record_hash;

    #[test]
    fn a_signed_checkpoint_opens_with_its_key_only() {
        let key = SigningKey::generate("hoso.test/log").unwrap();
        let root = record_hash(b"x");
        let note = sign("hoso.test/log", 7, root, &key).unwrap();
        let lines: Vec<&str> = note.lines().collect();
        assert_eq!(lines[0], "hoso.test/log");
        assert_eq!(lines[1], "7");
        assert_eq!(lines[2], crate::tree::to_base64(&root));
        assert_eq!(lines[3], "");
        assert!(lines[4].starts_with("— hoso.test/log "), "{note}");
        let head = open(&note, key.verifier_key()).unwrap();
        assert_eq!((head.size, head.root.0), (7, root.0));
        assert_eq!(read_unverified(&note).unwrap(), head);

        let other = SigningKey::generate("hoso.test/log").unwrap();
        assert_eq!(
            open(&note, other.verifier_key()).unwrap_err().kind(),
            crate::AuditErrorKind::Invalid
        );
        let forged = note.replacen("\n7\n", "\n8\n", 1);
        assert_eq!(
            open(&forged, key.verifier_key()).unwrap_err().kind(),
            crate::AuditErrorKind::Invalid
        );
    }
}
