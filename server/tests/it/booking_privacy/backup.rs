//! The backup holds the booking tables (it dumps the schema generically),
//! and a restore replays an erasure made after the backup onto the
//! bookings.

use super::{add_booking, add_customer, add_item, at, booking_row};
use crate::common::{self, database, dump_all_text, Backend};
use app::ssr::entities::{booking_closure, booking_date, booking_hour, booking_slot, customer};
use app::ssr::services::privacy::{self, ErasureReason};
use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use winkel::jobs::backup::{self, BackupConfig, RestoreOptions};

on_both_databases!(backup_holds_bookings_and_restore_replays_erasure_onto_them);

/// Every row of the booking tables as text, sorted.
async fn booking_tables(db: &DatabaseConnection) -> Vec<String> {
    let mut lines: Vec<String> = dump_all_text(db)
        .await
        .lines()
        .filter(|l| l.starts_with("booking") || l.starts_with("bookable_items:"))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

async fn backup_holds_bookings_and_restore_replays_erasure_onto_them(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    let item = add_item(db).await;
    booking_hour::ActiveModel {
        item_id: Set(item),
        weekday: Set(5),
        opens_minute: Set(10 * 60),
        closes_minute: Set(16 * 60),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    booking_date::ActiveModel {
        item_id: Set(item),
        starts_at: Set(at(2026, 12, 14, 18)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    booking_closure::ActiveModel {
        item_id: Set(None),
        closed_on: Set(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    booking_slot::ActiveModel {
        item_id: Set(item),
        starts_at: Set(at(2026, 12, 14, 18)),
        places_taken: Set(2),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let guest = add_customer(db, "Gast", at(2026, 11, 1, 9), None).await;
    let stays = add_customer(db, "Blijft", at(2026, 11, 1, 9), None).await;
    let erased_booking = add_booking(
        db,
        item,
        Some(guest),
        at(2026, 11, 2, 9),
        at(2026, 12, 14, 18),
    )
    .await;
    let kept_booking = add_booking(
        db,
        item,
        Some(stays),
        at(2026, 11, 3, 9),
        at(2026, 12, 14, 18),
    )
    .await;
    let before = booking_tables(db).await;

    let root = std::env::temp_dir().join(common::unique("winkel_booking_backup"));
    let uploads = root.join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    let config = BackupConfig {
        dir: root.join("backups"),
        uploads_dir: uploads.clone(),
        public_dirs: vec![],
        age_recipient: None,
        age_identity: None,
    };
    let created = backup::create(db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    // The backup dumps the schema generically: every booking table is in it.
    let rows = |name: &str| {
        created
            .manifest
            .tables
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.rows)
    };
    for (table, count) in [
        ("bookable_items", 1),
        ("booking_hours", 1),
        ("booking_dates", 1),
        ("booking_closures", 1),
        ("booking_slots", 1),
        ("bookings", 2),
    ] {
        assert_eq!(rows(table), Some(count), "{table} in the backup");
    }

    // The guest is erased after the backup; the restore brings their
    // booking back linked, and the replay unlinks it again.
    let erased_at = app::ssr::now_utc() + Duration::seconds(2);
    privacy::erase_customers(db, &[guest], ErasureReason::OwnRequest, erased_at)
        .await
        .unwrap();
    let options = RestoreOptions {
        yes: true,
        uploads_dir: uploads.clone(),
        age_identity: None,
        show_progress: false,
    };
    let report = backup::restore(db, &created.path, &[], &options)
        .await
        .unwrap();
    assert_eq!(report.erased_again, 1);
    assert!(customer::Entity::find_by_id(guest)
        .one(db)
        .await
        .unwrap()
        .is_none());
    let row = booking_row(db, erased_booking).await;
    assert_eq!(row.customer_id, None);
    assert_eq!(
        row.anonymised_at.map(|t| t.and_utc().timestamp()),
        Some(erased_at.and_utc().timestamp()),
        "anonymised as of the erasure"
    );
    assert_eq!(booking_row(db, kept_booking).await.customer_id, Some(stays));
    // Everything else of the booking tables is back as it was.
    let after = booking_tables(db).await;
    let changed: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    assert_eq!(
        changed.len(),
        1,
        "only the erased booking differs: {changed:?}"
    );
    assert!(changed[0].starts_with(&format!("bookings:{erased_booking}|")));

    let _ = std::fs::remove_dir_all(&root);
    store.drop_database().await;
}
