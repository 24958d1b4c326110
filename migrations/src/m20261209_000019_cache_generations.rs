//! Issue 19: several instances on one database. Each instance keeps the
//! catalogue and anonymous pages in memory for a few seconds
//! (`app::ssr::page_cache`); a change made through one instance bumps its
//! row here, and every instance, watching the row every second, drops its
//! cache. Names and counters only.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cache_generations")
                    .if_not_exists()
                    .col(string_len("name", 32).primary_key())
                    .col(big_integer("generation").default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("cache_generations").to_owned())
            .await
    }
}
