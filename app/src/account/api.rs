//! Account server functions: thin, the work is in `ssr::services::accounts`.

use super::models::{OrderSummary, Profile};
use crate::customer::CustomerInput;
use crate::error::AppError;
use crate::forms::GuardFields;
use crate::shop::models::OrderView;
#[cfg(feature = "ssr")]
use crate::ssr::{
    auth, db, now_utc,
    services::{accounts, password_reset},
    session, state,
};
#[cfg(feature = "ssr")]
use crate::ssr::{form_guard, form_limit::FormKind};
use leptos::prelude::*;

/// Who is logged in, for the header: the first name, or nothing.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<String>, AppError> {
    auth::customer_first_name(&db()?, &session().await?).await
}

/// Creates an account. The answer never tells whether the email already
/// had one; the visitor is sent to the login page either way.
#[server(endpoint = "register")]
pub async fn register(
    #[server(flatten)] input: CustomerInput,
    password: String,
    #[server(flatten)] guard: GuardFields,
) -> Result<(), AppError> {
    form_guard::check(FormKind::Register, &guard).await?;
    let state = state::state()?;
    accounts::register(
        &state,
        &input,
        &password,
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await?;
    leptos_axum::redirect(&crate::ssr::localized("/login?registered=1"));
    Ok(())
}

#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    #[server(flatten)] guard: GuardFields,
) -> Result<(), AppError> {
    form_guard::check(FormKind::Login, &guard).await?;
    let state = state::state()?;
    let id = accounts::log_in(&state, &email, &password, now_utc()).await?;
    auth::log_in(&session().await?, id).await?;
    leptos_axum::redirect(&crate::ssr::localized("/account"));
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    auth::log_out(&session().await?).await?;
    leptos_axum::redirect(&crate::ssr::localized("/"));
    Ok(())
}

#[server(endpoint = "get_profile")]
pub async fn get_profile() -> Result<Profile, AppError> {
    let customer = auth::require_customer(&db()?, &session().await?).await?;
    Ok(accounts::profile_of(&customer))
}

#[server(endpoint = "update_profile")]
pub async fn update_profile(#[server(flatten)] input: CustomerInput) -> Result<Profile, AppError> {
    let state = state::state()?;
    let customer = auth::require_customer(&state.db, &session().await?).await?;
    accounts::update_profile(
        &state,
        customer,
        &input,
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (db, session) = (db()?, session().await?);
    let customer = auth::require_customer(&db, &session).await?;
    let id = customer.id;
    // Ends every session of the customer, this one included ...
    accounts::change_password(&db, customer, &current_password, &new_password).await?;
    // ... which goes on under a new id (a new privilege level).
    auth::log_in(&session, id).await
}

/// Asks for a new address: a link goes to it, and the address changes
/// once it is followed. Answers with the address the link went to.
#[server(endpoint = "change_email")]
pub async fn change_email(current_password: String, new_email: String) -> Result<String, AppError> {
    let state = state::state()?;
    let customer = auth::require_customer(&state.db, &session().await?).await?;
    accounts::request_email_change(
        &state,
        customer,
        &current_password,
        &new_email,
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await
}

/// The mailed link of an address change, with the new address typed again.
#[server(endpoint = "confirm_email_change")]
pub async fn confirm_email_change(token: String, new_email: String) -> Result<(), AppError> {
    let state = state::state()?;
    accounts::confirm_email_change(&state, &token, &new_email, now_utc()).await?;
    // Every session ended: whoever follows the link logs in anew.
    auth::log_out(&session().await?).await?;
    leptos_axum::redirect(&crate::ssr::localized("/login?email_changed=1"));
    Ok(())
}

#[server(endpoint = "my_orders")]
pub async fn my_orders() -> Result<Vec<OrderSummary>, AppError> {
    let db = db()?;
    let customer = auth::require_customer(&db, &session().await?).await?;
    accounts::order_history(&db, customer.id).await
}

#[server(endpoint = "my_order")]
pub async fn my_order(token: String) -> Result<OrderView, AppError> {
    let db = db()?;
    let customer = auth::require_customer(&db, &session().await?).await?;
    accounts::own_order(&db, customer.id, &token).await
}

/// "Verwijder mijn account".
#[server(endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let (db, session) = (db()?, session().await?);
    let customer = auth::require_customer(&db, &session).await?;
    accounts::delete_account(&db, customer, &password, now_utc()).await?;
    auth::log_out(&session).await?;
    leptos_axum::redirect(&crate::ssr::localized("/account/deleted"));
    Ok(())
}

/// "Wachtwoord vergeten?": a reset link goes to the address if it has an
/// account. The answer is the same for every address, and comes before
/// the work is done (`password_reset::spawn_request`).
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(
    email: String,
    #[server(flatten)] guard: GuardFields,
) -> Result<(), AppError> {
    form_guard::check(FormKind::PasswordReset, &guard).await?;
    let email = password_reset::check_email(&email)?;
    password_reset::spawn_request(
        state::state()?,
        email,
        crate::ssr::request_locale(),
        now_utc(),
    );
    leptos_axum::redirect(&crate::ssr::localized("/account/password/forgot?sent=1"));
    Ok(())
}

/// The mailed reset link, with the new password: every session of the
/// account ends, and this visitor is logged in on a fresh one.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = state::state()?;
    let id = password_reset::reset(&state, &token, &password, now_utc()).await?;
    auth::log_in(&session().await?, id).await?;
    leptos_axum::redirect(&crate::ssr::localized("/account?password_reset=1"));
    Ok(())
}
