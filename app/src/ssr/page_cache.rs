//! A micro-cache for the HTML of anonymous visitors, and for the catalogue
//! data every visitor's pages are made of.
//!
//! A visitor without a session sees exactly the same catalogue page as every
//! other such visitor, so rendering it again for each request is waste: the
//! rendered bytes are kept for a few seconds. Only responses without a
//! session (no cookie in, no cookie out) are cached, so a cached page never
//! holds anything of one visitor. Writes that change what the pages show
//! (orders change stock, the CMS's catalogue screens) clear the cache at
//! once; the short lifetime bounds staleness across several server
//! instances.
//!
//! Pages rendered for a visitor with a session are not cached: they show
//! that visitor's cart and name. What they share with everyone, the
//! categories and active products (`services::catalog::Snapshot`), is kept
//! here under the same lifetime and cleared by the same `clear`. Nothing of
//! a session is ever kept here.
//!
//! Parts of a page that are the same for every visitor, with or without a
//! session (the catalogue grid, a product's article: `crate::shared_part`),
//! are kept here as HTML under the same lifetime and `clear`: a page for a
//! visitor with a cart renders its header and its own parts, and copies
//! the shared ones.
//!
//! Every `clear` bumps a generation; a page or snapshot is stored only if no
//! clear happened since its data was read, so a render that started before
//! a change cannot put the old state back after the change cleared it.
//!
//! Every response has its own CSP nonce (`csp.rs`), and a cached page holds
//! the nonce it was rendered with. Serving those bytes again would repeat a
//! nonce, which makes it guessable for the next visitor: each hit therefore
//! swaps the stored nonce for the fresh one of its own response
//! (`CachedPage::body_with_nonce`). The nonce is 22 random characters, so it
//! occurs nowhere else in a page; one pass over ~50 KB costs microseconds,
//! far less than a render.

use super::services::catalog::Snapshot;
use axum::body::Bytes;
use http::HeaderValue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
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

/// The catalogue snapshot as stored: `None` inside when the shop is too
/// large to hold (remembered, so that it is not read again and again).
type HeldCatalogue = (Instant, Option<Arc<Snapshot>>);

pub struct PageCache {
    ttl: Duration,
    max_entries: usize,
    entries: RwLock<HashMap<String, CachedPage>>,
    generation: AtomicU64,
    catalogue: RwLock<Option<HeldCatalogue>>,
    parts: RwLock<HashMap<String, (Instant, SharedPart)>>,
}

/// A part of a page that is the same for everyone (`crate::shared_part`).
#[derive(Clone)]
pub struct SharedPart {
    /// The page title the part sets, if any.
    pub title: Option<String>,
    pub html: Arc<str>,
}

