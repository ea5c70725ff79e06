use std::collections::HashMap;

use serde_json::{json, Value};

use super::*;
use crate::entry::KEY_ACTION;
use crate::keys::SigningKey;

struct Log {
    entries: Vec<Vec<u8>>,
    stored: HashMap<u64, Hash>,
    checkpoints: Vec<StoredCheckpoint>,
    key: SigningKey,
}

fn entry(action: &str, detail: Value) -> Vec<u8> {
    Entry {
        at: "2026-12-07T00:00:00.000Z".into(),
        actor: "admin".into(),
        role: "admin".into(),
        action: action.into(),
        record: None,
        subject: None,
        detail,
    }
    .to_bytes()
}

/// A log of `n` entries whose first introduces the key, signed at `sizes`.
fn log(n: usize, sizes: &[u64]) -> Log {
    let key = SigningKey::generate("hoso.test/log").unwrap();
    let mut entries = vec![entry(KEY_ACTION, json!({"key": key.verifier_key()}))];
    entries.extend((1..n).map(|i| entry(&format!("record.step{i}"), Value::Null)));
    let mut all = AllHashes::default();
    let mut checkpoints = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        all.push_leaf(i as u64, e).unwrap();
        let size = i as u64 + 1;
        if sizes.contains(&size) {
            let root = tlog_tiles::tree_hash(size, &all).unwrap();
            checkpoints.push(StoredCheckpoint {
                id: checkpoints.len() as i64 + 1,
                note: checkpoint::sign("hoso.test/log", size, root, &key).unwrap(),
            });
        }
    }
    let stored = all
        .0
        .iter()
        .enumerate()
        .map(|(i, h)| (i as u64, *h))
        .collect();
    Log {
        entries,
        stored,
        checkpoints,
        key,
    }
}

fn verify(l: &Log, entries: &[Vec<u8>]) -> Report {
    let mut v = LogVerifier::new();
    for (i, e) in entries.iter().enumerate() {
        v.push(i as u64, i as i64 + 100, e);
    }
    v.finish(&l.stored, &l.checkpoints, Some(l.key.verifier_key()))
}

#[test]
fn an_untouched_log_is_intact_and_counts_its_unsigned_tail() {
    let l = log(23, &[5, 10, 20]);
    let r = verify(&l, &l.entries);
    assert!(r.is_intact(), "{r}");
    assert_eq!((r.entries, r.checkpoints, r.unsigned_entries), (23, 3, 3));
    assert_eq!(r.keys, vec![(0, l.key.verifier_key().to_string())]);
}

#[test]
fn an_edited_entry_is_named() {
    let l = log(23, &[5, 10, 20]);
    let mut e = l.entries.clone();
    e[7] = entry("record.step7", json!({"value": "forged"}));
    let r = verify(&l, &e);
    assert!(
        matches!(
            r.findings[0],
            Finding::Edited {
                leaf: 7,
                entry_id: 107,
                ..
            }
        ),
        "{r}"
    );
    assert!(
        r.findings.iter().any(|f| matches!(
            f,
            Finding::RootMismatch {
                checkpoint: 2,
                first_leaf: 5,
                later_checkpoints: 1,
                ..
            }
        )),
        "{r}"
    );
}

#[test]
fn a_deleted_entry_is_named_in_the_middle_and_at_the_end() {
    let l = log(23, &[5, 10, 20]);
    let mut e = l.entries.clone();
    e.remove(12);
    let r = verify(&l, &e);
    assert_eq!(r.findings[0], Finding::Deleted { leaf: 12 }, "{r}");
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| matches!(f, Finding::Deleted { .. }))
            .count(),
        1,
        "{r}"
    );

    let mut e = l.entries.clone();
    e.truncate(18);
    let r = verify(&l, &e);
    let deleted: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| matches!(f, Finding::Deleted { .. }))
        .collect();
    assert_eq!(deleted.len(), 5, "{r}");
    assert!(
        r.findings.iter().any(|f| matches!(
            f,
            Finding::Truncated {
                size: 20,
                entries: 18,
                ..
            }
        )),
        "{r}"
    );
}

#[test]
fn an_inserted_entry_is_named() {
    let l = log(23, &[5, 10, 20]);
    let mut e = l.entries.clone();
    e.insert(9, entry("record.verified", Value::Null));
    let r = verify(&l, &e);
    assert!(
        matches!(&r.findings[0], Finding::Inserted { leaf: 9, action, .. } if action == "record.verified"),
        "{r}"
    );
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| matches!(f, Finding::Inserted { .. } | Finding::Edited { .. }))
            .count(),
        1,
        "{r}"
    );
}

#[test]
fn reordered_entries_are_named() {
    let l = log(23, &[5, 10, 20]);
    let mut e = l.entries.clone();
    e.swap(3, 15);
    let r = verify(&l, &e);
    assert_eq!(
        r.findings[0],
        Finding::Swapped { leaf: 3, other: 15 },
        "{r}"
    );
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| matches!(f, Finding::Swapped { .. } | Finding::Edited { .. }))
            .count(),
        1,
        "{r}"
    );
}

