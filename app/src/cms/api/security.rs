//! The member's own second factor (`/cms/security`): open to every member
//! for their own account, also while the owner's requirement still blocks
//! everything else (this is where they meet it). The owner's reset of
//! another member's second factor is on the staff screen (`api/staff.rs`).

use crate::cms::models::SecondFactorView;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_second_factor")]
pub async fn cms_second_factor() -> Result<SecondFactorView, AppError> {
    let (state, member) = staff_auth::require_own_account().await?;
    let shop = services::settings::load(&state.db).await?;
    let mut view = services::second_factor::status(&state.db, &member, &shop.shop_name).await?;
    if let Some(key) = staff_auth::session_key(&state) {
        view.new_recovery_codes = state.shown_once.take(&key).await;
    }
    Ok(view)
}

/// A fresh secret to set up (again); not in use until confirmed.
#[server(endpoint = "cms_second_factor_begin")]
pub async fn cms_second_factor_begin() -> Result<(), AppError> {
    let (state, member) = staff_auth::require_own_account().await?;
    services::second_factor::begin(&state.db, member.id).await
}

/// Switches the second factor on with the app's current code; returns the
/// recovery codes, which the security screen then shows this once (also
/// after a post without JavaScript, answered with a redirect to it).
#[server(endpoint = "cms_second_factor_confirm")]
pub async fn cms_second_factor_confirm(code: String) -> Result<Vec<String>, AppError> {
    let (state, member) = staff_auth::require_own_account().await?;
    let codes = services::second_factor::confirm(&state.db, member.id, &code, now_utc()).await?;
    if let Some(key) = staff_auth::session_key(&state) {
        state.shown_once.put(&key, codes.clone()).await;
    }
    Ok(codes)
}

#[server(endpoint = "cms_second_factor_off")]
pub async fn cms_second_factor_off(current_password: String, code: String) -> Result<(), AppError> {
    let (state, member) = staff_auth::require_own_account().await?;
    services::second_factor::turn_off(&state, member.id, &current_password, &code, now_utc()).await
}
