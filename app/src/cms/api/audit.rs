//! The audit log.

use crate::cms::models::AuditEntry;
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_audit")]
pub async fn cms_audit(
    action: Option<String>,
    entity: Option<String>,
    entity_id: Option<i32>,
    before: Option<i64>,
) -> Result<Vec<AuditEntry>, AppError> {
    let (state, _) = staff_auth::require(Right::AuditView).await?;
    services::audit::list(
        &state.db,
        action.as_deref(),
        entity.as_deref(),
        entity_id,
        before,
    )
    .await
}
