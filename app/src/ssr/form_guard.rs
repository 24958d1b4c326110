//! The one check every public form's server function makes first (AVG-19):
//! the honeypot (`forms::FormGuard`: a hidden field only bots fill, and a
//! signed start time: a person needs at least `MIN_FILL` to fill in a form)
//! and then the per-visitor form limit (`form_limit.rs`).
//!
//! A refused form stores nothing: the check runs before the form's data is
//! looked at.

use super::form_limit::{FormKind, Visitor};
use super::metrics::SecurityEvent;
use super::state::AppState;
use crate::error::AppError;
use crate::forms::GuardFields;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};

/// A person takes longer than this to fill in even the login form.
pub const MIN_FILL_MILLIS: u64 = 2_000;
/// A form left open longer than a day must be loaded again.
pub const MAX_AGE_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// Why a form was taken for a bot's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotSign {
    HoneypotFilled,
    TooFast,
    /// Missing, forged, from before a restart or too old.
    BadToken,
}

/// The form key of a shop: derived from its site secret (`WINKEL_SECRET`,
/// or the one kept in the settings table), so that every instance and
/// every restart accepts the forms the others handed out. A key of its
/// own, so that a form token can never pass as a signed link.
pub fn derive_secret(site_secret: &[u8]) -> [u8; 32] {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(site_secret) else {
        // HMAC takes a key of any length; unreachable.
        return fallback_secret();
    };
    mac.update(b"winkel form guard key");
    mac.finalize().into_bytes().into()
}

/// A secret for when the system has no randomness (never expected).
pub fn fallback_secret() -> [u8; 32] {
    use sha2::Digest;
    Sha256::digest(format!("{:?}{}", std::time::Instant::now(), unix_millis()).as_bytes()).into()
}

