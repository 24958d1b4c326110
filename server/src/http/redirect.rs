//! The plain-HTTP listener's application under TLS: redirects to HTTPS,
//! and the ACME challenge folder.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// Where a plain-HTTP request is sent when the shop serves HTTPS.
#[derive(Debug, Clone)]
pub struct HttpsRedirect {
    /// `WINKEL_PUBLIC_URL` when it is an `https://` address; otherwise the
    /// request's host on the HTTPS port.
    pub public_url: Option<String>,
    /// The port the shop serves HTTPS on.
    pub https_port: u16,
    /// `WINKEL_ACME_DIR`: a certbot `--webroot`, whose
    /// `/.well-known/acme-challenge/` files are served over plain HTTP
    /// (Let's Encrypt checks them there) instead of redirected.
    pub acme_dir: Option<std::path::PathBuf>,
}

impl HttpsRedirect {
    /// The HTTPS address of a plain-HTTP request, or `None` when it names
    /// no host we could send it to.
    pub fn location(&self, host: Option<&str>, path_and_query: &str) -> Option<String> {
        if let Some(url) = &self.public_url {
            return Some(format!("{url}{path_and_query}"));
        }
        let host = host?;
        // `user@host` parses as an authority, but is no Host header.
        if host.contains('@') {
            return None;
        }
        let authority: axum::http::uri::Authority = host.parse().ok()?;
        let host = authority.host();
        if host.is_empty() {
            return None;
        }
        Some(match self.https_port {
            443 => format!("https://{host}{path_and_query}"),
            port => format!("https://{host}:{port}{path_and_query}"),
        })
    }

    /// The router of the plain-HTTP listener: redirects only, with the
    /// method kept (308), plus the ACME challenge folder.
    pub fn router(self) -> Router {
        let acme_dir = self.acme_dir.clone();
        let target = Arc::new(self);
        let router = Router::new().fallback(move |req: axum::extract::Request| {
            let target = target.clone();
            async move {
                let host = req
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok());
                let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
                match target.location(host, path) {
                    Some(location) => (
                        StatusCode::PERMANENT_REDIRECT,
                        [(header::LOCATION, location)],
                    )
                        .into_response(),
                    None => {
                        (StatusCode::BAD_REQUEST, "Host header missing or invalid").into_response()
                    }
                }
            }
        });
        match acme_dir {
            Some(dir) => router.nest_service(
                "/.well-known/acme-challenge",
                ServeDir::new(dir.join(".well-known/acme-challenge")),
            ),
            None => router,
        }
    }
}
