//! Erasure and anonymisation: one implementation for "Verwijder mijn
//! account" (AVG-16), the retention sweep (AVG-14/15) and the CMS.

use crate::error::AppError;
use crate::ssr::entities::{booking, customer, erasure, invoice, order, privacy_request, session};
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};

/// What an anonymised order keeps in place of the person.
pub const ANONYMOUS_NAME: &str = "Geanonimiseerd";
pub const ANONYMOUS_TEXT: &str = "-";

/// Anonymises the orders that match `which`: the address snapshot becomes
/// fixed placeholders and the link to the customer is removed. Articles,
/// quantities, prices, dates and the delivery country (needed for VAT
/// reporting) stay; the track-and-trace link goes. The orders' consumer
/// invoices are anonymised alike. Returns the number of orders changed.
pub async fn anonymise_orders(
    db: &impl ConnectionTrait,
    which: Condition,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    // A consumer's invoice loses its buyer with the order (by the same
    // condition, so before the order loses its customer); a business
    // invoice keeps it for the fiscal term (`invoices`).
    let orders = Query::select()
        .column(order::Column::Id)
        .from(order::Entity)
        .cond_where(which.clone())
        .to_owned();
    super::invoices::anonymise_consumer_invoices(
        db,
        invoice::Column::OrderId.in_subquery(orders),
        now,
    )
    .await?;
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
        // A carrier's link can hold the postcode.
        .col_expr(order::Column::TrackUrl, Expr::value(Option::<String>::None))
        .col_expr(order::Column::CustomerId, Expr::value(Option::<i32>::None))
        .col_expr(order::Column::AnonymisedAt, Expr::value(Some(now)))
        .filter(which)
        .exec(db)
        .await?;
    Ok(updated.rows_affected)
}

/// Anonymises the bookings that match `which`. A booking holds nothing
/// personal of its own (AVG-5: item, slot, places, price), so removing the
/// link to the customer is all there is to it; `anonymised_at` says when.
/// Returns the number of bookings changed.
pub async fn anonymise_bookings(
    db: &impl ConnectionTrait,
    which: Condition,
    now: NaiveDateTime,
) -> Result<u64, AppError> {
    let bookings = Query::select()
        .column(booking::Column::Id)
        .from(booking::Entity)
        .cond_where(which.clone())
        .to_owned();
    super::invoices::anonymise_consumer_invoices(
        db,
        invoice::Column::BookingId.in_subquery(bookings),
        now,
    )
    .await?;
    let updated = booking::Entity::update_many()
        .col_expr(
            booking::Column::CustomerId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(booking::Column::AnonymisedAt, Expr::value(Some(now)))
        .filter(which)
        .exec(db)
        .await?;
    Ok(updated.rows_affected)
}

/// What an erasure anonymised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    pub orders: u64,
    pub bookings: u64,
}

/// Anonymises every order and every booking of the given customers.
pub async fn anonymise_everything_of(
    db: &impl ConnectionTrait,
    customer_ids: &[i32],
    now: NaiveDateTime,
) -> Result<Erased, AppError> {
    let ids = || customer_ids.iter().copied();
    let bookings = anonymise_bookings(
        db,
        Condition::all().add(booking::Column::CustomerId.is_in(ids())),
        now,
    )
    .await?;
    let orders = anonymise_orders(
        db,
        Condition::all().add(order::Column::CustomerId.is_in(ids())),
        now,
    )
    .await?;
    Ok(Erased { orders, bookings })
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

/// Erases a customer: ends their sessions, drops their waiting mail and
/// privacy-request links, anonymises their orders and bookings, unlinks
/// them from the audit log's shown records, deletes the customer row
/// (their questions go with it) and
/// writes a tombstone so that a backup restore re-applies the erasure. Run it inside the caller's
/// transaction so that it happens entirely or not at all.
pub async fn erase_customer(
    db: &impl ConnectionTrait,
    customer_id: i32,
    reason: ErasureReason,
    now: NaiveDateTime,
) -> Result<Erased, AppError> {
    erase_customers(db, &[customer_id], reason, now).await
}

/// [`erase_customer`] for many customers at once (the retention sweep's
/// batches): the same steps, one statement each. Returns how many orders
/// and bookings were anonymised.
pub async fn erase_customers(
    db: &impl ConnectionTrait,
    customer_ids: &[i32],
    reason: ErasureReason,
    now: NaiveDateTime,
) -> Result<Erased, AppError> {
    if customer_ids.is_empty() {
        return Ok(Erased::default());
    }
    let ids = || customer_ids.iter().copied();
    session::Entity::delete_many()
        .filter(session::Column::CustomerId.is_in(ids()))
        .exec(db)
        .await?;
    super::outbox::erase_for(db, customer_ids).await?;
    super::audit::unlink_customers(db, customer_ids).await?;
    // Their privacy-request links die with them (a foreign key would do it
    // too, but not while a restore has the checks off).
    privacy_request::Entity::delete_many()
        .filter(privacy_request::Column::CustomerId.is_in(ids()))
        .exec(db)
        .await?;
    let anonymised = anonymise_everything_of(db, customer_ids, now).await?;
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
