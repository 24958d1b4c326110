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
//!
//! With several instances the page after the redirect may be served by
//! another one: then the secrets wait in the shared Redis (`shared_store`,
//! in memory only, never on disk), under a salted hash of the session,
//! with the same lifetimes.

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
    shared: Option<super::shared_store::SharedStore>,
}

/// The name secrets wait under in the shared store.
const SHARED_NAME: &str = "shown_once";

impl ShownOnce {
    /// Keeps the secrets in `store` when several instances share one.
    pub fn shared(store: Option<super::shared_store::SharedStore>) -> Self {
        Self {
            shared: store,
            ..Self::default()
        }
    }

    /// Keeps `secrets` for the session `key`, replacing what it had: in
    /// the shared store when there is one (this instance's memory if it
    /// fails).
    pub async fn put(&self, key: &str, secrets: Vec<String>) {
        if let Some(store) = &self.shared {
            match store
                .keep(SHARED_NAME, key.as_bytes(), &secrets.join("\n"), KEEP)
                .await
            {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(%error, "the shared store failed: keeping recovery codes in this instance");
                }
            }
        }
        self.put_here(key, secrets);
    }

    /// The secrets waiting for the session `key`.
    pub async fn take(&self, key: &str) -> Vec<String> {
        if let Some(store) = &self.shared {
            match store.read(SHARED_NAME, key.as_bytes(), READ_GRACE).await {
                Ok(Some(joined)) => return joined.split('\n').map(str::to_owned).collect(),
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "the shared store failed: looking in this instance");
                }
            }
        }
        self.take_at(key, Instant::now())
    }

    fn put_here(&self, key: &str, secrets: Vec<String>) {
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
        store.put_here("a", vec!["1111-2222".into()]);
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
