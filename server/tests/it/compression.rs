//! What the browser downloads (issue 13, goal 2), asked as a browser asks:
//! the /pkg files of a release site come precompressed in the encoding the
//! browser accepts and may be kept a year under their hashed names; pages
//! are compressed, revalidated, private with a session and never stored
//! for account and CMS screens; and a page from the micro-cache still
//! carries its own CSP nonce once compressed.
//!
//! SQLite only: none of this depends on the database.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, Backend, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::io::Read;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A content hash as cargo-leptos writes it (unpadded base64url MD5).
const HASH: &str = "Q2x3bV9rUDlhUS0ybUxyVA";

/// A site folder as `./winkel build` leaves it: the hashed wasm, js and
/// css, each with the brotli and gzip file beside it, and hash.txt.
fn release_site() -> PathBuf {
    // A folder per test: tests that rewrite one shared folder while
    // another serves from it see half-written files.
    let site = std::env::temp_dir().join(common::unique("winkel_site"));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for ext in ["wasm", "js", "css"] {
        let name = format!("winkel.{HASH}.{ext}");
        // Distinct contents, so that a test sees which variant it got.
        std::fs::write(pkg.join(&name), format!("{ext} as built ").repeat(200)).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), format!("{ext} brotli")).unwrap();
        std::fs::write(
            pkg.join(format!("{name}.gz")),
            gzip(format!("{ext} as built ").repeat(200).as_bytes()),
        )
        .unwrap();
    }
    std::fs::write(pkg.join("plain.js"), "an unhashed name").unwrap();
    std::fs::write(
        site.join("hash.txt"),
        format!("js: {HASH}\nwasm: {HASH}\ncss: {HASH}\n"),
    )
    .unwrap();
    site
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body");
    text
}

