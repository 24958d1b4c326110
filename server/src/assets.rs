//! What the browser downloads: compressed, and cached as long as it can be.
//!
//! - `/pkg` (wasm, js, css) is served from the brotli and gzip files the
//!   release build writes beside each file (`cargo leptos build
//!   --precompress`), so no request pays for compressing 900 KB of wasm.
//!   Their names carry a hash of their content (`hash-files`), so a browser
//!   may keep them for a year without asking again.
//! - Every other response (pages, server functions) is compressed on the
//!   fly at a fast level, after the page cache: the cache keeps one
//!   uncompressed copy and each response still gets its own CSP nonce.
//! - `Cache-Control` is decided in one place, [`cache_control`]: pages are
//!   revalidated every time, pages of a visitor with a session are private,
//!   and account and CMS pages are never stored at all.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::path::{Path, PathBuf};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;

/// Hashed `/pkg` files never change under their name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pictures uploaded in the CMS: their names carry a random part, so a new
/// picture is a new address; a day keeps a removed one from lingering long.
pub const UPLOADS: &str = "public, max-age=86400";
/// Unhashed files of the site root (the favicon).
pub const SITE_FILE: &str = "public, max-age=3600";
/// A page anyone may get: the browser keeps it but asks every time.
pub const PAGE: &str = "no-cache";
/// A page rendered for one visitor's session (their cart, their name).
pub const PRIVATE_PAGE: &str = "private, no-cache";
/// Account and CMS pages: personal data that no cache may write to disk.
pub const NO_STORE: &str = "no-store";

/// The hash file cargo-leptos writes beside the binary, which the release
/// build copies into the site root so that the site folder is complete on
/// its own (`hash.txt` holds the hashes of the js, wasm and css names).
pub const HASH_FILE: &str = "hash.txt";

/// Turns file hashing on when the build left a hash file, and points
/// Leptos at it by its absolute path: the site root's copy first (a release
/// build, complete on its own), else the one beside the binary (a debug
/// `cargo leptos build`). Leptos itself only looks beside the running
/// binary, which a copied binary or a test does not have; without any hash
/// file the plain names are used (the tests, a plain `cargo build`).
pub fn use_hash_file(options: &mut leptos::config::LeptosOptions) {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE)));
    let found = std::iter::once(Path::new(&*options.site_root).join(HASH_FILE))
        .chain(beside_binary)
        .find_map(|file| std::fs::canonicalize(file).ok());
    options.hash_files = found.is_some();
    if let Some(file) = found {
        options.hash_file = file.to_string_lossy().as_ref().into();
    }
}

