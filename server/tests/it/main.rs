//! The integration tests: one binary, one module per area, so that the
//! whole app is linked once instead of once per area.
//!
//! The areas run side by side in this one process. What belongs to the
//! process rather than to a test (the password hashing gate, the global
//! log) is handled in `common`: a test that counts or fills it runs alone.
//! No test sets environment variables; configuration is passed to the app
//! explicitly (`TestApp::start_with`).

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[macro_use]
mod common;

mod account;
mod audit_reads;
mod backup;
mod booking_privacy;
mod bookings;
mod cms;
mod cms_bookings;
mod cms_customers;
mod cms_orders;
mod compression;
mod concurrent_sessions;
mod config;
mod contact;
mod database_faults;
mod dev_seed;
mod double_checkout;
mod english;
mod english_content;
mod english_mail;
mod enumeration;
mod form_limit;
mod hash_flood;
mod honeypot;
mod hostile_bodies;
mod hostile_files;
mod hostile_visitors;
mod hung_up;
mod import;
mod injection;
mod invoices;
mod language_walk;
mod mariadb_tls;
mod monitoring;
mod monitoring_warnings;
mod newsletter;
mod no_addresses;
mod no_waiting_transactions;
mod order_mails;
mod password_reset;
mod privacy_request;
mod retention;
mod schema_migrations;
mod schema_review;
mod security;
mod session_cache;
mod sessions;
mod several_instances;
mod shared_limits;
mod shared_parts;
mod shipping;
mod shop;
mod shop_english;
mod shop_identity;
mod side_by_side;
mod slow_clients;
mod slug_race;
mod staff_rights;
mod staff_totp;
mod stock_alerts;
mod tls;
mod write_conflicts;
