//! Brute-force protection without locking the real user out (ASVS 6.1.1):
//! after 5 failed logins for one account within 15 minutes, each further
//! attempt on that account waits progressively longer before it is checked.
//!
//! An attempt counts from the moment it starts (`begin`) and is forgiven
//! only by a success: a hundred attempts sent at once are slowed like a
//! hundred sent one after another, not let through while none has failed
//! yet.
//!
//! Kept in memory, keyed on a SHA-256 of the lower-cased email, so the
//! process never even holds the address. With several instances the
//! attempts are counted in the Redis they share (`shared_store`, salted
//! there too), so five free tries are five across all of them; without it
//! (or while it fails) each instance counts its own.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const FREE_ATTEMPTS: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const MAX_DELAY: Duration = Duration::from_secs(30);

type Key = [u8; 32];

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, Vec<Instant>>>,
    shared: Option<super::shared_store::SharedStore>,
}

fn key(account: &str) -> Key {
    Sha256::digest(account.trim().to_lowercase().as_bytes()).into()
}

/// The wait before the next attempt, given the number of recent failures:
/// none for the first five, then 1 s, 2 s, 4 s, ... up to 30 s.
pub fn delay_after(failures: usize) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let exponent = u32::try_from(failures - FREE_ATTEMPTS)
        .unwrap_or(u32::MAX)
        .min(5);
    Duration::from_secs(1u64 << exponent).min(MAX_DELAY)
}

/// The name attempts are counted under in the shared store.
const SHARED_NAME: &str = "login";

impl LoginThrottle {
    /// Counts in `store` when several instances share one.
    pub fn shared(store: Option<super::shared_store::SharedStore>) -> Self {
        Self {
            shared: store,
            ..Self::default()
        }
    }

    /// Counts an attempt on `account` now, and returns how long it must
    /// wait before it is checked (given the attempts before it).
    pub async fn begin(&self, account: &str) -> Duration {
        if let Some(store) = &self.shared {
            match store.attempt(SHARED_NAME, &[&key(account)], WINDOW).await {
                Ok(before) => return delay_after(before),
                Err(error) => {
                    tracing::warn!(%error, "the shared limit store failed: counting logins in this instance");
                }
            }
        }
        self.begin_here(account)
    }

    /// The right password: the account's earlier attempts are forgiven.
    pub async fn record_success(&self, account: &str) {
        if let Some(store) = &self.shared {
            if let Err(error) = store.forget(SHARED_NAME, &[&key(account)]).await {
                tracing::warn!(%error, "the shared limit store failed to forgive a login");
            }
        }
        self.forgive_here(account);
    }

    /// [`begin`](Self::begin) in this instance's memory.
    pub fn begin_here(&self, account: &str) -> Duration {
        let now = Instant::now();
        let Ok(mut map) = self.failures.lock() else {
            return MAX_DELAY;
        };
        // Forget stale accounts now and then so memory stays bounded.
        if map.len() > 100_000 {
            map.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        let times = map.entry(key(account)).or_default();
        times.retain(|t| now.duration_since(*t) < WINDOW);
        let before = times.len();
        times.push(now);
        delay_after(before)
    }

    /// [`record_success`](Self::record_success) in this instance's memory.
    pub fn forgive_here(&self, account: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&key(account));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_free_attempts_then_progressive_delays() {
        assert_eq!(delay_after(0), Duration::ZERO);
        assert_eq!(delay_after(4), Duration::ZERO);
        assert_eq!(delay_after(5), Duration::from_secs(1));
        assert_eq!(delay_after(6), Duration::from_secs(2));
        assert_eq!(delay_after(8), Duration::from_secs(8));
        assert_eq!(delay_after(50), MAX_DELAY);
    }

    #[test]
    fn per_account_counted_at_the_start_and_cleared_by_success() {
        let throttle = LoginThrottle::default();
        // Six attempts under way at once, none finished: the sixth waits.
        let delays: Vec<Duration> = (0..6)
            .map(|_| throttle.begin_here("Jan@Example.nl"))
            .collect();
        assert_eq!(delays[..5], [Duration::ZERO; 5]);
        assert_eq!(delays[5], Duration::from_secs(1));
        assert_eq!(
            throttle.begin_here("jan@example.nl "),
            Duration::from_secs(2)
        );
        assert_eq!(
            throttle.begin_here("piet@example.nl"),
            Duration::ZERO,
            "other accounts are not slowed"
        );
        throttle.forgive_here("jan@example.nl");
        assert_eq!(throttle.begin_here("jan@example.nl"), Duration::ZERO);
    }
}
