//! The newsletter (AVG-2: recording a subscription): double opt-in with a
//! signed confirmation link, one-click unsubscribe, and removal of
//! subscriptions never confirmed.
//!
//! Who subscribes without being a customer becomes a prospect (AVG-1: data
//! only of customers and prospective customers) holding only the email
//! address and, if given, a first name (AVG-4). An address that already
//! belongs to a customer gets the subscription on that record. The answer
//! to the visitor is the same either way: it never tells whether an
//! address is known.
//!
//! The links are signed with HMAC-SHA256. The key is `WINKEL_SECRET` when
//! set (recommended in production: it stays out of the database and its
//! backups); otherwise one is generated at first use and kept in the
//! `settings` table, so that links survive a restart without any setup.

use crate::customer::{CustomerKind, NewsletterState};
use crate::error::AppError;
use crate::locale::Locale;
use crate::newsletter::rules::{parse_token, LinkClaims, LinkPurpose, PENDING_DAYS};
use crate::ssr::entities::{booking, customer, order, question, setting};
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::services::outbox::Queued;
use crate::ssr::services::privacy::{erase_customer, ErasureReason};
use crate::ssr::AppState;
use crate::validate::{self as v, FieldErrors};
use base64::Engine;
use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const SECRET_KEY: &str = "link_secret";

/// The key of signed links: the configured one, else the one in the
/// settings table (created once).
pub async fn link_secret(
    db: &impl ConnectionTrait,
    configured: Option<&str>,
) -> Result<Vec<u8>, AppError> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    if let Some(row) = setting::Entity::find_by_id(SECRET_KEY).one(db).await? {
        return Ok(row.value.into_bytes());
    }
    let fresh = format!(
        "{}{}",
        crate::ssr::random_token()?,
        crate::ssr::random_token()?
    );
    // Two first requests at once: one insert wins, the other fails on the
    // primary key and reads the winner's.
    let inserted = setting::Entity::insert(setting::ActiveModel {
        key: Set(SECRET_KEY.to_owned()),
        value: Set(fresh),
    })
    .exec_without_returning(db)
    .await;
    let Some(row) = setting::Entity::find_by_id(SECRET_KEY).one(db).await? else {
        inserted?;
        return Err(AppError::Internal);
    };
    Ok(row.value.into_bytes())
}

fn mac(secret: &[u8], text: &str) -> Result<HmacSha256, AppError> {
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|_| AppError::Internal)?;
    mac.update(text.as_bytes());
    Ok(mac)
}

/// What a link's signature covers of the customer: their address, and for
/// an address change also the new one.
fn signed_address(customer: &customer::Model, new_email: Option<&str>) -> String {
    match new_email {
        Some(new) => format!("{}|{new}", customer.email),
        None => customer.email.clone(),
    }
}

/// A signed link token for this customer and purpose.
pub fn sign(
    secret: &[u8],
    purpose: LinkPurpose,
    customer: &customer::Model,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    sign_for(secret, purpose, customer, None, now)
}

/// [`sign`], covering `new_email` too (an address change).
pub fn sign_for(
    secret: &[u8],
    purpose: LinkPurpose,
    customer: &customer::Model,
    new_email: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let claims = LinkClaims {
        purpose,
        customer_id: customer.id,
        expires: now.and_utc().timestamp() + purpose.lifetime_secs(),
    };
    let signature = mac(
        secret,
        &claims.signed_text(&signed_address(customer, new_email)),
    )?
    .finalize()
    .into_bytes();
    Ok(claims.token(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)))
}

/// The customer a token was made for, if it is intact, unexpired and of
/// this purpose; `InvalidLink` otherwise (one answer for every failure).
pub async fn verify(
    db: &impl ConnectionTrait,
    secret: &[u8],
    purpose: LinkPurpose,
    token: &str,
    now: NaiveDateTime,
) -> Result<customer::Model, AppError> {
    verify_for(db, secret, purpose, token, None, now).await
}

/// [`verify`] of a token made by [`sign_for`] with `new_email`.
pub async fn verify_for(
    db: &impl ConnectionTrait,
    secret: &[u8],
    purpose: LinkPurpose,
    token: &str,
    new_email: Option<&str>,
    now: NaiveDateTime,
) -> Result<customer::Model, AppError> {
    let (claims, signature) = parse_token(token, purpose).ok_or(AppError::InvalidLink)?;
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| AppError::InvalidLink)?;
    if claims.is_expired(now.and_utc().timestamp()) {
        return Err(AppError::InvalidLink);
    }
    let customer = customer::Entity::find_by_id(claims.customer_id)
        .one(db)
        .await?
        .ok_or(AppError::InvalidLink)?;
    // Constant-time comparison.
    mac(
        secret,
        &claims.signed_text(&signed_address(&customer, new_email)),
    )?
    .verify_slice(&signature)
    .map_err(|_| AppError::InvalidLink)?;
    Ok(customer)
}

