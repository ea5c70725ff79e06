//! The whole log checked from its stored parts: every entry hashed again and the tree
//! rebuilt, each stored hash compared with the rebuilt one, and every checkpoint's
//! signature, size and root checked against the rebuilt tree, with the consistency of each
//! checkpoint with the one before it proved from the stored hashes.
//!
//! The stored leaf hashes, written when each entry joined the tree, are what locate a
//! change: an edited entry no longer hashes to its leaf; a deleted one leaves the later
//! entries one leaf early; an inserted one pushes them one late; two entries swapped each
//! hash to the other's leaf. Someone who also rewrote the stored hashes is caught by the
//! signed roots, and located to the leaves between the last checkpoint that still matches
//! and the first that does not.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::checkpoint;
use crate::entry::Entry;
use crate::tree::{self, AllHashes, Hash, Hashes};

/// A checkpoint as stored: its note, in the order checkpoints were made.
#[derive(Debug, Clone)]
pub struct StoredCheckpoint {
    pub id: i64,
    pub note: String,
}

/// Something the log's stored parts disagree on, and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// The entry at this leaf no longer hashes to the leaf hash stored for it.
    Edited {
        leaf: u64,
        entry_id: i64,
        action: String,
        at: String,
    },
    /// The entry stored as this leaf is gone; the entries after it sit one leaf early.
    Deleted { leaf: u64 },
    /// An entry the tree never held sits at this leaf; the entries after it sit one late.
    Inserted {
        leaf: u64,
        entry_id: i64,
        action: String,
        at: String,
    },
    /// These two leaves hold each other's entries.
    Swapped { leaf: u64, other: u64 },
    /// A leaf's number in storage is not its position.
    Renumbered { position: u64, leaf: u64 },
    /// An entry that is not valid JSON of an entry.
    Unreadable { leaf: u64, detail: String },
    /// A stored hash above the leaves differs from the rebuilt one: these leaves' hashes
    /// were rewritten.
    HashRewritten {
        level: u8,
        first_leaf: u64,
        last_leaf: u64,
    },
    /// Stored hashes are missing for leaves the entries hold.
    HashesMissing { from_leaf: u64, to_leaf: u64 },
    /// The checkpoint's signature is not by the key the log names for its time.
    BadSignature {
        checkpoint: i64,
        size: u64,
        detail: String,
    },
    /// The checkpoint covers more entries than the log holds.
    Truncated {
        checkpoint: i64,
        size: u64,
        entries: u64,
    },
    /// The rebuilt tree's root at the checkpoint's size is not the one it signed: the
    /// leaves between the last matching checkpoint and this one were changed.
    RootMismatch {
        checkpoint: i64,
        size: u64,
        first_leaf: u64,
        later_checkpoints: u64,
    },
    /// Two checkpoints' trees are not one the prefix of the other, by the stored hashes.
    Inconsistent {
        checkpoint: i64,
        size: u64,
        previous: i64,
        previous_size: u64,
    },
    /// The log's first key is not the one the verifier trusts.
    UntrustedKey { key: String, trusted: String },
    /// An entry that is in the database but was never put in the tree.
    NotInTree { entry_id: i64 },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Edited {
                leaf,
                entry_id,
                action,
                at,
            } => write!(
                f,
                "entry {leaf} was edited: its bytes (entry id {entry_id}, now {action} at {at}) \
                 no longer hash to the leaf the tree stored"
            ),
            Finding::Deleted { leaf } => write!(
                f,
                "entry {leaf} was deleted: the entries after it sit one position early"
            ),
            Finding::Inserted {
                leaf,
                entry_id,
                action,
                at,
            } => write!(
                f,
                "an entry was inserted at {leaf} (entry id {entry_id}, {action} at {at}): \
                 the tree never held it, and the entries after it sit one position late"
            ),
            Finding::Swapped { leaf, other } => write!(
                f,
                "entries {leaf} and {other} were reordered: each holds the other's bytes"
            ),
            Finding::Renumbered { position, leaf } => {
                write!(f, "the entry in position {position} is numbered {leaf}")
            }
            Finding::Unreadable { leaf, detail } => {
                write!(f, "entry {leaf} is unreadable: {detail}")
            }
            Finding::HashRewritten {
                level,
                first_leaf,
                last_leaf,
            } => write!(
                f,
                "a stored hash at level {level} differs from the rebuilt tree: the hashes over \
                 entries {first_leaf}..={last_leaf} were rewritten"
            ),
            Finding::HashesMissing { from_leaf, to_leaf } => write!(
                f,
                "stored hashes are missing for entries {from_leaf}..={to_leaf}"
            ),
            Finding::BadSignature {
                checkpoint,
                size,
                detail,
            } => write!(
                f,
                "checkpoint {checkpoint} (size {size}) is not signed by the log's key: {detail}"
            ),
            Finding::Truncated {
                checkpoint,
                size,
                entries,
            } => write!(
                f,
                "checkpoint {checkpoint} signed {size} entries but the log holds {entries}: \
                 entries {entries}..{size} are gone"
            ),
            Finding::RootMismatch {
                checkpoint,
                size,
                first_leaf,
                later_checkpoints,
            } => write!(
                f,
                "checkpoint {checkpoint} (size {size}) signed another tree than the entries \
                 make: entries between {first_leaf} and {} were changed ({later_checkpoints} \
                 later checkpoints fail as well)",
                size.saturating_sub(1)
            ),
            Finding::Inconsistent {
                checkpoint,
                size,
                previous,
                previous_size,
            } => write!(
                f,
                "checkpoint {checkpoint} (size {size}) does not extend checkpoint {previous} \
                 (size {previous_size}) by the stored hashes"
            ),
            Finding::UntrustedKey { key, trusted } => {
                write!(f, "the log's first key is {key}, not the trusted {trusted}")
            }
            Finding::NotInTree { entry_id } => write!(
                f,
                "entry id {entry_id} is in the database but was never put in the tree"
            ),
        }
    }
}

