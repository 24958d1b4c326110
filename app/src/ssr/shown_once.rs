//! Secrets a member must see once, kept in memory between the request that
//! makes them and the page that shows them: the recovery codes of a second
//! factor just switched on. A form posted without JavaScript is answered
//! with a redirect, so the page that follows must find them; the database
//! keeps only their hashes, and this store keeps them for minutes at most,
//! never on disk. Keyed by the CMS session (its stored id).
//!
//! Rendering one page may ask more than once (a suspended frame renders its
//! screen again when the login is known), so a read does not remove them at
//! once: they stay for [`READ_GRACE`] after the first read, then are gone.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long unshown secrets wait for their page.
const KEEP: Duration = Duration::from_secs(600);
/// How long they stay after the first read (the rest of that page's render).
pub const READ_GRACE: Duration = Duration::from_secs(5);

struct Waiting {
    made: Instant,
    first_read: Option<Instant>,
    secrets: Vec<String>,
}

impl Waiting {
    fn live(&self, now: Instant) -> bool {
        now.duration_since(self.made) < KEEP
            && self
                .first_read
                .is_none_or(|read| now.duration_since(read) < READ_GRACE)
    }
}

#[derive(Default)]
pub struct ShownOnce {
    waiting: Mutex<HashMap<String, Waiting>>,
}

impl ShownOnce {
    /// Keeps `secrets` for the session `key`, replacing what it had.
    pub fn put(&self, key: &str, secrets: Vec<String>) {
        let now = Instant::now();
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting.retain(|_, w| w.live(now));
            waiting.insert(
                key.to_owned(),
                Waiting {
                    made: now,
                    first_read: None,
                    secrets,
                },
            );
        }
    }

    /// The secrets waiting for the session `key`.
    pub fn take(&self, key: &str) -> Vec<String> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: &str, now: Instant) -> Vec<String> {
        let Ok(mut waiting) = self.waiting.lock() else {
            return Vec::new();
        };
        match waiting.get_mut(key) {
            Some(w) if w.live(now) => {
                w.first_read.get_or_insert(now);
                w.secrets.clone()
            }
            Some(_) => {
                waiting.remove(key);
                Vec::new()
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_to_its_session_for_one_page_only() {
        let store = ShownOnce::default();
        store.put("a", vec!["1111-2222".into()]);
        let now = Instant::now();
        assert_eq!(store.take_at("b", now), Vec::<String>::new());
        assert_eq!(store.take_at("a", now), vec!["1111-2222".to_owned()]);
        // The same page's render may ask again.
        assert_eq!(store.take_at("a", now + Duration::from_secs(1)).len(), 1);
        // The next page does not show them.
        assert_eq!(store.take_at("a", now + READ_GRACE), Vec::<String>::new());
        assert_eq!(store.take_at("a", now), Vec::<String>::new());
    }
}
