//! The RFC 6962 tree in `tlog_tiles`' stored-hash layout: each leaf's hash, then the hash
//! of every subtree it completes, at `stored_hash_index(level, n)`. Appending leaf `n`
//! stores `1 + trailing_ones(n)` hashes and never rewrites one, so the table of hashes is
//! append-only like the entries.
//!
//! `tlog_tiles` reads the hashes a computation needs in one batch whose indexes depend only
//! on the tree sizes, never on hash values. [`needed`] runs a computation against a
//! reader that records the indexes, so storage can fetch exactly those, asynchronously,
//! and [`Hashes`] then serves them to the real computation.

use std::cell::RefCell;
use std::collections::HashMap;

pub use tlog_tiles::tlog::Error as TlogError;
pub use tlog_tiles::{record_hash, stored_hash_count, stored_hash_index, Hash, HashReader};

use crate::AuditError;

/// The indexes of the stored hashes `compute` reads.
pub fn needed<T>(compute: impl Fn(&dyn HashReader) -> Result<T, TlogError>) -> Vec<u64> {
    let recorder = Recorder::default();
    // The placeholder hashes make the result meaningless; only the reads matter.
    let _ = compute(&recorder);
    let mut indexes = recorder.0.into_inner();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

#[derive(Default)]
struct Recorder(RefCell<Vec<u64>>);

impl HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Ok(vec![Hash::default(); indexes.len()])
    }
}

/// Stored hashes by index: those fetched for a computation, and those it added.
#[derive(Debug, Default, Clone)]
pub struct Hashes(HashMap<u64, Hash>);

impl Hashes {
    pub fn new(pairs: impl IntoIterator<Item = (u64, Hash)>) -> Self {
        Hashes(pairs.into_iter().collect())
    }

    pub fn insert(&mut self, index: u64, hash: Hash) {
        self.0.insert(index, hash);
    }
}

impl HashReader for Hashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|i| self.0.get(i).copied().ok_or(TlogError::IndexesNotInTree))
            .collect()
    }
}

/// Every stored hash in order, as a verifier recomputing the whole tree holds them.
#[derive(Debug, Default, Clone)]
pub struct AllHashes(pub Vec<Hash>);

impl HashReader for AllHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| {
                self.0
                    .get(i as usize)
                    .copied()
                    .ok_or(TlogError::IndexesNotInTree)
            })
            .collect()
    }
}

impl AllHashes {
    /// Appends leaf `n` (the tree's current size) with its data.
    pub fn push_leaf(&mut self, n: u64, data: &[u8]) -> Result<(), AuditError> {
        let new = tlog_tiles::stored_hashes(n, data, self)?;
        self.0.extend(new);
        Ok(())
    }
}

/// The indexes `append` needs to add leaves to a tree of `size` leaves: the roots of the
/// complete subtrees along its right edge, which are also what its root is made of.
pub fn append_needs(size: u64) -> Vec<u64> {
    needed(|r| tlog_tiles::tree_hash(size, &ReaderRef(r)))
}

/// The hashes to store for `leaves` appended to a tree of `size` leaves, with their
/// indexes, and the new root. `known` must hold `append_needs(size)`.
pub fn append(
    size: u64,
    leaves: &[&[u8]],
    mut known: Hashes,
) -> Result<(Vec<(u64, Hash)>, Hash), AuditError> {
    let mut added = Vec::new();
    for (i, data) in leaves.iter().enumerate() {
        let n = size + i as u64;
        let first = stored_hash_index(0, n);
        for (k, h) in tlog_tiles::stored_hashes(n, data, &known)?
            .into_iter()
            .enumerate()
        {
            let index = first + k as u64;
            known.insert(index, h);
            added.push((index, h));
        }
    }
    let new_size = size + leaves.len() as u64;
    let root = tlog_tiles::tree_hash(new_size, &known)?;
    Ok((added, root))
}

/// The root of a tree of `size` leaves from the hashes of `append_needs(size)`.
pub fn root(size: u64, known: &Hashes) -> Result<Hash, AuditError> {
    Ok(tlog_tiles::tree_hash(size, known)?)
}

/// The indexes an inclusion proof of leaf `index` in a tree of `size` needs.
pub fn inclusion_needs(size: u64, index: u64) -> Vec<u64> {
    needed(|r| tlog_tiles::prove_record(size, index, &ReaderRef(r)))
}

pub fn inclusion_proof(size: u64, index: u64, known: &Hashes) -> Result<Vec<Hash>, AuditError> {
    Ok(tlog_tiles::prove_record(size, index, known)?)
}

/// The indexes a consistency proof from `old_size` to `size` needs.
pub fn consistency_needs(size: u64, old_size: u64) -> Vec<u64> {
    needed(|r| tlog_tiles::prove_tree(size, old_size, &ReaderRef(r)))
}

pub fn consistency_proof(
    size: u64,
    old_size: u64,
    known: &Hashes,
) -> Result<Vec<Hash>, AuditError> {
    Ok(tlog_tiles::prove_tree(size, old_size, known)?)
}