/// The outcome of a verification: what was checked and what disagreed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub entries: u64,
    pub checkpoints: u64,
    /// Entries beyond the largest checkpoint that verifies: not yet signed, or no longer
    /// covered because the checkpoints over them fail.
    pub unsigned_entries: u64,
    /// The keys the log introduced, first one first, with the entry that introduced each.
    pub keys: Vec<(u64, String)>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} entries, {} checkpoints, {} entries not covered by a checkpoint that holds",
            self.entries, self.checkpoints, self.unsigned_entries
        )?;
        for (leaf, key) in &self.keys {
            writeln!(f, "key from entry {leaf}: {key}")?;
        }
        if self.findings.is_empty() {
            writeln!(f, "intact: every entry, stored hash and checkpoint agrees")
        } else {
            writeln!(f, "TAMPERED: {} findings", self.findings.len())?;
            for finding in &self.findings {
                writeln!(f, "- {finding}")?;
            }
            Ok(())
        }
    }
}

/// Takes the log's entries in leaf order, one at a time, then the stored hashes and
/// checkpoints. Memory: two hashes and a map slot per entry, not the entries.
#[derive(Default)]
pub struct LogVerifier {
    rebuilt: AllHashes,
    leaves: Vec<Hash>,
    /// Entry id, action and time of each position, for the report.
    labels: Vec<(i64, String, String)>,
    keys: Vec<(u64, String)>,
    findings: Vec<Finding>,
}

