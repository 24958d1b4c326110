//! AVG-19: a limit on how many forms one visitor sends per form kind in a
//! time window (default 10 per 10 minutes), so that a script cannot flood
//! the shop with registrations, orders or login attempts.
//!
//! A visitor is counted twice for every form: under their network address
//! and, when they have a session that really exists in the store, under
//! that session. A form is refused when either has reached the limit, so
//! neither a made-up session cookie nor a fresh session per request gives a
//! fresh quota, and a visitor who changes network keeps theirs. Both are
//! counted salted and in memory only (`salted_counts`): the address is
//! never stored (AVG-8). An IPv6 visitor is counted by their /64 network,
//! which a single host typically has to itself.

use super::salted_counts::SaltedCounts;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The public forms that are limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    Register,
    Login,
    Checkout,
    /// The booking form: its own limit, like checkout's.
    Booking,
    CmsLogin,
    Contact,
    Newsletter,
    /// A cart started by a visitor without a session: it creates a stored
    /// session, the one thing an anonymous visitor can make us keep.
    NewCart,
    /// "Wachtwoord vergeten?": asks for a reset link by mail.
    PasswordReset,
    /// `/privacy/request`: asks for the link to an address's data by mail.
    PrivacyRequest,
}

impl FormKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::Checkout => "checkout",
            Self::Booking => "booking",
            Self::CmsLogin => "cms_login",
            Self::Contact => "contact",
            Self::Newsletter => "newsletter",
            Self::NewCart => "new_cart",
            Self::PasswordReset => "password_reset",
            Self::PrivacyRequest => "privacy_request",
        }
    }

    /// Forms of this kind one visitor may send per window, given the
    /// configured limit: a household behind one address starts a few carts.
    pub fn max(self, limit: usize) -> usize {
        match self {
            Self::NewCart => limit.saturating_mul(3),
            _ => limit,
        }
    }
}

/// Who sent a form: their network address, and their session when they
/// have a stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visitor {
    Session(String),
    Address(IpAddr),
    /// No address is known (a request made in process): one shared bucket.
    Unknown,
}

impl Visitor {
    /// What the visitor is counted under: an IPv6 address by its /64.
    fn identity(&self) -> Vec<u8> {
        match self {
            Self::Session(id) => [b"session:".as_slice(), id.as_bytes()].concat(),
            Self::Address(IpAddr::V4(ip)) => [b"v4:".as_slice(), &ip.octets()].concat(),
            Self::Address(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
                Some(v4) => [b"v4:".as_slice(), &v4.octets()].concat(),
                None => [b"v6:".as_slice(), &ip.octets()[..8]].concat(),
            },
            Self::Unknown => b"unknown".to_vec(),
        }
    }
}

pub struct FormLimiter {
    limit: usize,
    counts: SaltedCounts,
}

impl FormLimiter {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            counts: SaltedCounts::new(window),
        }
    }

    /// Counts in `store` when several instances share one.
    pub fn shared(mut self, store: Option<super::shared_store::SharedStore>) -> Self {
        self.counts = self.counts.shared(store, "form");
        self
    }

    /// Counts one submission of `kind` for each of `visitor`'s identities
    /// now (in the shared store when there is one), or refuses it with the
    /// time until it would fit.
    pub async fn admit(&self, kind: FormKind, visitor: &[Visitor]) -> Result<(), Duration> {
        let identities = identities(visitor);
        let parts = parts(kind, &identities);
        self.counts.admit(&self.whos(kind, &parts)).await
    }

    /// [`admit`](Self::admit) in this instance's memory at `now`.
    pub fn admit_at(
        &self,
        kind: FormKind,
        visitor: &[Visitor],
        now: Instant,
    ) -> Result<(), Duration> {
        let identities = identities(visitor);
        let parts = parts(kind, &identities);
        self.counts.admit_at(&self.whos(kind, &parts), now)
    }

    fn whos<'a>(&self, kind: FormKind, parts: &'a [[&'a [u8]; 2]]) -> Vec<(&'a [&'a [u8]], usize)> {
        let max = kind.max(self.limit);
        parts.iter().map(|p| (&p[..], max)).collect()
    }
}

fn identities(visitor: &[Visitor]) -> Vec<Vec<u8>> {
    visitor.iter().map(Visitor::identity).collect()
}

fn parts(kind: FormKind, identities: &[Vec<u8>]) -> Vec<[&[u8]; 2]> {
    identities
        .iter()
        .map(|id| [kind.as_str().as_bytes(), id.as_slice()])
        .collect()
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
    fn the_n_plus_first_form_in_the_window_is_refused() {
        let limiter = FormLimiter::new(3, Duration::from_secs(600));
        let now = Instant::now();
        let visitor = [ip("203.0.113.7")];
        for _ in 0..3 {
            assert_eq!(limiter.admit_at(FormKind::Register, &visitor, now), Ok(()));
        }
        assert!(limiter.admit_at(FormKind::Register, &visitor, now).is_err());
    }

    #[test]
    fn a_fresh_session_per_form_gets_no_fresh_quota() {
        let limiter = FormLimiter::new(2, Duration::from_secs(600));
        let now = Instant::now();
        let with_session = |id: &str| [ip("203.0.113.7"), Visitor::Session(id.into())];
        assert!(limiter
            .admit_at(FormKind::Login, &with_session("a"), now)
            .is_ok());
        assert!(limiter
            .admit_at(FormKind::Login, &with_session("b"), now)
            .is_ok());
        assert!(limiter
            .admit_at(FormKind::Login, &with_session("c"), now)
            .is_err());
        // The session keeps its count on another network too.
        let moved = [ip("198.51.100.1"), Visitor::Session("a".into())];
        assert!(limiter.admit_at(FormKind::Login, &moved, now).is_ok());
        let moved_again = [ip("198.51.100.2"), Visitor::Session("a".into())];
        assert!(limiter
            .admit_at(FormKind::Login, &moved_again, now)
            .is_err());
    }

    #[test]
    fn kinds_and_visitors_have_their_own_counts() {
        let limiter = FormLimiter::new(1, Duration::from_secs(600));
        let now = Instant::now();
        let a = [ip("203.0.113.7")];
        assert!(limiter.admit_at(FormKind::Login, &a, now).is_ok());
        assert!(limiter.admit_at(FormKind::Login, &a, now).is_err());
        assert!(limiter.admit_at(FormKind::Checkout, &a, now).is_ok());
        assert!(limiter
            .admit_at(FormKind::Login, &[ip("203.0.113.8")], now)
            .is_ok());
        assert!(limiter
            .admit_at(FormKind::Login, &[ip("2001:db8::1")], now)
            .is_ok());
    }

    #[test]
    fn an_ipv6_visitor_is_one_visitor_across_their_64() {
        let limiter = FormLimiter::new(1, Duration::from_secs(600));
        let now = Instant::now();
        assert!(limiter
            .admit_at(FormKind::Contact, &[ip("2001:db8:1:2::1")], now)
            .is_ok());
        assert!(limiter
            .admit_at(FormKind::Contact, &[ip("2001:db8:1:2:ffff::9")], now)
            .is_err());
        assert!(limiter
            .admit_at(FormKind::Contact, &[ip("2001:db8:1:3::1")], now)
            .is_ok());
        // An IPv4 address written as IPv6 is the same visitor.
        assert!(limiter
            .admit_at(FormKind::Newsletter, &[ip("192.0.2.1")], now)
            .is_ok());
        assert!(limiter
            .admit_at(FormKind::Newsletter, &[ip("::ffff:192.0.2.1")], now)
            .is_err());
    }
}
