//! AVG-19 against visitors who try to get round the limits:
//!
//! - `outbox`: every mail the shop sends is written here in the transaction
//!   of the change that causes it, and sent (and deleted) by a worker after
//!   the response. A row holds the recipient and the text until it is sent,
//!   and is erased with its customer.
//! - One account per email address, enforced by the database: two
//!   registrations at the same moment cannot both succeed. Guest and
//!   prospect rows still share addresses. SQLite has partial indexes; MariaDB
//!   has none, so there the key is over a generated column that holds the
//!   email only on account rows (NULLs never collide).
//! - Session ids are stored as their SHA-256, so reading the sessions table
//!   (or a backup of it) yields no live session.

use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 40))
                    .col(integer_null("customer_id"))
                    .col(string_len("recipient", 254))
                    .col(string_len("subject", 300))
                    .col(text("body"))
                    .col(string_len_null("unsubscribe_url", 1000))
                    .col(integer("attempts").default(0))
                    .col(date_time("next_attempt_at"))
                    .col(date_time_null("claimed_until"))
                    .col(date_time("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(crate::index(
                "outbox",
                "idx_outbox_next_attempt",
                &["next_attempt_at"],
            ))
            .await?;
        manager
            .create_index(crate::index(
                "outbox",
                "idx_outbox_customer",
                &["customer_id"],
            ))
            .await?;

        let db = manager.get_connection();
        resolve_duplicate_accounts(db).await?;
        match db.get_database_backend() {
            DatabaseBackend::MySql => {
                db.execute_unprepared(
                    "ALTER TABLE customers ADD COLUMN account_email VARCHAR(254) \
                     AS (CASE WHEN password_hash IS NOT NULL THEN email END) PERSISTENT",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE UNIQUE INDEX uq_customers_account_email ON customers (account_email)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE UNIQUE INDEX uq_customers_account_email ON customers (email) \
                     WHERE password_hash IS NOT NULL",
                )
                .await?;
            }
        }
        hash_session_ids(db).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DatabaseBackend::MySql {
            db.execute_unprepared("DROP INDEX uq_customers_account_email ON customers")
                .await?;
            db.execute_unprepared("ALTER TABLE customers DROP COLUMN account_email")
                .await?;
        } else {
            db.execute_unprepared("DROP INDEX uq_customers_account_email")
                .await?;
        }
        // Hashed session ids cannot be turned back: everyone logs in again.
        db.execute_unprepared("DELETE FROM sessions").await?;
        manager
            .drop_table(Table::drop().table("outbox").to_owned())
            .await
    }
}

/// An existing shop may hold several accounts with one address (the old
/// check-then-insert let two simultaneous registrations through). The one
/// used last keeps the login; the others become guest records: their
/// orders and data stay, only their password goes. Reported by id, never
/// by address.
async fn resolve_duplicate_accounts(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, email FROM customers WHERE password_hash IS NOT NULL \
             ORDER BY email, last_login_at DESC, id DESC",
        ))
        .await?;
    let mut previous: Option<String> = None;
    let mut demoted = Vec::new();
    for row in rows {
        let id: i32 = row.try_get_by_index(0)?;
        let email: String = row.try_get_by_index(1)?;
        // Ordered by email, then the most recent login first: every row
        // after the first of its address is a duplicate.
        if previous.as_deref() == Some(email.as_str()) {
            demoted.push(id);
        }
        previous = Some(email);
    }
    for id in &demoted {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE customers SET password_hash = NULL WHERE id = ?",
            [(*id).into()],
        ))
        .await?;
    }
    if !demoted.is_empty() {
        println!(
            "migration: {} duplicate account(s) with an address that another account also had \
             became guest records (customer ids: {:?}); the account used last keeps the login",
            demoted.len(),
            demoted
        );
    }
    Ok(())
}

/// Replaces every stored session id by its SHA-256 (what the session store
/// now looks up), so that sessions survive the upgrade.
async fn hash_session_ids(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    use sha2::{Digest, Sha256};
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(backend, "SELECT id FROM sessions"))
        .await?;
    for row in rows {
        let id: String = row.try_get_by_index(0)?;
        let hashed: String = Sha256::digest(id.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "UPDATE sessions SET id = ? WHERE id = ?",
            [hashed.into(), id.into()],
        ))
        .await?;
    }
    Ok(())
}
