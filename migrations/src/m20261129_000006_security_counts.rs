use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // AVG-18: how many failed logins, honeypot hits and refused forms
        // each hour saw, for the dashboard's comparison with the week
        // before. Counts only: nothing about who (no address, AVG-8).
        manager
            .create_table(
                Table::create()
                    .table("security_counts")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(date_time("hour_start"))
                    .col(string_len("kind", 32))
                    .col(big_integer("count").default(0))
                    .to_owned(),
            )
            .await?;
        let mut unique = index(
            "security_counts",
            "idx_security_counts_hour_kind",
            &["hour_start", "kind"],
        );
        manager.create_index(unique.unique().to_owned()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("security_counts").to_owned())
            .await
    }
}