/// The links a newsletter mail carries.
pub struct Links {
    /// The confirmation page, in the mail's language.
    pub confirm: String,
    /// The unsubscribe page, in the mail's language: the link a reader
    /// follows.
    pub unsubscribe: String,
    /// The one-click unsubscribe of RFC 8058 (`List-Unsubscribe`): the
    /// server's POST route, which has no language.
    pub one_click: String,
}

/// The links for `customer`, to the pages in `locale`.
pub fn links(
    secret: &[u8],
    public_url: &str,
    customer: &customer::Model,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Links, AppError> {
    let base = public_url.trim_end_matches('/');
    let confirm = format!(
        "/newsletter/confirm?t={}",
        sign(secret, LinkPurpose::Confirm, customer, now)?
    );
    let unsubscribe = format!(
        "/newsletter/unsubscribe?t={}",
        sign(secret, LinkPurpose::Unsubscribe, customer, now)?
    );
    Ok(Links {
        confirm: format!("{base}{}", locale.href(&confirm)),
        one_click: format!("{base}{unsubscribe}"),
        unsubscribe: format!("{base}{}", locale.href(&unsubscribe)),
    })
}

/// The double opt-in mail. It goes to an address that has not confirmed
/// anything yet, so it carries no text the sender typed (not even the
/// first name): the shop must not become a relay for someone's message.
fn confirmation_mail(
    shop_name: &str,
    customer: &customer::Model,
    links: &Links,
    locale: Locale,
) -> Mail {
    let text =
        mail_text::newsletter::confirmation(locale, shop_name, &links.confirm, &links.unsubscribe);
    Mail {
        kind: MailKind::NewsletterConfirm,
        to: customer.email.clone(),
        subject: text.subject,
        body: text.body,
        html: None,
        unsubscribe_url: Some(links.one_click.clone()),
    }
}

/// A newsletter-only prospect: the email and an optional first name.
fn new_subscriber(email: &str, first_name: &str, now: NaiveDateTime) -> customer::ActiveModel {
    customer::ActiveModel {
        newsletter: Set(NewsletterState::Pending),
        ..super::accounts::new_prospect(email, first_name, now)
    }
}

/// Subscribes an address: records the wish (pending) and queues the
/// confirmation link in the same transaction. The same outcome whether the
/// address is known or not; a subscription already confirmed stays as it
/// is. The mail is in `locale`, the language of the page it was asked on.
pub async fn subscribe(
    state: &AppState,
    email: &str,
    first_name: Option<&str>,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", v::email(email));
    let first_name = errors.check("first_name", v::optional_text(first_name, 100));
    let (Some(email), Some(first_name)) = (email, first_name) else {
        return Err(AppError::Validation(errors));
    };
    let txn = super::begin_write(&state.db).await?;
    // An account holder's record first, else the newest with this address.
    let known = match super::accounts::account_by_email(&txn, &email).await? {
        Some(account) => Some(account),
        None => {
            customer::Entity::find()
                .filter(customer::Column::Email.eq(email.as_str()))
                .order_by_desc(customer::Column::Id)
                .one(&txn)
                .await?
        }
    };
    let subscriber = match known {
        Some(c) if c.newsletter == NewsletterState::Subscribed => c,
        Some(c) => {
            let mut row: customer::ActiveModel = c.into();
            row.newsletter = Set(NewsletterState::Pending);
            row.update(&txn).await?
        }
        None => {
            new_subscriber(&email, first_name.as_deref().unwrap_or_default(), now)
                .insert(&txn)
                .await?
        }
    };
    queue_confirmation(&txn, state, &subscriber, locale, now).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(())
}

/// Queues the confirmation link (with an unsubscribe link) for a customer
/// whose wish is pending, in the caller's transaction, in `locale`.
pub async fn queue_confirmation(
    txn: &impl ConnectionTrait,
    state: &AppState,
    customer: &customer::Model,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Queued, AppError> {
    let shop_name = super::settings::load(txn).await?.shop_name;
    let secret = link_secret(txn, state.config.link_secret.as_deref()).await?;
    let links = links(&secret, &state.config.public_url, customer, locale, now)?;
    state
        .outbox
        .queue(
            txn,
            &confirmation_mail(&shop_name, customer, &links, locale),
            Some(customer.id),
            now,
        )
        .await
}

/// Queues the confirmation mail, in the caller's transaction, when a
/// customer's own form (checkout, "Mijn account") has just made their
/// newsletter wish pending (`was`: the state before).
pub async fn confirm_new_wish(
    txn: &impl ConnectionTrait,
    state: &AppState,
    customer: &customer::Model,
    was: NewsletterState,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if customer.newsletter == NewsletterState::Pending && was != NewsletterState::Pending {
        queue_confirmation(txn, state, customer, locale, now).await?;
    }
    Ok(())
}

/// The confirmation link was followed: subscribed, with the moment of
/// consent. Confirming twice keeps the first consent date.
pub async fn confirm(
    db: &impl ConnectionTrait,
    secret: &[u8],
    token: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let customer = verify(db, secret, LinkPurpose::Confirm, token, now).await?;
    if customer.newsletter == NewsletterState::Subscribed {
        return Ok(());
    }
    let mut row: customer::ActiveModel = customer.into();
    row.newsletter = Set(NewsletterState::Subscribed);
    row.newsletter_consent_at = Set(Some(now));
    row.update(db).await?;
    Ok(())
}

/// Whether a record exists only for the newsletter: a prospect without
/// questions, orders or bookings. Without the subscription there is no
/// reason left to keep it (AVG-2).
async fn only_for_the_newsletter(
    db: &impl ConnectionTrait,
    c: &customer::Model,
) -> Result<bool, AppError> {
    Ok(c.kind == CustomerKind::Prospect
        && c.password_hash.is_none()
        && question::Entity::find()
            .filter(question::Column::CustomerId.eq(c.id))
            .count(db)
            .await?
            == 0
        && order::Entity::find()
            .filter(order::Column::CustomerId.eq(c.id))
            .count(db)
            .await?
            == 0
        && booking::Entity::find()
            .filter(booking::Column::CustomerId.eq(c.id))
            .count(db)
            .await?
            == 0)
}

/// Unsubscribes the customer of a signed link. A newsletter-only prospect
/// is erased altogether; anyone else keeps their record without the
/// subscription or its consent date. Either way a restore of an older
/// backup keeps them unsubscribed (an erasure or a consent tombstone).
pub async fn unsubscribe(
    db: &DatabaseConnection,
    secret: &[u8],
    token: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let txn = super::begin_write(db).await?;
    let customer = verify(&txn, secret, LinkPurpose::Unsubscribe, token, now).await?;
    if only_for_the_newsletter(&txn, &customer).await? {
        erase_customer(&txn, customer.id, ErasureReason::OwnRequest, now).await?;
    } else {
        // With a tombstone: a restore must not subscribe them again.
        super::consent::withdraw(&txn, customer.id, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// What a purge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    /// Newsletter-only prospects erased.
    pub erased: u64,
    /// Other records whose pending wish was withdrawn.
    pub reset: u64,
}

/// Removes subscriptions never confirmed within `PENDING_DAYS` (for the
/// nightly scheduler). A newsletter-only prospect is erased; on any other
/// record "pending" becomes "none". The record's creation date is the
/// only date there is (AVG-4 has no column for the request), so a
/// customer's pending wish is withdrawn at the first purge after their
/// record is a week old; their confirmation link stays valid for its own 7
/// days and still confirms.
pub async fn purge_unconfirmed(
    db: &DatabaseConnection,
    now: NaiveDateTime,
) -> Result<Purged, AppError> {
    let cutoff = now - chrono::Duration::days(PENDING_DAYS);
    let stale = customer::Entity::find()
        .filter(customer::Column::Newsletter.eq(NewsletterState::Pending))
        .filter(customer::Column::CreatedAt.lt(cutoff))
        .all(db)
        .await?;
    let mut purged = Purged::default();
    for c in stale {
        let txn = super::begin_write(db).await?;
        if only_for_the_newsletter(&txn, &c).await? {
            erase_customer(&txn, c.id, ErasureReason::Retention, now).await?;
            purged.erased += 1;
        } else {
            let mut row: customer::ActiveModel = c.into();
            row.newsletter = Set(NewsletterState::None);
            row.update(&txn).await?;
            purged.reset += 1;
        }
        txn.commit().await?;
    }
    Ok(purged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn someone() -> customer::Model {
        customer::Model {
            id: 12,
            kind: CustomerKind::Prospect,
            first_name: String::new(),
            last_name: String::new(),
            gender: None,
            email: "an@example.nl".into(),
            phone: String::new(),
            phone2: None,
            company_name: None,
            vat_number: None,
            street: String::new(),
            house_number: String::new(),
            postcode: String::new(),
            city: String::new(),
            country: String::new(),
            delivery_street: None,
            delivery_house_number: None,
            delivery_postcode: None,
            delivery_city: None,
            delivery_country: None,
            newsletter: NewsletterState::Pending,
            newsletter_consent_at: None,
            payment_methods: None,
            created_at: crate::ssr::now_utc(),
            last_login_at: None,
            password_hash: None,
        }
    }

    #[test]
    fn a_signature_covers_address_purpose_and_expiry() {
        let now = crate::ssr::now_utc();
        let a = sign(b"secret-a", LinkPurpose::Confirm, &someone(), now).unwrap_or_default();
        let b = sign(b"secret-b", LinkPurpose::Confirm, &someone(), now).unwrap_or_default();
        assert_ne!(a, b, "another key, another signature");
        let moved = customer::Model {
            email: "ander@example.nl".into(),
            ..someone()
        };
        let c = sign(b"secret-a", LinkPurpose::Confirm, &moved, now).unwrap_or_default();
        assert_ne!(a, c, "another address, another signature");
        assert!(a.starts_with("confirm.12."));
        // URL-safe: no characters a mail client or URL would mangle.
        assert!(a
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch)));
    }
}
