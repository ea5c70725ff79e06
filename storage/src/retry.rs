//! Retries an object store's transient failures, so that a store restarting or briefly
//! unreachable delays work instead of failing it.

use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hoso_pipeline::ports::{ObjectKey, ObjectStore, StoreError};
use rand::Rng;

/// Wraps any `ObjectStore` and retries calls that fail with a transient error
/// (`StoreError::is_transient`) with jittered exponential backoff, until a total deadline
/// per call. Missing objects, corrupt objects and refused credentials fail at once.
#[derive(Debug, Clone)]
pub struct RetryingObjectStore<S> {
    inner: S,
    deadline: Duration,
    base: Duration,
    cap: Duration,
}

impl<S> RetryingObjectStore<S> {
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
    const DEFAULT_BASE: Duration = Duration::from_millis(200);
    const DEFAULT_CAP: Duration = Duration::from_secs(5);

    pub fn new(inner: S) -> Self {
        Self::with_deadline(inner, Self::DEFAULT_DEADLINE)
    }

    /// Gives up on a call once `deadline` has passed since its first attempt.
    pub fn with_deadline(inner: S, deadline: Duration) -> Self {
        Self {
            inner,
            deadline,
            base: Self::DEFAULT_BASE,
            cap: Self::DEFAULT_CAP,
        }
    }

