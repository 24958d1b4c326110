//! The retention sweep with bookings (rules 2, 4 and 5 of
//! `services::retention`), one day either side of the term.

use super::{add_booking, add_customer, add_item, booking_row, next_token};
use crate::common::{database, dump_all_text, Backend};
use app::privacy::models::RetentionReport;
use app::privacy::rules::retention_cutoff;
use app::shop::rules::PaymentMethod;
use app::ssr::entities::{booking, customer, erasure, order};
use app::ssr::services::retention::{self, Counts, Mode, Progress};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use std::collections::BTreeSet;

on_both_databases!(retention_with_bookings_one_day_either_side_of_the_term);

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

fn cutoff() -> NaiveDateTime {
    retention_cutoff(as_of(), 7)
}

fn past_by_a_day() -> NaiveDateTime {
    (cutoff() - Duration::days(1))
        .date()
        .and_hms_opt(11, 0, 0)
        .unwrap()
}

fn short_by_a_day() -> NaiveDateTime {
    (cutoff() + Duration::days(2))
        .date()
        .and_hms_opt(11, 0, 0)
        .unwrap()
}

fn years_ago(years: i64) -> NaiveDateTime {
    past_by_a_day() + Duration::days(365 * (7 - years))
}

async fn add_order(db: &impl ConnectionTrait, customer_id: i32, placed: NaiveDateTime) -> i32 {
    order::ActiveModel {
        token: Set(next_token()),
        customer_id: Set(Some(customer_id)),
        status: Set(app::cms::rules::OrderStatus::Completed),
        placed_at: Set(placed),
        delivery_method: Set(app::shop::rules::DeliveryMethod::Shipping),
        payment_method: Set(PaymentMethod::BankTransfer),
        subtotal_cents: Set(1000),
        shipping_cents: Set(495),
        vat_cents: Set(259),
        total_cents: Set(1495),
        recipient_name: Set("Anna Boeker".into()),
        street: Set("Kerkstraat".into()),
        house_number: Set("1".into()),
        postcode: Set("1012 AB".into()),
        city: Set("Amsterdam".into()),
        country: Set("NL".into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

async fn customer_ids(db: &DatabaseConnection) -> BTreeSet<i32> {
    customer::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// The bookings that carry an `anonymised_at`, each checked to be unlinked.
async fn anonymised_bookings(db: &DatabaseConnection) -> BTreeSet<i32> {
    booking::Entity::find()
        .filter(booking::Column::AnonymisedAt.is_not_null())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            assert_eq!(
                b.customer_id, None,
                "booking {} anonymised but linked",
                b.id
            );
            b.id
        })
        .collect()
}

/// A progress display that remembers what it was told.
#[derive(Default)]
struct Watched {
    total: u64,
    advanced: u64,
}

impl Progress for Watched {
    fn wants_total(&self) -> bool {
        true
    }
    fn start(&mut self, total: u64) {
        self.total = total;
    }
    fn advance(&mut self, rows: u64) {
        self.advanced += rows;
    }
}

/// A sweep in batches of two; the progress bar's total must be what the
/// sweep then walks.
async fn sweep(db: &DatabaseConnection, mode: Mode) -> RetentionReport {
    let options = retention::Options {
        with_ids: true,
        batch: 2,
        ..retention::Options::new(mode)
    };
    let mut progress = Watched::default();
    let report = retention::run_as_of(db, as_of(), options, app::ssr::now_utc(), &mut progress)
        .await
        .expect("sweep");
    assert_eq!(progress.advanced, progress.total, "an honest progress bar");
    report
}

fn sorted(ids: &[i32]) -> BTreeSet<i32> {
    ids.iter().copied().collect()
}

async fn retention_with_bookings_one_day_either_side_of_the_term(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    let item = add_item(db).await;
    // A guest whose only booking was made and held more than T ago.
    let guest_past = add_customer(db, "GuestPast", past_by_a_day(), None).await;
    let guest_past_booking =
        add_booking(db, item, Some(guest_past), past_by_a_day(), past_by_a_day()).await;
    // A guest added long ago whose booking was made a day short of T.
    let guest_short = add_customer(db, "GuestShort", years_ago(9), None).await;
    let guest_short_booking = add_booking(
        db,
        item,
        Some(guest_short),
        short_by_a_day(),
        short_by_a_day() + Duration::days(7),
    )
    .await;
    // Booked long ago for a slot that started a day short of T: kept. The
    // same, started a day past T: deleted.
    let starts_short = add_customer(db, "StartsShort", years_ago(9), None).await;
    let starts_short_booking =
        add_booking(db, item, Some(starts_short), years_ago(9), short_by_a_day()).await;
    let starts_past = add_customer(db, "StartsPast", years_ago(9), None).await;
    let starts_past_booking =
        add_booking(db, item, Some(starts_past), years_ago(9), past_by_a_day()).await;
    // An account in use keeps its old bookings linked (rule 5); one past T
    // loses them with itself.
    let account_recent =
        add_customer(db, "AccountRecent", years_ago(10), Some(Some(years_ago(0)))).await;
    let account_recent_booking =
        add_booking(db, item, Some(account_recent), years_ago(9), years_ago(9)).await;
    let account_past = add_customer(
        db,
        "AccountPast",
        years_ago(10),
        Some(Some(past_by_a_day())),
    )
    .await;
    let account_past_booking =
        add_booking(db, item, Some(account_past), years_ago(9), years_ago(9)).await;
    // A guest kept by a recent order: their booking past T is anonymised
    // all the same (rule 4), their order is not.
    let kept_by_order = add_customer(db, "KeptByOrder", years_ago(9), None).await;
    let its_order = add_order(db, kept_by_order, short_by_a_day()).await;
    let its_old_booking =
        add_booking(db, item, Some(kept_by_order), years_ago(9), years_ago(9)).await;
    // Bookings that lost their customer some other way: past T stamped,
    // within T left alone; one anonymised before is not counted again.
    let orphan_past = add_booking(db, item, None, past_by_a_day(), past_by_a_day()).await;
    let orphan_short = add_booking(db, item, None, past_by_a_day(), short_by_a_day()).await;
    let anonymised_before = add_booking(db, item, None, years_ago(12), years_ago(12)).await;
    let earlier = years_ago(11);
    booking::Entity::update(booking::ActiveModel {
        id: Set(anonymised_before),
        anonymised_at: Set(Some(earlier)),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap();

    let deleted: BTreeSet<i32> = [guest_past, starts_past, account_past].into();
    let unlinked: BTreeSet<i32> = [
        guest_past_booking,
        starts_past_booking,
        account_past_booking,
        its_old_booking,
        orphan_past,
    ]
    .into();

    // The dry run writes nothing and reports exactly what the run does.
    let before = dump_all_text(db).await;
    let dry = sweep(db, Mode::DryRun).await;
    assert_eq!(dump_all_text(db).await, before, "a dry run writes nothing");
    assert_eq!(
        (
            dry.customers_deleted,
            dry.orders_anonymised,
            dry.bookings_anonymised
        ),
        (3, 0, 5)
    );
    assert_eq!(sorted(&dry.customer_ids), deleted);
    assert_eq!(sorted(&dry.booking_ids), unlinked);
    assert_eq!(
        retention::count(db, cutoff()).await.unwrap(),
        Counts {
            customers: 3,
            orders: 0,
            bookings: 4
        },
        "the rows walked: the customers and the guest bookings past the term"
    );
    // The CMS preview counts the same in SQL.
    assert_eq!(
        retention::count_affected(db, cutoff()).await.unwrap(),
        Counts {
            customers: 3,
            orders: 0,
            bookings: 5
        }
    );

    let real = sweep(db, Mode::Apply).await;
    assert_eq!(
        (
            real.customers_deleted,
            real.orders_anonymised,
            real.bookings_anonymised
        ),
        (3, 0, 5)
    );
    assert_eq!(sorted(&real.customer_ids), deleted);
    assert_eq!(sorted(&real.booking_ids), unlinked);
    let kept: BTreeSet<i32> = [guest_short, starts_short, account_recent, kept_by_order].into();
    assert_eq!(customer_ids(db).await, kept);
    let mut expected = unlinked.clone();
    expected.insert(anonymised_before);
    assert_eq!(anonymised_bookings(db).await, expected);
    for (id, owner) in [
        (guest_short_booking, guest_short),
        (starts_short_booking, starts_short),
        (account_recent_booking, account_recent),
    ] {
        let b = booking_row(db, id).await;
        assert_eq!(
            (b.customer_id, b.anonymised_at),
            (Some(owner), None),
            "booking {id}"
        );
    }
    let orphan = booking_row(db, orphan_short).await;
    assert_eq!((orphan.customer_id, orphan.anonymised_at), (None, None));
    assert_eq!(
        booking_row(db, anonymised_before).await.anonymised_at,
        Some(earlier),
        "anonymised once"
    );
    let order = order::Entity::find_by_id(its_order)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.customer_id, Some(kept_by_order));
    // What an unlinked booking keeps: the item, the slot, places, price.
    let b = booking_row(db, guest_past_booking).await;
    assert_eq!(
        (b.item_name.as_str(), b.starts_at, b.places, b.total_cents),
        ("Workshop pasta maken", past_by_a_day(), 2, 9000)
    );
    let tombstones: BTreeSet<i32> = erasure::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.customer_id)
        .collect();
    assert_eq!(tombstones, deleted);

    let again = sweep(db, Mode::Apply).await;
    assert_eq!(
        (
            again.customers_deleted,
            again.orders_anonymised,
            again.bookings_anonymised
        ),
        (0, 0, 0)
    );
    store.drop_database().await;
}
