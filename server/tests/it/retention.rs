//! The retention sweep (AVG-14/15) with time travel: every rule one day
//! either side of the term, dry run against real run, a second run, an
//! interrupted run, and two schedulers racing. On SQLite and MariaDB.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, database, Backend};
use app::privacy::models::RetentionReport;
use app::privacy::rules::retention_cutoff;
use app::ssr::entities::{customer, erasure, job_run, order};
use app::ssr::services::privacy::ANONYMOUS_NAME;
use app::ssr::services::retention::{self, Mode};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeSet;
use winkel::jobs::scheduler::{run_if_due, Tick};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The instant the default term (7 years) ends for `as_of()`.
fn cutoff() -> NaiveDateTime {
    retention_cutoff(as_of(), 7)
}

fn noon(date: NaiveDateTime) -> NaiveDateTime {
    date.date().and_hms_opt(11, 0, 0).unwrap()
}

/// Midday on the day before the term ends: past it by a day.
fn past_by_a_day() -> NaiveDateTime {
    noon(cutoff() - Duration::days(1))
}

/// Midday on the day after the term ends: a day short of it.
fn short_by_a_day() -> NaiveDateTime {
    noon(cutoff() + Duration::days(2))
}

fn years_ago(years: i64) -> NaiveDateTime {
    noon(cutoff() + Duration::days(365 * (7 - years)))
}

async fn add_customer(
    db: &DatabaseConnection,
    name: &str,
    created: NaiveDateTime,
    account: Option<Option<NaiveDateTime>>,
) -> i32 {
    common::add_customer_at(db, name, "Test", created, account).await
}

