//! Receipts: a record's entries, each as a C2SP `tlog-proof` (`c2sp.org/tlog-proof@v1`,
//! then `extra` with the entry's bytes in base64, `index`, the inclusion proof one base64
//! hash a line, an empty line, and the signed checkpoint). The spec leaves the leaf data
//! to the application and offers `extra` for what reconstructs it; carrying the entry
//! there makes each proof checkable with the log's public key alone. A receipt of one
//! entry is exactly one `tlog-proof`; a receipt of several is their concatenation, every
//! proof against the same checkpoint.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::checkpoint::{self, TreeHead};
use crate::entry::Entry;
use crate::tree::{self, Hash};
use crate::AuditError;

pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// One entry and the proof that it is leaf `index` of the checkpoint's tree.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryProof {
    pub index: u64,
    /// The entry's bytes, the leaf data.
    pub entry: Vec<u8>,
    /// From the leaf's sibling up to the root's child.
    pub proof: Vec<Hash>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub proofs: Vec<EntryProof>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

/// What a receipt proves once checked: the entries at their indexes in a signed tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub head: TreeHead,
    pub entries: Vec<(u64, Entry)>,
}

impl Receipt {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for p in &self.proofs {
            out.push_str(HEADER);
            out.push('\n');
            out.push_str("extra ");
            out.push_str(&STANDARD.encode(&p.entry));
            out.push('\n');
            out.push_str(&format!("index {}\n", p.index));
            for h in &p.proof {
                out.push_str(&tree::to_base64(h));
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&self.checkpoint);
        }
        out
    }

    pub fn parse(text: &str) -> Result<Self, AuditError> {
        let mut blocks = Vec::new();
        let mut current: Option<Vec<&str>> = None;
        for line in text.split_inclusive('\n') {
            if line.trim_end_matches('\n') == HEADER {
                if let Some(b) = current.take() {
                    blocks.push(b);
                }
                current = Some(Vec::new());
            } else if let Some(b) = current.as_mut() {
                b.push(line);
            } else {
                return Err(AuditError::malformed(format!(
                    "a receipt starts with the line {HEADER:?}"
                )));
            }
        }
        blocks.extend(current);
        if blocks.is_empty() {
            return Err(AuditError::malformed("the receipt holds no proof"));
        }
        let mut proofs = Vec::new();
        let mut checkpoint: Option<String> = None;
        for (n, block) in blocks.iter().enumerate() {
            let (proof, note) = parse_block(n + 1, block)?;
            match &checkpoint {
                None => checkpoint = Some(note),
                Some(first) if *first != note => {
                    return Err(AuditError::malformed(format!(
                        "proof {} of the receipt is against another checkpoint than the first",
                        n + 1
                    )))
                }
                Some(_) => {}
            }
            proofs.push(proof);
        }
        Ok(Receipt {
            proofs,
            checkpoint: checkpoint.unwrap_or_default(),
        })
    }

    /// Checks the checkpoint's signature and every entry's inclusion in its tree.
    pub fn verify(&self, verifier_key: &str) -> Result<Verified, AuditError> {
        let head = checkpoint::open(&self.checkpoint, verifier_key)?;
        let mut entries = Vec::new();
        for p in &self.proofs {
            tree::check_inclusion(&p.proof, head.size, head.root, p.index, &p.entry)?;
            entries.push((p.index, Entry::parse(&p.entry)?));
        }
        Ok(Verified { head, entries })
    }
}

