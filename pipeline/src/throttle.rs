//! Failed sign-ins slow further tries, per account and per address: the first few
//! failures cost nothing, then each one doubles the wait before the next try is even
//! checked, up to a ceiling. State is per process (one `hoso serve`); with several
//! replicas an attacker's budget grows with their number, which the ceiling still bounds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Failures allowed before any wait, per account: a person mistypes, a guesser guesses.
pub const ACCOUNT_FREE_FAILURES: u32 = 3;
/// Per address: more, since one office's clerks may share one address.
pub const ADDRESS_FREE_FAILURES: u32 = 10;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// A key quiet for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
const MAX_KEYS: usize = 100_000;

#[derive(Clone)]
pub struct Throttle {
    free: u32,
    failures: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
}

impl Throttle {
    pub fn new(free_failures: u32) -> Self {
        Self {
            free: free_failures,
            failures: Default::default(),
        }
    }

    /// How long `key` must still wait before its next try is checked.
    pub fn wait(&self, key: &str) -> Option<Duration> {
        let map = self.failures.lock().ok()?;
        let (failures, last) = map.get(key)?;
        let wait = wait_after(*failures, self.free)?;
        wait.checked_sub(last.elapsed())
    }

    pub fn fail(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() >= MAX_KEYS {
                map.retain(|_, (_, last)| last.elapsed() < FORGET_AFTER);
                // Still full of recent keys: a flood of made-up names or addresses. Forget
                // them rather than grow without bound or scan on every failure.
                if map.len() >= MAX_KEYS {
                    map.clear();
                }
            }
            let entry = map.entry(key.to_string()).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= FORGET_AFTER {
                entry.0 = 0;
            }
            entry.0 = entry.0.saturating_add(1);
            entry.1 = Instant::now();
        }
    }

    pub fn succeed(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

fn wait_after(failures: u32, free: u32) -> Option<Duration> {
    let over = failures.checked_sub(free)?;
    let factor = 1u32.checked_shl(over.min(20)).unwrap_or(u32::MAX);
    Some(FIRST_WAIT.saturating_mul(factor).min(MAX_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_up_to_a_ceiling() {
        let cases = [
            (0, None),
            (2, None),
            (3, Some(1)),
            (4, Some(2)),
            (6, Some(8)),
            (40, Some(900)),
        ];
        for (failures, secs) in cases {
            assert_eq!(
                wait_after(failures, 3),
                secs.map(Duration::from_secs),
                "{failures}"
            );
        }
    }

    #[test]
    fn a_key_waits_after_failing_and_success_clears_it() {
        let t = Throttle::new(ACCOUNT_FREE_FAILURES);
        for _ in 0..3 {
            assert_eq!(t.wait("user:lan"), None);
            t.fail("user:lan");
        }
        let wait = t.wait("user:lan").expect("throttled after three failures");
        assert!(wait <= FIRST_WAIT && wait > Duration::ZERO, "{wait:?}");
        assert_eq!(t.wait("user:binh"), None, "other keys are not affected");
        t.succeed("user:lan");
        assert_eq!(t.wait("user:lan"), None);
    }
}
