//! Bookings in the CMS over HTTP, on SQLite and MariaDB: the booking
//! rights, the audited view and status changes (a cancel gives the places
//! back), bookable items with their schedules, and the agenda in Amsterdam
//! time in a summer and a winter week. Items, customers and bookings are
//! written with the entities: the shop's booking form is not needed here.

mod agenda;
mod bookables;
mod rights;
mod status;

use crate::common::{self, Backend, Client, TestApp};
use app::booking::rules::BookingStatus;
use app::cms::rules::Right;
use app::shop::rules::PaymentMethod;
use app::ssr::entities::{
    audit_log, bookable_item, booking, booking_closure, booking_date, booking_hour, booking_slot,
    customer,
};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::Value;

pub(super) const PASSWORD: &str = "een wachtwoord voor de agenda";

pub(super) fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .expect("valid time")
}

pub(super) async fn add_item(
    db: &DatabaseConnection,
    slug: &str,
    capacity: i32,
) -> bookable_item::Model {
    bookable_item::ActiveModel {
        name: Set(format!("Workshop {slug}")),
        slug: Set(slug.to_owned()),
        description: Set(String::new()),
        image: Set(None),
        price_cents: Set(4500),
        vat_rate_bp: Set(2100),
        duration_minutes: Set(120),
        slot_minutes: Set(120),
        capacity: Set(capacity),
        horizon_days: Set(60),
        cancel_hours: Set(24),
        active: Set(true),
        created_at: Set(app::ssr::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("item")
}

pub(super) async fn add_customer(
    db: &DatabaseConnection,
    first: &str,
    last: &str,
) -> customer::Model {
    let mut row = common::customer_row(first, last);
    row.postcode = Set("1234AB".to_owned());
    row.city = Set("Utrecht".to_owned());
    row.insert(db).await.expect("customer")
}

/// A booking of `places` in the slot at `starts_at` (UTC), its places
/// taken in the slot's row as the shop would.
pub(super) async fn add_booking(
    db: &DatabaseConnection,
    item: &bookable_item::Model,
    customer_id: i32,
    starts_at: NaiveDateTime,
    places: i32,
) -> booking::Model {
    app::ssr::services::booking_slots::ensure_slot(db, item.id, starts_at)
        .await
        .expect("slot");
    app::ssr::services::booking_slots::take(db, item, starts_at, places)
        .await
        .expect("places");
    booking::ActiveModel {
        token: Set(common::unique("token")),
        customer_id: Set(Some(customer_id)),
        item_id: Set(item.id),
        item_name: Set(item.name.clone()),
        starts_at: Set(starts_at),
        duration_minutes: Set(item.duration_minutes),
        places: Set(places),
        status: Set(BookingStatus::Booked),
        payment_method: Set(PaymentMethod::BankTransfer),
        unit_price_cents: Set(item.price_cents),
        total_cents: Set(item.price_cents * i64::from(places)),
        vat_rate_bp: Set(item.vat_rate_bp),
        created_at: Set(app::ssr::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("booking")
}

pub(super) async fn places_taken(
    db: &DatabaseConnection,
    item_id: i32,
    starts_at: NaiveDateTime,
) -> i32 {
    booking_slot::Entity::find()
        .filter(booking_slot::Column::ItemId.eq(item_id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .one(db)
        .await
        .expect("query")
        .expect("slot row")
        .places_taken
}

pub(super) async fn audit_count(db: &DatabaseConnection, action: &str, id: Option<i32>) -> u64 {
    let mut select = audit_log::Entity::find().filter(audit_log::Column::Action.eq(action));
    if let Some(id) = id {
        select = select.filter(audit_log::Column::EntityId.eq(id));
    }
    select.count(db).await.expect("count")
}

pub(super) async fn staff(app: &TestApp, email: &str, rights: &[Right]) -> Client {
    common::staff_client(app, email, PASSWORD, false, rights).await
}

/// Every booking and bookable endpoint with arguments that would succeed.
pub(super) fn booking_calls(
    booking_id: &str,
    item_id: &str,
) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let s = |v: &str| v.to_owned();
    vec![
        ("cms_booking_agenda", vec![]),
        ("cms_bookings", vec![]),
        ("cms_booking", vec![("id", s(booking_id))]),
        (
            "cms_set_booking_status",
            vec![("id", s(booking_id)), ("status", s("attended"))],
        ),
        ("cms_bookables", vec![]),
        ("cms_bookable", vec![("id", s(item_id))]),
        (
            "cms_save_bookable",
            vec![
                ("name", s("Bandenservice")),
                ("price", s("25")),
                ("vat_rate", s("21")),
                ("duration_minutes", s("60")),
                ("slot_minutes", s("60")),
                ("capacity", s("1")),
                ("horizon_days", s("30")),
                ("cancel_hours", s("24")),
            ],
        ),
        ("cms_delete_bookable", vec![("id", s(item_id))]),
        (
            "cms_add_booking_hours",
            vec![
                ("id", s(item_id)),
                ("weekday", s("0")),
                ("opens", s("09:00")),
                ("closes", s("17:00")),
            ],
        ),
        ("cms_delete_booking_hours", vec![("id", s("1"))]),
        (
            "cms_add_booking_date",
            vec![
                ("id", s(item_id)),
                ("date", s("2026-12-14")),
                ("time", s("19:00")),
            ],
        ),
        ("cms_delete_booking_date", vec![("id", s("1"))]),
        (
            "cms_add_booking_closure",
            vec![("id", s(item_id)), ("date", s("2026-12-24"))],
        ),
        ("cms_delete_booking_closure", vec![("id", s("1"))]),
    ]
}

pub(super) async fn call(
    client: &mut Client,
    endpoint: &str,
    args: &[(&str, String)],
) -> common::Response {
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.call(endpoint, &pairs).await
}
