//! Issue 20, order mails: the track-and-trace link staff enter when they
//! mark an order shipped (`orders.track_url`, shown on the order page and
//! in the "shipped" mail; a carrier's link can hold the postcode, so the
//! anonymisation of an order clears it), and the HTML part of a waiting
//! mail (`outbox.html_body`, erased with the rest of the row).
//!
//! One ALTER per column: SQLite takes one change per statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("orders")
                    .add_column(string_len_null("track_url", 500))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(text_null("html_body"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .drop_column("html_body")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("orders")
                    .drop_column("track_url")
                    .to_owned(),
            )
            .await
    }
}