    /// Sets the first delay and the longest one; the delay doubles in between.
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.base = base;
        self.cap = cap.max(base);
        self
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// "Equal jitter": half the exponential delay, plus a random part of the other half,
    /// so that workers that failed together do not all come back together.
    fn delay(&self, failures: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1)))
            .min(self.cap);
        let half = exp / 2;
        half + rand::thread_rng().gen_range(Duration::ZERO..=half)
    }

    async fn retry<T, F, Fut>(
        &self,
        op: &'static str,
        key: &str,
        mut call: F,
    ) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let started = Instant::now();
        let mut failures = 0u32;
        loop {
            let err = match call().await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_transient() => err,
                Err(err) => return Err(err),
            };
            failures += 1;
            let delay = self.delay(failures);
            let elapsed = started.elapsed();
            if elapsed + delay > self.deadline {
                tracing::warn!(
                    op,
                    key,
                    attempts = failures,
                    elapsed_ms = elapsed.as_millis() as u64,
                    error = %err,
                    "object store call still failing at its deadline, giving up"
                );
                return Err(err);
            }
            tracing::warn!(
                op,
                key,
                attempt = failures,
                delay_ms = delay.as_millis() as u64,
                error = %err,
                "object store call failed, retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

#[async_trait]
impl<S: ObjectStore> ObjectStore for RetryingObjectStore<S> {
    async fn put(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        self.retry("put", key.as_str(), || self.inner.put(key, bytes))
            .await
    }

    async fn replace(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
        self.retry("replace", key.as_str(), || self.inner.replace(key, bytes))
            .await
    }

    async fn get(&self, key: &ObjectKey) -> Result<Vec<u8>, StoreError> {
        self.retry("get", key.as_str(), || self.inner.get(key))
            .await
    }

    async fn exists(&self, key: &ObjectKey) -> Result<bool, StoreError> {
        self.retry("exists", key.as_str(), || self.inner.exists(key))
            .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.retry("list", prefix, || self.inner.list(prefix)).await
    }

    async fn get_to_file(&self, key: &ObjectKey, path: &Path) -> Result<(), StoreError> {
        self.retry("get", key.as_str(), || self.inner.get_to_file(key, path))
            .await
    }

    async fn replace_from_file(&self, key: &ObjectKey, path: &Path) -> Result<(), StoreError> {
        self.retry("replace", key.as_str(), || {
            self.inner.replace_from_file(key, path)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    use super::*;

    /// Fails its first `failures` calls with `error`, then answers from memory.
    struct FlakyStore {
        failures: u32,
        error: fn() -> StoreError,
        calls: AtomicU32,
        objects: Mutex<Vec<(String, Vec<u8>)>>,
    }

    impl FlakyStore {
        fn new(failures: u32, error: fn() -> StoreError) -> Self {
            Self {
                failures,
                error,
                calls: AtomicU32::new(0),
                objects: Mutex::new(Vec::new()),
            }
        }

        fn calls(&self) -> u32 {
            self.calls.load(Ordering::SeqCst)
        }

        fn check(&self) -> Result<(), StoreError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.failures {
                Err((self.error)())
            } else {
                Ok(())
            }
        }
    }

    fn unreachable() -> StoreError {
        StoreError::Backend {
            key: "k".into(),
            detail: "connection refused".into(),
        }
    }

    #[async_trait]
    impl ObjectStore for FlakyStore {
        async fn put(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
            self.check()?;
            let mut objects = self.objects.lock().unwrap();
            if !objects.iter().any(|(k, _)| k == key.as_str()) {
                objects.push((key.as_str().to_string(), bytes.to_vec()));
            }
            Ok(())
        }

        async fn replace(&self, key: &ObjectKey, bytes: &[u8]) -> Result<(), StoreError> {
            self.check()?;
            let mut objects = self.objects.lock().unwrap();
            objects.retain(|(k, _)| k != key.as_str());
            objects.push((key.as_str().to_string(), bytes.to_vec()));
            Ok(())
        }

        async fn get(&self, key: &ObjectKey) -> Result<Vec<u8>, StoreError> {
            self.check()?;
            let objects = self.objects.lock().unwrap();
            objects
                .iter()
                .find(|(k, _)| k == key.as_str())
                .map(|(_, v)| v.clone())
                .ok_or_else(|| StoreError::NotFound(key.as_str().to_string()))
        }

        async fn exists(&self, key: &ObjectKey) -> Result<bool, StoreError> {
            self.check()?;
            let objects = self.objects.lock().unwrap();
            Ok(objects.iter().any(|(k, _)| k == key.as_str()))
        }

        async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
            self.check()?;
            let objects = self.objects.lock().unwrap();
            let mut keys: Vec<_> = objects
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| k.starts_with(prefix))
                .collect();
            keys.sort();
            Ok(keys)
        }
    }

    fn key() -> ObjectKey {
        ObjectKey::original(&hoso_pipeline::ContentHash::of(b"x"))
    }

    fn fast(store: FlakyStore, deadline: Duration) -> RetryingObjectStore<FlakyStore> {
        RetryingObjectStore::with_deadline(store, deadline)
            .with_backoff(Duration::from_millis(1), Duration::from_millis(8))
    }

    #[tokio::test]
    async fn retries_transient_failures_until_the_call_succeeds() {
        let store = fast(FlakyStore::new(4, unreachable), Duration::from_secs(10));
        store.put(&key(), b"x").await.unwrap();
        assert_eq!(store.inner().calls(), 5);
        assert_eq!(store.get(&key()).await.unwrap(), b"x");
        assert_eq!(store.inner().calls(), 6, "a healthy call is made once");
    }

    #[tokio::test]
    async fn passes_the_object_store_suite_over_a_flaky_store() {
        let store = fast(FlakyStore::new(3, unreachable), Duration::from_secs(10));
        crate::object_store_suite::run(&store).await;
    }

    #[tokio::test]
    async fn does_not_retry_missing_corrupt_or_refused() {
        let errors: [fn() -> StoreError; 3] = [
            || StoreError::NotFound("k".into()),
            || StoreError::Corrupt {
                key: "k".into(),
                detail: "sha-256 mismatch".into(),
            },
            || StoreError::Unauthorized {
                key: "k".into(),
                detail: "bad key".into(),
            },
        ];
        for error in errors {
            let store = fast(FlakyStore::new(1, error), Duration::from_secs(10));
            let err = store.get(&key()).await.unwrap_err();
            assert!(!err.is_transient(), "{err}");
            assert_eq!(store.inner().calls(), 1, "{err} was retried");
        }
    }

    #[tokio::test]
    async fn gives_up_with_the_last_error_at_the_deadline() {
        let store = fast(
            FlakyStore::new(u32::MAX, unreachable),
            Duration::from_millis(100),
        );
        let started = Instant::now();
        let err = store.exists(&key()).await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, StoreError::Backend { .. }), "{err}");
        assert!(elapsed <= Duration::from_millis(500), "took {elapsed:?}");
        assert!(store.inner().calls() > 3, "{} calls", store.inner().calls());
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_up_to_the_cap() {
        let store = RetryingObjectStore::new(FlakyStore::new(0, unreachable));
        for _ in 0..100 {
            let first = store.delay(1);
            assert!((100..=200).contains(&first.as_millis()), "{first:?}");
            let third = store.delay(3);
            assert!((400..=800).contains(&third.as_millis()), "{third:?}");
            let late = store.delay(40);
            assert!((2500..=5000).contains(&late.as_millis()), "{late:?}");
        }
    }
}
