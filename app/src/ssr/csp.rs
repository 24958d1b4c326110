//! Content Security Policy with a fresh nonce per response.
//!
//! The HTTP layer makes the nonce (`CspNonce`) before anything renders and
//! puts it in the request's extensions; `provide_request_nonce` hands it to
//! Leptos, whose hydration and resource scripts then carry it. The same
//! value goes into the `Content-Security-Policy` header, so the only scripts
//! the browser runs are our own file(s) from 'self' and the inline scripts of
//! this very response.

use crate::error::AppError;
use base64::Engine as _;

/// The nonce of one response (URL-safe base64 of 128 random bits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspNonce(pub String);

impl CspNonce {
    pub fn generate() -> Result<Self, AppError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| {
            tracing::error!(error = %e, "no randomness available");
            AppError::Internal
        })?;
        Ok(Self(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        ))
    }
}

/// The policy of every response. `'wasm-unsafe-eval'` lets the page compile
/// its WebAssembly and nothing else; `dev_reload` allows the websocket of
/// `cargo leptos watch`'s auto-reload on another port.
pub fn policy(nonce: &str, dev_reload: bool) -> String {
    let connect = if dev_reload {
        "'self' ws: wss:"
    } else {
        "'self'"
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Makes Leptos use the nonce the HTTP layer chose for this request (call it
/// in the render's context closure). Without one (a render outside our
/// router) Leptos keeps the nonce it made itself.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_header_safe() {
        let a = CspNonce::generate().expect("randomness");
        let b = CspNonce::generate().expect("randomness");
        assert_eq!(a.0.len(), 22);
        assert_ne!(a, b);
        assert!(a
            .0
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn policy_allows_only_own_and_nonced_scripts_and_no_framing() {
        let p = policy("abc", false);
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!p.contains("ws:"));
        assert!(policy("abc", true).contains("connect-src 'self' ws: wss:"));
    }
}
