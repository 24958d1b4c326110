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
use crate::newsletter::rules::LinkPurpose;
use crate::ssr::entities::customer;
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
/// notice to the existing one.
pub async fn queue_registration_mail(
    txn: &impl ConnectionTrait,
    state: &AppState,
    registered: Registered,
    email: &str,
    now: NaiveDateTime,
) -> Result<Queued, AppError> {
    let shop = super::settings::load(txn).await?.shop_name;
    let login = format!("{}/login", base(state));
    let (mail, customer_id) = match registered {
        Registered::Created(id) => {
            let account = customer::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or(AppError::Internal)?;
            let newsletter = if account.newsletter == crate::customer::NewsletterState::Pending {
                let secret = link_secret(txn, state.config.link_secret.as_deref()).await?;
                let links = links(&secret, &state.config.public_url, &account, now)?;
                format!(
                    "Je hebt je ook aangemeld voor de nieuwsbrief. Bevestig dat met deze link (7 dagen geldig):\n{}\n\n",
                    links.confirm
                )
            } else {
                String::new()
            };
            let mail = Mail {
                kind: MailKind::AccountWelcome,
                to: email.to_owned(),
                subject: format!("Je account bij {shop}"),
                body: format!(
                    "Hallo,\n\nMet dit e-mailadres is een account aangemaakt bij {shop}. Je kunt nu inloggen:\n{login}\n\n{newsletter}Was jij dit niet? Antwoord dan op deze e-mail, dan verwijderen we het account.\n"
                ),
                unsubscribe_url: None,
            };
            (mail, Some(id))
        }
        Registered::AlreadyExists(id) => {
            let mail = Mail {
                kind: MailKind::AccountExists,
                to: email.to_owned(),
                subject: format!("Aanmelding bij {shop}"),
                body: format!(
                    "Hallo,\n\nIemand probeerde met dit e-mailadres een account aan te maken bij {shop}, maar er is al een account met dit adres. Er is niets veranderd.\n\nWas jij dit? Log dan in:\n{login}\n\nWas jij het niet? Dan hoef je niets te doen.\n"
                ),
                unsubscribe_url: None,
            };
            (mail, id)
        }
    };
    state.outbox.queue(txn, &mail, customer_id, now).await
}

/// Queues the link that makes `new_email` the account's address. The
/// link does not hold the address: the page it opens asks for it again.
pub async fn queue_email_change(
    txn: &impl ConnectionTrait,
    state: &AppState,
    account: &customer::Model,
    new_email: &str,
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
    let mail = Mail {
        kind: MailKind::EmailChange,
        to: new_email.to_owned(),
        subject: format!("Bevestig je nieuwe e-mailadres bij {shop}"),
        body: format!(
            "Hallo,\n\nIemand wil dit e-mailadres gebruiken voor een account bij {shop}. Was jij dat? Open dan deze link (24 uur geldig) en vul dit e-mailadres nog eens in:\n\n{}/account/email?t={token}\n\nWas jij het niet? Dan hoef je niets te doen: er verandert niets.\n",
            base(state)
        ),
        unsubscribe_url: None,
    };
    state.outbox.queue(txn, &mail, Some(account.id), now).await
}
