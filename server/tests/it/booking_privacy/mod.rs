//! Bookings under the privacy rules (issue 15), on SQLite and MariaDB: the
//! retention sweep one day either side of the term and its dry run
//! (`retention`), the customer's own erasure (also one that fails half-way),
//! their export and the staff erasure (`erasure`), and a backup that holds
//! the bookings and replays an erasure onto them after a restore (`backup`).
//! Bookings, items and customers are written with the entities here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod backup;
mod erasure;
mod retention;

use crate::common;
use app::booking::rules::BookingStatus;
use app::shop::rules::PaymentMethod;
use app::ssr::entities::{bookable_item, booking};
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
};

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

async fn add_customer(
    db: &impl ConnectionTrait,
    name: &str,
    created: NaiveDateTime,
    account: Option<Option<NaiveDateTime>>,
) -> i32 {
    common::add_customer_at(db, name, "Boeker", created, account).await
}

async fn add_item(db: &impl ConnectionTrait) -> i32 {
    bookable_item::ActiveModel {
        name: Set("Workshop pasta maken".into()),
        slug: Set(common::unique("workshop-pasta")),
        description: Set("Verse pasta, met z'n achten.".into()),
        image: Set(None),
        price_cents: Set(4500),
        vat_rate_bp: Set(2100),
        duration_minutes: Set(150),
        slot_minutes: Set(150),
        capacity: Set(8),
        horizon_days: Set(90),
        cancel_hours: Set(24),
        active: Set(true),
        created_at: Set(at(2026, 11, 1, 9)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

/// A public token (32 hex characters), unique in this process.
fn next_token() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{n:032x}")
}

/// A booking of two places, made at `made` for the slot at `starts`.
async fn add_booking(
    db: &impl ConnectionTrait,
    item: i32,
    customer: Option<i32>,
    made: NaiveDateTime,
    starts: NaiveDateTime,
) -> i32 {
    booking::ActiveModel {
        token: Set(next_token()),
        customer_id: Set(customer),
        item_id: Set(item),
        item_name: Set("Workshop pasta maken".into()),
        starts_at: Set(starts),
        duration_minutes: Set(150),
        places: Set(2),
        status: Set(BookingStatus::Booked),
        payment_method: Set(PaymentMethod::BankTransfer),
        unit_price_cents: Set(4500),
        total_cents: Set(9000),
        vat_rate_bp: Set(2100),
        created_at: Set(made),
        cancelled_at: Set(None),
        anonymised_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

async fn booking_row(db: &DatabaseConnection, id: i32) -> booking::Model {
    booking::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .expect("the booking is kept")
}
