//! The mails about an account: after a registration (or a checkout that
//! creates an account) and for a new address. Each path queues exactly one
//! mail, whether or not the address already had an account, so that
//! neither the answer nor the work done tells an outsider which it was.
//!
//! These mails go to an address someone typed into a form, not yet proven
//! to be theirs: they carry no text the sender chose (not even a name).

use super::newsletter::{link_secret, links, sign_for};
use super::outbox::Queued;
use crate::error::AppError;
use crate::locale::Locale;
use crate::newsletter::rules::LinkPurpose;
use crate::ssr::entities::customer;
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::AppState;
use chrono::NaiveDateTime;
use sea_orm::{ConnectionTrait, EntityTrait};

/// What became of a registration: the visitor is told the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    Created(i32),
    /// The email already had an account (its id, when it could be read);
    /// nothing was changed.
    AlreadyExists(Option<i32>),
}

fn base(state: &AppState) -> &str {
    state.config.public_url.trim_end_matches('/')
}

/// Queues the one mail a registration sends: a welcome (with the newsletter
/// confirmation link when that was asked for) to a new account, or a
/// notice to the existing one. In `locale`, the language of the page the
/// registration (or checkout, or booking) was made on; its links go to the
/// pages in that language.
pub async fn queue_registration_mail(
    txn: &impl ConnectionTrait,
    state: &AppState,
    registered: Registered,
    email: &str,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Queued, AppError> {
    let shop = super::settings::load(txn).await?.shop_name;
    let login = format!("{}{}", base(state), locale.href("/login"));
    let (kind, text, customer_id) = match registered {
        Registered::Created(id) => {
            let account = customer::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(AppError::Internal)?;
            let confirm = if account.newsletter == crate::customer::NewsletterState::Pending {
                let secret = link_secret(txn, state.config.link_secret.as_deref()).await?;
                Some(links(&secret, &state.config.public_url, &account, locale, now)?.confirm)
            } else {
                None
            };
            let text = mail_text::account::welcome(locale, &shop, &login, confirm.as_deref());
            (MailKind::AccountWelcome, text, Some(id))
        }
        Registered::AlreadyExists(id) => (
            MailKind::AccountExists,
            mail_text::account::exists(locale, &shop, &login),
            id,
        ),
    };
    let mail = Mail {
        kind,
        to: email.to_owned(),
        subject: text.subject,
        body: text.body,
        html: None,
        unsubscribe_url: None,
    };
    state.outbox.queue(txn, &mail, customer_id, now).await
}

/// Queues the link that makes `new_email` the account's address, in
/// `locale` (the page it was asked on). The link does not hold the
/// address: the page it opens asks for it again.
pub async fn queue_email_change(
    txn: &impl ConnectionTrait,
    state: &AppState,
    account: &customer::Model,
    new_email: &str,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Queued, AppError> {
    let shop = super::settings::load(txn).await?.shop_name;
    let secret = link_secret(txn, state.config.link_secret.as_deref()).await?;
    let token = sign_for(
        &secret,
        LinkPurpose::ChangeEmail,
        account,
        Some(new_email),
        now,
    )?;
    let link = format!(
        "{}{}",
        base(state),
        locale.href(&format!("/account/email?t={token}"))
    );
    let text = mail_text::account::email_change(locale, &shop, &link);
    let mail = Mail {
        kind: MailKind::EmailChange,
        to: new_email.to_owned(),
        subject: text.subject,
        body: text.body,
        html: None,
        unsubscribe_url: None,
    };
    state.outbox.queue(txn, &mail, Some(account.id), now).await
}
