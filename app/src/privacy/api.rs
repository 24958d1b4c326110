//! Privacy request server functions: thin, the work is in
//! `ssr::services::privacy_request`. The download is a plain route
//! (`/privacy/request/download`, `server/src/http/handlers.rs`): a file,
//! not a page.

use super::models::AddressHoldings;
use crate::error::AppError;
use crate::forms::GuardFields;
#[cfg(feature = "ssr")]
use crate::ssr::{
    auth, form_guard, form_limit::FormKind, now_utc, services::privacy_request, session, state,
};
use leptos::prelude::*;

/// `/privacy/request`: a link goes to the address if it holds anything.
/// The answer is the same for every address, and comes before the work is
/// done (`privacy_request::spawn_request`).
#[server(endpoint = "request_privacy_link")]
pub async fn request_privacy_link(
    email: String,
    #[server(flatten)] guard: GuardFields,
) -> Result<(), AppError> {
    form_guard::check(FormKind::PrivacyRequest, &guard).await?;
    let email = privacy_request::check_email(&email)?;
    privacy_request::spawn_request(
        state::state()?,
        email,
        crate::ssr::request_locale(),
        now_utc(),
    );
    leptos_axum::redirect(&crate::ssr::localized("/privacy/request?sent=1"));
    Ok(())
}

/// What the link's address holds (counts), for the page the link opens.
#[server(endpoint = "privacy_request_holdings")]
pub async fn privacy_request_holdings(token: String) -> Result<AddressHoldings, AppError> {
    privacy_request::holdings(&state::state()?.db, &token, now_utc()).await
}

/// Erases everything the link's address holds; `confirm` is the ticked
/// box that says the visitor means it. The link is used up.
#[server(endpoint = "erase_privacy_data")]
pub async fn erase_privacy_data(
    token: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    let confirmed = crate::validate::checkbox(confirm.as_deref());
    privacy_request::erase(&state::state()?, &token, confirmed, now_utc()).await?;
    leptos_axum::redirect(&crate::ssr::localized("/privacy/request/erased"));
    Ok(())
}

/// "Mijn account": the same link, to the account's own address, for the
/// records with that address that are not the account (older guest
/// orders, questions asked while logged out).
#[server(endpoint = "account_privacy_link")]
pub async fn account_privacy_link() -> Result<(), AppError> {
    let state = state::state()?;
    let customer = auth::require_customer(&state.db, &session().await?).await?;
    privacy_request::spawn_request(
        state,
        customer.email,
        crate::ssr::request_locale(),
        now_utc(),
    );
    leptos_axum::redirect(&crate::ssr::localized("/account?privacy_link=1"));
    Ok(())
}