#[test]
fn rewritten_hashes_are_caught_by_the_signed_roots_and_located_between_checkpoints() {
    let l = log(23, &[5, 10, 20]);
    let mut e = l.entries.clone();
    e[14] = entry("record.step14", json!({"value": "forged"}));
    // The forger recomputes every stored hash from the forged entries.
    let mut all = AllHashes::default();
    for (i, x) in e.iter().enumerate() {
        all.push_leaf(i as u64, x).unwrap();
    }
    let forged = Log {
        stored: all
            .0
            .iter()
            .enumerate()
            .map(|(i, h)| (i as u64, *h))
            .collect(),
        entries: e.clone(),
        checkpoints: l.checkpoints.clone(),
        key: l.key.clone(),
    };
    let r = verify(&forged, &e);
    assert!(
        r.findings.iter().any(|f| matches!(
            f,
            Finding::RootMismatch {
                checkpoint: 3,
                size: 20,
                first_leaf: 10,
                ..
            }
        )),
        "{r}"
    );
    assert!(
        r.findings
            .iter()
            .any(|f| matches!(f, Finding::Inconsistent { checkpoint: 3, .. })),
        "{r}"
    );
    assert!(
        !r.findings.iter().any(|f| matches!(
            f,
            Finding::RootMismatch {
                checkpoint: 1 | 2,
                ..
            }
        )),
        "{r}"
    );
}

#[test]
fn a_rewritten_leaf_hash_alone_is_located_by_the_hashes_above_it() {
    let l = log(16, &[16]);
    let mut stored = l.stored.clone();
    let mut e = l.entries.clone();
    e[6] = entry("record.step6", json!({"value": "forged"}));
    stored.insert(tree::stored_hash_index(0, 6), tree::record_hash(&e[6]));
    let forged = Log {
        stored,
        entries: e.clone(),
        checkpoints: l.checkpoints.clone(),
        key: l.key.clone(),
    };
    let r = verify(&forged, &e);
    assert_eq!(
        r.findings[0],
        Finding::HashRewritten {
            level: 1,
            first_leaf: 6,
            last_leaf: 7
        },
        "{r}"
    );
}

#[test]
fn checkpoints_need_the_key_the_log_names_and_a_rotation_hands_over() {
    let l = log(10, &[5]);
    let stranger = SigningKey::generate("hoso.test/log").unwrap();
    let mut checkpoints = l.checkpoints.clone();
    let root = {
        let mut all = AllHashes::default();
        for (i, x) in l.entries.iter().enumerate() {
            all.push_leaf(i as u64, x).unwrap();
        }
        tlog_tiles::tree_hash(10, &all).unwrap()
    };
    checkpoints.push(StoredCheckpoint {
        id: 2,
        note: checkpoint::sign("hoso.test/log", 10, root, &stranger).unwrap(),
    });
    let forged = Log {
        checkpoints,
        ..log_clone(&l)
    };
    let r = verify(&forged, &forged.entries);
    assert!(
        matches!(
            r.findings[0],
            Finding::BadSignature {
                checkpoint: 2,
                size: 10,
                ..
            }
        ),
        "{r}"
    );

    // A rotation: entry 10 names the new key, the old key signs size 11, the new size 13.
    let new = SigningKey::generate("hoso.test/log").unwrap();
    let mut e = l.entries.clone();
    e.push(entry(
        KEY_ACTION,
        json!({"key": new.verifier_key(), "previous": l.key.verifier_key()}),
    ));
    e.push(entry("record.after", Value::Null));
    e.push(entry("record.after2", Value::Null));
    let mut all = AllHashes::default();
    for (i, x) in e.iter().enumerate() {
        all.push_leaf(i as u64, x).unwrap();
    }
    let mut checkpoints = l.checkpoints.clone();
    for (id, size, key) in [(2, 11u64, &l.key), (3, 13, &new)] {
        let root = tlog_tiles::tree_hash(size, &all).unwrap();
        checkpoints.push(StoredCheckpoint {
            id,
            note: checkpoint::sign("hoso.test/log", size, root, key).unwrap(),
        });
    }
    let rotated = Log {
        stored: all
            .0
            .iter()
            .enumerate()
            .map(|(i, h)| (i as u64, *h))
            .collect(),
        entries: e.clone(),
        checkpoints: checkpoints.clone(),
        key: l.key.clone(),
    };
    let r = verify(&rotated, &e);
    assert!(r.is_intact(), "{r}");
    assert_eq!(r.keys.len(), 2);

    // After the hand-over the old key may not sign again, even before the new key has.
    let root = tlog_tiles::tree_hash(13, &all).unwrap();
    let mut late_checkpoints = checkpoints.clone();
    late_checkpoints.push(StoredCheckpoint {
        id: 4,
        note: checkpoint::sign("hoso.test/log", 13, root, &l.key).unwrap(),
    });
    let late = Log {
        checkpoints: late_checkpoints,
        ..log_clone(&rotated)
    };
    let r = verify(&late, &e);
    assert!(
        matches!(r.findings[0], Finding::BadSignature { checkpoint: 4, .. }),
        "{r}"
    );
    let mut twice = checkpoints[..2].to_vec();
    twice.push(StoredCheckpoint {
        id: 3,
        note: checkpoint::sign("hoso.test/log", 13, root, &l.key).unwrap(),
    });
    let r = verify(
        &Log {
            checkpoints: twice,
            ..log_clone(&rotated)
        },
        &e,
    );
    assert!(
        matches!(r.findings[0], Finding::BadSignature { checkpoint: 3, .. }),
        "{r}"
    );

    // A verifier that trusts another first key says so.
    let mut v = LogVerifier::new();
    for (i, x) in l.entries.iter().enumerate() {
        v.push(i as u64, i as i64, x);
    }
    let r = v.finish(&l.stored, &l.checkpoints, Some(stranger.verifier_key()));
    assert!(matches!(r.findings[0], Finding::UntrustedKey { .. }), "{r}");
}

fn log_clone(l: &Log) -> Log {
    Log {
        entries: l.entries.clone(),
        stored: l.stored.clone(),
        checkpoints: l.checkpoints.clone(),
        key: l.key.clone(),
    }
}