async fn add_order(
    db: &DatabaseConnection,
    customer_id: Option<i32>,
    placed: NaiveDateTime,
) -> i32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    order::ActiveModel {
        token: Set(format!("{n:032x}")),
        customer_id: Set(customer_id),
        status: Set(app::cms::rules::OrderStatus::Completed),
        placed_at: Set(placed),
        delivery_method: Set(app::shop::rules::DeliveryMethod::Shipping),
        payment_method: Set(app::shop::rules::PaymentMethod::BankTransfer),
        subtotal_cents: Set(1000),
        shipping_cents: Set(495),
        vat_cents: Set(259),
        total_cents: Set(1495),
        recipient_name: Set("Anna Test".into()),
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

async fn sweep(db: &DatabaseConnection, mode: Mode) -> RetentionReport {
    let now = app::ssr::now_utc();
    let options = retention::Options {
        with_ids: true,
        batch: 100,
        ..retention::Options::new(mode)
    };
    retention::run_as_of(db, as_of(), options, now, &mut ())
        .await
        .expect("sweep")
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

async fn anonymised_order_ids(db: &DatabaseConnection) -> BTreeSet<i32> {
    order::Entity::find()
        .filter(order::Column::AnonymisedAt.is_not_null())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| {
            assert_eq!(o.recipient_name, ANONYMOUS_NAME);
            assert_eq!(o.customer_id, None);
            assert_eq!(o.street, "-");
            o.id
        })
        .collect()
}

/// No half-anonymised order: an order is either linked to an existing
/// customer with its address intact, or anonymised through and through;
/// every tombstone's customer is gone. With `no_orphans`, no order is left
/// without a customer unless it is anonymised.
async fn assert_consistent(db: &DatabaseConnection, no_orphans: bool) {
    let customers = customer_ids(db).await;
    for o in order::Entity::find().all(db).await.unwrap() {
        let placeholders =
            o.recipient_name == ANONYMOUS_NAME && o.street == "-" && o.postcode == "-";
        match (o.customer_id, o.anonymised_at) {
            (Some(id), None) => {
                assert!(customers.contains(&id), "order {} lost its customer", o.id);
                assert!(!placeholders, "order {} half anonymised", o.id);
            }
            (None, Some(_)) => assert!(placeholders, "order {} half anonymised", o.id),
            (None, None) => assert!(!no_orphans, "order {} orphaned", o.id),
            (Some(_), Some(_)) => panic!("order {} anonymised but still linked", o.id),
        }
    }
    for e in erasure::Entity::find().all(db).await.unwrap() {
        assert!(
            !customers.contains(&e.customer_id),
            "tombstone of a live customer"
        );
    }
}

async fn each_rule_one_day_either_side_of_the_term(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;

    // Without an account: the date added decides.
    let guest_past = add_customer(db, "GuestPast", past_by_a_day(), None).await;
    let guest_past_order = add_order(db, Some(guest_past), past_by_a_day()).await;
    let guest_short = add_customer(db, "GuestShort", short_by_a_day(), None).await;
    let guest_short_order = add_order(db, Some(guest_short), short_by_a_day()).await;

    // With an account: the last login decides.
    let account_past = add_customer(
        db,
        "AccountPast",
        years_ago(10),
        Some(Some(past_by_a_day())),
    )
    .await;
    let account_past_orders = [
        add_order(db, Some(account_past), years_ago(9)).await,
        add_order(db, Some(account_past), past_by_a_day() - Duration::days(3)).await,
    ];
    let account_short = add_customer(
        db,
        "AccountShort",
        years_ago(10),
        Some(Some(short_by_a_day())),
    )
    .await;
    let account_short_order = add_order(db, Some(account_short), years_ago(9)).await;

    // Never logged in: counts from the date added.
    let never_past = add_customer(db, "NeverPast", past_by_a_day(), Some(None)).await;
    let never_short = add_customer(db, "NeverShort", short_by_a_day(), Some(None)).await;

    // A recent login keeps the customer and their old orders.
    let recent = add_customer(db, "Recent", years_ago(11), Some(Some(years_ago(0)))).await;
    let recent_old_order = add_order(db, Some(recent), years_ago(10)).await;

    // Decision: an order younger than the term keeps its customer; the
    // customer's own orders past the term are anonymised (no account).
    let guest_with_young_order = add_customer(db, "GuestYoung", years_ago(9), None).await;
    let its_old_order = add_order(db, Some(guest_with_young_order), years_ago(9)).await;
    let its_young_order = add_order(db, Some(guest_with_young_order), short_by_a_day()).await;
    // Decision: an order that lost its customer is anonymised past the term.
    let orphan_past = add_order(db, None, past_by_a_day()).await;
    let orphan_short = add_order(db, None, short_by_a_day()).await;

    let report = sweep(db, Mode::Apply).await;

    let deleted: BTreeSet<i32> = [guest_past, account_past, never_past].into();
    let kept: BTreeSet<i32> = [
        guest_short,
        account_short,
        never_short,
        recent,
        guest_with_young_order,
    ]
    .into();
    assert_eq!(customer_ids(db).await, kept);
    let anonymised: BTreeSet<i32> = [
        guest_past_order,
        account_past_orders[0],
        account_past_orders[1],
        its_old_order,
        orphan_past,
    ]
    .into();
    assert_eq!(anonymised_order_ids(db).await, anonymised);
    for intact in [
        guest_short_order,
        account_short_order,
        recent_old_order,
        its_young_order,
    ] {
        let o = order::Entity::find_by_id(intact)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            o.anonymised_at.is_none() && o.customer_id.is_some(),
            "order {intact} must stay"
        );
        assert_eq!(o.recipient_name, "Anna Test");
    }
    let orphan = order::Entity::find_by_id(orphan_short)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        orphan.anonymised_at.is_none(),
        "an orphan order within the term stays as it is"
    );

    assert_eq!(report.customers_deleted, 3);
    assert_eq!(report.orders_anonymised, 5);
    assert_eq!(
        report.customer_ids.iter().copied().collect::<BTreeSet<_>>(),
        deleted
    );
    assert_eq!(
        report.order_ids.iter().copied().collect::<BTreeSet<_>>(),
        anonymised
    );
    // One tombstone per deleted customer, reason "retention".
    let tombstones = erasure::Entity::find().all(db).await.unwrap();
    assert_eq!(
        tombstones
            .iter()
            .map(|t| t.customer_id)
            .collect::<BTreeSet<_>>(),
        deleted
    );
    assert!(tombstones.iter().all(|t| t.reason == "retention"));
    assert_consistent(db, false).await;
    store.drop_database().await;
}

/// A made-up clientele over 12 years: roughly 5 in 12 customers past a
/// 7-year term.
async fn clientele(db: &DatabaseConnection, customers: u64, orders: u64) {
    winkel::jobs::population::population(db, customers, orders)
        .await
        .expect("seed customers");
}

