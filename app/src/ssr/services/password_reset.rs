//! "Wachtwoord vergeten?" (issue 20): a customer asks for a link by mail,
//! follows it within an hour and chooses a new password.
//!
//! - The answer to the request is the same for every address: an account,
//!   a guest record (an order without an account: it has no password, so
//!   there is nothing to reset; the customer can register with the address
//!   instead), or no record at all. Only an account gets a mail; a guest
//!   or unknown address gets none, so the shop never mails a stranger a
//!   link it did not ask for. The server function answers before this
//!   work starts (`request` runs in a task of its own), so neither the
//!   answer nor its time tells which it was.
//! - The link is signed (HMAC-SHA256, the key of the newsletter links)
//!   over the account id, its address, its current password hash and the
//!   expiry. Setting the new password changes the hash, which kills the
//!   link: it works once, and dies too when the password is changed
//!   otherwise or the address changes. Two uses at the same moment: the
//!   update is conditional on the old hash, so one wins.
//! - Reset mails have a budget of their own per address
//!   (`outbox::RESETS_PER_HOUR`), apart from the unsolicited mail that
//!   any form can cause, so nobody can use it up with other forms.
//! - The new password follows the rules of registration, is hashed before
//!   the transaction, and the reset ends every session of the account; the
//!   caller logs the visitor in on a fresh session.

use super::newsletter::link_secret;
use crate::account::rules::password_policy;
use crate::error::AppError;
use crate::locale::Locale;
use crate::newsletter::rules::{parse_token, LinkClaims, LinkPurpose};
use crate::ssr::entities::{customer, session};
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::password;
use crate::ssr::services::outbox::Queued;
use crate::ssr::AppState;
use crate::validate as v;
use base64::Engine;
use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::Sha256;

const PURPOSE: LinkPurpose = LinkPurpose::ResetPassword;

/// What the signature covers of the account: its address and its password
/// hash (never in the link itself).
fn signed_text(claims: &LinkClaims, account: &customer::Model) -> Option<String> {
    let hash = account.password_hash.as_deref()?;
    Some(claims.signed_text(&format!("{}|{hash}", account.email)))
}

fn mac(secret: &[u8], text: &str) -> Result<Hmac<Sha256>, AppError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| AppError::Internal)?;
    mac.update(text.as_bytes());
    Ok(mac)
}

/// A reset token for `account` (which has a password), valid an hour.
pub fn sign(
    secret: &[u8],
    account: &customer::Model,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let claims = LinkClaims {
        purpose: PURPOSE,
        customer_id: account.id,
        expires: now.and_utc().timestamp() + PURPOSE.lifetime_secs(),
    };
    let text = signed_text(&claims, account).ok_or(AppError::Internal)?;
    let signature = mac(secret, &text)?.finalize().into_bytes();
    Ok(claims.token(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)))
}

/// The account a token was made for, if it is intact, unexpired and its
/// password unchanged since; `InvalidLink` for every failure alike.
pub async fn verify(
    db: &impl ConnectionTrait,
    secret: &[u8],
    token: &str,
    now: NaiveDateTime,
) -> Result<customer::Model, AppError> {
    let (claims, signature) = parse_token(token, PURPOSE).ok_or(AppError::InvalidLink)?;
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| AppError::InvalidLink)?;
    if claims.is_expired(now.and_utc().timestamp()) {
        return Err(AppError::InvalidLink);
    }
    let account = customer::Entity::find_by_id(claims.customer_id)
        .one(db)
        .await?
        .ok_or(AppError::InvalidLink)?;
    let text = signed_text(&claims, &account).ok_or(AppError::InvalidLink)?;
    // Constant-time comparison.
    mac(secret, &text)?
        .verify_slice(&signature)
        .map_err(|_| AppError::InvalidLink)?;
    Ok(account)
}

/// Checks the address a visitor typed: a malformed one is told so (that
/// reveals nothing); the rest is [`request`]'s.
pub fn check_email(email: &str) -> Result<String, AppError> {
    v::email(email).map_err(|e| AppError::field("email", e))
}

/// Mails a reset link to `email` if it belongs to an account, in `locale`
/// (the page it was asked on); does nothing for any other address. Whether
/// a mail went out is returned for the tests only: the visitor is never
/// told.
pub async fn request(
    state: &AppState,
    email: &str,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Option<Queued>, AppError> {
    let Some(account) = super::accounts::account_by_email(&state.db, email).await? else {
        return Ok(None);
    };
    let secret = link_secret(&state.db, state.config.link_secret.as_deref()).await?;
    let token = sign(&secret, &account, now)?;
    let base = state.config.public_url.trim_end_matches('/');
    let link = format!(
        "{base}{}",
        locale.href(&format!("/account/password/reset?t={token}"))
    );
    let shop = super::settings::load(&state.db).await?.shop_name;
    let text = mail_text::account::password_reset(locale, &shop, &link);
    let mail = Mail {
        kind: MailKind::PasswordReset,
        to: account.email.clone(),
        subject: text.subject,
        body: text.body,
        unsubscribe_url: None,
        html: None,
    };
    // Nothing else changes: the queued mail is the whole write.
    let queued = state
        .outbox
        .queue(&state.db, &mail, Some(account.id), now)
        .await?;
    state.outbox.wake();
    Ok(Some(queued))
}

/// [`request`] in a task of its own, so that the visitor's answer comes
/// before (and whatever) it does. Failures are logged without the address.
pub fn spawn_request(state: AppState, email: String, locale: Locale, now: NaiveDateTime) {
    tokio::spawn(async move {
        // After the visitor's answer: its writes retire kept sessions here.
        let sessions = state.session_cache.clone();
        if let Err(error) = sessions.tracked(request(&state, &email, locale, now)).await {
            tracing::error!(%error, "password reset request failed");
        }
    });
}

/// Sets the new password of the link's account and ends all its sessions;
/// returns the account id (the caller logs the visitor in).
pub async fn reset(
    state: &AppState,
    token: &str,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let secret = link_secret(&state.db, state.config.link_secret.as_deref()).await?;
    let account = verify(&state.db, &secret, token, now).await?;
    let new_password = password_policy(new_password, &account.email)
        .map_err(|e| AppError::field("password", e))?;
    let old_hash = account.password_hash.clone().ok_or(AppError::InvalidLink)?;
    let hash = password::hash_async(new_password).await?;
    let txn = super::begin_write(&state.db).await?;
    // Only while the password is still the one the link was made for: of
    // two uses at the same moment, one wins.
    let changed = customer::Entity::update_many()
        .col_expr(customer::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(customer::Column::LastLoginAt, Expr::value(Some(now)))
        .filter(customer::Column::Id.eq(account.id))
        .filter(customer::Column::PasswordHash.eq(old_hash))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::InvalidLink);
    }
    session::Entity::delete_many()
        .filter(session::Column::CustomerId.eq(account.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(account.id)
}
