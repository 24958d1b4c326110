//! Password storage (AVG-7): PBKDF2-HMAC-SHA512, 210,000 rounds (OWASP),
//! a 16-byte random salt, stored as a PHC string:
//! `$pbkdf2-sha512$i=210000,l=64$<salt>$<hash>` (unpadded standard base64).
//!
//! The old system stored hex `sha512(password ‖ email)`; such a hash still
//! verifies, and `Verified::needs_rehash` tells the caller to replace it.
//! Hashing is CPU work of ~0.1 s: the async wrappers run it on the blocking
//! pool, never on the async workers, and through one gate for the whole
//! process (`HashGate`): at most one hash per core at a time, a short queue
//! behind them, and beyond that an immediate "busy, try again" (503 with
//! `Retry-After`). A flood of logins then costs the shop at most its cores'
//! worth of hashing, and pages keep being served.

use crate::error::AppError;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha512};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

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
        // A legacy hash checks in microseconds; the full PBKDF2 of the
        // decoy makes this account answer as slowly as any other (else
        // the time would tell that an imported account exists).
        let _ = verify_phc(password, decoy());
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
    verify_phc(password, stored)
}

fn verify_phc(password: &str, stored: &str) -> Verified {
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

/// Hashes waiting for a core, per core, before more are refused.
const QUEUE_PER_CORE: usize = 8;
/// What a refused hash tells the client to wait.
pub const BUSY_RETRY_SECS: u64 = 5;

/// The one gate every password hash of this process passes.
pub struct HashGate {
    cap: usize,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    running: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicU64,
    refused: AtomicU64,
}

/// What the gate has seen, for `/metrics`, the tests and the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashStats {
    /// Hashes allowed at once.
    pub cap: usize,
    pub running: usize,
    /// The most that ever ran at once.
    pub peak: usize,
    /// Hashes run (started) since the process began.
    pub total: u64,
    /// Hashes refused because the queue was full.
    pub refused: u64,
}

impl HashGate {
    fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Self {
            cap,
            permits: Arc::new(Semaphore::new(cap)),
            waiting: AtomicUsize::new(0),
            max_waiting: cap * QUEUE_PER_CORE,
            running: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            total: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    fn stats(&self) -> HashStats {
        HashStats {
            cap: self.cap,
            running: self.running.load(Ordering::Relaxed),
            peak: self.peak.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }

    /// Runs `work` once a core is free, or refuses at once when the queue
    /// is full. The permit travels into the blocking task: a request that
    /// is dropped while its hash runs still holds the core until the hash
    /// ends, so the cap counts real work.
    async fn run<T: Send + 'static>(
        &'static self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            self.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("password hashing queue full: request refused");
            return Err(AppError::Busy {
                retry_after_secs: BUSY_RETRY_SECS,
            });
        }
        let permit = self.permits.clone().acquire_owned().await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        let permit = permit.map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let now = self.running.fetch_add(1, Ordering::AcqRel) + 1;
            self.peak.fetch_max(now, Ordering::AcqRel);
            self.total.fetch_add(1, Ordering::Relaxed);
            let out = work();
            self.running.fetch_sub(1, Ordering::AcqRel);
            out
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password worker failed");
            AppError::Internal
        })
    }
}

fn gate() -> &'static HashGate {
    static GATE: OnceLock<HashGate> = OnceLock::new();
    GATE.get_or_init(|| {
        HashGate::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    })
}

/// The hashing gate's numbers so far.
pub fn stats() -> HashStats {
    gate().stats()
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    gate().run(work).await
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
    fn a_legacy_check_costs_a_full_pbkdf2_like_any_other() {
        // Equal work, measured by what runs rather than by time: the
        // legacy path derives the decoy, which must be a real PHC hash.
        assert!(parse_phc(decoy()).is_some_and(|(rounds, _, _)| rounds == ITERATIONS));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_gate_never_runs_more_than_its_cap_and_refuses_beyond_its_queue() {
        let gate: &'static HashGate = Box::leak(Box::new(HashGate::new(2)));
        let mut tasks = Vec::new();
        for _ in 0..40 {
            tasks.push(tokio::spawn(gate.run(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
            })));
        }
        let mut done = 0;
        let mut busy = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(()) => done += 1,
                Err(AppError::Busy { .. }) => busy += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        let stats = gate.stats();
        assert!(stats.peak <= 2, "{stats:?}");
        assert_eq!(stats.total, done);
        assert_eq!(stats.refused, busy);
        assert!(
            done >= 2 + 16,
            "the cap and the queue are served: {stats:?}"
        );
        assert_eq!(done + busy, 40);
    }

    #[test]
    fn common_list() {
        assert!(is_common("123456") && is_common("Password") && is_common("qwerty"));
        assert!(!is_common("vier koeien in de wei"));
    }
}
