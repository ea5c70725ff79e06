//! The behaviour every `ObjectStore` backend must show.

use hoso_pipeline::ports::{DerivativeKind, ObjectKey, ObjectStore, StoreError};
use hoso_pipeline::ContentHash;

pub async fn run(store: &dyn ObjectStore) {
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

    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let big_key = ObjectKey::original(&ContentHash::of(&big));
    store.put(&big_key, &big).await.unwrap();
    assert_eq!(store.get(&big_key).await.unwrap(), big);
}
