//! Brute-force protection without locking the real user out (ASVS 6.1.1):
//! after 5 failed logins for one account within 15 minutes, each further
//! attempt on that account waits progressively longer before it is checked.
//!
//! Kept in memory, keyed on a SHA-256 of the lower-cased email, so the
//! process never even holds the address. Per server instance: with several
//! instances an attacker gets 5 free tries per instance, still slowed after.

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

impl LoginThrottle {
    /// How long to wait before checking this attempt.
    pub fn delay(&self, account: &str) -> Duration {
        let now = Instant::now();
        let Ok(mut map) = self.failures.lock() else {
            return MAX_DELAY;
        };
        let recent = map.get_mut(&key(account)).map_or(0, |times| {
            times.retain(|t| now.duration_since(*t) < WINDOW);
            times.len()
        });
        delay_after(recent)
    }

    pub fn record_failure(&self, account: &str) {
        if let Ok(mut map) = self.failures.lock() {
            // Forget stale accounts now and then so memory stays bounded.
            if map.len() > 100_000 {
                let now = Instant::now();
                map.retain(|_, times| {
                    times
                        .last()
                        .is_some_and(|t| now.duration_since(*t) < WINDOW)
                });
            }
            map.entry(key(account)).or_default().push(Instant::now());
        }
    }

    pub fn record_success(&self, account: &str) {
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
    fn per_account_and_cleared_by_success() {
        let throttle = LoginThrottle::default();
        for _ in 0..6 {
            throttle.record_failure("Jan@Example.nl");
        }
        assert_eq!(throttle.delay("jan@example.nl "), Duration::from_secs(2));
        assert_eq!(
            throttle.delay("piet@example.nl"),
            Duration::ZERO,
            "other accounts are not slowed"
        );
        throttle.record_success("jan@example.nl");
        assert_eq!(throttle.delay("jan@example.nl"), Duration::ZERO);
    }
}
