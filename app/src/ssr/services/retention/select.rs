//! Which rows are past the term T: the conditions of the retention rules
//! (see the parent module's rules 1-5) and their counts. The sweep in the
//! parent module walks these selections in batches; the CMS preview counts
//! them in one query each.

use crate::error::AppError;
use crate::ssr::entities::{booking, customer, order};
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QuerySelect, RelationTrait,
};
use std::collections::HashSet;

/// Customers past the term (rules 1 and 2).
pub(super) fn stale_customer(cutoff: NaiveDateTime) -> Condition {
    let recent_order = Query::select()
        .expr(Expr::val(1))
        .from(order::Entity)
        .and_where(
            Expr::col((order::Entity, order::Column::CustomerId))
                .equals((customer::Entity, customer::Column::Id)),
        )
        .and_where(Expr::col((order::Entity, order::Column::PlacedAt)).gte(cutoff))
        .to_owned();
    let recent_booking = Query::select()
        .expr(Expr::val(1))
        .from(booking::Entity)
        .and_where(
            Expr::col((booking::Entity, booking::Column::CustomerId))
                .equals((customer::Entity, customer::Column::Id)),
        )
        .and_where(
            Expr::col((booking::Entity, booking::Column::CreatedAt))
                .gte(cutoff)
                .or(Expr::col((booking::Entity, booking::Column::StartsAt)).gte(cutoff)),
        )
        .to_owned();
    let last_seen = Func::coalesce([
        Expr::col((customer::Entity, customer::Column::LastLoginAt)),
        Expr::col((customer::Entity, customer::Column::CreatedAt)),
    ]);
    Condition::all()
        .add(
            Condition::any()
                .add(
                    Condition::all()
                        .add(customer::Column::PasswordHash.is_null())
                        .add(customer::Column::CreatedAt.lt(cutoff)),
                )
                .add(
                    Condition::all()
                        .add(customer::Column::PasswordHash.is_not_null())
                        .add(Expr::expr(last_seen).lt(cutoff)),
                ),
        )
        .add(Expr::exists(recent_order).not())
        .add(Expr::exists(recent_booking).not())
}

/// Orders past the term that belong to no account holder (rule 4).
fn stale_guest_order(cutoff: NaiveDateTime) -> Condition {
    Condition::all()
        .add(order::Column::PlacedAt.lt(cutoff))
        .add(order::Column::AnonymisedAt.is_null())
        .add(Expr::col((customer::Entity, customer::Column::PasswordHash)).is_null())
}

pub(super) fn guest_orders_query(cutoff: NaiveDateTime) -> sea_orm::Select<order::Entity> {
    order::Entity::find()
        .join(JoinType::LeftJoin, order::Relation::Customer.def())
        .filter(stale_guest_order(cutoff))
}

/// A booking past the term: made and started more than T ago (rule 4).
fn booking_past(cutoff: NaiveDateTime) -> Condition {
    Condition::all()
        .add(booking::Column::CreatedAt.lt(cutoff))
        .add(booking::Column::StartsAt.lt(cutoff))
}

/// Bookings past the term that belong to no account holder (rule 4).
pub(super) fn guest_bookings_query(cutoff: NaiveDateTime) -> sea_orm::Select<booking::Entity> {
    booking::Entity::find()
        .join(JoinType::LeftJoin, booking::Relation::Customer.def())
        .filter(booking_past(cutoff))
        .filter(booking::Column::AnonymisedAt.is_null())
        .filter(Expr::col((customer::Entity, customer::Column::PasswordHash)).is_null())
}

/// Rows counted per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub customers: u64,
    pub orders: u64,
    pub bookings: u64,
}

/// The same selection counted, for the progress bar: the customers to
/// delete and the guest orders and bookings past the term.
pub async fn count(db: &impl ConnectionTrait, cutoff: NaiveDateTime) -> Result<Counts, AppError> {
    Ok(Counts {
        customers: customer::Entity::find()
            .filter(stale_customer(cutoff))
            .count(db)
            .await?,
        orders: guest_orders_query(cutoff).count(db).await?,
        bookings: guest_bookings_query(cutoff).count(db).await?,
    })
}

