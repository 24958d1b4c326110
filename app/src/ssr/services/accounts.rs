//! Customer accounts (AVG-6, AVG-7, AVG-16): register, log in, "Mijn
//! account", delete, export.

use super::orders;
use super::privacy::{erase_customer, ErasureReason};
use crate::account::models::{OrderSummary, Profile};
use crate::account::rules::password_policy;
use crate::customer::{CustomerData, CustomerInput, CustomerKind, NewsletterState};
use crate::error::AppError;
use crate::locale::Locale;
use crate::shop::rules::entitled_payment_methods;
use crate::ssr::entities::{customer, order, order_line, session};
use crate::ssr::login_throttle::LoginThrottle;
use crate::ssr::metrics::SecurityEvent;
use crate::ssr::password::{self, Verified};
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::NaiveDateTime;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The account holding this email, if any. Emails of accounts are unique
/// (guest records may share one).
pub async fn account_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<customer::Model>, AppError> {
    Ok(customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .filter(customer::Column::PasswordHash.is_not_null())
        .one(db)
        .await?)
}

/// Sets the AVG-4 fields of a customer row from validated data.
pub fn apply_customer_data(row: &mut customer::ActiveModel, data: &CustomerData) {
    let delivery = data.delivery_address.as_ref();
    row.first_name = Set(data.first_name.clone());
    row.last_name = Set(data.last_name.clone());
    row.gender = Set(data.gender.clone());
    row.email = Set(data.email.clone());
    row.phone = Set(data.phone.clone());
    row.phone2 = Set(data.phone2.clone());
    row.company_name = Set(data.company_name.clone());
    row.vat_number = Set(data.vat_number.clone());
    row.street = Set(data.address.street.clone());
    row.house_number = Set(data.address.house_number.clone());
    row.postcode = Set(data.address.postcode.clone());
    row.city = Set(data.address.city.clone());
    row.country = Set(data.address.country.clone());
    row.delivery_street = Set(delivery.map(|a| a.street.clone()));
    row.delivery_house_number = Set(delivery.map(|a| a.house_number.clone()));
    row.delivery_postcode = Set(delivery.map(|a| a.postcode.clone()));
    row.delivery_city = Set(delivery.map(|a| a.city.clone()));
    row.delivery_country = Set(delivery.map(|a| a.country.clone()));
}

/// A prospect row (AVG-1: a prospective customer, from the contact or the
/// newsletter form) with only an email address and a first name. The
/// address columns, required for customers who order, stay empty; the
/// caller sets whatever else its form asked.
pub fn new_prospect(email: &str, first_name: &str, now: NaiveDateTime) -> customer::ActiveModel {
    customer::ActiveModel {
        kind: Set(CustomerKind::Prospect),
        first_name: Set(first_name.to_owned()),
        last_name: Set(String::new()),
        gender: Set(None),
        email: Set(email.to_owned()),
        phone: Set(String::new()),
        phone2: Set(None),
        company_name: Set(None),
        vat_number: Set(None),
        street: Set(String::new()),
        house_number: Set(String::new()),
        postcode: Set(String::new()),
        city: Set(String::new()),
        country: Set(String::new()),
        delivery_street: Set(None),
        delivery_house_number: Set(None),
        delivery_postcode: Set(None),
        delivery_city: Set(None),
        delivery_country: Set(None),
        newsletter: Set(NewsletterState::None),
        newsletter_consent_at: Set(None),
        payment_methods: Set(None),
        created_at: Set(now),
        last_login_at: Set(None),
        password_hash: Set(None),
        ..Default::default()
    }
}

/// A new customer row (guest or account) from validated data.
pub fn new_customer(
    data: &CustomerData,
    password_hash: Option<String>,
    now: NaiveDateTime,
) -> customer::ActiveModel {
    let mut row = customer::ActiveModel {
        kind: Set(CustomerKind::Customer),
        newsletter: Set(NewsletterState::None.after_choice(data.newsletter)),
        newsletter_consent_at: Set(None),
        payment_methods: Set(None),
        created_at: Set(now),
        last_login_at: Set(None),
        password_hash: Set(password_hash),
        ..Default::default()
    };
    apply_customer_data(&mut row, data);
    row
}

pub use super::account_mail::Registered;