fn parse_block(n: usize, lines: &[&str]) -> Result<(EntryProof, String), AuditError> {
    let bad = |what: &str| AuditError::malformed(format!("proof {n} of the receipt: {what}"));
    let mut rest = lines.iter().map(|l| l.trim_end_matches('\n'));
    let mut line = rest
        .next()
        .ok_or_else(|| bad("it ends after its first line"))?;
    let mut entry = None;
    if let Some(b64) = line.strip_prefix("extra ") {
        entry = Some(
            STANDARD
                .decode(b64)
                .map_err(|e| bad(&format!("its extra data is not base64: {e}")))?,
        );
        line = rest.next().ok_or_else(|| bad("it has no index line"))?;
    }
    let entry = entry
        .ok_or_else(|| bad("it carries no entry (an `extra` line with the entry in base64)"))?;
    let index = line
        .strip_prefix("index ")
        .filter(|d| d == &"0" || (!d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())))
        .and_then(|d| d.parse::<u64>().ok())
        .ok_or_else(|| bad(&format!("{line:?} is not an index line (`index N`)")))?;
    let mut proof = Vec::new();
    for line in rest.by_ref() {
        if line.is_empty() {
            let note: String = lines[proof.len() + 3..].concat();
            if note.is_empty() {
                return Err(bad("it has no checkpoint after its proof"));
            }
            return Ok((
                EntryProof {
                    index,
                    entry,
                    proof,
                },
                note,
            ));
        }
        proof.push(tree::from_base64(line).map_err(|e| bad(&e.to_string()))?);
    }
    Err(bad("it has no empty line and checkpoint after its proof"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;
    use crate::tree::{AllHashes, Hashes};
    use serde_json::Value;

    fn entry(i: u64) -> Vec<u8> {
        Entry {
            at: "2026-12-07T00:00:00.000Z".into(),
            actor: "clerk".into(),
            role: "clerk".into(),
            action: format!("record.step{i}"),
            record: Some("r".into()),
            subject: None,
            detail: Value::Null,
        }
        .to_bytes()
    }

    fn receipt_of(indexes: &[u64], size: u64, key: &SigningKey) -> Receipt {
        let mut all = AllHashes::default();
        for i in 0..size {
            all.push_leaf(i, &entry(i)).unwrap();
        }
        let root = tlog_tiles::tree_hash(size, &all).unwrap();
        let note = checkpoint::sign("hoso.test/log", size, root, key).unwrap();
        let proofs = indexes
            .iter()
            .map(|&i| {
                let needs = tree::inclusion_needs(size, i);
                let known = Hashes::new(needs.iter().map(|&k| (k, all.0[k as usize])));
                EntryProof {
                    index: i,
                    entry: entry(i),
                    proof: tree::inclusion_proof(size, i, &known).unwrap(),
                }
            })
            .collect();
        Receipt {
            proofs,
            checkpoint: note,
        }
    }

    #[test]
    fn a_receipt_round_trips_through_text_and_verifies_with_the_key_alone() {
        let key = SigningKey::generate("hoso.test/log").unwrap();
        for (indexes, size) in [(vec![0u64], 1u64), (vec![2, 5, 9], 12), (vec![0, 12], 13)] {
            let r = receipt_of(&indexes, size, &key);
            let text = r.to_text();
            assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
            let parsed = Receipt::parse(&text).unwrap();
            assert_eq!(parsed, r);
            let v = parsed.verify(key.verifier_key()).unwrap();
            assert_eq!(v.head.size, size);
            let got: Vec<u64> = v.entries.iter().map(|(i, _)| *i).collect();
            assert_eq!(got, indexes);
        }
    }

    #[test]
    fn a_changed_entry_index_or_key_fails_and_junk_is_malformed() {
        let key = SigningKey::generate("hoso.test/log").unwrap();
        let r = receipt_of(&[3], 8, &key);
        let mut edited = r.clone();
        edited.proofs[0].entry = entry(4);
        assert!(Receipt::parse(&edited.to_text())
            .unwrap()
            .verify(key.verifier_key())
            .is_err());
        let moved = r.to_text().replace("index 3", "index 4");
        assert!(Receipt::parse(&moved)
            .unwrap()
            .verify(key.verifier_key())
            .is_err());
        let other = SigningKey::generate("hoso.test/log").unwrap();
        assert!(r.verify(other.verifier_key()).is_err());
        for junk in [
            "",
            "hello\n",
            "c2sp.org/tlog-proof@v1\nindex 1\n\nx\n",
            "c2sp.org/tlog-proof@v1\nextra AA==\nindex 01\n\nx\n",
        ] {
            let e = Receipt::parse(junk).unwrap_err();
            assert_eq!(e.kind(), crate::AuditErrorKind::Malformed, "{junk:?}");
        }
    }
}
