//! Erasure and anonymisation: one implementation for "Verwijder mijn
//! account" (AVG-16), the retention sweep (AVG-14/15) and the CMS.

use crate::error::AppError;
use crate::ssr::entities::{customer, erasure, order, session};
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};

/// What an anonymised order keeps in place of the person.
pub const ANONYMOUS_NAME: &str = "Geanonimiseerd";
pub const ANONYMOUS_TEXT: &str = "-";

/// Anonymises the orders that match `which`: the address snapshot becomes
/// fixed placeholders and the link to the customer is removed. Articles,
/// quantities, prices, dates and the delivery country (needed for VAT
/// reporting) stay. Returns the number of orders changed.
pub async fn anonymise_orders(
    db: &impl ConnectionTrait,
    which: Condition,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    let updated = order::Entity::update_many()
        .col_expr(order::Column::RecipientName, Expr::value(ANONYMOUS_NAME))
        .col_expr(
            order::Column::CompanyName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            order::Column::VatNumber,
            Expr::value(Option::<String>::None),
        )
        .col_expr(order::Column::Street, Expr::value(ANONYMOUS_TEXT))
        .col_expr(order::Column::HouseNumber, Expr::value(ANONYMOUS_TEXT))
        .col_expr(order::Column::Postcode, Expr::value(ANONYMOUS_TEXT))
        .col_expr(order::Column::City, Expr::value(ANONYMOUS_TEXT))
        .col_expr(order::Column::CustomerId, Expr::value(Option::<i32>::None))
        .col_expr(order::Column::AnonymisedAt, Expr::value(Some(now)))
        .filter(which)
        .exec(db)
        .await?;
    Ok(updated.rows_affected)
}

/// Anonymises every order of the given customers and unlinks their
/// bookings (which hold no personal data of their own).
pub async fn anonymise_orders_of(
    db: &impl ConnectionTrait,
    customer_ids: &[i32],
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    let bookings = Alias::new("bookings");
    let unlink = Query::update()
        .table(bookings.clone())
        .value(Alias::new("customer_id"), Option::<i32>::None)
        .value(Alias::new("anonymised_at"), Some(now))
        .and_where(
            Expr::col((bookings, Alias::new("customer_id"))).is_in(customer_ids.iter().copied()),
        )
        .to_owned();
    db.execute(&unlink).await?;
    anonymise_orders(
        db,
        Condition::all().add(order::Column::CustomerId.is_in(customer_ids.iter().copied())),
        now,
    )
    .await
}

/// Why a customer was erased (kept in the tombstone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureReason {
    OwnRequest,
    Retention,
    Staff,
}

impl ErasureReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OwnRequest => "own_request",
            Self::Retention => "retention",
            Self::Staff => "staff",
        }
    }
}

/// Erases a customer: ends their sessions, anonymises their orders, deletes
/// the customer row (their questions go with it) and writes a tombstone so
/// that a backup restore re-applies the erasure. Run it inside the caller's
/// transaction so that it happens entirely or not at all.
pub async fn erase_customer(
    db: &impl ConnectionTrait,
    customer_id: i32,
    reason: ErasureReason,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    erase_customers(db, &[customer_id], reason, now).await
}

/// [`erase_customer`] for many customers at once (the retention sweep's
/// batches): the same steps, one statement each. Returns the number of
/// orders anonymised.
pub async fn erase_customers(
    db: &impl ConnectionTrait,
    customer_ids: &[i32],
    reason: ErasureReason,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    if customer_ids.is_empty() {
        return Ok(0);
    }
    let ids = || customer_ids.iter().copied();
    session::Entity::delete_many()
        .filter(session::Column::CustomerId.is_in(ids()))
        .exec(db)
        .await?;
    super::outbox::erase_for(db, customer_ids).await?;
    let anonymised = anonymise_orders_of(db, customer_ids, now).await?;
    customer::Entity::delete_many()
        .filter(customer::Column::Id.is_in(ids()))
        .exec(db)
        .await?;
    erasure::Entity::insert_many(ids().map(|customer_id| erasure::ActiveModel {
        customer_id: Set(customer_id),
        reason: Set(reason.as_str().to_owned()),
        erased_at: Set(now),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(anonymised)
}
