//! A micro-cache for the HTML of anonymous visitors.
//!
//! A visitor without a session sees exactly the same catalogue page as every
//! other such visitor, so rendering it again for each request is waste: the
//! rendered bytes are kept for a few seconds. Only responses without a
//! session (no cookie in, no cookie out) are cached, so a cached page never
//! holds anything of one visitor. Writes that change what the pages show
//! (orders change stock; later the CMS) clear the cache at once; the short
//! lifetime bounds staleness across several server instances.

use axum::body::Bytes;
use http::HeaderValue;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct CachedPage {
    pub content_type: HeaderValue,
    pub body: Bytes,
    stored: Instant,
}

pub struct PageCache {
    ttl: Duration,
    max_entries: usize,
    entries: RwLock<HashMap<String, CachedPage>>,
}

impl PageCache {
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub fn get(&self, key: &str) -> Option<CachedPage> {
        let entries = self.entries.read().ok()?;
        entries
            .get(key)
            .filter(|page| page.stored.elapsed() < self.ttl)
            .cloned()
    }

    pub fn put(&self, key: String, content_type: HeaderValue, body: Bytes) {
        if let Ok(mut entries) = self.entries.write() {
            // Many distinct searches must not grow memory without bound.
            if entries.len() >= self.max_entries {
                entries.clear();
            }
            entries.insert(
                key,
                CachedPage {
                    content_type,
                    body,
                    stored: Instant::now(),
                },
            );
        }
    }

    /// Forgets every page: call after anything the shop shows has changed.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

impl Default for PageCache {
    fn default() -> Self {
        Self::new(Duration::from_secs(5), 512)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html() -> HeaderValue {
        HeaderValue::from_static("text/html")
    }

    #[test]
    fn keeps_pages_for_their_lifetime_only() {
        let cache = PageCache::new(Duration::from_millis(30), 10);
        cache.put("/".into(), html(), Bytes::from_static(b"<p>hi</p>"));
        assert_eq!(
            cache.get("/").map(|p| p.body),
            Some(Bytes::from_static(b"<p>hi</p>"))
        );
        std::thread::sleep(Duration::from_millis(40));
        assert!(cache.get("/").is_none());
    }

    #[test]
    fn clear_and_bound() {
        let cache = PageCache::new(Duration::from_secs(60), 2);
        cache.put("/a".into(), html(), Bytes::new());
        cache.put("/b".into(), html(), Bytes::new());
        cache.put("/c".into(), html(), Bytes::new());
        assert!(cache.get("/a").is_none() && cache.get("/c").is_some());
        cache.clear();
        assert!(cache.get("/c").is_none());
    }
}
