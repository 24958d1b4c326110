//! AVG-18 (issue 17, section 4): when the owner was last mailed about each
//! kind of warning, so that it is at most once an hour per kind — across
//! restarts and across several servers on one database (a conditional
//! update claims the hour). Kinds and times only: nothing about who.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("warning_mails")
                    .if_not_exists()
                    .col(string_len("kind", 32).primary_key())
                    .col(date_time("mailed_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("warning_mails").to_owned())
            .await
    }
}
