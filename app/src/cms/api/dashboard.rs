//! The dashboard: today's orders, what is open, the last jobs, the
//! monitoring's warnings and the charts of the last days.

use crate::cms::models::Dashboard;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

/// `refresh`: the open dashboard asking by itself, which is not the
/// member's activity (it leaves the session's idle clock alone).
#[server(endpoint = "cms_dashboard")]
pub async fn cms_dashboard(#[server(default)] refresh: bool) -> Result<Dashboard, AppError> {
    use crate::cms::rules::{Right, WarningKind};
    if refresh {
        provide_context(staff_auth::NotTheMember);
    }
    let (state, member) = staff_auth::require_member().await?;
    let now = now_utc();
    let mut dashboard = services::dashboard::load(&state.db, now).await?;
    // Who reads how much is the audit log's business: shown to those who
    // may read it.
    dashboard.warnings = services::monitoring::evaluate(&state.db, &state.metrics, now)
        .await?
        .into_iter()
        .filter(|w| w.kind != WarningKind::StaffReads || member.allows(Right::AuditView))
        .collect();
    dashboard.charts = services::dashboard_charts::load(&state.db, &state.metrics, now).await?;
    if member.allows(Right::CatalogEdit) {
        dashboard.low_stock = services::stock_alerts::low_stock(&state.db).await?;
    }
    Ok(dashboard)
}
