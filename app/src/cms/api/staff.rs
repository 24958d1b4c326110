//! Staff members: creating them, their rights, locking them out (AVG-11).

use crate::cms::models::StaffView;
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, reply, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_staff")]
pub async fn cms_staff() -> Result<Vec<StaffView>, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::StaffManage).await?;
        services::staff::list(&state.db).await
    };
    reply(result.await)
}

/// Creates a staff member with a first password they must change.
#[server(endpoint = "cms_create_staff")]
pub async fn cms_create_staff(
    email: String,
    password: String,
    rights: Option<Vec<String>>,
) -> Result<i32, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::StaffManage).await?;
        let rights = crate::cms::rules::parse_rights(rights.iter().flatten().map(String::as_str));
        let id = services::staff::create(
            &state.db,
            &email,
            &password,
            false,
            &rights,
            true,
            now_utc(),
        )
        .await?;
        let names: Vec<&str> = rights.iter().map(|r| r.as_str()).collect();
        services::audit::record(
            &state.db,
            member.id,
            "staff.create",
            "staff",
            Some(id),
            Some(names.join(",")),
        )
        .await?;
        Ok(id)
    };
    reply(result.await)
}

#[server(endpoint = "cms_set_rights")]
pub async fn cms_set_rights(id: i32, rights: Option<Vec<String>>) -> Result<(), AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::StaffManage).await?;
        let rights = crate::cms::rules::parse_rights(rights.iter().flatten().map(String::as_str));
        services::staff::set_rights(&state.db, member.id, id, &rights).await
    };
    reply(result.await)
}

/// Locks (all sessions end at once) or unlocks a staff member (AVG-11).
#[server(endpoint = "cms_set_locked")]
pub async fn cms_set_locked(id: i32, locked: bool) -> Result<(), AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::StaffManage).await?;
        services::staff::set_locked(&state.db, member.id, id, locked, now_utc()).await
    };
    reply(result.await)
}
