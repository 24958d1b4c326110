//! AVG-19: a limit on how many forms one visitor sends per form kind in a
//! time window (default 10 per 10 minutes), so that a script cannot flood
//! the shop with registrations, orders or login attempts.
//!
//! Everything lives in memory only. A visitor is their session when they
//! have one; otherwise their network address, but never as such: the key is
//! a SHA-256 of the address and a random salt that exists only in this
//! process and is replaced every 24 hours, so the key cannot be turned back
//! into an address (AVG-8) and yesterday's keys mean nothing today.
//!
//! The clock is a parameter (`now`): the rules are tested without waiting.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The public forms that are limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    Register,
    Login,
    Checkout,
    CmsLogin,
    Contact,
    Newsletter,
}

impl FormKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::Checkout => "checkout",
            Self::CmsLogin => "cms_login",
            Self::Contact => "contact",
            Self::Newsletter => "newsletter",
        }
    }
}

/// Who sent a form: a session, or a network address (hashed with the salt
/// when it is counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visitor {
    Session(String),
    Address(std::net::IpAddr),
    /// Neither is known (a request made in process): one shared bucket.
    Unknown,
}

type Key = [u8; 32];

const SALT_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

pub struct FormLimiter {
    max: usize,
    window: Duration,
    inner: Mutex<Inner>,
}

struct Inner {
    salt: [u8; 32],
    salt_made: Option<Instant>,
    sent: HashMap<(FormKind, Key), Vec<Instant>>,
}

impl FormLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            inner: Mutex::new(Inner {
                salt: [0; 32],
                salt_made: None,
                sent: HashMap::new(),
            }),
        }
    }

    /// Counts one submission of `kind` by `visitor` at `now`, or refuses it
    /// with the time until the oldest counted one leaves the window. A
    /// refused submission is not counted: waiting that long always helps.
    pub fn admit(&self, kind: FormKind, visitor: &Visitor, now: Instant) -> Result<(), Duration> {
        let Ok(mut inner) = self.inner.lock() else {
            return Err(self.window);
        };
        inner.rotate_salt(now);
        let key = inner.key(visitor);
        let window = self.window;
        // Forget idle visitors now and then, so memory stays bounded.
        if inner.sent.len() > 50_000 {
            inner
                .sent
                .retain(|_, times| times.iter().any(|t| now.duration_since(*t) < window));
        }
        let times = inner.sent.entry((kind, key)).or_default();
        times.retain(|t| now.duration_since(*t) < window);
        if times.len() >= self.max {
            let oldest = times.iter().min().copied().unwrap_or(now);
            return Err((oldest + window).saturating_duration_since(now));
        }
        times.push(now);
        Ok(())
    }
}

impl Inner {
    /// A new random salt every 24 hours; the counts keyed with the old one
    /// go with it (a visitor's slate is wiped at most once a day).
    fn rotate_salt(&mut self, now: Instant) {
        let stale = self
            .salt_made
            .is_none_or(|made| now.duration_since(made) >= SALT_LIFETIME);
        if stale {
            if getrandom::fill(&mut self.salt).is_err() {
                // Without randomness, a salt derived from the moment still
                // keeps the keys from being precomputed.
                self.salt = Sha256::digest(format!("{now:?}").as_bytes()).into();
            }
            self.salt_made = Some(now);
            self.sent.clear();
        }
    }

    fn key(&self, visitor: &Visitor) -> Key {
        let mut hash = Sha256::new();
        hash.update(self.salt);
        match visitor {
            Visitor::Session(id) => {
                hash.update(b"session:");
                hash.update(id.as_bytes());
            }
            Visitor::Address(ip) => {
                hash.update(b"address:");
                hash.update(ip.to_string().as_bytes());
            }
            Visitor::Unknown => hash.update(b"unknown"),
        }
        hash.finalize().into()
    }
}

impl Default for FormLimiter {
    fn default() -> Self {
        Self::new(10, Duration::from_secs(10 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Visitor {
        Visitor::Address(text.parse().expect("address"))
    }

    #[test]
    fn the_n_plus_first_form_in_the_window_is_refused_until_the_oldest_expires() {
        let limiter = FormLimiter::new(3, Duration::from_secs(600));
        let start = Instant::now();
        let visitor = Visitor::Session("abc".into());
        for minute in 0..3 {
            let at = start + Duration::from_secs(minute * 60);
            assert_eq!(limiter.admit(FormKind::Register, &visitor, at), Ok(()));
        }
        let fourth = start + Duration::from_secs(5 * 60);
        assert_eq!(
            limiter.admit(FormKind::Register, &visitor, fourth),
            Err(Duration::from_secs(5 * 60))
        );
        // Refusals are not counted: once the first leaves, one more fits.
        let later = start + Duration::from_secs(600);
        assert_eq!(limiter.admit(FormKind::Register, &visitor, later), Ok(()));
        assert_eq!(
            limiter.admit(FormKind::Register, &visitor, later),
            Err(Duration::from_secs(60))
        );
    }

    #[test]
    fn kinds_and_visitors_have_their_own_counts() {
        let limiter = FormLimiter::new(1, Duration::from_secs(600));
        let now = Instant::now();
        let a = ip("203.0.113.7");
        assert!(limiter.admit(FormKind::Login, &a, now).is_ok());
        assert!(limiter.admit(FormKind::Login, &a, now).is_err());
        assert!(limiter.admit(FormKind::Checkout, &a, now).is_ok());
        assert!(limiter
            .admit(FormKind::Login, &ip("203.0.113.8"), now)
            .is_ok());
        assert!(limiter
            .admit(FormKind::Login, &Visitor::Session("s".into()), now)
            .is_ok());
        assert!(limiter
            .admit(FormKind::Login, &ip("2001:db8::1"), now)
            .is_ok());
    }

    #[test]
    fn the_salt_changes_daily_and_keys_hold_no_address() {
        let limiter = FormLimiter::new(1, Duration::from_secs(600));
        let now = Instant::now();
        let a = ip("203.0.113.7");
        assert!(limiter.admit(FormKind::Login, &a, now).is_ok());
        let (salt, key) = {
            let inner = limiter.inner.lock().expect("lock");
            (inner.salt, inner.key(&a))
        };
        // The key is the salted hash, not the address.
        assert_ne!(
            key,
            <[u8; 32]>::from(Sha256::digest(b"address:203.0.113.7"))
        );
        let tomorrow = now + SALT_LIFETIME;
        assert!(limiter.admit(FormKind::Login, &a, tomorrow).is_ok());
        let inner = limiter.inner.lock().expect("lock");
        assert_ne!(inner.salt, salt);
        assert_ne!(inner.key(&a), key);
    }
}
