//! Newsletter server functions: thin, the work is in
//! `ssr::services::newsletter`.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services::newsletter, state};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn secret(state: &crate::ssr::AppState) -> Result<Vec<u8>, AppError> {
    newsletter::link_secret(&state.db, state.config.link_secret.as_deref()).await
}

/// Subscribes (double opt-in). The answer is the same whether the address
/// is known or not.
#[server(endpoint = "newsletter_subscribe")]
pub async fn newsletter_subscribe(
    email: String,
    first_name: Option<String>,
    #[server(flatten)] guard: crate::forms::GuardFields,
) -> Result<(), AppError> {
    crate::ssr::form_guard::check(crate::ssr::form_limit::FormKind::Newsletter, &guard).await?;
    let state = state::state()?;
    newsletter::subscribe(
        &state,
        &email,
        first_name.as_deref(),
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await?;
    leptos_axum::redirect(&crate::ssr::localized("/newsletter?requested=1"));
    Ok(())
}

/// Whether a link is intact and unexpired, before its button is shown.
/// `purpose`: "confirm" or "unsubscribe".
#[server(endpoint = "newsletter_check_link")]
pub async fn newsletter_check_link(token: String, purpose: String) -> Result<(), AppError> {
    use crate::newsletter::rules::LinkPurpose;
    let state = state::state()?;
    let purpose = LinkPurpose::of_newsletter_page(&purpose).ok_or(AppError::InvalidLink)?;
    newsletter::verify(
        &state.db,
        &secret(&state).await?,
        purpose,
        &token,
        now_utc(),
    )
    .await?;
    Ok(())
}

#[server(endpoint = "newsletter_confirm")]
pub async fn newsletter_confirm(token: String) -> Result<(), AppError> {
    let state = state::state()?;
    newsletter::confirm(&state.db, &secret(&state).await?, &token, now_utc()).await?;
    leptos_axum::redirect(&crate::ssr::localized("/newsletter?confirmed=1"));
    Ok(())
}

#[server(endpoint = "newsletter_unsubscribe")]
pub async fn newsletter_unsubscribe(token: String) -> Result<(), AppError> {
    let state = state::state()?;
    newsletter::unsubscribe(&state.db, &secret(&state).await?, &token, now_utc()).await?;
    leptos_axum::redirect(&crate::ssr::localized("/newsletter?unsubscribed=1"));
    Ok(())
}
