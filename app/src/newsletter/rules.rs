//! Signed newsletter links (double opt-in, one-click unsubscribe): the
//! token format. The signature itself (HMAC-SHA256 with the server's
//! secret) is made and checked on the server, `ssr::services::newsletter`.
//!
//! A token is `purpose.customer_id.expires.signature`. The signature covers
//! the purpose, the customer id, the customer's email address and the
//! expiry, so a link dies when it expires, when any part is altered, and
//! when the address it was sent to is no longer the customer's. The address
//! itself is not in the link (links end up in logs and browser history).

/// What a link may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Confirm,
    Unsubscribe,
    /// Makes a new address an account's own. Its signature covers the old
    /// and the new address; the new one is not in the link: the visitor
    /// types it again on the page the link opens.
    ChangeEmail,
    /// Sets a forgotten password (issue 20). Its signature also covers the
    /// account's current password hash, so the link works once: the new
    /// password kills it (`ssr::services::password_reset`).
    ResetPassword,
}

impl LinkPurpose {
    /// The purpose a newsletter page names in its URL; the address-change
    /// link is checked on a page of its own, never through these.
    pub fn of_newsletter_page(value: &str) -> Option<Self> {
        match value {
            "confirm" => Some(Self::Confirm),
            "unsubscribe" => Some(Self::Unsubscribe),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Unsubscribe => "unsubscribe",
            Self::ChangeEmail => "email",
            Self::ResetPassword => "reset",
        }
    }

    /// How long a link lives, in seconds. A confirmation link as long as an
    /// unconfirmed subscription is kept (7 days); an unsubscribe link long
    /// enough that an old newsletter still works (every mail has a fresh
    /// one).
    pub fn lifetime_secs(self) -> i64 {
        match self {
            Self::Confirm => PENDING_DAYS * 24 * 3600,
            Self::Unsubscribe => 400 * 24 * 3600,
            Self::ChangeEmail => 24 * 3600,
            Self::ResetPassword => 3600,
        }
    }
}

/// Days an unconfirmed subscription is kept before it is removed.
pub const PENDING_DAYS: i64 = 7;

/// The parts of a token, before its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkClaims {
    pub purpose: LinkPurpose,
    pub customer_id: i32,
    /// Unix seconds.
    pub expires: i64,
}

impl LinkClaims {
    /// The text that is signed.
    pub fn signed_text(&self, email: &str) -> String {
        format!(
            "winkel-newsletter|{}|{}|{}|{}",
            self.purpose.as_str(),
            self.customer_id,
            email,
            self.expires
        )
    }

    pub fn token(&self, signature: &str) -> String {
        format!(
            "{}.{}.{}.{signature}",
            self.purpose.as_str(),
            self.customer_id,
            self.expires
        )
    }

    pub fn is_expired(&self, now_unix: i64) -> bool {
        now_unix >= self.expires
    }
}

/// Splits a token into its claims and signature; `None` when it is not a
/// token of `purpose` at all.
pub fn parse_token(token: &str, purpose: LinkPurpose) -> Option<(LinkClaims, &str)> {
    let mut parts = token.trim().splitn(4, '.');
    let (p, id, expires, signature) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if p != purpose.as_str() || signature.is_empty() {
        return None;
    }
    Some((
        LinkClaims {
            purpose,
            customer_id: id.parse().ok()?,
            expires: expires.parse().ok()?,
        },
        signature,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newsletter_page_names_only_its_own_purposes() {
        assert_eq!(
            LinkPurpose::of_newsletter_page("confirm"),
            Some(LinkPurpose::Confirm)
        );
        assert_eq!(
            LinkPurpose::of_newsletter_page("unsubscribe"),
            Some(LinkPurpose::Unsubscribe)
        );
        assert_eq!(LinkPurpose::of_newsletter_page("email"), None);
        assert_eq!(LinkPurpose::of_newsletter_page(""), None);
    }

    #[test]
    fn tokens_round_trip_and_name_their_purpose() {
        let claims = LinkClaims {
            purpose: LinkPurpose::Confirm,
            customer_id: 42,
            expires: 1_900_000_000,
        };
        let token = claims.token("c2ln");
        assert_eq!(token, "confirm.42.1900000000.c2ln");
        assert_eq!(
            parse_token(&token, LinkPurpose::Confirm),
            Some((claims.clone(), "c2ln"))
        );
        // A confirmation link does not unsubscribe, and vice versa.
        assert_eq!(parse_token(&token, LinkPurpose::Unsubscribe), None);
        assert_eq!(parse_token("confirm.x.1.s", LinkPurpose::Confirm), None);
        assert_eq!(parse_token("confirm.1.1.", LinkPurpose::Confirm), None);
        assert_eq!(parse_token("", LinkPurpose::Confirm), None);
    }

    #[test]
    fn the_signed_text_holds_the_address_and_expiry() {
        let claims = LinkClaims {
            purpose: LinkPurpose::Unsubscribe,
            customer_id: 7,
            expires: 100,
        };
        let text = claims.signed_text("an@example.nl");
        assert!(text.contains("an@example.nl") && text.contains("|100"));
        assert!(!claims.is_expired(99) && claims.is_expired(100));
    }
}