async fn the_dry_run_predicts_the_real_run_and_a_second_run_does_nothing(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    clientele(db, 1000, 2500).await;
    let before_customers = customer_ids(db).await;

    let dry = sweep(db, Mode::DryRun).await;
    assert!(dry.dry_run);
    assert!(
        dry.customers_deleted > 150,
        "a 12-year spread has customers past 7 years: {}",
        dry.customers_deleted
    );
    assert!(dry.orders_anonymised > dry.customers_deleted / 2);
    assert_eq!(
        customer_ids(db).await,
        before_customers,
        "a dry run changes nothing"
    );
    assert!(anonymised_order_ids(db).await.is_empty());
    // The CMS preview counts in SQL what the dry run walks row by row.
    let preview = retention::count_affected(db, cutoff()).await.unwrap();
    assert_eq!(
        (preview.customers, preview.orders, preview.bookings),
        (
            dry.customers_deleted,
            dry.orders_anonymised,
            dry.bookings_anonymised
        )
    );

    let real = sweep(db, Mode::Apply).await;
    assert!(!real.dry_run);
    assert_eq!(real.customers_deleted, dry.customers_deleted);
    assert_eq!(real.orders_anonymised, dry.orders_anonymised);
    let sorted = |ids: &[i32]| ids.iter().copied().collect::<BTreeSet<_>>();
    assert_eq!(sorted(&real.customer_ids), sorted(&dry.customer_ids));
    assert_eq!(sorted(&real.order_ids), sorted(&dry.order_ids));
    let expected: BTreeSet<i32> = before_customers
        .difference(&sorted(&dry.customer_ids))
        .copied()
        .collect();
    assert_eq!(customer_ids(db).await, expected);
    assert_eq!(anonymised_order_ids(db).await, sorted(&dry.order_ids));
    assert_consistent(db, true).await;

    let again = sweep(db, Mode::Apply).await;
    assert_eq!((again.customers_deleted, again.orders_anonymised), (0, 0));
    store.drop_database().await;
}

/// The command line: `--dry-run --json` reports ids, the real run with the
/// same `--as-of` does exactly that, and a run killed with SIGKILL half-way
/// leaves no half-anonymised order; the next run completes it.
async fn the_command_line_sweep_survives_kill_9(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    clientele(db, 5000, 10000).await;
    let url = store.url();
    let winkel = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_winkel"));
        command
            .args(args)
            .env("DATABASE_URL", &url)
            .env("WINKEL_LOG", "warn")
            // Batches of 100 rows: several batches in a small clientele.
            .env("WINKEL_RETENTION_BATCH", "100")
            .current_dir(std::env::temp_dir());
        command
    };
    let as_of = as_of().to_string();
    let out = winkel(&["retention", "run", "--dry-run", "--json", "--as-of", &as_of])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dry: RetentionReport = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert!(
        dry.dry_run && dry.customers_deleted > 300,
        "{}",
        dry.customers_deleted
    );
    assert_eq!(dry.customer_ids.len() as u64, dry.customers_deleted);

    // Kill the real run as soon as its first batch is in.
    let mut child = winkel(&["retention", "run", "--as-of", &as_of])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    loop {
        if erasure::Entity::find().count(db).await.unwrap() > 0 {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended before it could be interrupted: {status}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partly = customer_ids(db).await;
    let deleted_so_far = 5000 - partly.len() as u64;
    assert!(
        deleted_so_far < dry.customers_deleted,
        "killed after {deleted_so_far} of {} deletions",
        dry.customers_deleted
    );
    assert_consistent(db, true).await;

    // Its lease still holds: a run now is refused, with the reason.
    let out = winkel(&["retention", "run", "--as-of", &as_of])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("running elsewhere"));
    // Five minutes later (time travel: the lease's expiry moved back) the
    // next run completes it: together exactly what the dry run said.
    use sea_orm::sea_query::Expr;
    app::ssr::entities::job_lease::Entity::update_many()
        .col_expr(
            app::ssr::entities::job_lease::Column::ExpiresAt,
            Expr::value(app::ssr::now_utc() - Duration::seconds(1)),
        )
        .exec(db)
        .await
        .unwrap();
    let out = winkel(&["retention", "run", "--as-of", &as_of])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let remaining = customer_ids(db).await;
    let predicted: BTreeSet<i32> = dry.customer_ids.iter().copied().collect();
    assert_eq!(remaining.len() as u64, 5000 - dry.customers_deleted);
    assert!(remaining.is_disjoint(&predicted));
    assert_eq!(
        anonymised_order_ids(db).await,
        dry.order_ids.iter().copied().collect::<BTreeSet<_>>()
    );
    assert_consistent(db, true).await;
    store.drop_database().await;
}

