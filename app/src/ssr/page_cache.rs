//! A micro-cache for the HTML of anonymous visitors.
//!
//! A visitor without a session sees exactly the same catalogue page as every
//! other such visitor, so rendering it again for each request is waste: the
//! rendered bytes are kept for a few seconds. Only responses without a
//! session (no cookie in, no cookie out) are cached, so a cached page never
//! holds anything of one visitor. Writes that change what the pages show
//! (orders change stock; later the CMS) clear the cache at once; the short
//! lifetime bounds staleness across several server instances.
//!
//! Every response has its own CSP nonce (`csp.rs`), and a cached page holds
//! the nonce it was rendered with. Serving those bytes again would repeat a
//! nonce, which makes it guessable for the next visitor: each hit therefore
//! swaps the stored nonce for the fresh one of its own response
//! (`CachedPage::body_with_nonce`). The nonce is 22 random characters, so it
//! occurs nowhere else in a page; one pass over ~50 KB costs microseconds,
//! far less than a render.

use axum::body::Bytes;
use http::HeaderValue;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct CachedPage {
    pub content_type: HeaderValue,
    pub body: Bytes,
    /// The CSP nonce the page was rendered with, if any.
    pub nonce: Option<String>,
    stored: Instant,
}

impl CachedPage {
    /// The page with its rendered nonce replaced by `nonce`.
    pub fn body_with_nonce(&self, nonce: Option<&str>) -> Bytes {
        match (&self.nonce, nonce) {
            (Some(old), Some(new)) if old.len() == new.len() && !old.is_empty() => {
                Bytes::from(replace_all(&self.body, old.as_bytes(), new.as_bytes()))
            }
            _ => self.body.clone(),
        }
    }
}

/// `haystack` with every occurrence of `from` replaced by `to`.
fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
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

    pub fn put(&self, key: String, content_type: HeaderValue, body: Bytes, nonce: Option<String>) {
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
                    nonce,
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
        cache.put("/".into(), html(), Bytes::from_static(b"<p>hi</p>"), None);
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
        cache.put("/a".into(), html(), Bytes::new(), None);
        cache.put("/b".into(), html(), Bytes::new(), None);
        cache.put("/c".into(), html(), Bytes::new(), None);
        assert!(cache.get("/a").is_none() && cache.get("/c").is_some());
        cache.clear();
        assert!(cache.get("/c").is_none());
    }

    #[test]
    fn a_hit_carries_the_nonce_of_its_own_response() {
        let cache = PageCache::new(Duration::from_secs(60), 10);
        let page = br#"<script nonce="AAAAAAAAAAAAAAAAAAAAAA">x</script><link crossorigin="AAAAAAAAAAAAAAAAAAAAAA"><p>AAAA</p>"#;
        cache.put(
            "/".into(),
            html(),
            Bytes::from_static(page),
            Some("AAAAAAAAAAAAAAAAAAAAAA".into()),
        );
        let hit = cache.get("/").expect("cached");
        let body = hit.body_with_nonce(Some("BBBBBBBBBBBBBBBBBBBBBB"));
        assert_eq!(
            &body[..],
            &br#"<script nonce="BBBBBBBBBBBBBBBBBBBBBB">x</script><link crossorigin="BBBBBBBBBBBBBBBBBBBBBB"><p>AAAA</p>"#[..]
        );
        // The stored page itself is untouched for the next hit.
        assert_eq!(&hit.body_with_nonce(None)[..], &page[..]);
    }
}
