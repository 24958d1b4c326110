//! Server-only parts: state, database entities, services, sessions.

pub mod auth;
pub mod cache_sync;
pub mod csp;
pub mod db_fault;
pub mod db_gate;
pub mod entities;
pub mod form_guard;
pub mod form_limit;
pub mod invoice_pdf;
pub mod invoice_text;
pub mod login_throttle;
pub mod mail_text;
pub mod mailer;
pub mod markdown;
pub mod metrics;
pub mod metrics_window;
pub mod page_cache;
pub mod page_visitor;
pub mod password;
pub mod salted_counts;
pub mod services;
pub mod session_cache;
pub mod session_lease;
pub mod session_store;
pub mod shared_store;
pub mod shown_once;
pub mod staff_auth;
pub mod state;
pub mod svg_chart;
pub mod totp;

pub use state::{db, session, AppState};

/// 128 random bits as 32 lower-case hex characters: order tokens and the
/// like, unguessable by design.
pub fn random_token() -> Result<String, crate::error::AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "no randomness available");
        crate::error::AppError::Internal
    })?;
    Ok(hex(&bytes))
}

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current time in UTC, without a time zone (how the database stores it).
pub fn now_utc() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// The lower-case hex SHA-256 of a secret that is stored only as such
/// (session ids, CMS tokens).
pub fn sha256_hex(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The language of the page that called this server function: while a
/// page renders on the server, that page's (`App` provides it); over HTTP,
/// its `Referer`, which a form posted without JavaScript and a fetch from
/// the hydrated page both send (same origin; see `locale`). Dutch when
/// there is none.
pub fn request_locale() -> crate::locale::Locale {
    if let Some(locale) = leptos::prelude::use_context::<crate::locale::Locale>() {
        return locale;
    }
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::REFERER)?
                .to_str()
                .ok()
                .map(crate::locale::Locale::from_url)
        })
        .unwrap_or_default()
}

/// `path` (a shop path) in the language of the calling page, for a
/// server function's redirect.
pub fn localized(path: &str) -> String {
    request_locale().href(path)
}