impl LogVerifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next entry: its stored leaf number, its database id and its bytes.
    pub fn push(&mut self, leaf: u64, entry_id: i64, bytes: &[u8]) {
        let position = self.leaves.len() as u64;
        if leaf != position && !matches!(self.findings.last(), Some(Finding::Renumbered { .. })) {
            self.findings.push(Finding::Renumbered { position, leaf });
        }
        let (action, at) = match Entry::parse(bytes) {
            Ok(e) => {
                if let Some(key) = e.introduced_key() {
                    self.keys.push((position, key.to_string()));
                }
                (e.action, e.at)
            }
            Err(err) => {
                self.findings.push(Finding::Unreadable {
                    leaf: position,
                    detail: err.to_string(),
                });
                (String::new(), String::new())
            }
        };
        self.leaves.push(tree::record_hash(bytes));
        // A push can fail only when the rebuilt hashes are short, which they never are.
        let _ = self.rebuilt.push_leaf(position, bytes);
        self.labels.push((entry_id, action, at));
    }

    /// Checks the stored hashes (index → hash) and the checkpoints, in the order they were
    /// made, against the entries pushed. `trusted_key`, when given, must be the log's first.
    pub fn finish(
        mut self,
        stored: &HashMap<u64, Hash>,
        checkpoints: &[StoredCheckpoint],
        trusted_key: Option<&str>,
    ) -> Report {
        let n = self.leaves.len() as u64;
        self.align_leaves(stored);
        self.compare_interior(stored);
        let checked = self.check_checkpoints(stored, checkpoints, trusted_key);
        let signed = checked.unwrap_or(0);
        Report {
            entries: n,
            checkpoints: checkpoints.len() as u64,
            unsigned_entries: n.saturating_sub(signed),
            keys: self.keys,
            findings: self.findings,
        }
    }

    /// Compares each entry's hash with the stored leaf hash at its position, following a
    /// shift once a deletion or an insertion is seen.
    fn align_leaves(&mut self, stored: &HashMap<u64, Hash>) {
        let stored_leaf = |q: u64| stored.get(&tree::stored_hash_index(0, q)).map(|h| h.0);
        let stored_count = (0..).take_while(|&q| stored_leaf(q).is_some()).count() as u64;
        let by_hash: HashMap<[u8; 32], u64> = (0..stored_count)
            .filter_map(|q| stored_leaf(q).map(|h| (h, q)))
            .collect();
        let n = self.leaves.len() as u64;
        // Stored leaf `p + offset` is where entry `p` should hash to.
        let mut offset: i64 = 0;
        let mut second_of_swap: Vec<u64> = Vec::new();
        let mut p = 0u64;
        while p < n {
            let q = (p as i64 + offset).max(0) as u64;
            let Some(theirs) = stored_leaf(q) else {
                if offset == 0 {
                    self.findings.push(Finding::HashesMissing {
                        from_leaf: p,
                        to_leaf: n - 1,
                    });
                }
                break;
            };
            let mine = self.leaves[p as usize].0;
            if mine == theirs || second_of_swap.contains(&p) {
                p += 1;
                continue;
            }
            let (id, action, at) = self.labels[p as usize].clone();
            let next_mine = self.leaves.get(p as usize + 1).map(|h| h.0);
            if by_hash.get(&mine) == Some(&(q + 1)) {
                self.findings.push(Finding::Deleted { leaf: q });
                offset += 1;
                continue;
            }
            if next_mine == Some(theirs) && !by_hash.contains_key(&mine) {
                self.findings.push(Finding::Inserted {
                    leaf: p,
                    entry_id: id,
                    action,
                    at,
                });
                offset -= 1;
                p += 1;
                continue;
            }
            if let Some(&other) = by_hash.get(&mine) {
                let other_p = (other as i64 - offset).max(0) as u64;
                if other_p > p && self.leaves.get(other_p as usize).map(|h| h.0) == Some(theirs) {
                    self.findings.push(Finding::Swapped {
                        leaf: p,
                        other: other_p,
                    });
                    second_of_swap.push(other_p);
                    p += 1;
                    continue;
                }
            }
            self.findings.push(Finding::Edited {
                leaf: p,
                entry_id: id,
                action,
                at,
            });
            p += 1;
        }
        // Stored leaves no entry reached: the last entries were deleted.
        let reached = (n as i64 + offset).max(0) as u64;
        if reached < stored_count
            && !self
                .findings
                .iter()
                .any(|f| matches!(f, Finding::HashesMissing { .. }))
        {
            for q in reached..stored_count {
                self.findings.push(Finding::Deleted { leaf: q });
            }
        }
    }

    /// Stored hashes above the leaves that differ from the rebuilt ones, lowest first, one
    /// finding per rewritten subtree.
    fn compare_interior(&mut self, stored: &HashMap<u64, Hash>) {
        let leaf_findings = self.findings.iter().any(|f| {
            matches!(
                f,
                Finding::Edited { .. }
                    | Finding::Deleted { .. }
                    | Finding::Inserted { .. }
                    | Finding::Swapped { .. }
            )
        });
        if leaf_findings {
            // The leaves already say where; every hash above them differs as a consequence.
            return;
        }
        let mut covered: Vec<(u64, u64)> = Vec::new();
        for (index, rebuilt) in self.rebuilt.0.iter().enumerate() {
            let (level, k) = tlog_tiles::split_stored_hash_index(index as u64);
            if level == 0 {
                continue;
            }
            let Some(stored) = stored.get(&(index as u64)) else {
                continue;
            };
            if stored.0 == rebuilt.0 {
                continue;
            }
            let first = k << level;
            let last = ((k + 1) << level) - 1;
            if covered.iter().any(|&(a, b)| a <= first && last <= b) {
                continue;
            }
            covered.push((first, last));
            self.findings.push(Finding::HashRewritten {
                level,
                first_leaf: first,
                last_leaf: last,
            });
        }
    }

    /// Returns the largest size a valid checkpoint signed.
    fn check_checkpoints(
        &mut self,
        stored: &HashMap<u64, Hash>,
        checkpoints: &[StoredCheckpoint],
        trusted_key: Option<&str>,
    ) -> Option<u64> {
        if let (Some(trusted), Some((_, first))) = (trusted_key, self.keys.first()) {
            if trusted.trim() != first {
                self.findings.push(Finding::UntrustedKey {
                    key: first.clone(),
                    trusted: trusted.trim().to_string(),
                });
            }
        }
        let n = self.leaves.len() as u64;
        let stored_reader = Hashes::new(stored.iter().map(|(&k, &v)| (k, v)));
        let mut handed_over = 0usize; // keys[..=handed_over] have signed
        let mut last_good: Option<(i64, u64, Hash)> = None;
        let mut signed_max = None;
        let mut previous: Option<(i64, u64, Hash)> = None;
        for c in checkpoints {
            let head = match checkpoint::read_unverified(&c.note) {
                Ok(h) => h,
                Err(e) => {
                    self.findings.push(Finding::BadSignature {
                        checkpoint: c.id,
                        size: 0,
                        detail: e.to_string(),
                    });
                    continue;
                }
            };
            // The keys introduced by entries inside this checkpoint's tree; the newest of
            // them signs, or the one before it for the checkpoint that hands over.
            let in_tree: Vec<usize> = (0..self.keys.len())
                .filter(|&i| self.keys[i].0 < head.size)
                .collect();
            let candidates: Vec<usize> = match in_tree.last() {
                None => Vec::new(),
                Some(&newest) if newest > handed_over => vec![newest, newest - 1],
                Some(&newest) => vec![newest],
            };
            let signer = candidates
                .iter()
                .find(|&&i| checkpoint::open(&c.note, &self.keys[i].1).is_ok())
                .copied();
            match signer {
                // Signed by the newest key, or by the one before it for the hand-over:
                // either way only the newest may sign from now on.
                Some(_) => handed_over = handed_over.max(in_tree.last().copied().unwrap_or(0)),
                None => {
                    let detail = match candidates.first() {
                        Some(&i) => format!("it does not verify with {}", self.keys[i].1),
                        None => "no key entry precedes it in the log".to_string(),
                    };
                    self.findings.push(Finding::BadSignature {
                        checkpoint: c.id,
                        size: head.size,
                        detail,
                    });
                    continue;
                }
            }
            if let Some((pid, psize, proot)) = previous {
                if psize <= head.size {
                    let ok = tree::consistency_proof(head.size, psize, &stored_reader).and_then(
                        |proof| tree::check_consistency(&proof, head.size, head.root, psize, proot),
                    );
                    if ok.is_err() {
                        self.findings.push(Finding::Inconsistent {
                            checkpoint: c.id,
                            size: head.size,
                            previous: pid,
                            previous_size: psize,
                        });
                    }
                }
            }
            previous = Some((c.id, head.size, head.root));
            if head.size > n {
                self.findings.push(Finding::Truncated {
                    checkpoint: c.id,
                    size: head.size,
                    entries: n,
                });
                continue;
            }
            let rebuilt_root = tlog_tiles::tree_hash(head.size, &self.rebuilt).ok();
            if rebuilt_root.map(|h| h.0) != Some(head.root.0) {
                let earlier = self.findings.iter_mut().find_map(|f| match f {
                    Finding::RootMismatch {
                        later_checkpoints, ..
                    } => Some(later_checkpoints),
                    _ => None,
                });
                match earlier {
                    Some(count) => *count += 1,
                    None => {
                        let first_leaf = last_good.map(|(_, s, _)| s).unwrap_or(0);
                        self.findings.push(Finding::RootMismatch {
                            checkpoint: c.id,
                            size: head.size,
                            first_leaf,
                            later_checkpoints: 0,
                        });
                    }
                }
                continue;
            }
            last_good = Some((c.id, head.size, head.root));
            signed_max = Some(signed_max.unwrap_or(0).max(head.size));
        }
        signed_max
    }
}

#[cfg(test)]
mod tests;
