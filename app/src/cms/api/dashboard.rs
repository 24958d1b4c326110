//! The dashboard: today's orders, what is open, the last jobs and security alerts.

use crate::cms::models::Dashboard;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_dashboard")]
pub async fn cms_dashboard() -> Result<Dashboard, AppError> {
    let (state, member) = staff_auth::require_member().await?;
    let now = now_utc();
    let mut dashboard = services::dashboard::load(&state.db, now).await?;
    dashboard.security_alerts =
        services::security_counts::alerts(&state.db, &state.metrics, now).await?;
    if member.allows(crate::cms::rules::Right::CatalogEdit) {
        dashboard.low_stock = services::stock_alerts::low_stock(&state.db).await?;
    }
    Ok(dashboard)
}
