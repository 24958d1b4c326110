//! AVG-4 guarded (issue 17): the live schema, read from the database on
//! both backends, is exactly the reviewed list below. A new column fails
//! this test until someone has looked at it and written it down — and
//! whether it holds personal data, which may only live in the tables the
//! privacy rule of `migrations/src/lib.rs` names. So a new personal field
//! cannot slip in unreviewed.

use crate::common::{Backend, TestApp};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use std::collections::BTreeSet;

on_both_databases!(the_schema_is_the_reviewed_one);

/// Every table and its columns, as reviewed.
const REVIEWED: &[(&str, &[&str])] = &[
    (
        "audit_log",
        &[
            "id",
            "staff_id",
            "action",
            "entity",
            "entity_id",
            "detail",
            "at",
        ],
    ),
    // The records an audit entry showed and whose they were: ids only.
    (
        "audit_subjects",
        &["id", "audit_id", "record_id", "customer_id"],
    ),
    (
        "bookable_items",
        &[
            "id",
            "name",
            "slug",
            "description",
            "image",
            "price_cents",
            "vat_rate_bp",
            "duration_minutes",
            "slot_minutes",
            "capacity",
            "horizon_days",
            "cancel_hours",
            "active",
            "created_at",
            "name_en",
            "description_en",
        ],
    ),
    ("booking_closures", &["id", "item_id", "closed_on"]),
    ("booking_dates", &["id", "item_id", "starts_at"]),
    (
        "booking_hours",
        &["id", "item_id", "weekday", "opens_minute", "closes_minute"],
    ),
    (
        "booking_slots",
        &["id", "item_id", "starts_at", "places_taken"],
    ),
    (
        "bookings",
        &[
            "id",
            "token",
            "customer_id",
            "item_id",
            "item_name",
            "starts_at",
            "duration_minutes",
            "places",
            "status",
            "payment_method",
            "unit_price_cents",
            "total_cents",
            "vat_rate_bp",
            "created_at",
            "cancelled_at",
            "anonymised_at",
            "locale",
        ],
    ),
    ("categories", &["id", "name", "slug", "position", "name_en"]),
    // A withdrawn newsletter consent, replayed after a restore: the
    // customer id and the moment, like `erasures`.
    (
        "consent_withdrawals",
        &["id", "customer_id", "withdrawn_at"],
    ),
    (
        "customers",
        &[
            "id",
            "kind",
            "first_name",
            "last_name",
            "gender",
            "email",
            "phone",
            "phone2",
            "company_name",
            "vat_number",
            "street",
            "house_number",
            "postcode",
            "city",
            "country",
            "delivery_street",
            "delivery_house_number",
            "delivery_postcode",
            "delivery_city",
            "delivery_country",
            "newsletter",
            "newsletter_consent_at",
            "payment_methods",
            "created_at",
            "last_login_at",
            "password_hash",
        ],
    ),
    ("erasures", &["id", "customer_id", "reason", "erased_at"]),
    ("invoice_counter", &["id", "last_number"]),
    (
        "invoices",
        &[
            "id",
            "number",
            "issued_at",
            "order_id",
            "booking_id",
            "locale",
            "seller_name",
            "seller_street",
            "seller_postcode",
            "seller_city",
            "seller_kvk",
            "seller_vat_id",
            "buyer_name",
            "buyer_company",
            "buyer_vat_number",
            "buyer_street",
            "buyer_postcode",
            "buyer_city",
            "buyer_country",
            "business",
            "reverse_charge",
            "lines",
            "total_cents",
            "vat_cents",
            "anonymised_at",
        ],
    ),
    ("job_leases", &["job", "holder", "expires_at"]),
    (
        "job_runs",
        &[
            "id",
            "job",
            "started_at",
            "finished_at",
            "deleted",
            "anonymised",
            "detail",
            "error",
        ],
    ),
    (
        "order_lines",
        &[
            "id",
            "order_id",
            "product_id",
            "product_name",
            "quantity",
            "unit_price_cents",
            "vat_rate_bp",
            "line_total_cents",
        ],
    ),
    (
        "orders",
        &[
            "id",
            "token",
            "customer_id",
            "status",
            "placed_at",
            "desired_delivery_date",
            "delivery_method",
            "payment_method",
            "subtotal_cents",
            "shipping_cents",
            "vat_cents",
            "total_cents",
            "recipient_name",
            "company_name",
            "vat_number",
            "street",
            "house_number",
            "postcode",
            "city",
            "country",
            "anonymised_at",
            "locale",
            "track_url",
        ],
    ),
    (
        "outbox",
        &[
            "id",
            "kind",
            "customer_id",
            "recipient",
            "subject",
            "body",
            "unsubscribe_url",
            "attempts",
            "next_attempt_at",
            "claimed_until",
            "created_at",
            "html_body",
        ],
    ),
    (
        "pages",
        &[
            "id",
            "slug",
            "title",
            "body_markdown",
            "published",
            "updated_at",
            "title_en",
            "body_markdown_en",
        ],
    ),
    (
        "products",
        &[
            "id",
            "category_id",
            "name",
            "slug",
            "description",
            "price_cents",
            "vat_rate_bp",
            "stock",
            "image",
            "active",
            "created_at",
            "name_en",
            "description_en",
            "stock_alert",
        ],
    ),
    (
        "questions",
        &[
            "id",
            "customer_id",
            "body",
            "status",
            "answer",
            "created_at",
            "answered_at",
            "locale",
        ],
    ),
    // A privacy request's mailed link: the customer record it went to,
    // the SHA-256 of its secret with that address (never the address),
    // and its times.
    (
        "privacy_requests",
        &[
            "id",
            "customer_id",
            "secret_hash",
            "created_at",
            "expires_at",
            "used_at",
        ],
    ),
    ("seaql_migrations", &["version", "applied_at"]),
    // How often the catalogue changed, for the instances' caches.
    ("cache_generations", &["name", "generation"]),
    // Held while one instance migrates (schema.rs): a random holder id
    // and a time, nothing of anyone.
    ("winkel_migration_lock", &["name", "holder", "heartbeat"]),
    ("security_counts", &["id", "hour_start", "kind", "count"]),
    // A session holds the cart and who is logged in, never a name or an
    // address (sessions.rs tests what it holds).
    (
        "sessions",
        &["id", "data", "expires_at", "customer_id", "staff_id"],
    ),
    ("settings", &["key", "value"]),
    (
        "shipping_zones",
        &["id", "country", "rate_cents", "free_from_cents", "active"],
    ),
    (
        "staff",
        &[
            "id",
            "email",
            "password_hash",
            "is_owner",
            "must_change_password",
            "locked_at",
            "created_at",
            "last_login_at",
            // The second factor (migration 15): a credential like the
            // password hash, no personal data.
            "totp_secret",
            "totp_enabled_at",
            "totp_last_step",
        ],
    ),
    // SHA-256 of unused recovery codes (80 random bits each).
    ("staff_recovery_codes", &["staff_id", "code_hash"]),
    ("staff_rights", &["staff_id", "right_name"]),
    ("warning_mails", &["kind", "mailed_at"]),
];