impl PageCache {
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            catalogue: RwLock::new(None),
            parts: RwLock::new(HashMap::new()),
        }
    }

    /// Take it before reading what is to be stored, and hand it to the put.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The held catalogue snapshot: `None` when there is none (or it is
    /// old), `Some(None)` when the shop is too large to hold.
    pub fn catalogue(&self) -> Option<Option<Arc<Snapshot>>> {
        let held = self.catalogue.read().ok()?;
        held.as_ref()
            .filter(|(stored, _)| stored.elapsed() < self.ttl)
            .map(|(_, snapshot)| snapshot.clone())
    }

    /// Keeps a snapshot read after `generation` was taken, unless the cache
    /// was cleared since.
    pub fn put_catalogue(&self, generation: u64, snapshot: Option<Arc<Snapshot>>) {
        if let Ok(mut held) = self.catalogue.write() {
            if self.generation() == generation {
                *held = Some((Instant::now(), snapshot));
            }
        }
    }

    pub fn part(&self, key: &str) -> Option<SharedPart> {
        let parts = self.parts.read().ok()?;
        parts
            .get(key)
            .filter(|(stored, _)| stored.elapsed() < self.ttl)
            .map(|(_, part)| part.clone())
    }

    /// Keeps a part rendered from data read after `generation` was taken,
    /// unless the cache was cleared since.
    pub fn put_part(&self, generation: u64, key: String, part: SharedPart) {
        if let Ok(mut parts) = self.parts.write() {
            if self.generation() != generation {
                return;
            }
            if parts.len() >= self.max_entries {
                parts.clear();
            }
            parts.insert(key, (Instant::now(), part));
        }
    }

    pub fn get(&self, key: &str) -> Option<CachedPage> {
        let entries = self.entries.read().ok()?;
        entries
            .get(key)
            .filter(|page| page.stored.elapsed() < self.ttl)
            .cloned()
    }

    /// Keeps a page rendered after `generation` was taken, unless the cache
    /// was cleared since.
    pub fn put(
        &self,
        generation: u64,
        key: String,
        content_type: HeaderValue,
        body: Bytes,
        nonce: Option<String>,
    ) {
        if let Ok(mut entries) = self.entries.write() {
            if self.generation() != generation {
                return;
            }
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

    /// Forgets every page and the catalogue: call after anything the shop
    /// shows has changed. A put of data read before this call is refused
    /// (the generation is bumped under the locks the puts take).
    pub fn clear(&self) {
        let entries = self.entries.write();
        let catalogue = self.catalogue.write();
        let parts = self.parts.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = entries {
            entries.clear();
        }
        if let Ok(mut parts) = parts {
            parts.clear();
        }
        if let Ok(mut catalogue) = catalogue {
            *catalogue = None;
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

    fn part(html: &str) -> SharedPart {
        SharedPart {
            title: None,
            html: html.into(),
        }
    }

    #[test]
    fn parts_live_as_long_as_pages_and_are_bounded() {
        let cache = PageCache::new(Duration::from_millis(30), 2);
        cache.put_part(0, "a".into(), part("<p>a</p>"));
        cache.put_part(0, "b".into(), part("<p>b</p>"));
        cache.put_part(0, "c".into(), part("<p>c</p>"));
        assert!(cache.part("a").is_none() && cache.part("c").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(cache.part("c").is_none());
    }

    #[test]
    fn keeps_pages_for_their_lifetime_only() {
        let cache = PageCache::new(Duration::from_millis(30), 10);
        cache.put(
            0,
            "/".into(),
            html(),
            Bytes::from_static(b"<p>hi</p>"),
            None,
        );
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
        cache.put(0, "/a".into(), html(), Bytes::new(), None);
        cache.put(0, "/b".into(), html(), Bytes::new(), None);
        cache.put(0, "/c".into(), html(), Bytes::new(), None);
        assert!(cache.get("/a").is_none() && cache.get("/c").is_some());
        cache.clear();
        assert!(cache.get("/c").is_none());
    }

    #[test]
    fn what_was_read_before_a_clear_is_not_stored_after_it() {
        let cache = PageCache::new(Duration::from_secs(60), 10);
        let before = cache.generation();
        cache.clear();
        cache.put(before, "/".into(), html(), Bytes::new(), None);
        cache.put_catalogue(before, Some(Arc::new(Snapshot::default())));
        cache.put_part(before, "grid".into(), part("<ul></ul>"));
        assert!(cache.get("/").is_none());
        assert!(cache.catalogue().is_none());
        assert!(cache.part("grid").is_none());
        let now = cache.generation();
        cache.put(now, "/".into(), html(), Bytes::new(), None);
        cache.put_catalogue(now, None);
        cache.put_part(now, "grid".into(), part("<ul></ul>"));
        assert!(cache.get("/").is_some());
        assert!(matches!(cache.catalogue(), Some(None)));
        assert_eq!(cache.part("grid").map(|p| p.html), Some("<ul></ul>".into()));
        cache.clear();
        assert!(cache.catalogue().is_none());
        assert!(cache.part("grid").is_none());
    }

    #[test]
    fn a_hit_carries_the_nonce_of_its_own_response() {
        let cache = PageCache::new(Duration::from_secs(60), 10);
        let page = br#"<script nonce="AAAAAAAAAAAAAAAAAAAAAA">x</script><link crossorigin="AAAAAAAAAAAAAAAAAAAAAA"><p>AAAA</p>"#;
        cache.put(
            0,
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
