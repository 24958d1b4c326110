#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Backups (AVG-20): create → wipe → restore gives back every table; a
//! SQLite backup restores into MariaDB; a damaged file changes nothing;
//! rotation keeps the configured count; an erasure made after a backup
//! survives its restore.

use crate::common;

use crate::common::{database, dump_all_text, Backend, TestDb};
use chrono::{Duration, NaiveDateTime};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement, TransactionTrait};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use winkel::jobs::backup::{self, format, read, BackupConfig, BackupError, RestoreOptions};

/// A path of its own under the temporary folder (numbered by the harness,
/// whose own `winkel_uploads_*` folders share the process and the prefix).
fn temp_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(common::unique(&format!("winkel_{what}")))
}

/// A shop with data in nearly every table: the demo catalogue with its
/// pictures, customers with orders, staff, a question, settings.
async fn shop(backend: Backend) -> Option<(TestDb, PathBuf)> {
    let store = database(backend).await?;
    let db = &store.db;
    let uploads = temp_dir("uploads");
    winkel::jobs::seed::demo(db, &uploads).await.unwrap();
    winkel::jobs::population::population(db, 40, 90)
        .await
        .unwrap();
    common::add_staff(
        db,
        "eigenaar@example.nl",
        "een lang en sterk wachtwoord",
        true,
        &[],
    )
    .await;
    let txn = db.begin().await.unwrap();
    app::ssr::services::settings::save(
        &txn,
        &app::cms::models::SettingsInput {
            shop_name: "Winkel Test".into(),
            contact_email: "info@example.nl".into(),
            retention_years: "7".into(),
            backups_keep: "7".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    db.execute_unprepared(
        "INSERT INTO questions (customer_id, body, status, created_at) \
         SELECT MIN(id), 'Wanneer komt mijn bestelling?', 'open', '2026-11-01 10:00:00' FROM customers",
    )
    .await
    .unwrap();
    Some((store, uploads))
}

fn config(uploads: &Path) -> BackupConfig {
    BackupConfig {
        dir: temp_dir("backups"),
        uploads_dir: uploads.to_path_buf(),
        public_dirs: vec![],
        age_recipient: None,
        age_identity: None,
    }
}

/// Every row of every table as text, sorted; without the tables a backup
/// leaves out by design (sessions, job leases) and the migration record.
async fn contents(db: &DatabaseConnection) -> Vec<String> {
    let mut lines: Vec<String> = dump_all_text(db)
        .await
        .lines()
        .filter(|l| {
            !format::NOT_BACKED_UP
                .iter()
                .any(|t| l.starts_with(&format!("{t}:")))
        })
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

fn options(uploads: &Path, yes: bool) -> RestoreOptions {
    RestoreOptions {
        yes,
        uploads_dir: uploads.to_path_buf(),
        age_identity: None,
        show_progress: false,
    }
}

async fn round_trip(backend: Backend) {
    let Some((store, uploads)) = shop(backend).await else {
        return;
    };
    let db = &store.db;
    let config = config(&uploads);
    let before = contents(db).await;
    assert!(before.iter().any(|l| l.starts_with("customers:")));
    assert!(before.iter().any(|l| l.starts_with("questions:")));

    let created = backup::create(db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    // Every table of the schema is in the backup, except the three left
    // out on purpose: a new table that is not backed up fails here.
    let mut covered: Vec<String> = created
        .manifest
        .tables
        .iter()
        .map(|t| t.name.clone())
        .chain(format::NOT_BACKED_UP.iter().map(ToString::to_string))
        .collect();
    covered.sort();
    assert_eq!(covered, backup::all_tables(db).await.unwrap());
    let customers = created
        .manifest
        .tables
        .iter()
        .find(|t| t.name == "customers")
        .unwrap();
    assert_eq!(customers.rows, 40);
    assert!(!created.manifest.files.is_empty(), "uploads are included");
    let mode = std::fs::metadata(&created.path).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    assert_eq!(
        backup::list(&config.dir).unwrap(),
        vec![backup::Listed {
            name: created.name.clone(),
            size: created.size
        }]
    );
    assert_eq!(
        read::verify_file(&created.path, None).unwrap(),
        created.manifest
    );

    // Wipe: change and remove data, then restore over it.
    db.execute_unprepared("DELETE FROM order_lines")
        .await
        .unwrap();
    db.execute_unprepared("UPDATE customers SET city = 'Elders'")
        .await
        .unwrap();
    let wiped_uploads = temp_dir("uploads_restored");
    let refused = backup::restore(db, &created.path, &[], &options(&wiped_uploads, false)).await;
    assert!(matches!(refused, Err(BackupError::NotEmpty)), "{refused:?}");
    assert!(
        refused.unwrap_err().to_string().contains("--yes"),
        "says how to go on"
    );
    let report = backup::restore(db, &created.path, &[], &options(&wiped_uploads, true))
        .await
        .unwrap();
    assert_eq!(report.erased_again, 0);
    assert_eq!(contents(db).await, before);
    // Same rows, same checksums: a backup of the restored database has the
    // same manifest tables.
    let again = backup::create(
        db,
        &config,
        7,
        app::ssr::now_utc() + Duration::seconds(1),
        false,
    )
    .await
    .unwrap();
    assert_eq!(again.manifest.tables, created.manifest.tables);
    for file in &created.manifest.files {
        assert_eq!(
            std::fs::read(wiped_uploads.join(&file.path)).unwrap(),
            std::fs::read(uploads.join(&file.path)).unwrap()
        );
    }

    // Into an empty database.
    let empty = database(backend).await.unwrap();
    backup::restore(
        &empty.db,
        &created.path,
        &[],
        &options(&wiped_uploads, false),
    )
    .await
    .unwrap();
    assert_eq!(contents(&empty.db).await, before);
    // The restored database keeps working: new rows get fresh ids.
    common::add_staff(
        &empty.db,
        "tweede@example.nl",
        "nog een lang en sterk wachtwoord",
        false,
        &[],
    )
    .await;

    empty.drop_database().await;
    let _ = std::fs::remove_dir_all(&config.dir);
    let _ = std::fs::remove_dir_all(&uploads);
    let _ = std::fs::remove_dir_all(&wiped_uploads);
    store.drop_database().await;
}

async fn damaged_files_change_nothing(backend: Backend) {
    let Some((store, uploads)) = shop(backend).await else {
        return;
    };
    let db = &store.db;
    let config = config(&uploads);
    let created = backup::create(db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    db.execute_unprepared("UPDATE customers SET city = 'Na de back-up'")
        .await
        .unwrap();
    let before = contents(db).await;
    let bytes = std::fs::read(&created.path).unwrap();

    let truncated = config.dir.join("truncated.winkel-backup.zst");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let corrupt = config.dir.join("corrupt.winkel-backup.zst");
    std::fs::write(&corrupt, &flipped).unwrap();
    let empty = config.dir.join("empty.winkel-backup.zst");
    std::fs::write(&empty, b"").unwrap();

    for bad in [&truncated, &corrupt, &empty] {
        let verified = read::verify_file(bad, None);
        assert!(verified.is_err(), "{} verifies", bad.display());
        let error = backup::restore(db, bad, &[], &options(&uploads, true))
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("nothing was changed")
                && (message.contains("damaged") || message.contains("incomplete")),
            "{}: {message}",
            bad.display()
        );
        assert_eq!(contents(db).await, before, "{}", bad.display());
    }

    let _ = std::fs::remove_dir_all(&config.dir);
    let _ = std::fs::remove_dir_all(&uploads);
    store.drop_database().await;
}

async fn rotation_keeps_the_configured_count(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    let uploads = temp_dir("uploads");
    let config = config(&uploads);
    std::fs::create_dir_all(&config.dir).unwrap();
    // What a crashed run leaves behind never counts and is cleaned up.
    let stale = config.dir.join(".tmp-20000101T000000Z.winkel-backup.zst");
    std::fs::write(&stale, b"half").unwrap();
    let start = NaiveDateTime::parse_from_str("2026-11-01 04:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    let mut names = Vec::new();
    for day in 0..9 {
        let keep = backup::create::keep_count(db).await.unwrap();
        assert_eq!(keep, 7, "the default of the settings");
        let created = backup::create(db, &config, keep, start + Duration::days(day), false)
            .await
            .unwrap();
        names.push(created.name);
    }
    assert!(!stale.exists());
    let listed: Vec<String> = backup::list(&config.dir)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(listed, names[2..].to_vec(), "the newest 7, oldest first");
    let mode = std::fs::metadata(&config.dir).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o700
    );

    // The count comes from the CMS settings.
    let txn = db.begin().await.unwrap();
    app::ssr::services::settings::save(
        &txn,
        &app::cms::models::SettingsInput {
            shop_name: "Winkel".into(),
            contact_email: "".into(),
            retention_years: "7".into(),
            backups_keep: "3".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let keep = backup::create::keep_count(db).await.unwrap();
    let created = backup::create(db, &config, keep, start + Duration::days(9), false)
        .await
        .unwrap();
    let listed: Vec<String> = backup::list(&config.dir)
        .unwrap()
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed.last(), Some(&created.name));
    assert_eq!(created.removed.len(), 5);

    let _ = std::fs::remove_dir_all(&config.dir);
    store.drop_database().await;
}

async fn erased_customers_stay_erased(backend: Backend) {
    use app::ssr::entities::{customer, erasure, order};
    use app::ssr::services::privacy::{self, ErasureReason};
    use sea_orm::{ColumnTrait, QueryFilter};
    let Some((store, uploads)) = shop(backend).await else {
        return;
    };
    let db = &store.db;
    let config = config(&uploads);
    let created = backup::create(db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    // A customer with orders asks to be erased after the backup.
    let with_orders: i32 = order::Entity::find()
        .filter(order::Column::CustomerId.is_not_null())
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap();
    let their_orders: Vec<i32> = order::Entity::find()
        .filter(order::Column::CustomerId.eq(with_orders))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let erased_at = app::ssr::now_utc() + Duration::seconds(2);
    privacy::erase_customers(db, &[with_orders], ErasureReason::OwnRequest, erased_at)
        .await
        .unwrap();
    // And a customer who did not exist at backup time came and went.
    privacy::erase_customers(db, &[90_000], ErasureReason::Staff, erased_at)
        .await
        .unwrap();

    let check = |db: DatabaseConnection, their_orders: Vec<i32>| async move {
        assert!(customer::Entity::find_by_id(with_orders)
            .one(&db)
            .await
            .unwrap()
            .is_none());
        let orders = order::Entity::find()
            .filter(order::Column::Id.is_in(their_orders))
            .all(&db)
            .await
            .unwrap();
        assert!(!orders.is_empty());
        assert!(orders.iter().all(|o| o.customer_id.is_none()
            && o.anonymised_at.is_some()
            && o.recipient_name == privacy::ANONYMOUS_NAME));
        let tombstones = erasure::Entity::find().all(&db).await.unwrap();
        assert!(tombstones.iter().any(|t| t.customer_id == with_orders));
        assert!(tombstones.iter().any(|t| t.customer_id == 90_000));
    };

    // Over the same database.
    let report = backup::restore(db, &created.path, &[], &options(&uploads, true))
        .await
        .unwrap();
    assert_eq!(report.erased_again, 1);
    assert_eq!(report.tombstones, 2);
    check(db.clone(), their_orders.clone()).await;
    let erasures = count(
        db,
        &format!("SELECT COUNT(*) FROM erasures WHERE customer_id IN ({with_orders}, 90000)"),
    )
    .await;
    assert_eq!(erasures, 2, "replayed once, not duplicated");

    // Into another (empty) database: the erasures come from the shop's own.
    let other = database(backend).await.unwrap();
    backup::restore(
        &other.db,
        &created.path,
        std::slice::from_ref(db),
        &options(&uploads, false),
    )
    .await
    .unwrap();
    check(other.db.clone(), their_orders.clone()).await;

    other.drop_database().await;
    let _ = std::fs::remove_dir_all(&config.dir);
    let _ = std::fs::remove_dir_all(&uploads);
    store.drop_database().await;
}

async fn newer_schemas_are_refused(backend: Backend) {
    let Some(store) = database(backend).await else {
        return;
    };
    let db = &store.db;
    let uploads = temp_dir("uploads");
    let config = config(&uploads);
    let created = backup::create(db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    let text =
        String::from_utf8(zstd::decode_all(std::fs::File::open(&created.path).unwrap()).unwrap())
            .unwrap()
            .replace(&migrations::latest_version(), "m29990101_000001_future");
    let future = config.dir.join("future.winkel-backup.zst");
    std::fs::write(&future, zstd::encode_all(text.as_bytes(), 3).unwrap()).unwrap();
    assert!(read::verify_file(&future, None).is_ok());
    let error = backup::restore(db, &future, &[], &options(&uploads, true))
        .await
        .unwrap_err();
    assert!(matches!(error, BackupError::NewerSchema { .. }), "{error}");
    assert!(error.to_string().contains("newer"), "{error}");
    let _ = std::fs::remove_dir_all(&config.dir);
    store.drop_database().await;
}

/// The scheduler's nightly backup runs once a night on one instance, is
/// recorded with its name, size and "verified", and the CMS dashboard and
/// settings screen show it.
async fn nightly_backup_is_recorded_and_shown(backend: Backend) {
    use winkel::jobs::scheduler::{run_if_due, Tick};
    let Some(app) = common::TestApp::start(backend).await else {
        return;
    };
    let config = config(&app.uploads);
    let job = backup::nightly(
        chrono::NaiveTime::from_hms_opt(4, 0, 0).unwrap(),
        config.clone(),
    );
    // 05:00 in Amsterdam (winter): the night's run is due.
    let now = NaiveDateTime::parse_from_str("2026-11-29 04:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
    let tick = run_if_due(&app.db, &job, "test-a", now).await.unwrap();
    let Tick::Ran(Ok(outcome)) = tick else {
        panic!("the backup did not run: {tick:?}");
    };
    let listed = backup::list(&config.dir).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "20261129T040000Z.winkel-backup.zst");
    let detail = outcome.detail.unwrap();
    assert!(
        detail.starts_with(&listed[0].name) && detail.ends_with("geverifieerd"),
        "{detail}"
    );
    // Done for tonight, on this and on any other instance.
    let again = run_if_due(&app.db, &job, "test-b", now + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(again, Tick::Done);
    assert_eq!(backup::list(&config.dir).unwrap().len(), 1);

    common::add_staff(
        &app.db,
        "owner@example.nl",
        "een lang en sterk wachtwoord",
        true,
        &[],
    )
    .await;
    let mut owner = app.client();
    let login = owner
        .call(
            "cms_login",
            &[
                ("email", "owner@example.nl"),
                ("password", "een lang en sterk wachtwoord"),
            ],
        )
        .await;
    assert_eq!(login.status, axum::http::StatusCode::OK, "{}", login.body);
    let status = owner.call("cms_backup_status", &[]).await.json();
    assert_eq!(status["keep"], 7);
    assert_eq!(status["last"]["ok"], true);
    assert_eq!(status["last"]["summary"], detail.as_str());
    let dashboard = owner.call("cms_dashboard", &[]).await.json();
    assert_eq!(dashboard["last_backup"]["summary"], detail.as_str());
    // Someone outside the CMS sees nothing of it.
    let anonymous = app.client().call("cms_backup_status", &[]).await;
    assert_ne!(anonymous.status, axum::http::StatusCode::OK);

    let _ = std::fs::remove_dir_all(&config.dir);
    app.finish().await;
}

/// A backup from an older schema is restored at its version, migrated up,
/// and the erasures made since are replayed on the migrated database.
async fn older_backups_are_migrated_up(backend: Backend) {
    use migrations::{Migrator, MigratorTrait};
    let Some(old) = database(backend).await else {
        return;
    };
    // The schema before bookings (000008): every later migration undone
    // (counted, so that a newer migration does not move what is tested).
    const OLDER: &str = "m20261204_000007_hostile_visitors";
    let newer = Migrator::migrations()
        .iter()
        .rev()
        .take_while(|m| m.name() != OLDER)
        .count();
    Migrator::down(&old.db, Some(u32::try_from(newer).unwrap()))
        .await
        .unwrap();
    old.db
        .execute_unprepared(
            "INSERT INTO categories (id, name, slug, position) VALUES (7, 'Oud', 'oud', 1)",
        )
        .await
        .unwrap();
    old.db
        .execute_unprepared(
            "INSERT INTO customers (id, first_name, last_name, email, phone, street, house_number, \
             postcode, city, country, created_at) VALUES (1, 'Oud', 'Klant', 'oud@example.nl', \
             '0612345678', 'Straat', '1', '1234 AB', 'Utrecht', 'NL', '2026-01-01 10:00:00')",
        )
        .await
        .unwrap();
    let uploads = temp_dir("uploads");
    let config = config(&uploads);
    let created = backup::create(&old.db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    assert_eq!(
        created.manifest.migration_version, OLDER,
        "the backup carries the database's own version"
    );
    // A later migration's table is not in the older schema.
    assert!(!created
        .manifest
        .tables
        .iter()
        .any(|t| t.name == "booking_slots"));

    let Some((store, shop_uploads)) = shop(backend).await else {
        return;
    };
    let db = &store.db;
    app::ssr::services::privacy::erase_customers(
        db,
        &[1],
        app::ssr::services::privacy::ErasureReason::OwnRequest,
        app::ssr::now_utc() + Duration::seconds(2),
    )
    .await
    .unwrap();
    let report = backup::restore(db, &created.path, &[], &options(&shop_uploads, true))
        .await
        .unwrap();
    assert_eq!(report.erased_again, 1);
    assert_eq!(count(db, "SELECT COUNT(*) FROM categories").await, 1);
    assert_eq!(count(db, "SELECT COUNT(*) FROM customers").await, 0);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM erasures WHERE customer_id = 1").await,
        1
    );
    let applied = backup::applied_migrations(db).await.unwrap();
    assert_eq!(applied.last(), Some(&migrations::latest_version()));
    // Migrated up: the restored rows have the newest column, at its default.
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders WHERE locale <> 'nl'").await,
        0
    );

    old.drop_database().await;
    let _ = std::fs::remove_dir_all(&config.dir);
    let _ = std::fs::remove_dir_all(&shop_uploads);
    store.drop_database().await;
}

/// With a recipient configured, backups are encrypted with age: unreadable
/// without the identity, restorable with it, refused with another one.
async fn encrypted_backups_need_the_identity(backend: Backend) {
    use age::secrecy::ExposeSecret;
    let Some((store, uploads)) = shop(backend).await else {
        return;
    };
    let db = &store.db;
    let key = age::x25519::Identity::generate();
    let keys = temp_dir("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let identity = keys.join("backup.key");
    std::fs::write(&identity, format!("{}\n", key.to_string().expose_secret())).unwrap();
    let other = keys.join("other.key");
    std::fs::write(
        &other,
        format!(
            "{}\n",
            age::x25519::Identity::generate()
                .to_string()
                .expose_secret()
        ),
    )
    .unwrap();
    let mut config = config(&uploads);
    config.age_recipient = Some(key.to_public().to_string());

    // The server holds only the public key: written, header checked.
    let blind = backup::create(db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();
    assert!(
        blind.name.ends_with(".winkel-backup.zst.age"),
        "{}",
        blind.name
    );
    assert!(!blind.verified);
    assert!(blind.summary().contains("niet te verifiëren"));
    let bytes = std::fs::read(&blind.path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!String::from_utf8_lossy(&bytes).contains("customers"));

    // With the identity at hand the backup is verified completely.
    config.age_identity = Some(identity.clone());
    let created = backup::create(
        db,
        &config,
        7,
        app::ssr::now_utc() + Duration::seconds(1),
        false,
    )
    .await
    .unwrap();
    assert!(created.verified);
    assert_eq!(backup::list(&config.dir).unwrap().len(), 2);

    let error = read::verify_file(&created.path, None).unwrap_err();
    assert!(
        error.to_string().contains("WINKEL_BACKUP_AGE_IDENTITY"),
        "{error}"
    );
    let error = read::verify_file(&created.path, Some(&other)).unwrap_err();
    assert!(error.to_string().contains("another key"), "{error}");
    assert_eq!(
        read::verify_file(&blind.path, Some(&identity)).unwrap(),
        blind.manifest
    );

    let before = contents(db).await;
    let empty = database(backend).await.unwrap();
    let mut with_key = options(&temp_dir("uploads_restored"), false);
    with_key.age_identity = Some(identity.clone());
    backup::restore(&empty.db, &created.path, &[], &with_key)
        .await
        .unwrap();
    assert_eq!(contents(&empty.db).await, before);

    empty.drop_database().await;
    let _ = std::fs::remove_dir_all(&keys);
    let _ = std::fs::remove_dir_all(&config.dir);
    let _ = std::fs::remove_dir_all(&uploads);
    store.drop_database().await;
}

on_both_databases!(
    encrypted_backups_need_the_identity,
    older_backups_are_migrated_up,
    nightly_backup_is_recorded_and_shown,
    round_trip,
    damaged_files_change_nothing,
    rotation_keeps_the_configured_count,
    erased_customers_stay_erased,
    newer_schemas_are_refused,
);

/// A SQLite shop moves to MariaDB through a backup, every value intact
/// (MariaDB keeps whole seconds of a time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_restores_into_mariadb() {
    common::within_a_minute(async {
        let Some((sqlite, uploads)) = shop(Backend::Sqlite).await else {
            return;
        };
        let Some(mariadb) = database(Backend::MariaDb).await else {
            sqlite.drop_database().await;
            return;
        };
        let config = config(&uploads);
        let from = backup::create(&sqlite.db, &config, 7, app::ssr::now_utc(), false)
            .await
            .unwrap();
        backup::restore(
            &mariadb.db,
            &from.path,
            &[],
            &options(&temp_dir("up"), false),
        )
        .await
        .unwrap();
        let to = backup::create(
            &mariadb.db,
            &config,
            7,
            app::ssr::now_utc() + Duration::seconds(1),
            false,
        )
        .await
        .unwrap();
        assert_eq!(rows_of(&to.path), rows_of(&from.path));
        let counts = |m: &format::Manifest| {
            m.tables
                .iter()
                .map(|t| (t.name.clone(), t.rows))
                .collect::<Vec<_>>()
        };
        assert_eq!(counts(&to.manifest), counts(&from.manifest));
        let _ = std::fs::remove_dir_all(&config.dir);
        let _ = std::fs::remove_dir_all(&uploads);
        mariadb.drop_database().await;
        sqlite.drop_database().await;
    })
    .await;
}

/// Every row of a backup per table, times cut to whole seconds.
fn rows_of(path: &Path) -> BTreeMap<String, Vec<Vec<format::Cell>>> {
    use chrono::Timelike;
    let mut reader = read::open(path, None, true).unwrap();
    let mut tables: BTreeMap<String, Vec<Vec<format::Cell>>> = BTreeMap::new();
    let mut current = String::new();
    while let Some(event) = reader.next_event().unwrap() {
        match event {
            read::Event::Table { name, .. } => {
                current = name.clone();
                tables.entry(name).or_default();
            }
            read::Event::Row(Some(cells)) => {
                let cells = cells
                    .into_iter()
                    .map(|c| match c {
                        format::Cell::DateTime(d) => {
                            format::Cell::DateTime(d.with_nanosecond(0).unwrap())
                        }
                        other => other,
                    })
                    .collect();
                tables.get_mut(&current).unwrap().push(cells);
            }
            _ => {}
        }
    }
    tables
}