/// Generated on MariaDB only: the address of a customer with a password,
/// NULL for a guest, so that a unique index allows one account per address
/// (SQLite has a partial index instead; migration 7). Personal.
const MARIADB_ONLY: [&str; 1] = ["customers.account_email"];

/// The columns that hold personal data: the AVG-4 fields of a customer and
/// the snapshots an order, an invoice (the fiscal term) and a waiting mail
/// keep of them, a question's text, and the staff's own login. Anything
/// personal anywhere else is a review failure.
const PERSONAL: &[(&str, &[&str])] = &[
    (
        "customers",
        &[
            "first_name",
            "last_name",
            "gender",
            "email",
            "phone",
            "phone2",
            "company_name",
            "vat_number",
            "street",
            "house_number",
            "postcode",
            "city",
            "delivery_street",
            "delivery_house_number",
            "delivery_postcode",
            "delivery_city",
            "password_hash",
        ],
    ),
    (
        "orders",
        &[
            "recipient_name",
            "company_name",
            "vat_number",
            "street",
            "house_number",
            "postcode",
            "city",
            "track_url",
        ],
    ),
    (
        "invoices",
        &[
            "buyer_name",
            "buyer_company",
            "buyer_vat_number",
            "buyer_street",
            "buyer_postcode",
            "buyer_city",
        ],
    ),
    (
        "outbox",
        &[
            "recipient",
            "subject",
            "body",
            "html_body",
            "unsubscribe_url",
        ],
    ),
    ("questions", &["body", "answer"]),
    ("staff", &["email", "password_hash"]),
];

