//! Staff members: creating them, their rights, locking them out (AVG-11).

use crate::cms::models::StaffView;
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_staff")]
pub async fn cms_staff() -> Result<Vec<StaffView>, AppError> {
    let (state, _) = staff_auth::require(Right::StaffManage).await?;
    services::staff::list(&state.db).await
}

/// Creates a staff member with a first password they must change.
#[server(endpoint = "cms_create_staff")]
pub async fn cms_create_staff(
    email: String,
    password: String,
    rights: Option<Vec<String>>,
) -> Result<i32, AppError> {
    let (state, member) = staff_auth::require(Right::StaffManage).await?;
    services::staff::add_member(
        &state.db,
        &member,
        &email,
        &password,
        &rights.unwrap_or_default(),
        now_utc(),
    )
    .await
}

#[server(endpoint = "cms_set_rights")]
pub async fn cms_set_rights(id: i32, rights: Option<Vec<String>>) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::StaffManage).await?;
    services::staff::set_rights(&state.db, &member, id, &rights.unwrap_or_default()).await
}

/// Locks (all sessions end at once) or unlocks a staff member (AVG-11).
/// Unlocking sets a new first password (`password`), which the member
/// replaces at the next login.
#[server(endpoint = "cms_set_locked")]
pub async fn cms_set_locked(
    id: i32,
    locked: bool,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::StaffManage).await?;
    let change = if locked {
        services::staff::LockChange::Lock
    } else {
        services::staff::LockChange::Unlock {
            new_password: &password,
        }
    };
    services::staff::set_locked(&state.db, &member, id, change, now_utc()).await
}

/// The owner makes a member choose a new password at the next login.
#[server(endpoint = "cms_force_password_change")]
pub async fn cms_force_password_change(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::StaffManage).await?;
    services::staff::force_password_change(&state.db, &member, id).await
}

/// The owner removes a member's second factor (a lost phone); audited,
/// the member's sessions end.
#[server(endpoint = "cms_reset_second_factor")]
pub async fn cms_reset_second_factor(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::StaffManage).await?;
    services::second_factor::reset(&state.db, &member, id).await
}