/// Milliseconds since the Unix epoch.
pub fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn signature(secret: &[u8; 32], issued: u64) -> String {
    // A 32-byte key is always accepted by HMAC.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(b"winkel form ");
    mac.update(issued.to_string().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The token of a form handed out at `issued` (ms since the epoch).
pub fn issue_token(secret: &[u8; 32], issued: u64) -> String {
    format!("{issued}.{}", signature(secret, issued))
}

/// The plain rule, at `now`: the honeypot empty, the token ours and between
/// `MIN_FILL_MILLIS` and `MAX_AGE_MILLIS` old.
pub fn judge(fields: &GuardFields, secret: &[u8; 32], now: u64) -> Result<(), BotSign> {
    if !fields.website.is_empty() {
        return Err(BotSign::HoneypotFilled);
    }
    let (issued, signed) = fields
        .form_started
        .split_once('.')
        .ok_or(BotSign::BadToken)?;
    let issued: u64 = issued.parse().map_err(|_| BotSign::BadToken)?;
    let expected = signature(secret, issued);
    // Constant time: the signature must not be guessable byte by byte.
    let same = expected.len() == signed.len()
        && expected
            .bytes()
            .zip(signed.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same || expected.is_empty() {
        return Err(BotSign::BadToken);
    }
    let age = now.checked_sub(issued).ok_or(BotSign::BadToken)?;
    if age > MAX_AGE_MILLIS {
        return Err(BotSign::BadToken);
    }
    if age < MIN_FILL_MILLIS {
        return Err(BotSign::TooFast);
    }
    Ok(())
}

/// Refuses a bot's form, then a visitor that sent too many forms of this
/// kind lately. Call it before the form's data is even looked at.
pub async fn check(kind: FormKind, fields: &GuardFields) -> Result<(), AppError> {
    let state = super::state::state()?;
    if let Err(sign) = judge(fields, &state.form_secret, unix_millis()) {
        tracing::info!(form = kind.as_str(), ?sign, "form refused as a bot's");
        state
            .metrics
            .record_security(SecurityEvent::HoneypotHit, kind.as_str());
        return Err(AppError::FormRefused);
    }
    admit(&state, kind).await
}

/// Counts one form of `kind` for this visitor, or refuses it (AVG-19).
pub async fn admit(state: &AppState, kind: FormKind) -> Result<(), AppError> {
    let visitor = visitor(state).await;
    match state.form_limiter.admit(kind, &visitor).await {
        Ok(()) => Ok(()),
        Err(wait) => {
            tracing::info!(form = kind.as_str(), "form limit reached");
            state
                .metrics
                .record_security(SecurityEvent::FormLimitRefusal, kind.as_str());
            Err(AppError::TooManyForms {
                retry_after_secs: wait.as_secs().max(1),
            })
        }
    }
}

/// Who is sending: always their address (or `Unknown` in process), and
/// their session only when the store really holds it. The cookie alone
/// proves nothing: tower-sessions takes its id on trust until the record
/// is first read, so it is read here first.
async fn visitor(state: &AppState) -> Vec<Visitor> {
    let address = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| client_address(&parts, state.config.trust_proxy))
        .map_or(Visitor::Unknown, Visitor::Address);
    let mut visitor = vec![address];
    if let Ok(session) = super::state::session().await {
        // Loads the record; an id the store does not know is dropped.
        let stored = session.get_value("_").await.is_ok();
        if let (true, Some(id)) = (stored, session.id()) {
            visitor.push(Visitor::Session(id.to_string()));
        }
    }
    visitor
}

/// The client's address: the TCP peer, or behind a trusted reverse proxy
/// the last address it appended to `X-Forwarded-For` (earlier entries come
/// from the client and can be anything). Used only as a salted hash.
pub fn client_address(parts: &http::request::Parts, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse::<IpAddr>().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: [u8; 32] = [7; 32];
    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn every_instance_derives_the_same_form_key_from_the_site_secret() {
        let one = derive_secret(b"the shop's site secret, 32+ characters");
        let other = derive_secret(b"the shop's site secret, 32+ characters");
        assert_eq!(one, other, "a restart or a second instance");
        assert_ne!(one, derive_secret(b"another shop's site secret......"));
        // Not the site secret itself: a form token is no signed link.
        assert_ne!(&one[..], &b"the shop's site secret, 32+ characters"[..32]);
        let handed_out = issue_token(&other, NOW - 5_000);
        assert_eq!(judge(&fields("", handed_out), &one, NOW), Ok(()));
    }

    fn fields(website: &str, form_started: String) -> GuardFields {
        GuardFields {
            website: website.into(),
            form_started,
        }
    }

    #[test]
    fn a_person_passes() {
        let token = issue_token(&SECRET, NOW - 2_000);
        assert_eq!(judge(&fields("", token), &SECRET, NOW), Ok(()));
        let hour_old = issue_token(&SECRET, NOW - 3_600_000);
        assert_eq!(judge(&fields("", hour_old), &SECRET, NOW), Ok(()));
    }

    #[test]
    fn bots_are_recognised() {
        let good = issue_token(&SECRET, NOW - 10_000);
        assert_eq!(
            judge(&fields("http://spam.example", good.clone()), &SECRET, NOW),
            Err(BotSign::HoneypotFilled)
        );
        assert_eq!(
            judge(&fields("", issue_token(&SECRET, NOW - 1_999)), &SECRET, NOW),
            Err(BotSign::TooFast)
        );
        for bad in [
            String::new(),
            "garbage".into(),
            format!("{}.{}", NOW - 10_000, "A".repeat(43)),
            issue_token(&[8; 32], NOW - 10_000),
            issue_token(&SECRET, NOW - MAX_AGE_MILLIS - 1),
            issue_token(&SECRET, NOW + 60_000),
            // A valid signature moved to another time.
            format!(
                "{}.{}",
                NOW - 20_000,
                good.split_once('.').map(|(_, s)| s).unwrap_or("")
            ),
        ] {
            assert_eq!(
                judge(&fields("", bad.clone()), &SECRET, NOW),
                Err(BotSign::BadToken),
                "{bad}"
            );
        }
    }
}
