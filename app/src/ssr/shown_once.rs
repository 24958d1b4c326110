//! Secrets a member must see once, kept in memory between the request that
//! makes them and the page that shows them: the recovery codes of a second
//! factor just switched on. A form posted without JavaScript is answered
//! with a redirect, so the page that follows must find them; the database
//! keeps only their hashes, and this store keeps them for minutes at most,
//! never on disk. Keyed by the CMS session (its stored id), taken on the
//! first read.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long unshown secrets wait for their page.
const KEEP: Duration = Duration::from_secs(600);

#[derive(Default)]
pub struct ShownOnce {
    waiting: Mutex<HashMap<String, (Instant, Vec<String>)>>,
}

impl ShownOnce {
    /// Keeps `secrets` for the session `key`, replacing what it had.
    pub fn put(&self, key: &str, secrets: Vec<String>) {
        let now = Instant::now();
        if let Ok(mut waiting) = self.waiting.lock() {
            waiting.retain(|_, (at, _)| now.duration_since(*at) < KEEP);
            waiting.insert(key.to_owned(), (now, secrets));
        }
    }

    /// The secrets waiting for the session `key`, removed as they are read.
    pub fn take(&self, key: &str) -> Vec<String> {
        let Ok(mut waiting) = self.waiting.lock() else {
            return Vec::new();
        };
        match waiting.remove(key) {
            Some((at, secrets)) if at.elapsed() < KEEP => secrets,
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_to_its_session_once() {
        let store = ShownOnce::default();
        store.put("a", vec!["1111-2222".into()]);
        assert_eq!(store.take("b"), Vec::<String>::new());
        assert_eq!(store.take("a"), vec!["1111-2222".to_owned()]);
        assert_eq!(store.take("a"), Vec::<String>::new());
    }
}
