//! Customers: the search, one customer (every read audited), editing and erasing.

use crate::cms::models::{CustomerDetail, CustomerPage};
#[cfg(feature = "ssr")]
use crate::cms::rules::AuditAction;
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::customer::CustomerInput;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::services::audit::audited;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_customers")]
pub async fn cms_customers(
    query: Option<String>,
    after: Option<i32>,
) -> Result<CustomerPage, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersView).await?;
    let query = query.as_deref().unwrap_or_default();
    services::cms_customers::search(&state.db, member.id, query, after).await
}

/// One customer's data; every view is audited.
#[server(endpoint = "cms_customer")]
pub async fn cms_customer(id: i32) -> Result<CustomerDetail, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersView).await?;
    services::cms_customers::view(&state.db, member.id, id).await
}

#[server(endpoint = "cms_update_customer")]
pub async fn cms_update_customer(
    id: i32,
    #[server(flatten)] input: CustomerInput,
) -> Result<CustomerDetail, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
    let edit = async |txn: &_| {
        Ok((
            services::cms_customers::update(txn, id, &input).await?,
            None,
        ))
    };
    audited(
        &state.db,
        member.id,
        AuditAction::CustomerEdit,
        Some(id),
        edit,
    )
    .await
}

/// Grants or withdraws paying "on account" (the payment methods a
/// customer is entitled to, AVG-4); audited as an edit.
#[server(endpoint = "cms_set_on_account")]
pub async fn cms_set_on_account(
    id: i32,
    #[server(default)] on_account: Option<String>,
) -> Result<CustomerDetail, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
    let allowed = crate::validate::checkbox(on_account.as_deref());
    let edit = async |txn: &_| {
        let detail = services::cms_customers::set_on_account(txn, id, allowed).await?;
        let said = if allowed { "yes" } else { "no" };
        Ok((detail, Some(format!("on account: {said}"))))
    };
    audited(
        &state.db,
        member.id,
        AuditAction::CustomerEdit,
        Some(id),
        edit,
    )
    .await
}

/// Sends the mailed link of a privacy request to the customer's address
/// (someone asked by phone); audited. Answers whether it went: `false`
/// when the address had its hourly share of these links.
#[server(endpoint = "cms_send_privacy_link")]
pub async fn cms_send_privacy_link(id: i32) -> Result<bool, AppError> {
    use crate::ssr::services::outbox::Queued;
    let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
    let send = async |txn: &_| {
        let queued =
            services::privacy_request::issue_for_customer(txn, &state, id, now_utc()).await?;
        let sent = queued == Queued::Yes;
        let said = if sent { "sent" } else { "over budget" };
        Ok((sent, Some(said.to_owned())))
    };
    let sent = audited(
        &state.db,
        member.id,
        AuditAction::CustomerPrivacyLink,
        Some(id),
        send,
    )
    .await?;
    state.outbox.wake();
    Ok(sent)
}

#[server(endpoint = "cms_delete_customer")]
pub async fn cms_delete_customer(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::CustomersDelete).await?;
    let erase = async |txn: &_| {
        let erased = services::cms_customers::delete(txn, id, now_utc()).await?;
        let detail = format!(
            "{} orders anonymised, {} bookings unlinked",
            erased.orders, erased.bookings
        );
        Ok(((), Some(detail)))
    };
    audited(
        &state.db,
        member.id,
        AuditAction::CustomerDelete,
        Some(id),
        erase,
    )
    .await?;
    leptos_axum::redirect("/cms/customers");
    Ok(())
}
