//! Issue 20: a stock alert threshold per product (`stock_alert`, empty:
//! no alert). The CMS dashboard lists the products at or below theirs,
//! and the owner gets at most one mail a day about them; the day of the
//! last mail is a row in `settings` (`stock_alert_mailed_on`), claimed
//! with a conditional update, so that two instances never both send it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("products")
                    .add_column(integer_null("stock_alert"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("products")
                    .drop_column("stock_alert")
                    .to_owned(),
            )
            .await
    }
}
