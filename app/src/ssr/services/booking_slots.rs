//! The schedule of a bookable item as stored, and the places taken per
//! slot. Shared by the shop (availability, booking, a customer's cancel)
//! and the CMS (agenda, staff cancel).
//!
//! Places are taken with one conditional UPDATE of the slot's row: it
//! succeeds only while `places_taken + n` stays within the capacity, which
//! both backends decide on the row's latest committed value. A count of the
//! bookings followed by an insert would let two bookers of the last place
//! through under MariaDB's REPEATABLE READ.

use crate::booking::rules::{Schedule, WeeklyHours};
use crate::error::AppError;
use crate::ssr::entities::{
    bookable_item, booking_closure, booking_date, booking_hour, booking_slot,
};
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// The item's schedule: weekly hours, one-off dates and closed days (its
/// own and the shop's).
pub async fn schedule(
    db: &impl ConnectionTrait,
    item: &bookable_item::Model,
) -> Result<Schedule, AppError> {
    let hours = booking_hour::Entity::find()
        .filter(booking_hour::Column::ItemId.eq(item.id))
        .order_by_asc(booking_hour::Column::Weekday)
        .order_by_asc(booking_hour::Column::OpensMinute)
        .all(db)
        .await?;
    let one_off = booking_date::Entity::find()
        .filter(booking_date::Column::ItemId.eq(item.id))
        .order_by_asc(booking_date::Column::StartsAt)
        .all(db)
        .await?;
    let closed = booking_closure::Entity::find()
        .filter(
            Condition::any()
                .add(booking_closure::Column::ItemId.eq(item.id))
                .add(booking_closure::Column::ItemId.is_null()),
        )
        .all(db)
        .await?;
    Ok(Schedule {
        duration_minutes: item.duration_minutes,
        slot_minutes: item.slot_minutes,
        hours: hours
            .into_iter()
            .map(|h| WeeklyHours {
                weekday: u8::try_from(h.weekday).unwrap_or_default(),
                opens_minute: h.opens_minute,
                closes_minute: h.closes_minute,
            })
            .collect(),
        one_off: one_off.into_iter().map(|d| d.starts_at).collect(),
        closed: closed.into_iter().map(|c| c.closed_on).collect(),
    })
}

/// Places taken per slot start (UTC) of an item in `[from, to)`.
pub async fn taken_between(
    db: &impl ConnectionTrait,
    item_id: i32,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<HashMap<NaiveDateTime, i32>, AppError> {
    let rows = booking_slot::Entity::find()
        .filter(booking_slot::Column::ItemId.eq(item_id))
        .filter(booking_slot::Column::StartsAt.gte(from))
        .filter(booking_slot::Column::StartsAt.lt(to))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.starts_at, r.places_taken))
        .collect())
}

/// Makes sure the slot's row exists, in its own statement outside any
/// transaction: inside one, two bookers' duplicate-key checks would each
/// hold a shared lock the other's UPDATE waits for (a deadlock on
/// MariaDB). An empty row for a booking that then fails is harmless.
pub async fn ensure_slot(
    db: &DatabaseConnection,
    item_id: i32,
    starts_at: NaiveDateTime,
) -> Result<(), AppError> {
    booking_slot::Entity::insert(booking_slot::ActiveModel {
        item_id: Set(item_id),
        starts_at: Set(starts_at),
        places_taken: Set(0),
        ..Default::default()
    })
    .on_conflict(
        // `do_nothing_on`: MySQL has no DO NOTHING, and plain `do_nothing`
        // writes `ON DUPLICATE KEY IGNORE` there, which MariaDB refuses;
        // this writes a no-op `UPDATE item_id = item_id` instead.
        OnConflict::columns([booking_slot::Column::ItemId, booking_slot::Column::StartsAt])
            .do_nothing_on([booking_slot::Column::ItemId])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes `places` in a slot whose row exists ([`ensure_slot`]), within the
/// caller's transaction: one conditional UPDATE. Refused with the places
/// left when there are not enough.
pub async fn take(
    txn: &impl ConnectionTrait,
    item: &bookable_item::Model,
    starts_at: NaiveDateTime,
    places: i32,
) -> Result<(), AppError> {
    let updated = booking_slot::Entity::update_many()
        .col_expr(
            booking_slot::Column::PlacesTaken,
            ExprTrait::add(Expr::col(booking_slot::Column::PlacesTaken), places),
        )
        .filter(booking_slot::Column::ItemId.eq(item.id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .filter(
            ExprTrait::add(Expr::col(booking_slot::Column::PlacesTaken), places).lte(item.capacity),
        )
        .exec(txn)
        .await?;
    if updated.rows_affected == 1 {
        return Ok(());
    }
    let taken = booking_slot::Entity::find()
        .filter(booking_slot::Column::ItemId.eq(item.id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .one(txn)
        .await?
        .map_or(0, |slot| slot.places_taken);
    Err(AppError::SlotFull {
        left: Ord::max(item.capacity - taken, 0),
    })
}

/// Gives a cancelled booking's places back, within the caller's
/// transaction.
pub async fn release(
    txn: &impl ConnectionTrait,
    item_id: i32,
    starts_at: NaiveDateTime,
    places: i32,
) -> Result<(), AppError> {
    booking_slot::Entity::update_many()
        .col_expr(
            booking_slot::Column::PlacesTaken,
            ExprTrait::sub(Expr::col(booking_slot::Column::PlacesTaken), places),
        )
        .filter(booking_slot::Column::ItemId.eq(item_id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .filter(booking_slot::Column::PlacesTaken.gte(places))
        .exec(txn)
        .await?;
    Ok(())
}
