//! Orders: the list, one order (every view audited) and its status.

use crate::cms::models::{OrderPage, StaffOrderView};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::services::audit::audited;
#[cfg(feature = "ssr")]
use crate::ssr::{reply, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_orders")]
pub async fn cms_orders(
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i32>,
) -> Result<OrderPage, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::OrdersView).await?;
        services::cms_orders::list(
            &state.db,
            status.as_deref(),
            from.as_deref(),
            to.as_deref(),
            before,
        )
        .await
    };
    reply(result.await)
}

/// One order with its delivery address; every view is audited.
#[server(endpoint = "cms_order")]
pub async fn cms_order(id: i32) -> Result<StaffOrderView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::OrdersView).await?;
        let order = services::cms_orders::detail(&state.db, id).await?;
        services::audit::record(&state.db, member.id, "order.view", "order", Some(id), None)
            .await?;
        Ok(order)
    };
    reply(result.await)
}

#[server(endpoint = "cms_set_order_status")]
pub async fn cms_set_order_status(id: i32, status: String) -> Result<StaffOrderView, AppError> {
    let result = async {
        let (state, member) = staff_auth::require(Right::OrdersEdit).await?;
        let change = async |txn: &_| {
            let order = services::cms_orders::set_status(txn, id, &status).await?;
            Ok((order, Some(status.clone())))
        };
        let order = audited(
            &state.db,
            member.id,
            "order.status",
            "order",
            Some(id),
            change,
        )
        .await?;
        // Stock may have come back: the catalogue pages change.
        crate::ssr::state::clear_page_cache();
        Ok(order)
    };
    reply(result.await)
}