/// Whether a database error is the one-account-per-address key refusing
/// a second account (two registrations of one address at the same moment).
pub fn is_duplicate_account(error: &sea_orm::DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Inserts an account for `data` with the password `hash`, unless the
/// address has one: then nothing is written. Registration and "create an
/// account" at checkout both go through here.
pub async fn insert_account(
    txn: &impl ConnectionTrait,
    data: &CustomerData,
    hash: String,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    if let Some(existing) = account_by_email(txn, &data.email).await? {
        return Ok(Registered::AlreadyExists(Some(existing.id)));
    }
    match customer::Entity::insert(new_customer(data, Some(hash), now))
        .exec(txn)
        .await
    {
        Ok(inserted) => Ok(Registered::Created(inserted.last_insert_id)),
        // The other registration of this address won the race; this
        // transaction's snapshot may not see its row yet.
        Err(e) if is_duplicate_account(&e) => Ok(Registered::AlreadyExists(None)),
        Err(e) => Err(e.into()),
    }
}

/// Registers an account. Every outcome does the same work: one password
/// hash (before the transaction: none may wait on a hash) and one queued
/// mail (a welcome, or a notice to the account that already has the
/// address), and the visitor gets the same answer.
pub async fn register(
    state: &AppState,
    input: &CustomerInput,
    password: &str,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Registered, AppError> {
    let mut errors = FieldErrors::default();
    let data = input.validate_into(&mut errors);
    let password = errors.check(
        "password",
        password_policy(password, input.email.as_deref().unwrap_or_default()),
    );
    let (Some(data), Some(password)) = (data, password) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = password::hash_async(password).await?;
    let txn = super::begin_write(&state.db).await?;
    let registered = insert_account(&txn, &data, hash, now).await?;
    super::account_mail::queue_registration_mail(&txn, state, registered, &data.email, locale, now)
        .await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(registered)
}

/// Checks email and password; returns the customer id. Unknown email and
/// wrong password answer alike, in about the same time; a failure is
/// counted for monitoring (AVG-18).
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let checked = check_login(&state.db, &state.login_throttle, email, password, now).await;
    super::count_refused_login(state, SecurityEvent::FailedLoginCustomer, checked)
}

async fn check_login(
    db: &impl ConnectionTrait,
    throttle: &LoginThrottle,
    email: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let email = email.trim();
    let delay = throttle.begin(email).await;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let account = match v::email(email) {
        Ok(normalised) => account_by_email(db, &normalised).await?,
        Err(_) => None,
    };
    let verified = password::verify_async(
        password.to_owned(),
        account
            .as_ref()
            .map(|a| a.email.clone())
            .unwrap_or_default(),
        account.as_ref().and_then(|a| a.password_hash.clone()),
    )
    .await?;
    // The attempt was counted when it began.
    let (Some(account), Verified::Yes { needs_rehash }) = (account, verified) else {
        return Err(AppError::InvalidCredentials);
    };
    throttle.record_success(email).await;
    let id = account.id;
    let mut row: customer::ActiveModel = account.into();
    row.last_login_at = Set(Some(now));
    if needs_rehash {
        // An imported legacy hash is replaced by PBKDF2 at the first login.
        row.password_hash = Set(Some(password::hash_async(password.to_owned()).await?));
    }
    row.update(db).await?;
    Ok(id)
}

pub fn profile_of(c: &customer::Model) -> Profile {
    Profile {
        email: c.email.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        gender: c.gender.clone(),
        phone: c.phone.clone(),
        phone2: c.phone2.clone(),
        company_name: c.company_name.clone(),
        vat_number: c.vat_number.clone(),
        street: c.street.clone(),
        house_number: c.house_number.clone(),
        postcode: c.postcode.clone(),
        city: c.city.clone(),
        country: c.country.clone(),
        delivery_street: c.delivery_street.clone(),
        delivery_house_number: c.delivery_house_number.clone(),
        delivery_postcode: c.delivery_postcode.clone(),
        delivery_city: c.delivery_city.clone(),
        delivery_country: c.delivery_country.clone(),
        newsletter: c.newsletter,
        newsletter_consent_at: c.newsletter_consent_at,
        payment_methods: entitled_payment_methods(c.payment_methods.as_deref())
            .into_iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        created_at: c.created_at,
        last_login_at: c.last_login_at,
    }
}

/// Saves "Mijn account". The email is changed separately (it needs the
/// password and a confirmation), so the stored one is kept whatever the
/// form says. A newly ticked newsletter box queues its confirmation mail
/// in the same transaction.
pub async fn update_profile(
    state: &AppState,
    current: customer::Model,
    input: &CustomerInput,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<Profile, AppError> {
    let input = CustomerInput {
        email: Some(current.email.clone()),
        ..input.clone()
    };
    let data = input.validate()?;
    let was = current.newsletter;
    let newsletter = current.newsletter.after_choice(data.newsletter);
    let keep_consent = newsletter == NewsletterState::Subscribed;
    let consent = current.newsletter_consent_at;
    let mut row: customer::ActiveModel = current.into();
    apply_customer_data(&mut row, &data);
    row.newsletter = Set(newsletter);
    row.newsletter_consent_at = Set(if keep_consent { consent } else { None });
    let txn = super::begin_write(&state.db).await?;
    let saved = row.update(&txn).await?;
    if was != NewsletterState::None && newsletter == NewsletterState::None {
        // Taken back: a restore of an older backup must not bring it back.
        super::consent::record(&txn, saved.id, now).await?;
    }
    super::newsletter::confirm_new_wish(&txn, state, &saved, was, locale, now).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(profile_of(&saved))
}

/// Confirms the customer's password; a mismatch is reported on `field`.
async fn check_password(
    current: &customer::Model,
    password: &str,
    field: &str,
) -> Result<(), AppError> {
    let verified = password::verify_async(
        password.to_owned(),
        current.email.clone(),
        current.password_hash.clone(),
    )
    .await?;
    match verified {
        Verified::Yes { .. } => Ok(()),
        Verified::No => Err(AppError::field(field, FieldError::WrongPassword)),
    }
}

/// Sets a new password and ends every session of the customer: whoever
/// else was logged in with the old one is out. The caller gives the
/// current session a new id (and so keeps it).
pub async fn change_password(
    db: &DatabaseConnection,
    current: customer::Model,
    current_password: &str,
    new_password: &str,
) -> Result<(), AppError> {
    check_password(&current, current_password, "current_password").await?;
    let new_password = password_policy(new_password, &current.email)
        .map_err(|e| AppError::field("new_password", e))?;
    let hash = password::hash_async(new_password).await?;
    let id = current.id;
    let txn = super::begin_write(db).await?;
    let mut row: customer::ActiveModel = current.into();
    row.password_hash = Set(Some(hash));
    row.update(&txn).await?;
    end_sessions(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every session of a customer.
async fn end_sessions(db: &impl ConnectionTrait, customer_id: i32) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::CustomerId.eq(customer_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Asks for a new address: after the password, a link is mailed to the
/// new address, and the address changes only when it is followed
/// (`confirm_email_change`). Whether the address has an account elsewhere
/// is not checked here, so the answer never tells. Returns the address
/// the link went to.
pub async fn request_email_change(
    state: &AppState,
    current: customer::Model,
    current_password: &str,
    new_email: &str,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    check_password(&current, current_password, "current_password").await?;
    let new_email = v::email(new_email).map_err(|e| AppError::field("new_email", e))?;
    let txn = super::begin_write(&state.db).await?;
    super::account_mail::queue_email_change(&txn, state, &current, &new_email, locale, now).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(new_email)
}

/// The mailed link was followed and the new address typed again: it
/// becomes the account's address, and every session ends (the address is
/// how the account logs in). An address that meanwhile has an account is
/// refused: only who holds that address learns so.
pub async fn confirm_email_change(
    state: &AppState,
    token: &str,
    new_email: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let new_email = v::email(new_email).map_err(|e| AppError::field("new_email", e))?;
    let secret =
        super::newsletter::link_secret(&state.db, state.config.link_secret.as_deref()).await?;
    let txn = super::begin_write(&state.db).await?;
    let account = super::newsletter::verify_for(
        &txn,
        &secret,
        crate::newsletter::rules::LinkPurpose::ChangeEmail,
        token,
        Some(&new_email),
        now,
    )
    .await?;
    if account.password_hash.is_none() {
        return Err(AppError::InvalidLink);
    }
    let id = account.id;
    let mut row: customer::ActiveModel = account.into();
    row.email = Set(new_email);
    match row.update(&txn).await {
        Ok(_) => {}
        Err(e) if is_duplicate_account(&e) => {
            return Err(AppError::field("new_email", FieldError::EmailUnavailable));
        }
        Err(e) => return Err(e.into()),
    }
    end_sessions(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn order_history(
    db: &impl ConnectionTrait,
    customer_id: i32,
) -> Result<Vec<OrderSummary>, AppError> {
    let placed = order::Entity::find()
        .filter(order::Column::CustomerId.eq(customer_id))
        .order_by_desc(order::Column::PlacedAt)
        .all(db)
        .await?;
    let ids: Vec<i32> = placed.iter().map(|o| o.id).collect();
    // Summed here rather than with SQL SUM, whose type differs per backend
    // (DECIMAL on MariaDB).
    let lines: Vec<(i32, i32)> = if ids.is_empty() {
        Vec::new()
    } else {
        order_line::Entity::find()
            .select_only()
            .column(order_line::Column::OrderId)
            .column(order_line::Column::Quantity)
            .filter(order_line::Column::OrderId.is_in(ids))
            .into_tuple()
            .all(db)
            .await?
    };
    let items = |order_id: i32| {
        lines
            .iter()
            .filter(|(id, _)| *id == order_id)
            .map(|(_, q)| i64::from(*q))
            .sum()
    };
    Ok(placed
        .into_iter()
        .map(|o| OrderSummary {
            items: items(o.id),
            token: o.token,
            placed_at: o.placed_at,
            status: o.status,
            total_cents: o.total_cents,
        })
        .collect())
}

/// One of the customer's own orders; any other order is "not found", never
/// "forbidden" (which would confirm it exists).
pub async fn own_order(
    db: &impl ConnectionTrait,
    customer_id: i32,
    token: &str,
) -> Result<crate::shop::models::OrderView, AppError> {
    let owned = order::Entity::find()
        .filter(order::Column::Token.eq(token))
        .filter(order::Column::CustomerId.eq(customer_id))
        .one(db)
        .await?
        .is_some();
    if !owned {
        return Err(AppError::NotFound);
    }
    orders::by_token(db, token).await
}

/// "Verwijder mijn account": confirmed with the password, then erased in one
/// transaction.
pub async fn delete_account(
    db: &DatabaseConnection,
    current: customer::Model,
    password: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    check_password(&current, password, "password").await?;
    let txn = super::begin_write(db).await?;
    let erased = erase_customer(&txn, current.id, ErasureReason::OwnRequest, now).await;
    super::settle(txn, erased).await.map(drop)
}