/// What the sweep would delete and anonymise, counted in the database (the
/// CMS preview; a dry run gives the same numbers row by row): the guest
/// orders and bookings past the term plus those of the customers to delete
/// that are not among them.
pub async fn count_affected(
    db: &impl ConnectionTrait,
    cutoff: NaiveDateTime,
) -> Result<Counts, AppError> {
    let guests = count(db, cutoff).await?;
    let stale_ids = || {
        Query::select()
            .column(customer::Column::Id)
            .from(customer::Entity)
            .cond_where(stale_customer(cutoff))
            .to_owned()
    };
    let their_orders = order::Entity::find()
        .join(JoinType::InnerJoin, order::Relation::Customer.def())
        .filter(order::Column::CustomerId.in_subquery(stale_ids()))
        .filter(
            Condition::any()
                .add(order::Column::PlacedAt.gte(cutoff))
                .add(customer::Column::PasswordHash.is_not_null()),
        )
        .count(db)
        .await?;
    let their_bookings = booking::Entity::find()
        .join(JoinType::InnerJoin, booking::Relation::Customer.def())
        .filter(booking::Column::CustomerId.in_subquery(stale_ids()))
        .filter(
            Condition::any()
                .add(booking_past(cutoff).not())
                .add(booking::Column::AnonymisedAt.is_not_null())
                .add(customer::Column::PasswordHash.is_not_null()),
        )
        .count(db)
        .await?;
    Ok(Counts {
        customers: guests.customers,
        orders: guests.orders + their_orders,
        bookings: guests.bookings + their_bookings,
    })
}

/// The orders and bookings erasing `customers` (id, 1 for a customer
/// without an account) anonymises that steps 1 and 2 did not take already:
/// in a dry run those steps wrote nothing, so their guest rows past the term
/// are left out here to count each row once, exactly as the real run does.
pub(super) async fn erased_with(
    txn: &sea_orm::DatabaseTransaction,
    cutoff: NaiveDateTime,
    customers: &[(i32, i64)],
) -> Result<(Vec<i32>, Vec<i32>), AppError> {
    let ids = || customers.iter().map(|(id, _)| *id);
    let guests: HashSet<i32> = customers
        .iter()
        .filter(|(_, guest)| *guest != 0)
        .map(|(id, _)| *id)
        .collect();
    let is_guest = |id: Option<i32>| id.is_some_and(|id| guests.contains(&id));
    let orders: Vec<(i32, Option<i32>, NaiveDateTime)> = order::Entity::find()
        .select_only()
        .columns([
            order::Column::Id,
            order::Column::CustomerId,
            order::Column::PlacedAt,
        ])
        .filter(order::Column::CustomerId.is_in(ids()))
        .into_tuple()
        .all(txn)
        .await?;
    let order_ids = orders
        .iter()
        .filter(|(_, customer, placed)| !(is_guest(*customer) && *placed < cutoff))
        .map(|(id, _, _)| *id)
        .collect();
    type BookingRow = (
        i32,
        Option<i32>,
        NaiveDateTime,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let bookings: Vec<BookingRow> = booking::Entity::find()
        .select_only()
        .columns([
            booking::Column::Id,
            booking::Column::CustomerId,
            booking::Column::CreatedAt,
            booking::Column::StartsAt,
            booking::Column::AnonymisedAt,
        ])
        .filter(booking::Column::CustomerId.is_in(ids()))
        .into_tuple()
        .all(txn)
        .await?;
    let booking_ids = bookings
        .iter()
        .filter(|(_, customer, made, starts, anonymised)| {
            let past = *made < cutoff && *starts < cutoff && anonymised.is_none();
            !(is_guest(*customer) && past)
        })
        .map(|(id, ..)| *id)
        .collect();
    Ok((order_ids, booking_ids))
}
