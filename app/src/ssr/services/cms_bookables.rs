//! Bookable items in the CMS: the items themselves and their schedules
//! (weekly hours, one-off dates, closed days). Every change is audited in
//! its own transaction and drops the cached shop pages, which show the
//! items and their availability, as a catalogue change does.

use super::audit;
use crate::clock::{amsterdam_local, amsterdam_to_utc};
use crate::cms::models::{
    BookableAdmin, BookableInput, BookableRow, ClosureRow, DateRow, HoursRow,
};
use crate::cms::rules::{
    parse_price, parse_time, parse_vat_rate, parse_weekday, time_text, AuditAction,
};
use crate::error::AppError;
use crate::ssr::entities::{bookable_item, booking, booking_closure, booking_date, booking_hour};
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<BookableRow>, AppError> {
    Ok(bookable_item::Entity::find()
        .order_by_asc(bookable_item::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|i| BookableRow {
            id: i.id,
            name: i.name,
            slug: i.slug,
            price_cents: i.price_cents,
            duration_minutes: i.duration_minutes,
            capacity: i.capacity,
            active: i.active,
        })
        .collect())
}

async fn find(db: &impl ConnectionTrait, id: i32) -> Result<bookable_item::Model, AppError> {
    bookable_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// One item with its schedule; the closed days include those of every item.
pub async fn admin(db: &impl ConnectionTrait, id: i32) -> Result<BookableAdmin, AppError> {
    let item = find(db, id).await?;
    let hours = booking_hour::Entity::find()
        .filter(booking_hour::Column::ItemId.eq(id))
        .order_by_asc(booking_hour::Column::Weekday)
        .order_by_asc(booking_hour::Column::OpensMinute)
        .all(db)
        .await?;
    let dates = booking_date::Entity::find()
        .filter(booking_date::Column::ItemId.eq(id))
        .order_by_asc(booking_date::Column::StartsAt)
        .all(db)
        .await?;
    let closures = booking_closure::Entity::find()
        .filter(
            Condition::any()
                .add(booking_closure::Column::ItemId.eq(id))
                .add(booking_closure::Column::ItemId.is_null()),
        )
        .order_by_asc(booking_closure::Column::ClosedOn)
        .all(db)
        .await?;
    Ok(BookableAdmin {
        id: item.id,
        name: item.name,
        slug: item.slug,
        description: item.description,
        name_en: item.name_en,
        description_en: item.description_en,
        image: item.image,
        price_cents: item.price_cents,
        vat_rate_bp: item.vat_rate_bp,
        duration_minutes: item.duration_minutes,
        slot_minutes: item.slot_minutes,
        capacity: item.capacity,
        horizon_days: item.horizon_days,
        cancel_hours: item.cancel_hours,
        active: item.active,
        hours: hours
            .into_iter()
            .map(|h| HoursRow {
                id: h.id,
                weekday: h.weekday,
                opens: time_text(h.opens_minute),
                closes: time_text(h.closes_minute),
            })
            .collect(),
        dates: dates
            .into_iter()
            .map(|d| DateRow {
                id: d.id,
                starts_local: amsterdam_local(d.starts_at),
            })
            .collect(),
        closures: closures
            .into_iter()
            .map(|c| ClosureRow {
                id: c.id,
                closed_on: c.closed_on,
                every_item: c.item_id.is_none(),
            })
            .collect(),
    })
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

/// A whole number in `min..=max` as typed.
fn number(value: &Option<String>, min: u32, max: u32) -> Result<i32, FieldError> {
    text(value)
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .and_then(|n| i32::try_from(n).ok())
        .ok_or(FieldError::Number { min, max })
}

/// The item's fields, each checked; the slug comes from the name when left
/// empty and may not be another item's.
async fn validated(
    db: &impl ConnectionTrait,
    id: Option<i32>,
    input: &BookableInput,
) -> Result<bookable_item::ActiveModel, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", v::required_text(text(&input.name), 150));
    let slug = match (text(&input.slug).trim(), name.as_deref()) {
        // Made from the name, which is refused already: one message is enough.
        ("", None) => None,
        ("", Some(name)) => errors.check("slug", v::slug(&v::slugify(name))),
        (typed, _) => errors.check("slug", v::slug(typed)),
    };
    if let Some(slug) = &slug {
        let taken = bookable_item::Entity::find()
            .filter(bookable_item::Column::Slug.eq(slug))
            .one(db)
            .await?;
        if taken.is_some_and(|i| Some(i.id) != id) {
            errors.add("slug", FieldError::SlugTaken);
        }
    }
    let description = errors.check(
        "description",
        v::optional_text(input.description.as_deref(), 5000),
    );
    // English is optional: blank is none, else the Dutch limits.
    let name_en = errors.check("name_en", v::optional_text(input.name_en.as_deref(), 150));
    let description_en = errors.check(
        "description_en",
        v::optional_text(input.description_en.as_deref(), 5000),
    );
    let price = errors.check(
        "price",
        parse_price(text(&input.price)).ok_or(FieldError::Price),
    );
    let vat = errors.check(
        "vat_rate",
        parse_vat_rate(text(&input.vat_rate)).ok_or(FieldError::VatRate),
    );
    let duration = errors.check(
        "duration_minutes",
        number(&input.duration_minutes, 5, 24 * 60),
    );
    let slot = errors.check("slot_minutes", number(&input.slot_minutes, 5, 24 * 60));
    let capacity = errors.check("capacity", number(&input.capacity, 1, 1000));
    let horizon = errors.check("horizon_days", number(&input.horizon_days, 1, 730));
    let cancel = errors.check("cancel_hours", number(&input.cancel_hours, 0, 24 * 30));
    let (
        Some(name),
        Some(slug),
        Some(description),
        Some(price),
        Some(vat),
        Some(duration),
        Some(slot),
        Some(capacity),
        Some(horizon),
        Some(cancel),
    ) = (
        name,
        slug,
        description,
        price,
        vat,
        duration,
        slot,
        capacity,
        horizon,
        cancel,
    )
    else {
        return Err(AppError::Validation(errors));
    };
    let (Some(name_en), Some(description_en), true) = (name_en, description_en, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    Ok(bookable_item::ActiveModel {
        name: Set(name),
        slug: Set(slug),
        description: Set(description.unwrap_or_default()),
        name_en: Set(name_en),
        description_en: Set(description_en),
        price_cents: Set(price),
        vat_rate_bp: Set(vat),
        duration_minutes: Set(duration),
        slot_minutes: Set(slot),
        capacity: Set(capacity),
        horizon_days: Set(horizon),
        cancel_hours: Set(cancel),
        active: Set(v::checkbox(input.active.as_deref())),
        ..Default::default()
    })
}

/// Creates (`id` None) or updates an item after checking every field. A
/// capacity lowered below the places already taken leaves those bookings
/// as they are; the slot just takes no more.
pub async fn save(
    state: &AppState,
    staff_id: i32,
    id: Option<i32>,
    input: &BookableInput,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let mut row = validated(&state.db, id, input).await?;
    let action = if id.is_some() {
        AuditAction::BookableUpdate
    } else {
        AuditAction::BookableCreate
    };
    let change = async |txn: &DatabaseTransaction| {
        let saved = match id {
            Some(id) => {
                find(txn, id).await?;
                row.id = Set(id);
                row.update(txn).await.map_err(AppError::slug_taken_or)?
            }
            None => {
                row.image = Set(None);
                row.created_at = Set(now);
                row.insert(txn).await.map_err(AppError::slug_taken_or)?
            }
        };
        // A new item's id is only known now: the entry names its slug.
        let detail = id.is_none().then(|| saved.slug.clone());
        Ok((saved.id, detail))
    };
    let saved = audit::audited(&state.db, staff_id, action, id, change).await?;
    state.catalogue_changed().await;
    Ok(saved)
}

async fn bookings_of(db: &impl ConnectionTrait, item_id: i32) -> Result<u64, AppError> {
    Ok(booking::Entity::find()
        .filter(booking::Column::ItemId.eq(item_id))
        .count(db)
        .await?)
}

/// Deletes an item without bookings, with its schedule (the schedule
/// tables cascade). An item with bookings is refused: its bookings keep
/// pointing at it (the foreign key restricts); it can be deactivated.
pub async fn delete(state: &AppState, staff_id: i32, id: i32) -> Result<(), AppError> {
    let has_bookings = || AppError::field("id", FieldError::ItemHasBookings);
    let change = async |txn: &DatabaseTransaction| {
        find(txn, id).await?;
        if bookings_of(txn, id).await? > 0 {
            return Err(has_bookings());
        }
        bookable_item::Entity::delete_by_id(id).exec(txn).await?;
        Ok(((), None))
    };
    match audit::audited(
        &state.db,
        staff_id,
        AuditAction::BookableDelete,
        Some(id),
        change,
    )
    .await
    {
        // A booking made between the count and the delete: the key refused.
        Err(AppError::Internal) if bookings_of(&state.db, id).await? > 0 => Err(has_bookings()),
        other => other,
    }?;
    state.catalogue_changed().await;
    Ok(())
}

/// One schedule change of `item_id` (None: every item), audited, in one
/// transaction; the cached shop pages are dropped.
async fn schedule_change(
    state: &AppState,
    staff_id: i32,
    item_id: Option<i32>,
    detail: String,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let audited_change = async |txn: &DatabaseTransaction| {
        if let Some(item_id) = item_id {
            find(txn, item_id).await?;
        }
        change(txn).await?;
        Ok(((), Some(detail)))
    };
    audit::audited(
        &state.db,
        staff_id,
        AuditAction::BookableSchedule,
        item_id,
        audited_change,
    )
    .await?;
    state.catalogue_changed().await;
    Ok(())
}

/// Adds weekly hours: a weekday with an opening and a later closing time.
pub async fn add_hours(
    state: &AppState,
    staff_id: i32,
    item_id: i32,
    weekday: &str,
    opens: &str,
    closes: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let weekday = errors.check("weekday", parse_weekday(weekday));
    let opens = errors.check("opens", parse_time(opens));
    let closes = errors.check("closes", parse_time(closes));
    if let (Some(opens), Some(closes)) = (opens, closes) {
        if closes <= opens {
            errors.add("closes", FieldError::ClosesBeforeOpens);
        }
    }
    let (Some(weekday), Some(opens), Some(closes), true) =
        (weekday, opens, closes, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let detail = format!("hours {weekday} {}-{}", time_text(opens), time_text(closes));
    schedule_change(state, staff_id, Some(item_id), detail, async |txn| {
        booking_hour::ActiveModel {
            item_id: Set(item_id),
            weekday: Set(weekday),
            opens_minute: Set(opens),
            closes_minute: Set(closes),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok(())
    })
    .await
}

pub async fn delete_hours(state: &AppState, staff_id: i32, id: i32) -> Result<(), AppError> {
    let row = booking_hour::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let detail = format!("hours {} removed", row.weekday);
    schedule_change(state, staff_id, Some(row.item_id), detail, async |txn| {
        booking_hour::Entity::delete_by_id(id).exec(txn).await?;
        Ok(())
    })
    .await
}

fn parse_date(value: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| FieldError::Date)
}

/// Adds a one-off slot, typed as an Amsterdam date and time, stored UTC.
pub async fn add_date(
    state: &AppState,
    staff_id: i32,
    item_id: i32,
    date: &str,
    time: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let date = errors.check("date", parse_date(date));
    let time = errors.check(
        "time",
        parse_time(time).and_then(|m| {
            if m < 24 * 60 {
                Ok(m)
            } else {
                Err(FieldError::Time)
            }
        }),
    );
    let (Some(date), Some(minutes)) = (date, time) else {
        return Err(AppError::Validation(errors));
    };
    let local =
        date.and_time(chrono::NaiveTime::MIN) + chrono::Duration::minutes(i64::from(minutes));
    let starts_at = amsterdam_to_utc(local);
    let detail = format!("date {}", local.format("%Y-%m-%d %H:%M"));
    schedule_change(state, staff_id, Some(item_id), detail, async |txn| {
        booking_date::ActiveModel {
            item_id: Set(item_id),
            starts_at: Set(starts_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok(())
    })
    .await
}

pub async fn delete_date(state: &AppState, staff_id: i32, id: i32) -> Result<(), AppError> {
    let row = booking_date::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let detail = format!("date {} removed", amsterdam_local(row.starts_at));
    schedule_change(state, staff_id, Some(row.item_id), detail, async |txn| {
        booking_date::Entity::delete_by_id(id).exec(txn).await?;
        Ok(())
    })
    .await
}

/// Closes an Amsterdam date for one item, or for every item (`None`).
pub async fn add_closure(
    state: &AppState,
    staff_id: i32,
    item_id: Option<i32>,
    date: &str,
) -> Result<(), AppError> {
    let date = parse_date(date).map_err(|e| AppError::field("date", e))?;
    let detail = format!("closed {date}");
    schedule_change(state, staff_id, item_id, detail, async |txn| {
        booking_closure::ActiveModel {
            item_id: Set(item_id),
            closed_on: Set(date),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok(())
    })
    .await
}

pub async fn delete_closure(state: &AppState, staff_id: i32, id: i32) -> Result<(), AppError> {
    let row = booking_closure::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let detail = format!("closed {} removed", row.closed_on);
    schedule_change(state, staff_id, row.item_id, detail, async |txn| {
        booking_closure::Entity::delete_by_id(id).exec(txn).await?;
        Ok(())
    })
    .await
}
