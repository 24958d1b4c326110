//! The audit log.

use crate::cms::models::{AuditEntry, MemberChoice};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{services, staff_auth};
use leptos::prelude::*;

/// The newest entries, filtered. `member`: the entries of one member of
/// staff. `customer`: the entries that showed this customer's data ("who
/// saw it?"), for the owner only, as issue 17 asks: it gathers one
/// person's trail across the whole log.
#[server(endpoint = "cms_audit")]
pub async fn cms_audit(
    action: Option<String>,
    entity: Option<String>,
    entity_id: Option<i32>,
    before: Option<i64>,
    member: Option<i32>,
    customer: Option<i32>,
) -> Result<Vec<AuditEntry>, AppError> {
    let (state, me) = staff_auth::require(Right::AuditView).await?;
    if customer.is_some() && !me.is_owner {
        return Err(AppError::Forbidden);
    }
    let filter = services::audit::AuditFilter {
        action,
        entity,
        entity_id,
        member,
        customer,
        before,
    };
    services::audit::list(&state.db, &filter).await
}

/// The members of staff, for the filter by member.
#[server(endpoint = "cms_audit_members")]
pub async fn cms_audit_members() -> Result<Vec<MemberChoice>, AppError> {
    let (state, _) = staff_auth::require(Right::AuditView).await?;
    services::audit::members(&state.db).await
}