/// `/pkg`: the precompressed variants when the browser takes them.
pub fn pkg_service(site_root: &Path, pkg_dir: &str) -> ServeDir {
    ServeDir::new(PathBuf::from(site_root).join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip()
}

/// Compression of everything else. Level 1 ("fastest"): on two cores a
/// page costs about as much to compress at the default level as to render;
/// the fast level already takes an HTML page to about a fifth.
pub fn compression() -> CompressionLayer {
    // Only brotli and gzip are compiled in (tower-http's features).
    CompressionLayer::new().quality(CompressionLevel::Fastest)
}

/// Whether a `/pkg` file name carries cargo-leptos' content hash:
/// `name.<hash>.ext`, the hash being an unpadded base64url MD5 (22
/// characters).
pub fn is_hashed(file_name: &str) -> bool {
    let mut parts = file_name.rsplit('.');
    let (Some(_ext), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a response is, as far as caching goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply<'a> {
    pub path: &'a str,
    pub status: StatusCode,
    pub html: bool,
    /// The request carried a cookie or the response sets one.
    pub personal: bool,
}

/// The `Cache-Control` a response gets when its handler set none.
pub fn cache_control(reply: Reply<'_>) -> Option<&'static str> {
    let path = reply.path;
    if is_private_area(path) {
        return Some(NO_STORE);
    }
    if let Some(file) = path.strip_prefix("/pkg/") {
        if !reply.status.is_success() {
            return Some(PAGE);
        }
        return Some(if is_hashed(file) { IMMUTABLE } else { PAGE });
    }
    if reply.html {
        return Some(if reply.personal { PRIVATE_PAGE } else { PAGE });
    }
    if !reply.status.is_success() {
        return None;
    }
    if path.starts_with("/uploads/") {
        return Some(UPLOADS);
    }
    if path == "/favicon.svg" {
        return Some(SITE_FILE);
    }
    None
}

/// Account, order, booking and CMS pages hold personal data (a booking
/// form is filled in with the logged-in customer's, as checkout is).
fn is_private_area(path: &str) -> bool {
    let path = app::locale::Locale::strip(path);
    let under = |area: &str| {
        path.strip_prefix(area)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    under("/account")
        || under("/cms")
        || under("/orders")
        || under("/checkout")
        || under("/bookings")
}

/// Middleware: sets [`cache_control`] on responses without one, and
/// `Vary: Accept-Encoding` on `/pkg` (its body depends on that header, the
/// compression layer says so itself for everything it compresses).
pub async fn cache_policy(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let had_cookie = req.headers().contains_key(header::COOKIE);
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if path.starts_with("/pkg/") {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if headers.contains_key(header::CACHE_CONTROL) {
        return res;
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let reply = Reply {
        path: &path,
        status: res.status(),
        html,
        personal: had_cookie || res.headers().contains_key(header::SET_COOKIE),
    };
    if let Some(value) = cache_control(reply) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(path: &str, html: bool, personal: bool) -> Reply<'_> {
        Reply {
            path,
            status: StatusCode::OK,
            html,
            personal,
        }
    }

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("winkel.Zx3_kP9aQ-2mLrT8bYc1dA.wasm"));
        assert!(is_hashed("winkel.Zx3_kP9aQ-2mLrT8bYc1dA.css"));
        assert!(!is_hashed("winkel.wasm"));
        assert!(!is_hashed("winkel_bg.wasm"));
        // 21 characters, or one that base64url does not use.
        assert!(!is_hashed("winkel.Zx3_kP9aQ-2mLrT8bYc1d.wasm"));
        assert!(!is_hashed("winkel.Zx3_kP9aQ-2mLrT8bYc1d+.wasm"));
        assert!(!is_hashed("Zx3_kP9aQ-2mLrT8bYc1dA.wasm"));
    }

    #[test]
    fn only_hashed_pkg_files_are_immutable() {
        let hashed = "/pkg/winkel.Zx3_kP9aQ-2mLrT8bYc1dA.wasm";
        assert_eq!(cache_control(reply(hashed, false, false)), Some(IMMUTABLE));
        assert_eq!(cache_control(reply(hashed, false, true)), Some(IMMUTABLE));
        assert_eq!(
            cache_control(reply("/pkg/winkel.wasm", false, false)),
            Some(PAGE)
        );
        let missing = Reply {
            status: StatusCode::NOT_FOUND,
            ..reply(hashed, false, false)
        };
        assert_eq!(cache_control(missing), Some(PAGE));
    }

    #[test]
    fn pages_are_revalidated_and_private_with_a_session() {
        assert_eq!(cache_control(reply("/", true, false)), Some(PAGE));
        assert_eq!(
            cache_control(reply("/products/tea", true, false)),
            Some(PAGE)
        );
        assert_eq!(
            cache_control(reply("/cart", true, true)),
            Some(PRIVATE_PAGE)
        );
        assert_eq!(cache_control(reply("/", true, true)), Some(PRIVATE_PAGE));
    }

    #[test]
    fn account_and_cms_are_never_stored() {
        for path in [
            "/account",
            "/account/orders/abc",
            "/cms",
            "/cms/customers/3",
            "/orders/abc",
            "/checkout",
            "/bookings/kookworkshop-pasta",
            "/bookings/confirmed/abc",
            "/en/account",
            "/en/checkout",
            "/en/bookings/confirmed/abc",
        ] {
            assert_eq!(
                cache_control(reply(path, true, false)),
                Some(NO_STORE),
                "{path}"
            );
        }
        // A content page whose slug merely starts the same way is a page.
        assert_eq!(cache_control(reply("/accounting", true, false)), Some(PAGE));
        assert_eq!(
            cache_control(reply("/en/accounting", true, false)),
            Some(PAGE)
        );
    }

    #[test]
    fn files_get_their_own_terms() {
        assert_eq!(
            cache_control(reply("/uploads/products/tea-1a2b3c4d.png", false, false)),
            Some(UPLOADS)
        );
        assert_eq!(
            cache_control(reply("/favicon.svg", false, false)),
            Some(SITE_FILE)
        );
        assert_eq!(cache_control(reply("/api/add_to_cart", false, true)), None);
    }
}
