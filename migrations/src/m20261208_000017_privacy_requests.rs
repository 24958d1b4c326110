//! Issue 17, section 3: privacy requests without an account, and consent
//! withdrawals that survive a restore.
//!
//! `privacy_requests`: one mailed link (`/privacy/request/confirm?t=…`)
//! to see, download or erase everything held under an address. Nothing
//! personal: the customer row the link was mailed for (the address is
//! read from it, never stored here), the SHA-256 of the link's secret
//! together with that address (so the link dies when the address
//! changes), its expiry and when it was used to erase. Erased with the
//! customer (cascade); not in a backup (a pending link of an hour, like a
//! session).
//!
//! `consent_withdrawals`: a tombstone per newsletter unsubscribe or
//! withdrawn wish, the customer id and the moment only (like `erasures`),
//! replayed by a restore of an older backup so that the subscription stays
//! withdrawn.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("privacy_requests")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("customer_id"))
                    .col(string_len("secret_hash", 64))
                    .col(date_time("created_at"))
                    .col(date_time("expires_at"))
                    .col(date_time_null("used_at"))
                    .foreign_key(&mut fk(
                        "privacy_requests",
                        "customer_id",
                        "customers",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "privacy_requests",
                "idx_privacy_requests_expires",
                &["expires_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("consent_withdrawals")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(integer("customer_id"))
                    .col(date_time("withdrawn_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "consent_withdrawals",
                "idx_consent_withdrawals_at",
                &["withdrawn_at"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("consent_withdrawals").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("privacy_requests").to_owned())
            .await
    }
}
