//! Security middlewares of every response and every write: headers with
//! the CSP nonce, and the same-origin check against cross-site requests.

use app::error::AppError;
use app::ssr::csp::{self, CspNonce};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What the headers depend on, fixed at start-up.
#[derive(Debug, Clone, Copy)]
pub struct HeaderPolicy {
    /// Served over TLS: add HSTS.
    pub tls: bool,
    /// `cargo leptos watch`: allow its auto-reload websocket.
    pub dev_reload: bool,
}

/// One year, the usual HSTS lifetime; no `preload`: that is the operator's
/// decision to make, and hard to undo.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Puts a fresh CSP nonce in the request (for the renderer and the page
/// cache) and the security headers on the response, whatever produced it.
pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    mut req: axum::extract::Request,
    next: Next,
) -> Response {
    let nonce = match CspNonce::generate() {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp::policy(&nonce.0, policy.dev_reload)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // For browsers that predate CSP's frame-ancestors.
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if policy.tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// Whether a state-changing request may proceed: it must come from our own
/// pages. Browsers say where a request comes from in `Sec-Fetch-Site` (all
/// current ones) or at least `Origin` (every POST, also of a form without
/// JavaScript); both are set by the browser and cannot be forged by a
/// foreign page. A request with neither does not come from a browser
/// (curl, monitoring, the tests' in-process client): no other site's
/// page can make a visitor's browser send it, so it is no CSRF and passes.
pub fn allows_write(headers: &HeaderMap, authority: Option<&str>) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // "none": typed or bookmarked by the user, never another site.
        Some("same-origin" | "none") => return true,
        // "same-site" (a sibling subdomain) and "cross-site" are refused.
        Some(_) => return false,
        None => {}
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(authority);
    match (origin.to_str().ok().and_then(origin_authority), host) {
        (Some(origin), Some(host)) => origin.eq_ignore_ascii_case(host),
        // "Origin: null" (sandboxed frames, some redirects) or no host.
        _ => false,
    }
}

/// `shop.nl:8443` of `https://shop.nl:8443`.
fn origin_authority(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    (matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.contains('/')).then_some(rest)
}

/// Refuses cross-site writes (CSRF) with 403, before any handler runs:
/// every server function, the picture upload, any other POST route.
pub async fn same_origin_writes(req: axum::extract::Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe
        || allows_write(
            req.headers(),
            req.uri()
                .authority()
                .map(axum::http::uri::Authority::as_str),
        )
    {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site write refused");
    let error = AppError::CrossSite;
    let wants_json = req.uri().path().starts_with("/api/")
        && !req
            .headers()
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if wants_json {
        // What a server function's client decodes into its error.
        let mut res = axum::Json(&error).into_response();
        error.answer(&mut res);
        res
    } else {
        error.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(allows_write(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(allows_write(&headers(&[("sec-fetch-site", "none")]), None));
        assert!(!allows_write(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(!allows_write(
            &headers(&[("sec-fetch-site", "same-site")]),
            None
        ));
        // A matching Origin does not overrule a cross-site fetch.
        assert!(!allows_write(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://shop.nl"),
                ("host", "shop.nl")
            ]),
            None
        ));
    }

    #[test]
    fn origin_must_match_the_host() {
        let with = |origin, host| headers(&[("origin", origin), ("host", host)]);
        assert!(allows_write(&with("https://shop.nl", "shop.nl"), None));
        assert!(allows_write(
            &with("http://127.0.0.1:3000", "127.0.0.1:3000"),
            None
        ));
        assert!(allows_write(&with("https://Shop.NL", "shop.nl"), None));
        assert!(!allows_write(
            &with("https://evil.example", "shop.nl"),
            None
        ));
        assert!(!allows_write(
            &with("https://shop.nl:8443", "shop.nl"),
            None
        ));
        assert!(!allows_write(
            &with("https://shop.nl.evil.example", "shop.nl"),
            None
        ));
        assert!(!allows_write(&with("null", "shop.nl"), None));
        assert!(!allows_write(
            &headers(&[("origin", "https://shop.nl")]),
            None
        ));
        assert!(allows_write(
            &headers(&[("origin", "https://shop.nl")]),
            Some("shop.nl")
        ));
    }

    #[test]
    fn non_browser_clients_pass() {
        assert!(allows_write(&HeaderMap::new(), None));
    }
}