/// Whether `proof` puts `leaf` (the entry's bytes) at `index` of the tree with `root`.
pub fn check_inclusion(
    proof: &[Hash],
    size: u64,
    root: Hash,
    index: u64,
    leaf: &[u8],
) -> Result<(), AuditError> {
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, record_hash(leaf)).map_err(|e| {
        AuditError::invalid(format!("the inclusion proof of entry {index} fails: {e}"))
    })
}

/// Whether the tree of `old_size` with `old_root` is a prefix of the tree with `root`.
pub fn check_consistency(
    proof: &[Hash],
    size: u64,
    root: Hash,
    old_size: u64,
    old_root: Hash,
) -> Result<(), AuditError> {
    tlog_tiles::check_tree(&proof.to_vec(), size, root, old_size, old_root).map_err(|e| {
        AuditError::invalid(format!(
            "the tree of {old_size} entries is not a prefix of the tree of {size}: {e}"
        ))
    })
}

/// `&dyn HashReader` as a sized reader, for tlog's generic functions.
struct ReaderRef<'a>(&'a dyn HashReader);

impl HashReader for ReaderRef<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.0.read_hashes(indexes)
    }
}

pub fn to_base64(h: &Hash) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(h.0)
}

pub fn from_base64(s: &str) -> Result<Hash, AuditError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| AuditError::malformed(format!("{s:?} is not a base64 hash: {e}")))?;
    let array: [u8; 32] = bytes
        .try_into()
        .map_err(|_| AuditError::malformed(format!("{s:?} is not 32 bytes")))?;
    Ok(Hash(array))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
    }

    fn full(data: &[Vec<u8>]) -> AllHashes {
        let mut all = AllHashes::default();
        for (i, d) in data.iter().enumerate() {
            all.push_leaf(i as u64, d).unwrap();
        }
        all
    }

    fn fetch(all: &AllHashes, indexes: &[u64]) -> Hashes {
        Hashes::new(indexes.iter().map(|&i| (i, all.0[i as usize])))
    }

    /// RFC 6962's own definition, recursively, to check the stored layout against.
    fn reference_root(d: &[Vec<u8>]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let sha = |parts: &[&[u8]]| -> [u8; 32] {
            let mut h = Sha256::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().into()
        };
        match d.len() {
            0 => sha(&[]),
            1 => sha(&[&[0u8], &d[0]]),
            n => {
                let k = n.next_power_of_two() / 2;
                let (l, r) = (reference_root(&d[..k]), reference_root(&d[k..]));
                sha(&[&[1u8], &l, &r])
            }
        }
    }

    #[test]
    fn appending_in_batches_matches_the_rfc_root_and_the_full_layout() {
        let data = leaves(37);
        let all = full(&data);
        assert_eq!(all.0.len() as u64, stored_hash_count(37));
        for (size, batch) in [(0usize, 5usize), (5, 1), (6, 10), (16, 21)] {
            let known = fetch(&all, &append_needs(size as u64));
            let slices: Vec<&[u8]> = data[size..size + batch]
                .iter()
                .map(|d| d.as_slice())
                .collect();
            let (added, root) = append(size as u64, &slices, known).unwrap();
            for (i, h) in &added {
                assert_eq!(all.0[*i as usize].0, h.0, "stored hash {i}");
            }
            assert_eq!(
                root.0,
                reference_root(&data[..size + batch]),
                "size {}",
                size + batch
            );
        }
    }

    #[test]
    fn proofs_fetched_by_their_needs_check_and_a_wrong_leaf_fails() {
        let data = leaves(21);
        let all = full(&data);
        let size = 21;
        let root = tlog_tiles::tree_hash(size, &all).unwrap();
        for index in [0u64, 7, 20] {
            let known = fetch(&all, &inclusion_needs(size, index));
            let proof = inclusion_proof(size, index, &known).unwrap();
            check_inclusion(&proof, size, root, index, &data[index as usize]).unwrap();
            let e = check_inclusion(&proof, size, root, index, b"forged").unwrap_err();
            assert_eq!(e.kind(), crate::AuditErrorKind::Invalid);
        }
        for old in [1u64, 8, 13, 21] {
            let old_root = tlog_tiles::tree_hash(old, &all).unwrap();
            let known = fetch(&all, &consistency_needs(size, old));
            let proof = consistency_proof(size, old, &known).unwrap();
            check_consistency(&proof, size, root, old, old_root).unwrap();
            assert!(
                check_consistency(&proof, size, root, old, record_hash(b"x")).is_err()
                    || old == size
            );
        }
    }

    #[test]
    fn a_missing_hash_is_a_tree_error_and_hashes_round_trip_base64() {
        let e = root(5, &Hashes::default()).unwrap_err();
        assert_eq!(e.kind(), crate::AuditErrorKind::Tree);
        let h = record_hash(b"a");
        assert_eq!(from_base64(&to_base64(&h)).unwrap().0, h.0);
        assert!(from_base64("AAAA").is_err());
    }
}