/// The tables the privacy rule allows personal data in.
const MAY_HOLD_PERSONAL: [&str; 6] = [
    "customers",
    "orders",
    "invoices",
    "outbox",
    "questions",
    "staff",
];

async fn live_columns(app: &TestApp) -> BTreeSet<String> {
    let db = &app.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE()"
        }
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("the schema")
        .into_iter()
        .map(|row| {
            let table: String = row.try_get("", "t").expect("table");
            let column: String = row.try_get("", "c").expect("column");
            format!("{table}.{column}")
        })
        .collect()
}

fn names(list: &[(&str, &[&str])]) -> BTreeSet<String> {
    list.iter()
        .flat_map(|(table, columns)| columns.iter().map(move |c| format!("{table}.{c}")))
        .collect()
}

async fn the_schema_is_the_reviewed_one(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let live = live_columns(&app).await;
    let mut reviewed = names(REVIEWED);
    if backend == Backend::MariaDb {
        reviewed.extend(MARIADB_ONLY.iter().map(ToString::to_string));
    }
    let unreviewed: Vec<&String> = live.difference(&reviewed).collect();
    assert!(
        unreviewed.is_empty(),
        "columns nobody reviewed (add them to REVIEWED, and to PERSONAL if they hold personal data, which AVG-4 must allow): {unreviewed:?}"
    );
    let gone: Vec<&String> = reviewed.difference(&live).collect();
    assert!(
        gone.is_empty(),
        "reviewed columns that no longer exist: {gone:?}"
    );

    let personal = names(PERSONAL);
    assert!(
        personal.is_subset(&reviewed),
        "PERSONAL names a column REVIEWED does not"
    );
    for column in &personal {
        let table = column.split('.').next().unwrap_or_default();
        assert!(
            MAY_HOLD_PERSONAL.contains(&table),
            "{column}: personal data outside the tables the privacy rule allows"
        );
    }

    // Galera replicates rows by their primary key: a table without one
    // cannot be kept in step across the nodes (issue 19).
    let tables: BTreeSet<String> = live
        .iter()
        .filter_map(|c| c.split('.').next().map(str::to_owned))
        .collect();
    let with_key = tables_with_a_primary_key(&app).await;
    let without: Vec<&String> = tables.difference(&with_key).collect();
    assert!(
        without.is_empty(),
        "tables without a primary key: {without:?}"
    );
    app.finish().await;
}

async fn tables_with_a_primary_key(app: &TestApp) -> BTreeSet<String> {
    let db = &app.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT DISTINCT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.pk > 0"
        }
        _ => {
            "SELECT DISTINCT TABLE_NAME AS t FROM information_schema.TABLE_CONSTRAINTS \
             WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_TYPE = 'PRIMARY KEY'"
        }
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("the primary keys")
        .into_iter()
        .map(|row| row.try_get::<String>("", "t").expect("table"))
        .collect()
}
