//! Password storage (AVG-7): PBKDF2-HMAC-SHA512, 210,000 rounds (OWASP),
//! a 16-byte random salt, stored as a PHC string:
//! `$pbkdf2-sha512$i=210000,l=64$<salt>$<hash>` (unpadded standard base64).
//!
//! The old system stored hex `sha512(password ‖ email)`; such a hash still
//! verifies, and `Verified::needs_rehash` tells the caller to replace it.
//! Hashing is CPU work of ~0.1 s: the async wrappers run it on the blocking
//! pool, never on the async workers.

use crate::error::AppError;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha512};
use std::collections::HashSet;
use std::sync::OnceLock;

pub const ITERATIONS: u32 = 210_000;
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 64;
const PHC_ID: &str = "pbkdf2-sha512";

/// The outcome of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password (or an unreadable stored hash).
    No,
    /// Right password; `needs_rehash` when stored in an old or weaker form.
    Yes { needs_rehash: bool },
}

fn derive(password: &str, salt: &[u8], rounds: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, rounds, out);
}

/// Compares without leaking where the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt).map_err(|e| {
        tracing::error!(error = %e, "no randomness for a salt");
        AppError::Internal
    })?;
    Ok(hash_with_salt(password, &salt, ITERATIONS))
}

fn hash_with_salt(password: &str, salt: &[u8], rounds: u32) -> String {
    let mut out = [0u8; HASH_LEN];
    derive(password, salt, rounds, &mut out);
    format!(
        "${PHC_ID}$i={rounds},l={HASH_LEN}${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    )
}

/// The legacy form: lower-case hex of `sha512(password ‖ email)`.
pub fn legacy_hash(password: &str, email: &str) -> String {
    let digest = Sha512::new()
        .chain_update(password.as_bytes())
        .chain_update(email.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_legacy(stored: &str) -> bool {
    stored.len() == 128 && stored.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Checks a password against a stored hash of either form. `email` is the
/// address the legacy hash was made with.
pub fn verify(password: &str, email: &str, stored: &str) -> Verified {
    if is_legacy(stored) {
        let ok = constant_time_eq(
            legacy_hash(password, email).as_bytes(),
            stored.to_ascii_lowercase().as_bytes(),
        );
        return if ok {
            Verified::Yes { needs_rehash: true }
        } else {
            Verified::No
        };
    }
    let Some((rounds, salt, expected)) = parse_phc(stored) else {
        return Verified::No;
    };
    let mut out = vec![0u8; expected.len()];
    derive(password, &salt, rounds, &mut out);
    if constant_time_eq(&out, &expected) {
        Verified::Yes {
            needs_rehash: rounds < ITERATIONS,
        }
    } else {
        Verified::No
    }
}

fn parse_phc(stored: &str) -> Option<(u32, Vec<u8>, Vec<u8>)> {
    let mut parts = stored.strip_prefix('$')?.split('$');
    if parts.next()? != PHC_ID {
        return None;
    }
    let params = parts.next()?;
    let rounds = params
        .split(',')
        .find_map(|p| p.strip_prefix("i="))?
        .parse()
        .ok()?;
    let salt = STANDARD_NO_PAD.decode(parts.next()?).ok()?;
    let hash = STANDARD_NO_PAD.decode(parts.next()?).ok()?;
    (rounds > 0 && !hash.is_empty()).then_some((rounds, salt, hash))
}

/// A valid hash of a random password: verifying against it costs the same
/// as a real check, so an unknown email answers as slowly as a wrong password.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_with_salt("decoy", b"winkel-decoy-salt", ITERATIONS))
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "password worker failed");
        AppError::Internal
    })
}

pub async fn hash_async(password: String) -> Result<String, AppError> {
    blocking(move || hash(&password)).await?
}

/// Verifies; with no stored hash (unknown email) it burns the same time and
/// answers `No`.
pub async fn verify_async(
    password: String,
    email: String,
    stored: Option<String>,
) -> Result<Verified, AppError> {
    blocking(move || match stored {
        Some(stored) => verify(&password, &email, &stored),
        None => {
            let _ = verify(&password, "", decoy());
            Verified::No
        }
    })
    .await
}

/// Whether a password is among the 10,000 most common ones.
pub fn is_common(password: &str) -> bool {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .collect()
    })
    .contains(password.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_phc_strings_that_verify() {
        let a = hash("correct horse").expect("hash");
        let b = hash("correct horse").expect("hash");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$pbkdf2-sha512$i=210000,l=64$"), "{a}");
        assert_eq!(
            verify("correct horse", "x@y.nl", &a),
            Verified::Yes {
                needs_rehash: false
            }
        );
        assert_eq!(verify("correct hors", "x@y.nl", &a), Verified::No);
    }

    #[test]
    fn known_answer() {
        // PBKDF2-HMAC-SHA512, P="password", S="salt", c=1 (RFC 6070 style vector).
        let mut out = [0u8; 64];
        derive("password", b"salt", 1, &mut out);
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            hex.starts_with("867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"),
            "{hex}"
        );
    }

    #[test]
    fn legacy_hashes_verify_and_ask_for_a_rehash() {
        let stored = legacy_hash("geheim123", "piet@example.nl");
        assert_eq!(stored.len(), 128);
        assert_eq!(
            verify("geheim123", "piet@example.nl", &stored),
            Verified::Yes { needs_rehash: true }
        );
        assert_eq!(
            verify("geheim123", "other@example.nl", &stored),
            Verified::No
        );
        assert_eq!(
            verify("fout", "piet@example.nl", &stored.to_uppercase()),
            Verified::No
        );
    }

    #[test]
    fn weaker_hashes_ask_for_a_rehash_and_junk_never_verifies() {
        let weak = hash_with_salt("pw", b"0123456789abcdef", 1000);
        assert_eq!(
            verify("pw", "", &weak),
            Verified::Yes { needs_rehash: true }
        );
        for junk in [
            "",
            "$pbkdf2-sha512$i=0,l=64$AAAA$AAAA",
            "$argon2id$v=19$x$y",
            "plain",
        ] {
            assert_eq!(verify("pw", "", junk), Verified::No, "{junk}");
        }
    }

    #[test]
    fn common_list() {
        assert!(is_common("123456") && is_common("Password") && is_common("qwerty"));
        assert!(!is_common("vier koeien in de wei"));
    }
}
