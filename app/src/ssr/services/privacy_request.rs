//! Privacy requests without an account (issue 17, section 3): a guest who
//! ordered, a visitor who asked a question and a newsletter subscriber all
//! have a customer record but no login, and an account holder's older
//! guest orders sit on records of their own with the same address. At
//! `/privacy/request` anyone types an address and gets a link by mail;
//! the link shows what the address holds, downloads all of it and erases
//! all of it.
//!
//! - The answer to the form is the same for every address, and comes
//!   before the work is done (`spawn_request`). An address with no record
//!   gets no mail and leaves no trace (AVG-1).
//! - The link is `/privacy/request/confirm?t=ID.SECRET`: 256 random bits,
//!   stored only as the SHA-256 of the secret together with the address it
//!   was mailed to (`privacy_requests.secret_hash`). So nobody who reads
//!   the database or a log can make a link, and the link dies when that
//!   address is no longer the record's. The row names the customer record
//!   it was mailed for, never the address itself.
//! - It lives an hour. Showing and downloading may be repeated within
//!   that hour (a download that failed can be tried again, and it changes
//!   nothing); erasing consumes it: the row is claimed with a conditional
//!   update, so of two erasures at the same moment one wins.
//! - Erasing goes through `privacy::erase_customers` for every record with
//!   the address: sessions end, orders and bookings are anonymised (orders
//!   kept for the tax term lose the person, as every erasure does), the
//!   records go with their questions and newsletter subscription, and a
//!   tombstone per record makes a restore erase them again.
//! - The mails have a budget of their own per address
//!   (`outbox::PRIVACY_REQUESTS_PER_HOUR`). The account page and the CMS
//!   (staff, for a customer who phoned) send the same mail: owning an
//!   account, or being on the phone, is no proof of the other records
//!   with the address; reading its mail is.

use super::privacy::{erase_customers, Erased, ErasureReason};
use crate::error::AppError;
use crate::locale::Locale;
use crate::privacy::models::{AddressExport, AddressHoldings, ADDRESS_EXPORT_FORMAT};
use crate::privacy::rules::parse_request_token;
use crate::ssr::entities::{booking, customer, order, privacy_request, question};
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::services::outbox::Queued;
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError};
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// How long a link works.
pub const LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The path a link opens (with `?t=`), in the mail's language.
pub const CONFIRM_PATH: &str = "/privacy/request/confirm";

/// What is stored of a link's secret: its SHA-256 with the address.
fn secret_hash(secret: &str, email: &str) -> String {
    crate::ssr::sha256_hex(&format!("winkel-privacy-request|{secret}|{email}"))
}

/// Every customer record with this address, oldest first.
async fn records_of(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Vec<customer::Model>, AppError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .order_by_asc(customer::Column::Id)
        .all(db)
        .await?)
}

/// Checks the address a visitor typed: a malformed one is told so (that
/// reveals nothing); the rest is [`request`]'s.
pub fn check_email(email: &str) -> Result<String, AppError> {
    v::email(email).map_err(|e| AppError::field("email", e))
}

