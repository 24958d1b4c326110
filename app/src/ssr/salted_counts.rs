//! Counting events per "who" in a sliding window, in memory only, where the
//! who is something we must not keep: a network address (AVG-8), an email
//! address of someone who is not a customer (AVG-1). Each is counted under
//! a SHA-256 of itself and a random salt that exists only in this process
//! and is replaced every 24 hours, so a key cannot be turned back into what
//! it counts, and yesterday's keys mean nothing today.
//!
//! Used by the form limit (`form_limit`) and the mail budget
//! (`services::outbox`). The clock is a parameter (`now`): the rules are
//! tested without waiting. With several instances the counts live in a
//! shared Redis instead (`shared_store`, same rules), this memory being
//! the fallback when Redis fails.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub type Key = [u8; 32];

const SALT_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Above this many keys the oldest are forgotten: memory stays bounded
/// whatever a flood of new visitors sends (~100 bytes a key).
pub const MAX_KEYS: usize = 100_000;

pub struct SaltedCounts {
    window: Duration,
    inner: Mutex<Inner>,
    /// The store several instances share, and the name counted under.
    shared: Option<(super::shared_store::SharedStore, &'static str)>,
}

struct Inner {
    salt: [u8; 32],
    salt_made: Option<Instant>,
    seen: HashMap<Key, Vec<Instant>>,
}

/// The SHA-256 of `salt` and `parts`, each part length-prefixed so that
/// ("ab", "c") and ("a", "bc") differ: the key a who is counted under, in
/// memory and in the shared store.
pub fn salted_key(salt: &[u8; 32], parts: &[&[u8]]) -> Key {
    let mut hash = Sha256::new();
    hash.update(salt);
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

impl SaltedCounts {
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            inner: Mutex::new(Inner {
                salt: [0; 32],
                salt_made: None,
                seen: HashMap::new(),
            }),
            shared: None,
        }
    }

    /// Counts in `store` (shared by every instance) under `name`.
    pub fn shared(
        mut self,
        store: Option<super::shared_store::SharedStore>,
        name: &'static str,
    ) -> Self {
        self.shared = store.map(|store| (store, name));
        self
    }

    /// [`admit_at`](Self::admit_at) now, in the shared store when there is
    /// one (falling back to this instance's memory when it fails).
    pub async fn admit(&self, whos: &[(&[&[u8]], usize)]) -> Result<(), Duration> {
        if let Some((store, name)) = &self.shared {
            match store.admit(name, whos, self.window).await {
                Ok(decided) => return decided,
                Err(error) => {
                    tracing::warn!(%error, name, "the shared limit store failed: counting in this instance");
                }
            }
        }
        self.admit_at(whos, Instant::now())
    }

