//! Orders: the list, one order (every read audited) and its status.

use crate::cms::models::{OrderPage, StaffOrderView};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_orders")]
pub async fn cms_orders(
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i32>,
) -> Result<OrderPage, AppError> {
    let (state, member) = staff_auth::require(Right::OrdersView).await?;
    services::cms_orders::list(
        &state.db,
        member.id,
        status.as_deref(),
        from.as_deref(),
        to.as_deref(),
        before,
    )
    .await
}

/// One order with its delivery address; every view is audited.
#[server(endpoint = "cms_order")]
pub async fn cms_order(id: i32) -> Result<StaffOrderView, AppError> {
    let (state, member) = staff_auth::require(Right::OrdersView).await?;
    services::cms_orders::view(&state.db, member.id, id).await
}

/// A status change; `track_url` (the carrier's link) only with "shipped".
#[server(endpoint = "cms_set_order_status")]
pub async fn cms_set_order_status(
    id: i32,
    status: String,
    #[server(default)] track_url: Option<String>,
) -> Result<StaffOrderView, AppError> {
    let (state, member) = staff_auth::require(Right::OrdersEdit).await?;
    services::cms_orders::change_status(&state, member.id, id, &status, track_url.as_deref()).await
}
