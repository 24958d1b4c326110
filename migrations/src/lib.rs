//! The Winkel schema, identical on SQLite and MariaDB/MySQL.
//!
//! The whole data model of SPEC.md is laid down here once: the shop
//! (catalogue, customers, orders, bookings), the platform (settings,
//! sessions, pages), the CMS (staff, rights, audit log) and the privacy jobs
//! (erasure tombstones, job runs, leases, questions).
//!
//! Privacy rule (AVG-4): personal data lives only in `customers`, in the
//! address snapshot of `orders` (an invoice must keep the address it was
//! issued to; anonymisation overwrites it), in the buyer snapshot of
//! `invoices` (kept for the fiscal term, see `m20261207_000011_invoices`),
//! in `questions.body`, in `outbox` until a mail is sent (its recipient,
//! text and HTML part; erased with the customer), and in an order's
//! track-and-trace link (a carrier's link may hold the postcode;
//! anonymisation clears it). `bookings` hold none (AVG-5): the item, the slot, places, a
//! price snapshot, the status, a public token and the link to the customer,
//! removed when the customer is erased; the other booking tables
//! (`bookable_items`, `booking_hours`, `booking_dates`, `booking_closures`,
//! `booking_slots`) describe what can be booked and how many places are
//! taken, not who took them. `orders`, `bookings` and `questions` record
//! the language they were made in (`locale`): of the order, never of the
//! customer. `shipping_zones` hold the owner's rates per country, no
//! personal data. `audit_log` and `audit_subjects` record which member
//! saw or changed which record and whose it was: ids only.
//! `privacy_requests` (a mailed link to see or erase what an address
//! holds) and `consent_withdrawals` (a withdrawn newsletter consent,
//! replayed after a restore) hold a customer id, a hash and dates, nothing
//! personal. `cache_generations` counts changes to the catalogue, so that
//! several instances drop their caches together. No table has a column for an IP address, a location, payment
//! card details or any other category AVG-8 forbids.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_catalog;
mod m20261129_000002_customers_orders;
mod m20261129_000003_platform;
mod m20261129_000004_cms;
mod m20261129_000005_privacy_jobs;
mod m20261129_000006_security_counts;
mod m20261204_000007_hostile_visitors;
mod m20261205_000008_bookings;
mod m20261206_000009_record_locale;
mod m20261206_000010_english_content;
mod m20261207_000011_invoices;
mod m20261207_000012_order_mails;
mod m20261207_000013_shipping;
mod m20261207_000014_stock_alerts;
mod m20261208_000015_staff_totp;
mod m20261208_000016_audit_reads;
mod m20261208_000017_privacy_requests;
mod m20261208_000018_monitoring;
mod m20261209_000019_cache_generations;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_catalog::Migration),
            Box::new(m20261129_000002_customers_orders::Migration),
            Box::new(m20261129_000003_platform::Migration),
            Box::new(m20261129_000004_cms::Migration),
            Box::new(m20261129_000005_privacy_jobs::Migration),
            Box::new(m20261129_000006_security_counts::Migration),
            Box::new(m20261204_000007_hostile_visitors::Migration),
            Box::new(m20261205_000008_bookings::Migration),
            Box::new(m20261206_000009_record_locale::Migration),
            Box::new(m20261206_000010_english_content::Migration),
            Box::new(m20261207_000011_invoices::Migration),
            Box::new(m20261207_000012_order_mails::Migration),
            Box::new(m20261207_000013_shipping::Migration),
            Box::new(m20261207_000014_stock_alerts::Migration),
            Box::new(m20261208_000015_staff_totp::Migration),
            Box::new(m20261208_000016_audit_reads::Migration),
            Box::new(m20261208_000017_privacy_requests::Migration),
            Box::new(m20261208_000018_monitoring::Migration),
            Box::new(m20261209_000019_cache_generations::Migration),
        ]
    }
}

/// Name of the newest migration: the schema version a backup carries.
/// Tables a migration fills with defaults (the shipping rates and the
/// terms pages of migration 13): a freshly migrated database has rows
/// there and is still empty as far as a restore is concerned, which
/// replaces them with the backup's.
pub const SEEDED_TABLES: [&str; 2] = ["shipping_zones", "pages"];

pub fn latest_version() -> String {
    Migrator::migrations()
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_default()
}

pub(crate) fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

pub(crate) fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(on_delete)
        .to_owned()
}
