use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("settings")
                    .if_not_exists()
                    .col(string_len("key", 64).primary_key())
                    .col(text("value"))
                    .to_owned(),
            )
            .await?;

        // tower-sessions store. `customer_id` / `staff_id` are copied out of
        // the record so that all sessions of one person can be ended at once
        // (account deletion, staff lock). No IP address, no user agent.
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .if_not_exists()
                    .col(string_len("id", 64).primary_key())
                    .col(blob("data"))
                    .col(date_time("expires_at"))
                    .col(integer_null("customer_id"))
                    .col(integer_null("staff_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("sessions", "idx_sessions_expires", &["expires_at"]))
            .await?;
        manager
            .create_index(index("sessions", "idx_sessions_customer", &["customer_id"]))
            .await?;
        manager
            .create_index(index("sessions", "idx_sessions_staff", &["staff_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("pages")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("slug", 120))
                    .col(string_len("title", 200))
                    .col(text("body_markdown"))
                    .col(boolean("published").default(true))
                    .col(date_time("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["pages", "sessions", "settings"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