    /// Counts one event for every `(who, max)` at `now`, or none at all
    /// when any of them already has `max` in the window: then the answer
    /// is the time until that one has room again. A refused event is not
    /// counted, so waiting that long always helps.
    pub fn admit_at(&self, whos: &[(&[&[u8]], usize)], now: Instant) -> Result<(), Duration> {
        let Ok(mut inner) = self.inner.lock() else {
            return Err(self.window);
        };
        inner.rotate_salt(now);
        let window = self.window;
        let keys: Vec<(Key, usize)> = whos
            .iter()
            .map(|(parts, max)| (inner.key(parts), *max))
            .collect();
        let mut wait = Duration::ZERO;
        for (key, max) in &keys {
            if let Some(times) = inner.seen.get_mut(key) {
                times.retain(|t| now.duration_since(*t) < window);
                if times.len() >= *max {
                    let oldest = times.iter().min().copied().unwrap_or(now);
                    wait = wait.max((oldest + window).saturating_duration_since(now));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        if inner.seen.len() + keys.len() > MAX_KEYS {
            inner.forget_oldest(now, window);
        }
        for (key, _) in keys {
            inner.seen.entry(key).or_default().push(now);
        }
        Ok(())
    }

    /// How many keys are held (for the tests of the memory bound).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |inner| inner.seen.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Inner {
    /// A new random salt every 24 hours; the counts keyed with the old one
    /// go with it (a slate is wiped at most once a day).
    fn rotate_salt(&mut self, now: Instant) {
        let stale = self
            .salt_made
            .is_none_or(|made| now.duration_since(made) >= SALT_LIFETIME);
        if stale {
            if getrandom::fill(&mut self.salt).is_err() {
                // Without randomness, a salt derived from the moment still
                // keeps the keys from being precomputed.
                self.salt = Sha256::digest(format!("{now:?}").as_bytes()).into();
            }
            self.salt_made = Some(now);
            self.seen.clear();
        }
    }

    fn key(&self, parts: &[&[u8]]) -> Key {
        salted_key(&self.salt, parts)
    }

    /// Drops keys with nothing left in the window, then, if that was not
    /// enough, the tenth of the keys seen longest ago.
    fn forget_oldest(&mut self, now: Instant, window: Duration) {
        self.seen
            .retain(|_, times| times.iter().any(|t| now.duration_since(*t) < window));
        if self.seen.len() < MAX_KEYS * 9 / 10 {
            return;
        }
        let mut newest: Vec<(Instant, Key)> = self
            .seen
            .iter()
            .map(|(key, times)| (times.iter().max().copied().unwrap_or(now), *key))
            .collect();
        newest.sort_unstable();
        for (_, key) in newest.iter().take(MAX_KEYS / 10) {
            self.seen.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_n_plus_first_in_the_window_is_refused_until_the_oldest_expires() {
        let counts = SaltedCounts::new(Duration::from_secs(600));
        let start = Instant::now();
        let who: &[&[u8]] = &[b"session", b"abc"];
        for minute in 0..3 {
            let at = start + Duration::from_secs(minute * 60);
            assert_eq!(counts.admit_at(&[(who, 3)], at), Ok(()));
        }
        let fourth = start + Duration::from_secs(5 * 60);
        assert_eq!(
            counts.admit_at(&[(who, 3)], fourth),
            Err(Duration::from_secs(5 * 60))
        );
        let later = start + Duration::from_secs(600);
        assert_eq!(counts.admit_at(&[(who, 3)], later), Ok(()));
        assert_eq!(
            counts.admit_at(&[(who, 3)], later),
            Err(Duration::from_secs(60))
        );
    }

    #[test]
    fn an_event_counts_for_every_who_or_for_none() {
        let counts = SaltedCounts::new(Duration::from_secs(600));
        let now = Instant::now();
        let address: &[&[u8]] = &[b"address", b"203.0.113.7"];
        let session = |id: &'static [u8]| -> [&'static [u8]; 2] { [b"session", id] };
        // A fresh session each time does not give the address a fresh quota.
        for id in [&b"s1"[..], b"s2"] {
            let s = session(id);
            assert!(counts.admit_at(&[(address, 2), (&s, 2)], now).is_ok());
        }
        let s3 = session(b"s3");
        assert!(counts.admit_at(&[(address, 2), (&s3, 2)], now).is_err());
        // The refused event was counted for neither.
        assert!(counts.admit_at(&[(&s3, 1)], now).is_ok());
    }

    #[test]
    fn parts_are_length_prefixed_and_salted() {
        let counts = SaltedCounts::new(Duration::from_secs(600));
        let now = Instant::now();
        assert!(counts.admit_at(&[(&[b"ab", b"c"], 1)], now).is_ok());
        assert!(counts.admit_at(&[(&[b"a", b"bc"], 1)], now).is_ok());
        let inner = counts.inner.lock().expect("lock");
        let key = inner.key(&[b"ab", b"c"]);
        assert_ne!(key, <[u8; 32]>::from(Sha256::digest(b"abc")));
    }

    #[test]
    fn the_salt_changes_daily_and_wipes_the_counts() {
        let counts = SaltedCounts::new(Duration::from_secs(25 * 60 * 60));
        let now = Instant::now();
        let who: &[&[u8]] = &[b"x"];
        assert!(counts.admit_at(&[(who, 1)], now).is_ok());
        assert!(counts.admit_at(&[(who, 1)], now).is_err());
        let salt = counts.inner.lock().expect("lock").salt;
        let tomorrow = now + SALT_LIFETIME;
        assert!(counts.admit_at(&[(who, 1)], tomorrow).is_ok());
        assert_ne!(counts.inner.lock().expect("lock").salt, salt);
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_new_keys() {
        let counts = SaltedCounts::new(Duration::from_secs(600));
        let now = Instant::now();
        let first: &[&[u8]] = &[b"the first visitor"];
        assert!(counts.admit_at(&[(first, 5)], now).is_ok());
        for i in 0..(MAX_KEYS + 5_000) {
            let later = now + Duration::from_millis(1 + i as u64 / 1000);
            let bytes = i.to_le_bytes();
            assert!(counts.admit_at(&[(&[&bytes[..]], 5)], later).is_ok());
        }
        assert!(counts.len() <= MAX_KEYS, "{}", counts.len());
    }
}
