//! Logging in and out, who is logged in, and the first password.

use crate::cms::rules::StaffMember;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

#[server(endpoint = "cms_login")]
pub async fn cms_login(
    email: String,
    password: String,
    #[server(flatten)] guard: crate::forms::GuardFields,
) -> Result<(), AppError> {
    crate::ssr::form_guard::check(crate::ssr::form_limit::FormKind::CmsLogin, &guard).await?;
    let state = crate::ssr::state::state()?;
    let member = services::staff::log_in(&state, &email, &password, now_utc()).await?;
    if member.totp_enabled_at.is_some() {
        // The password alone opens nothing: the code form finishes it.
        set_cookie(&staff_auth::start_pending(&state, member.id).await?);
        leptos_axum::redirect("/cms/login/code");
        return Ok(());
    }
    set_cookie(&staff_auth::start(&state, member.id).await?);
    leptos_axum::redirect("/cms");
    Ok(())
}

/// The login's second step: the code from the authenticator app (or a
/// recovery code), within five minutes of the right password.
#[server(endpoint = "cms_login_code")]
pub async fn cms_login_code(
    code: String,
    #[server(flatten)] guard: crate::forms::GuardFields,
) -> Result<(), AppError> {
    crate::ssr::form_guard::check(crate::ssr::form_limit::FormKind::CmsLogin, &guard).await?;
    let state = crate::ssr::state::state()?;
    let headers = use_context::<http::request::Parts>()
        .map(|p| p.headers)
        .unwrap_or_default();
    let Some((token, member)) = staff_auth::pending(&state, &headers).await? else {
        return Err(AppError::Unauthorized);
    };
    services::second_factor::finish_login(&state, &member, &code, now_utc()).await?;
    // The session's cookie first: a client that keeps one cookie keeps it.
    set_cookie(&staff_auth::start(&state, member.id).await?);
    set_cookie(&staff_auth::end_pending(&state, &token).await?);
    leptos_axum::redirect("/cms");
    Ok(())
}

#[server(endpoint = "cms_logout")]
pub async fn cms_logout() -> Result<(), AppError> {
    let state = crate::ssr::state::state()?;
    let token = use_context::<http::request::Parts>()
        .and_then(|p| staff_auth::token_from(&p.headers, state.config.secure_cookies));
    if let Some(token) = token {
        set_cookie(&staff_auth::end(&state, &token).await?);
    }
    leptos_axum::redirect("/cms/login");
    Ok(())
}

/// The logged-in staff member, or `None`.
#[server(endpoint = "cms_me")]
pub async fn cms_me() -> Result<Option<StaffMember>, AppError> {
    match staff_auth::require_login().await {
        Ok((_, member)) => Ok(Some(member)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Needs only a login: a new member must be able to set their password.
#[server(endpoint = "cms_change_password")]
pub async fn cms_change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (state, member) = staff_auth::require_login().await?;
    services::staff::change_password(&state.db, member.id, &current_password, &new_password)
        .await?;
    // Other sessions of this member end; this one starts afresh.
    staff_auth::end_all(&state.db, member.id).await?;
    set_cookie(&staff_auth::start(&state, member.id).await?);
    Ok(())
}
