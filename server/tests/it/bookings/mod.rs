//! Bookings over HTTP, on SQLite and on MariaDB: the month view, booking as
//! guest, logged in or with a new account, the refusals of bad slots, the
//! last place under a crowd of parallel bookers, the cancel window and the
//! week of the DST change.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod capacity;
mod dst;
mod making;
mod refusals;

use crate::common::{call_from, registration, Backend, Client, TestApp};
use app::booking::models::BookingInput;
use app::booking::rules::{slot_param, BookingStatus, SlotRefusal};
use app::clock::{amsterdam_to_utc, shop_today};
use app::customer::CustomerInput;
use app::error::AppError;
use app::ssr::entities::{
    bookable_item, booking, booking_closure, booking_hour, booking_slot, customer,
};
use app::ssr::now_utc;
use axum::http::StatusCode;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub(super) const EMAIL: &str = "fien.fietser@example.nl";

pub(super) fn form<'a>(slug: &'a str, slot: &'a str, places: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", slug),
        ("slot", slot),
        ("places", places),
        ("email", EMAIL),
        ("first_name", "Fien"),
        ("last_name", "Fietser"),
        ("gender", "f"),
        ("street", "Dorpsstraat"),
        ("house_number", "12a"),
        ("postcode", "3511ab"),
        ("city", "Utrecht"),
        ("country", "NL"),
        ("phone", "06-12345678"),
        ("payment_method", "bank_transfer"),
    ]
}

pub(super) fn with<'a>(
    mut pairs: Vec<(&'a str, &'a str)>,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push((name, value));
    }
    pairs
}

/// A test item open every day from `opens` to `closes` (hours), hourly
/// slots of an hour.
pub(super) async fn add_item(
    app: &TestApp,
    slug: &str,
    capacity: i32,
    cancel_hours: i32,
    horizon_days: i32,
    (opens, closes): (i32, i32),
) -> bookable_item::Model {
    let id = bookable_item::Entity::insert(bookable_item::ActiveModel {
        name: Set(format!("Test {slug}")),
        slug: Set(slug.into()),
        description: Set("Een uur.".into()),
        image: Set(None),
        price_cents: Set(2000),
        vat_rate_bp: Set(2100),
        duration_minutes: Set(60),
        slot_minutes: Set(60),
        capacity: Set(capacity),
        horizon_days: Set(horizon_days),
        cancel_hours: Set(cancel_hours),
        active: Set(true),
        created_at: Set(now_utc()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id;
    for weekday in 0..7 {
        booking_hour::Entity::insert(booking_hour::ActiveModel {
            item_id: Set(id),
            weekday: Set(weekday),
            opens_minute: Set(opens * 60),
            closes_minute: Set(closes * 60),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
    }
    bookable_item::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

pub(super) fn local(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap())
}

/// The slot `days` after today (Amsterdam) at `hour` local time: its UTC
/// instant and its form value.
pub(super) fn slot_in(days: u64, hour: u32) -> (NaiveDateTime, String) {
    let day = shop_today(now_utc()) + Days::new(days);
    let utc = amsterdam_to_utc(local(day, hour));
    (utc, slot_param(utc))
}

pub(super) fn error(res: &crate::common::Response) -> AppError {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

pub(super) fn fields(res: &crate::common::Response) -> Vec<String> {
    res.json()["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors: {}", res.body))
        .iter()
        .filter_map(|f| f["field"].as_str().map(str::to_owned))
        .collect()
}

pub(super) async fn booking_by(app: &TestApp, token: &str) -> booking::Model {
    booking::Entity::find()
        .filter(booking::Column::Token.eq(token))
        .one(&app.db)
        .await
        .unwrap()
        .expect("booking")
}

pub(super) async fn taken(app: &TestApp, item_id: i32, starts_at: NaiveDateTime) -> i32 {
    booking_slot::Entity::find()
        .filter(booking_slot::Column::ItemId.eq(item_id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .one(&app.db)
        .await
        .unwrap()
        .map_or(0, |s| s.places_taken)
}

pub(super) async fn counts(app: &TestApp) -> (u64, u64) {
    (
        booking::Entity::find().count(&app.db).await.unwrap(),
        customer::Entity::find().count(&app.db).await.unwrap(),
    )
}

/// The free slots of an item's page, month by month up to the horizon.
pub(super) async fn free_slots(client: &mut Client, slug: &str) -> Vec<(String, i64)> {
    let mut month: Option<String> = None;
    let mut found = Vec::new();
    loop {
        let mut args = vec![("slug", slug)];
        if let Some(m) = &month {
            args.push(("month", m));
        }
        let res = client.call("get_bookable", &args).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let detail = res.json();
        for week in detail["month"]["weeks"].as_array().unwrap() {
            for day in week.as_array().unwrap() {
                for slot in day["slots"].as_array().unwrap() {
                    let left = slot["places_left"].as_i64().unwrap();
                    if left > 0 {
                        found.push((slot["slot"].as_str().unwrap().to_owned(), left));
                    }
                }
            }
        }
        match detail["month"]["next"].as_str() {
            Some(next) => month = Some(next.to_owned()),
            None => return found,
        }
    }
}

pub(super) async fn log_in_new_customer(app: &TestApp, email: &str) -> (Client, i32) {
    let mut client = app.client();
    let res = client.call("register", &registration(email)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = client
        .call(
            "login",
            &[("email", email), ("password", "vier koeien in de wei")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .expect("account")
        .id;
    (client, id)
}
