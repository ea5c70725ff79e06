//! The behaviour every `ObjectStore` backend must show. Each run expects an empty store.

use hoso_pipeline::ports::{DerivativeKind, ObjectKey, ObjectStore, StoreError};
use hoso_pipeline::ContentHash;

/// Size of the large object: over 12 MiB, so that a backend configured with 5 MiB parts
/// and a lower multipart threshold uploads it in three parts, the last one short.
pub const LARGE_OBJECT_BYTES: usize = 12 * 1024 * 1024 + 12_345;

/// The large object the suite stores, for backends that check how it was stored.
pub fn large_object() -> Vec<u8> {
    (0..LARGE_OBJECT_BYTES as u32)
        .map(|i| (i % 251) as u8)
        .collect()
}

pub async fn run(store: &dyn ObjectStore) {
    assert!(
        store.list("").await.unwrap().is_empty(),
        "the suite needs an empty store"
    );

    let bytes = b"%PDF-1.4 a synthetic original".to_vec();
    let hash = ContentHash::of(&bytes);
    let key = ObjectKey::original(&hash);

    assert!(!store.exists(&key).await.unwrap());
    match store.get(&key).await {
        Err(StoreError::NotFound(k)) => assert_eq!(k, key.as_str()),
        other => panic!("expected not found, got {other:?}"),
    }

    store.put(&key, &bytes).await.unwrap();
    assert!(store.exists(&key).await.unwrap());
    assert_eq!(store.get(&key).await.unwrap(), bytes);

    // Content addressing: a second put of the same key is a no-op and never rewrites.
    store.put(&key, &bytes).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap(), bytes);

    let derived = ObjectKey::derivative(&hash, DerivativeKind::PageText);
    store.replace(&derived, b"[]").await.unwrap();
    assert_eq!(store.get(&derived).await.unwrap(), b"[]");
    store.replace(&derived, b"[1]").await.unwrap();
    assert_eq!(
        store.get(&derived).await.unwrap(),
        b"[1]",
        "replace rewrites"
    );
    store.put(&derived, b"[2]").await.unwrap();
    assert_eq!(
        store.get(&derived).await.unwrap(),
        b"[1]",
        "put never rewrites"
    );
    assert_eq!(store.get(&key).await.unwrap(), bytes);

    let empty_key = ObjectKey::original(&ContentHash::of(b""));
    store.put(&empty_key, b"").await.unwrap();
    assert_eq!(store.get(&empty_key).await.unwrap(), b"");

    let large = large_object();
    let large_key = ObjectKey::original(&ContentHash::of(&large));
    store.put(&large_key, &large).await.unwrap();
    assert!(
        store.get(&large_key).await.unwrap() == large,
        "large object differs"
    );
    // A large derivative is rewritten whole, not appended to or mixed with the old one.
    let large_derived = ObjectKey::derivative(&ContentHash::of(&large), DerivativeKind::PageText);
    store.replace(&large_derived, &large).await.unwrap();
    let mut shifted = large.clone();
    shifted.rotate_left(1);
    store.replace(&large_derived, &shifted).await.unwrap();
    assert!(
        store.get(&large_derived).await.unwrap() == shifted,
        "large replace differs"
    );

    // File transfers: the streaming paths the workers use, large enough for multipart.
    let scratch = tempfile::tempdir().unwrap();
    let downloaded = scratch.path().join("downloaded");
    store.get_to_file(&large_key, &downloaded).await.unwrap();
    assert!(
        std::fs::read(&downloaded).unwrap() == large,
        "large download differs"
    );
    store.get_to_file(&key, &downloaded).await.unwrap();
    assert_eq!(
        std::fs::read(&downloaded).unwrap(),
        bytes,
        "a download truncates"
    );
    let missing = ObjectKey::original(&ContentHash::of(b"never stored"));
    match store
        .get_to_file(&missing, &scratch.path().join("missing"))
        .await
    {
        Err(StoreError::NotFound(k)) => assert_eq!(k, missing.as_str()),
        other => panic!("expected not found, got {other:?}"),
    }
    let upload = scratch.path().join("upload");
    std::fs::write(&upload, &large).unwrap();
    store
        .replace_from_file(&large_derived, &upload)
        .await
        .unwrap();
    assert!(
        store.get(&large_derived).await.unwrap() == large,
        "large upload from a file differs"
    );
    std::fs::write(&upload, b"[3]").unwrap();
    store.replace_from_file(&derived, &upload).await.unwrap();
    assert_eq!(store.get(&derived).await.unwrap(), b"[3]");
    store.replace(&derived, b"[1]").await.unwrap();

    let mut originals = vec![
        key.as_str().to_string(),
        empty_key.as_str().to_string(),
        large_key.as_str().to_string(),
    ];
    originals.sort();
    assert_eq!(store.list("originals/").await.unwrap(), originals);
    let mut derivatives = vec![
        derived.as_str().to_string(),
        large_derived.as_str().to_string(),
    ];
    derivatives.sort();
    assert_eq!(store.list("derived/").await.unwrap(), derivatives);
    let mut everything = [originals.clone(), derivatives].concat();
    everything.sort();
    assert_eq!(store.list("").await.unwrap(), everything);
    // A prefix that ends inside a folder name matches as a string, as in S3.
    let shard = &key.as_str()[.."originals/a".len()];
    let in_shard: Vec<_> = originals
        .iter()
        .filter(|k| k.starts_with(shard))
        .cloned()
        .collect();
    assert_eq!(store.list(shard).await.unwrap(), in_shard);
    assert!(store.list("nothing-here/").await.unwrap().is_empty());
}