/// Writes a link for `record`'s address and queues its mail, in the
/// caller's transaction, in `locale`. Over the address's budget nothing
/// is written. Call `outbox.wake()` after the commit.
pub async fn issue_in(
    txn: &impl ConnectionTrait,
    state: &AppState,
    record: &customer::Model,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Queued, AppError> {
    let secret = format!(
        "{}{}",
        crate::ssr::random_token()?,
        crate::ssr::random_token()?
    );
    let inserted = privacy_request::Entity::insert(privacy_request::ActiveModel {
        customer_id: Set(record.id),
        secret_hash: Set(secret_hash(&secret, &record.email)),
        created_at: Set(now),
        expires_at: Set(now + LIFETIME),
        used_at: Set(None),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    let id = inserted.last_insert_id;
    let base = state.config.public_url.trim_end_matches('/');
    let link = format!(
        "{base}{}",
        locale.href(&format!("{CONFIRM_PATH}?t={id}.{secret}"))
    );
    let shop = super::settings::load(txn).await?.shop_name;
    let text = mail_text::privacy::request_link(locale, &shop, &link);
    let mail = Mail {
        kind: MailKind::PrivacyRequest,
        to: record.email.clone(),
        subject: text.subject,
        body: text.body,
        unsubscribe_url: None,
        html: None,
    };
    let queued = state.outbox.queue(txn, &mail, Some(record.id), now).await?;
    if queued == Queued::OverBudget {
        privacy_request::Entity::delete_by_id(id).exec(txn).await?;
    }
    Ok(queued)
}

/// Deletes the links that have expired (the nightly newsletter job): they
/// open nothing any more. Not done as links are made: on MariaDB a range
/// delete beside concurrent inserts is a deadlock waiting to happen.
/// Returns how many went.
pub async fn purge_expired(db: &impl ConnectionTrait, now: NaiveDateTime) -> Result<u64, AppError> {
    Ok(privacy_request::Entity::delete_many()
        .filter(privacy_request::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Mails a link to `email` if any record has it, in `locale`; does nothing
/// for any other address. Whether a mail went out is returned for the
/// tests only: the visitor is never told.
pub async fn request(
    state: &AppState,
    email: &str,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Option<Queued>, AppError> {
    let txn = super::begin_write(&state.db).await?;
    // The newest record: the link lives as long as some record has the
    // address, and a newer one is the likelier to stay.
    let Some(record) = records_of(&txn, email).await?.pop() else {
        txn.rollback().await?;
        return Ok(None);
    };
    let queued = issue_in(&txn, state, &record, locale, now).await?;
    txn.commit().await?;
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
            tracing::error!(%error, "privacy request failed");
        }
    });
}

/// The same mail for a customer record staff has open (someone asked by
/// phone), in the caller's (audited) transaction. Dutch: the CMS is.
pub async fn issue_for_customer(
    txn: &impl ConnectionTrait,
    state: &AppState,
    customer_id: i32,
    now: NaiveDateTime,
) -> Result<Queued, AppError> {
    let record = customer::Entity::find_by_id(customer_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    issue_in(txn, state, &record, Locale::Nl, now).await
}

/// A link that checked out: its row and the address it covers.
struct Valid {
    request: privacy_request::Model,
    email: String,
}

/// The link's request if it is intact, unexpired and unused, and its
/// address still the record's; `InvalidLink` for every failure alike.
async fn verify(
    db: &impl ConnectionTrait,
    token: &str,
    now: NaiveDateTime,
) -> Result<Valid, AppError> {
    let (id, secret) = parse_request_token(token).ok_or(AppError::InvalidLink)?;
    let request = privacy_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::InvalidLink)?;
    if request.used_at.is_some() || now >= request.expires_at {
        return Err(AppError::InvalidLink);
    }
    let record = customer::Entity::find_by_id(request.customer_id)
        .one(db)
        .await?
        .ok_or(AppError::InvalidLink)?;
    // Compared in constant time.
    if !crate::ssr::metrics::same_secret(&secret_hash(secret, &record.email), &request.secret_hash)
    {
        return Err(AppError::InvalidLink);
    }
    Ok(Valid {
        request,
        email: record.email,
    })
}

/// What the link's address holds, in counts.
pub async fn holdings(
    db: &impl ConnectionTrait,
    token: &str,
    now: NaiveDateTime,
) -> Result<AddressHoldings, AppError> {
    let valid = verify(db, token, now).await?;
    let records = records_of(db, &valid.email).await?;
    let ids = || records.iter().map(|r| r.id);
    Ok(AddressHoldings {
        records: u64::try_from(records.len()).unwrap_or(u64::MAX),
        has_account: records.iter().any(|r| r.password_hash.is_some()),
        orders: order::Entity::find()
            .filter(order::Column::CustomerId.is_in(ids()))
            .count(db)
            .await?,
        bookings: booking::Entity::find()
            .filter(booking::Column::CustomerId.is_in(ids()))
            .count(db)
            .await?,
        questions: question::Entity::find()
            .filter(question::Column::CustomerId.is_in(ids()))
            .count(db)
            .await?,
        newsletter: records
            .iter()
            .any(|r| r.newsletter != crate::customer::NewsletterState::None),
    })
}

/// Everything the link's address holds: each record in the account
/// export's format.
pub async fn export(
    db: &impl ConnectionTrait,
    token: &str,
    now: NaiveDateTime,
) -> Result<AddressExport, AppError> {
    let valid = verify(db, token, now).await?;
    let mut records = Vec::new();
    for record in records_of(db, &valid.email).await? {
        records.push(super::export::export(db, &record, now).await?);
    }
    Ok(AddressExport {
        format: ADDRESS_EXPORT_FORMAT.to_owned(),
        exported_at: now,
        records,
    })
}

/// What an erasure by link did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErasedAddress {
    pub records: usize,
    pub anonymised: Erased,
}

/// Erases every record with the link's address (`confirmed`: the visitor
/// ticked that they mean it), in one transaction; the link is used up.
pub async fn erase(
    state: &AppState,
    token: &str,
    confirmed: bool,
    now: NaiveDateTime,
) -> Result<ErasedAddress, AppError> {
    if !confirmed {
        return Err(AppError::field("confirm", FieldError::Required));
    }
    let txn = super::begin_write(&state.db).await?;
    let valid = verify(&txn, token, now).await?;
    // Only while unused: of two erasures at the same moment, one wins.
    let claimed = privacy_request::Entity::update_many()
        .col_expr(privacy_request::Column::UsedAt, Expr::value(Some(now)))
        .filter(privacy_request::Column::Id.eq(valid.request.id))
        .filter(privacy_request::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::InvalidLink);
    }
    let ids: Vec<i32> = records_of(&txn, &valid.email)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let anonymised = erase_customers(&txn, &ids, ErasureReason::OwnRequest, now).await?;
    txn.commit().await?;
    Ok(ErasedAddress {
        records: ids.len(),
        anonymised,
    })
}
