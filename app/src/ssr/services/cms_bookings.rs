//! Bookings in the CMS: the day / week agenda, the list with filters, one
//! booking (every view audited, as an order's) and its status. A
//! cancellation gives the places back, in the same transaction as the
//! change and its audit entry.

use super::audit::{self, Shown};
use super::booking_slots;
use super::{one_page, parse_day, PAGE_SIZE};
use crate::booking::rules::BookingStatus;
use crate::clock::{amsterdam_local, shop_day_start, shop_today};
use crate::cms::models::{
    Agenda, AgendaDay, BookingPage, BookingRow, ItemChoice, StaffBookingView,
};
use crate::cms::rules::AuditAction;
use crate::error::AppError;
use crate::ssr::entities::{bookable_item, booking, customer};
use crate::ssr::AppState;
use crate::validate::FieldError;
use chrono::{Datelike, Duration, NaiveDateTime};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// "First Last" of each customer of `rows`, in one query.
async fn names(
    db: &impl ConnectionTrait,
    rows: &[booking::Model],
) -> Result<HashMap<i32, String>, AppError> {
    let ids: Vec<i32> = rows.iter().filter_map(|b| b.customer_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(customer::Entity::find()
        .filter(customer::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, format!("{} {}", c.first_name, c.last_name)))
        .collect())
}

/// The bookings of a page as an audit entry's shown records.
fn shown(rows: &[booking::Model]) -> Vec<Shown> {
    rows.iter()
        .map(|b| Shown {
            record_id: b.id,
            customer_id: b.customer_id,
        })
        .collect()
}

fn row(b: booking::Model, names: &HashMap<i32, String>) -> BookingRow {
    BookingRow {
        id: b.id,
        starts_local: amsterdam_local(b.starts_at),
        ends_local: amsterdam_local(b.starts_at + Duration::minutes(i64::from(b.duration_minutes))),
        customer_name: b
            .customer_id
            .and_then(|c| names.get(&c).cloned())
            .unwrap_or_default(),
        item_name: b.item_name,
        places: b.places,
        status: b.status,
        total_cents: b.total_cents,
    }
}

