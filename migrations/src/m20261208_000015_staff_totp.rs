//! Issue 17, section 1: a second factor for CMS accounts (RFC 6238 TOTP).
//! On `staff`: the secret (base32; a credential like the password hash,
//! see docs/operations.md), when it was switched on (empty: off, or set up
//! but not yet confirmed with a code) and the last step whose code was
//! used, so that a code works once. `staff_recovery_codes` holds the
//! SHA-256 of each unused recovery code; using one deletes its row. The
//! owner's requirement is a row in `settings` (`require_second_factor`),
//! absent until switched on.

use crate::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one at a time.
        for column in [
            string_len_null("totp_secret", 64),
            date_time_null("totp_enabled_at"),
            big_integer_null("totp_last_step"),
        ] {
            manager
                .alter_table(Table::alter().table("staff").add_column(column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("staff_recovery_codes")
                    .if_not_exists()
                    .col(integer("staff_id"))
                    .col(string_len("code_hash", 64))
                    .primary_key(Index::create().col("staff_id").col("code_hash"))
                    .foreign_key(&mut fk(
                        "staff_recovery_codes",
                        "staff_id",
                        "staff",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("staff_recovery_codes").to_owned())
            .await?;
        for column in ["totp_last_step", "totp_enabled_at", "totp_secret"] {
            manager
                .alter_table(Table::alter().table("staff").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