async fn two_schedulers_run_the_nightly_sweep_once(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    // A second instance: its own connection pool on the same database.
    let other = winkel::db::connect(&store.url()).await.unwrap();
    let old = add_customer(db, "Old", years_ago(12), None).await;
    add_order(db, Some(old), years_ago(12)).await;

    let three = NaiveTime::from_hms_opt(3, 0, 0).unwrap();
    let job = winkel::jobs::retention::nightly(three);
    // 29 Nov 2026, 03:00 in Amsterdam is 02:00 UTC; the instances wake at 02:01.
    let night = NaiveDate::from_ymd_opt(2026, 11, 29)
        .unwrap()
        .and_hms_opt(2, 1, 0)
        .unwrap();
    let (a, b) = tokio::join!(
        run_if_due(db, &job, "instance-a", night),
        run_if_due(&other, &job, "instance-b", night)
    );
    let ticks = [a.unwrap(), b.unwrap()];
    let ran: Vec<&Tick> = ticks.iter().filter(|t| matches!(t, Tick::Ran(_))).collect();
    assert_eq!(ran.len(), 1, "exactly one instance runs it: {ticks:?}");
    let Tick::Ran(Ok(outcome)) = ran[0] else {
        panic!("the sweep failed: {ticks:?}")
    };
    assert_eq!((outcome.deleted, outcome.anonymised), (1, 1));

    // Later that night and the next morning: done already.
    for later in [night + Duration::minutes(1), night + Duration::hours(9)] {
        assert_eq!(
            run_if_due(&other, &job, "instance-b", later).await.unwrap(),
            Tick::Done
        );
        assert_eq!(
            run_if_due(db, &job, "instance-a", later).await.unwrap(),
            Tick::Done
        );
    }
    // After three nights of downtime the missed sweep runs once, at start.
    let back = night + Duration::days(3) + Duration::hours(8);
    let caught_up = run_if_due(&other, &job, "instance-b", back).await.unwrap();
    assert!(matches!(caught_up, Tick::Ran(Ok(_))), "{caught_up:?}");
    assert_eq!(
        run_if_due(db, &job, "instance-a", back).await.unwrap(),
        Tick::Done
    );

    let runs = job_run::Entity::find()
        .filter(job_run::Column::Job.eq("retention"))
        .order_by_asc(job_run::Column::StartedAt)
        .all(db)
        .await
        .unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].deleted, runs[0].anonymised), (1, 1));
    assert!(runs
        .iter()
        .all(|r| r.finished_at.is_some() && r.error.is_none()));
    other.close().await.unwrap();
    store.drop_database().await;
}

async fn a_killed_run_is_picked_up_once_its_lease_expires(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    let three = NaiveTime::from_hms_opt(3, 0, 0).unwrap();
    let job = winkel::jobs::retention::nightly(three);
    let night = NaiveDate::from_ymd_opt(2026, 11, 29)
        .unwrap()
        .and_hms_opt(2, 1, 0)
        .unwrap();
    // An instance took the lease and recorded a start, then died.
    use app::ssr::services::jobs;
    assert!(jobs::try_lease(
        db,
        "retention",
        "dead",
        night,
        winkel::jobs::scheduler::LEASE_TTL
    )
    .await
    .unwrap());
    jobs::start_run(db, "retention", night).await.unwrap();

    let soon = night + Duration::minutes(2);
    assert_eq!(
        run_if_due(db, &job, "alive", soon).await.unwrap(),
        Tick::Busy
    );
    let expired = night + winkel::jobs::scheduler::LEASE_TTL + Duration::minutes(1);
    assert!(matches!(
        run_if_due(db, &job, "alive", expired).await.unwrap(),
        Tick::Ran(Ok(_))
    ));
    store.drop_database().await;
}

on_both_databases!(
    each_rule_one_day_either_side_of_the_term,
    the_dry_run_predicts_the_real_run_and_a_second_run_does_nothing,
    the_command_line_sweep_survives_kill_9,
    two_schedulers_run_the_nightly_sweep_once,
    a_killed_run_is_picked_up_once_its_lease_expires,
);