struct Raw {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A GET with the browser's `Accept-Encoding` (and cookie), body as sent.
async fn get(app: &TestApp, path: &str, encodings: Option<&str>, cookie: Option<&str>) -> Raw {
    let mut req = Request::get(path).header(header::ACCEPT, "text/html");
    if let Some(encodings) = encodings {
        req = req.header(header::ACCEPT_ENCODING, encodings);
    }
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    Raw {
        status,
        headers,
        body,
    }
}

async fn start(site: &Path) -> TestApp {
    TestApp::start_with_site(Backend::Sqlite, Some(site), |config| {
        config.form_limit = 100_000;
    })
    .await
    .expect("SQLite is always there")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkg_files_come_precompressed_and_are_kept_a_year() {
    let site = release_site();
    let app = start(&site).await;
    let wasm = format!("/pkg/winkel.{HASH}.wasm");
    let file =
        |suffix: &str| std::fs::read(site.join(format!("pkg/winkel.{HASH}.wasm{suffix}"))).unwrap();

    let br = get(&app, &wasm, Some("gzip, deflate, br"), None).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
    assert_eq!(
        br.body,
        file(".br"),
        "the brotli file as written at build time"
    );
    assert_eq!(br.header(header::CACHE_CONTROL), IMMUTABLE);
    assert!(
        br.header(header::VARY).contains("accept-encoding"),
        "{}",
        br.header(header::VARY)
    );
    assert_eq!(br.header(header::CONTENT_TYPE), "application/wasm");

    let gz = get(&app, &wasm, Some("gzip"), None).await;
    assert_eq!(gz.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(gz.body, file(".gz"));
    assert_eq!(gz.header(header::CACHE_CONTROL), IMMUTABLE);

    let plain = get(&app, &wasm, None, None).await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(
        plain.body,
        file(""),
        "a client without compression gets the file"
    );

    // With a session cookie the same public file (nothing personal in it).
    let with_cookie = get(&app, &wasm, Some("br"), Some("winkel_session=abc")).await;
    assert_eq!(with_cookie.header(header::CACHE_CONTROL), IMMUTABLE);

    // A name without a hash may change under it: revalidate.
    let unhashed = get(&app, "/pkg/plain.js", Some("br"), None).await;
    assert_eq!(unhashed.status, StatusCode::OK);
    assert_eq!(unhashed.header(header::CACHE_CONTROL), "no-cache");
    let missing = get(
        &app,
        "/pkg/winkel.AAAAAAAAAAAAAAAAAAAAAA.wasm",
        Some("br"),
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(
        missing.header(header::CACHE_CONTROL),
        IMMUTABLE,
        "a 404 is not kept a year"
    );

    app.finish().await;
    let _ = std::fs::remove_dir_all(site);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_the_hashed_files() {
    let site = release_site();
    let app = start(&site).await;
    let page = get(&app, "/", None, None).await;
    let html = String::from_utf8(page.body).unwrap();
    for ext in ["wasm", "js", "css"] {
        assert!(
            html.contains(&format!("/pkg/winkel.{HASH}.{ext}")),
            "the page names the hashed .{ext}: {html}"
        );
    }
    assert!(!html.contains("/pkg/winkel.css"), "no unhashed stylesheet");
    app.finish().await;
    let _ = std::fs::remove_dir_all(site);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_and_keep_a_fresh_nonce_from_the_cache() {
    let site = release_site();
    let app = start(&site).await;

    // The home page is micro-cached for anonymous visitors: the first
    // answer fills the cache, the second comes from it.
    let mut nonces = Vec::new();
    for expected in ["miss", "hit"] {
        let page = get(&app, "/", Some("gzip"), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.header(header::CONTENT_ENCODING), "gzip");
        assert_eq!(
            page.header(header::HeaderName::from_static("x-winkel-cache")),
            expected
        );
        assert_eq!(page.header(header::CACHE_CONTROL), "no-cache");
        assert!(page.header(header::VARY).contains("accept-encoding"));
        let html = gunzip(&page.body);
        assert!(html.contains("<html"), "{html}");
        let policy = page.header(header::CONTENT_SECURITY_POLICY);
        let start = policy.find("'nonce-").expect("a nonce") + "'nonce-".len();
        let nonce = &policy[start..start + policy[start..].find('\'').unwrap()];
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "the compressed page carries the nonce of its own header ({expected})"
        );
        nonces.push(nonce.to_owned());
    }
    assert_ne!(nonces[0], nonces[1], "each response its own nonce");

    let br = get(&app, "/", Some("br"), None).await;
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
    let plain = get(&app, "/", None, None).await;
    assert!(
        br.body.len() * 3 < plain.body.len(),
        "{} bytes as brotli, {} plain",
        br.body.len(),
        plain.body.len()
    );

    // Server function answers are compressed too.
    let listed = {
        let req = Request::post("/api/get_product")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::from("slug=espressobonen-amsterdam"))
            .unwrap();
        app.router.clone().oneshot(req).await.unwrap()
    };
    assert_eq!(listed.status(), StatusCode::OK);
    let encoding = listed
        .headers()
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(listed.into_body(), 1 << 20)
        .await
        .unwrap();
    if encoding.as_deref() == Some("gzip") {
        assert!(gunzip(&body).contains("espressobonen-amsterdam"));
    } else {
        // Too small to be worth it is the layer's call; it must still be JSON.
        assert!(String::from_utf8_lossy(&body).contains("espressobonen-amsterdam"));
    }

    app.finish().await;
    let _ = std::fs::remove_dir_all(site);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_pages_are_private_or_never_stored() {
    let site = release_site();
    let app = start(&site).await;
    let mut shopper = app.client();
    let product = shopper
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await;
    let id = product.json()["id"].to_string();
    let added = shopper
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let cookie = shopper.cookie.clone().expect("a session");

    for path in ["/", "/cart", "/products/espressobonen-amsterdam"] {
        let page = get(&app, path, Some("br"), Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            page.header(header::CACHE_CONTROL),
            "private, no-cache",
            "{path}"
        );
    }
    for path in [
        "/checkout",
        "/account",
        "/cms/login",
        "/cms",
        "/orders/unknown",
    ] {
        for cookie in [None, Some(cookie.as_str())] {
            let page = get(&app, path, Some("br"), cookie).await;
            assert_eq!(
                page.header(header::CACHE_CONTROL),
                "no-store",
                "{path} {cookie:?}"
            );
        }
    }
    app.finish().await;
    let _ = std::fs::remove_dir_all(site);
}