/// The bookings of one Amsterdam day, or of the Monday-first week holding
/// it (`week`); `date` defaults to the shop's today. It shows the
/// customers' names: audited like a page of the list.
pub async fn agenda(
    db: &DatabaseConnection,
    staff_id: i32,
    date: Option<&str>,
    week: bool,
    now: NaiveDateTime,
) -> Result<Agenda, AppError> {
    let date = parse_day("date", date)?.unwrap_or_else(|| shop_today(now));
    let (first, days) = if week {
        let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
        (monday, 7)
    } else {
        (date, 1)
    };
    let end = first + Duration::days(days);
    let rows = booking::Entity::find()
        .filter(booking::Column::StartsAt.gte(shop_day_start(first)))
        .filter(booking::Column::StartsAt.lt(shop_day_start(end)))
        .order_by_asc(booking::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .all(db)
        .await?;
    let names = names(db, &rows).await?;
    let detail = Some(format!("{first}, {days} days"));
    audit::record_read(
        db,
        staff_id,
        AuditAction::BookingAgenda,
        None,
        detail,
        shown(&rows),
    )
    .await?;
    let mut agenda_days: Vec<AgendaDay> = first
        .iter_days()
        .take(usize::try_from(days).unwrap_or(1))
        .map(|date| AgendaDay {
            date,
            bookings: Vec::new(),
        })
        .collect();
    for b in rows {
        let shown = row(b, &names);
        if let Some(day) = agenda_days
            .iter_mut()
            .find(|d| d.date == shown.starts_local.date())
        {
            day.bookings.push(shown);
        }
    }
    Ok(Agenda {
        week,
        days: agenda_days,
        previous: first - Duration::days(days),
        next: end,
    })
}

/// Newest first, 50 a page, optionally of one item, one status and slot
/// dates (inclusive, Amsterdam). Each row shows its customer's name: the
/// page is audited.
pub async fn list(
    db: &DatabaseConnection,
    staff_id: i32,
    item: Option<&str>,
    status: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    before: Option<i32>,
) -> Result<BookingPage, AppError> {
    let mut select = booking::Entity::find()
        .order_by_desc(booking::Column::Id)
        .limit(PAGE_SIZE + 1);
    if let Some(item) = item.map(str::trim).filter(|s| !s.is_empty()) {
        let item = item
            .parse::<i32>()
            .map_err(|_| AppError::field("item", FieldError::Required))?;
        select = select.filter(booking::Column::ItemId.eq(item));
    }
    if let Some(status) = status.map(str::trim).filter(|s| !s.is_empty()) {
        let status = BookingStatus::parse(status)
            .ok_or_else(|| AppError::field("status", FieldError::Required))?;
        select = select.filter(booking::Column::Status.eq(status));
    }
    if let Some(from) = parse_day("from", from)? {
        select = select.filter(booking::Column::StartsAt.gte(shop_day_start(from)));
    }
    if let Some(to) = parse_day("to", to)? {
        select =
            select.filter(booking::Column::StartsAt.lt(shop_day_start(to + Duration::days(1))));
    }
    if let Some(before) = before {
        select = select.filter(booking::Column::Id.lt(before));
    }
    let (rows, more) = one_page(select.all(db).await?);
    let names = names(db, &rows).await?;
    audit::record_read(
        db,
        staff_id,
        AuditAction::BookingList,
        None,
        None,
        shown(&rows),
    )
    .await?;
    let items = bookable_item::Entity::find()
        .order_by_asc(bookable_item::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|i| ItemChoice {
            id: i.id,
            name: i.name,
        })
        .collect();
    Ok(BookingPage {
        next_before: if more {
            rows.last().map(|b| b.id)
        } else {
            None
        },
        rows: rows.into_iter().map(|b| row(b, &names)).collect(),
        items,
    })
}

pub async fn detail(db: &impl ConnectionTrait, id: i32) -> Result<StaffBookingView, AppError> {
    let b = booking::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = match b.customer_id {
        Some(cid) => customer::Entity::find_by_id(cid).one(db).await?,
        None => None,
    };
    let ends = b.starts_at + Duration::minutes(i64::from(b.duration_minutes));
    Ok(StaffBookingView {
        id: b.id,
        item_id: b.item_id,
        item_name: b.item_name,
        starts_local: amsterdam_local(b.starts_at),
        ends_local: amsterdam_local(ends),
        places: b.places,
        status: b.status,
        payment_method: b.payment_method,
        unit_price_cents: b.unit_price_cents,
        total_cents: b.total_cents,
        vat_rate_bp: b.vat_rate_bp,
        created_at: amsterdam_local(b.created_at),
        cancelled_at: b.cancelled_at.map(amsterdam_local),
        anonymised: b.anonymised_at.is_some(),
        customer_id: who.as_ref().map(|c| c.id),
        customer_name: who
            .as_ref()
            .map(|c| format!("{} {}", c.first_name, c.last_name)),
        customer_email: who.as_ref().map(|c| c.email.clone()),
        customer_phone: who.map(|c| c.phone),
        locale: b.locale,
        next_statuses: [BookingStatus::Cancelled, BookingStatus::Attended]
            .into_iter()
            .filter(|s| b.status.may_become(*s))
            .collect(),
    })
}

/// One booking with its customer's contact data for a member of staff; the
/// view is audited (AVG-11), as an order's.
pub async fn view(
    db: &DatabaseConnection,
    staff_id: i32,
    id: i32,
) -> Result<StaffBookingView, AppError> {
    let booking = detail(db, id).await?;
    let shown = vec![Shown {
        record_id: id,
        customer_id: booking.customer_id,
    }];
    audit::record_read(
        db,
        staff_id,
        AuditAction::BookingView,
        Some(id),
        None,
        shown,
    )
    .await?;
    Ok(booking)
}

/// Cancels a booking or marks it attended, with its audit entry in the same
/// transaction; a cancellation gives its places back, so the cached shop
/// pages (which show availability) are dropped.
pub async fn change_status(
    state: &AppState,
    staff_id: i32,
    id: i32,
    status: &str,
    now: NaiveDateTime,
) -> Result<StaffBookingView, AppError> {
    let (status, action) = match BookingStatus::parse(status.trim()) {
        Some(BookingStatus::Cancelled) => (BookingStatus::Cancelled, AuditAction::BookingCancel),
        Some(BookingStatus::Attended) => (BookingStatus::Attended, AuditAction::BookingAttended),
        _ => return Err(AppError::field("status", FieldError::StatusChange)),
    };
    let change = async |txn: &_| Ok((set_status(txn, id, status, now).await?, None));
    let booking = audit::audited(&state.db, staff_id, action, Some(id), change).await?;
    state.catalogue_changed().await;
    Ok(booking)
}

/// Moves a booking on, in the caller's transaction. The UPDATE is
/// conditional on the status read, so that of two clicks (or a staff
/// cancel and the customer's own) only one changes it and the places are
/// released once.
async fn set_status(
    txn: &DatabaseTransaction,
    id: i32,
    status: BookingStatus,
    now: NaiveDateTime,
) -> Result<StaffBookingView, AppError> {
    let Some(row) = booking::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    if !row.status.may_become(status) {
        return Err(AppError::field("status", FieldError::StatusChange));
    }
    let mut update = booking::Entity::update_many()
        .col_expr(booking::Column::Status, Expr::value(status))
        .filter(booking::Column::Id.eq(id))
        .filter(booking::Column::Status.eq(row.status));
    if status == BookingStatus::Cancelled {
        update = update.col_expr(booking::Column::CancelledAt, Expr::value(now));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(AppError::field("status", FieldError::StatusChange));
    }
    if row.status.holds_places() && !status.holds_places() {
        booking_slots::release(txn, row.item_id, row.starts_at, row.places).await?;
    }
    detail(txn, id).await
}
