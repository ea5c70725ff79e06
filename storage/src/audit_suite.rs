//! The behaviour every `AuditLog` backend must show: entries sequenced into the tree in
//! the order written, with no gap or duplicate even when written and sequenced from many
//! tasks at once; proofs and receipts that check against signed checkpoints; a key
//! rotation that keeps earlier checkpoints verifiable; an untouched log verifying intact.

use std::sync::Arc;

use hoso_audit::checkpoint;
use hoso_audit::entry::Entry;
use hoso_audit::keys::SigningKey;
use hoso_audit::receipt::Receipt;
use hoso_audit::tree::{self, AllHashes};
use hoso_pipeline::audit::{entry, AuditLog, Auditor};
use serde_json::json;

pub const ORIGIN: &str = "hoso.test/audit";

pub fn step(i: usize) -> Entry {
    let record = format!("r-{}", i % 5);
    entry(
        "clerk-1",
        "clerk",
        &format!("record.step{i}"),
        Some(&record),
        None,
        json!({"i": i}),
    )
}

pub async fn run(log: Arc<dyn AuditLog>) {
    let key = SigningKey::generate(ORIGIN).unwrap();
    let auditor = Auditor::new(Arc::clone(&log), Some(key.clone()), ORIGIN);
    an_empty_log_signs_its_key_first(&auditor, &key).await;
    entries_get_leaves_in_order_and_the_root_is_rfc_6962s(&auditor).await;
    proofs_check_against_signed_checkpoints(&auditor, &key).await;
    receipts_check_offline(&auditor, &key).await;
    concurrent_writers_and_sequencers_leave_no_gap(&auditor).await;
    a_rotated_key_keeps_earlier_checkpoints_verifiable(&auditor, &key).await;
}

async fn an_empty_log_signs_its_key_first(auditor: &Auditor, key: &SigningKey) {
    let log = auditor.log();
    assert_eq!(log.integrate().await.unwrap(), 0);
    assert!(log.latest_checkpoint().await.unwrap().is_none());
    let c = auditor.checkpoint().await.unwrap();
    assert_eq!(c.tree_size, 1);
    let first = log.entries(0, 10).await.unwrap();
    let e = Entry::parse(&first[0].bytes).unwrap();
    assert_eq!(e.introduced_key(), Some(key.verifier_key()));
    assert_eq!(
        checkpoint::open(&c.note, key.verifier_key()).unwrap().size,
        1
    );
    // Nothing new: the same checkpoint.
    assert_eq!(auditor.checkpoint().await.unwrap().id, c.id);
}

async fn entries_get_leaves_in_order_and_the_root_is_rfc_6962s(auditor: &Auditor) {
    let log = auditor.log();
    for i in 0..40 {
        log.append(&step(i)).await.unwrap();
    }
    assert_eq!(
        log.tree_size().await.unwrap(),
        1,
        "appended entries wait for the sequencer"
    );
    assert_eq!(log.integrate().await.unwrap(), 41);
    let stored = log.entries(0, 1000).await.unwrap();
    assert_eq!(stored.len(), 41);
    let mut all = AllHashes::default();
    for (i, e) in stored.iter().enumerate() {
        assert_eq!(e.leaf, Some(i as u64));
        if i > 0 {
            assert_eq!(
                Entry::parse(&e.bytes).unwrap().action,
                format!("record.step{}", i - 1)
            );
        }
        all.push_leaf(i as u64, &e.bytes).unwrap();
    }
    let expected = tlog_tiles::tree_hash(41, &all).unwrap();
    assert_eq!(auditor.root(41).await.unwrap().0, expected.0);
    assert_eq!(log.entries(40, 10).await.unwrap().len(), 1);
}

async fn proofs_check_against_signed_checkpoints(auditor: &Auditor, key: &SigningKey) {
    let log = auditor.log();
    let c = auditor.checkpoint().await.unwrap();
    let head = checkpoint::open(&c.note, key.verifier_key()).unwrap();
    let entries = log.entries(0, 1000).await.unwrap();
    for index in [0u64, 1, 17, head.size - 1] {
        let proof = auditor.inclusion_proof(index, head.size).await.unwrap();
        tree::check_inclusion(
            &proof,
            head.size,
            head.root,
            index,
            &entries[index as usize].bytes,
        )
        .unwrap();
    }
    let first = checkpoint::open(
        &log.checkpoints().await.unwrap()[0].note,
        key.verifier_key(),
    )
    .unwrap();
    let proof = auditor
        .consistency_proof(first.size, head.size)
        .await
        .unwrap();
    tree::check_consistency(&proof, head.size, head.root, first.size, first.root).unwrap();
    assert!(auditor.inclusion_proof(head.size, head.size).await.is_err());
    assert!(auditor
        .consistency_proof(head.size, head.size + 1)
        .await
        .is_err());
}

async fn receipts_check_offline(auditor: &Auditor, key: &SigningKey) {
    let receipt = auditor.receipt("r-3").await.unwrap();
    let parsed = Receipt::parse(&receipt.to_text()).unwrap();
    let verified = parsed.verify(key.verifier_key()).unwrap();
    let actions: Vec<String> = verified
        .entries
        .iter()
        .map(|(_, e)| e.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            "record.step3",
            "record.step8",
            "record.step13",
            "record.step18",
            "record.step23",
            "record.step28",
            "record.step33",
            "record.step38"
        ]
    );
    assert!(verified
        .entries
        .iter()
        .all(|(_, e)| e.record.as_deref() == Some("r-3")));
    assert!(auditor.receipt("nobody").await.is_err());
}

async fn concurrent_writers_and_sequencers_leave_no_gap(auditor: &Auditor) {
    let log = Arc::clone(auditor.log());
    let before = log.integrate().await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..6 {
        let log = Arc::clone(&log);
        tasks.spawn(async move {
            for i in 0..20 {
                log.append(&step(1000 + t * 100 + i)).await.unwrap();
                if i % 5 == 0 {
                    log.integrate().await.unwrap();
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let after = log.integrate().await.unwrap();
    assert_eq!(after, before + 120);
    let entries = log.entries(0, 1000).await.unwrap();
    let leaves: Vec<u64> = entries.iter().filter_map(|e| e.leaf).collect();
    assert_eq!(leaves, (0..after).collect::<Vec<_>>());
    let report = log.verify_log(None).await.unwrap();
    assert!(report.is_intact(), "{report}");
}

async fn a_rotated_key_keeps_earlier_checkpoints_verifiable(auditor: &Auditor, old: &SigningKey) {
    let log = auditor.log();
    let new = SigningKey::generate(ORIGIN).unwrap();
    let handover = auditor.rotate_key(&new, "admin").await.unwrap();
    assert!(checkpoint::open(&handover.note, old.verifier_key()).is_ok());
    let rotated = Auditor::new(Arc::clone(log), Some(new.clone()), ORIGIN);
    log.append(&step(5000)).await.unwrap();
    let c = rotated.checkpoint().await.unwrap();
    assert!(checkpoint::open(&c.note, new.verifier_key()).is_ok());
    // The old key may no longer sign: it is not the log's current key.
    log.append(&step(5001)).await.unwrap();
    assert!(auditor.checkpoint().await.is_err());
    let report = rotated.verify(Some(old.verifier_key())).await.unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.keys.len(), 2);
    assert_eq!(report.unsigned_entries, 1);
}
