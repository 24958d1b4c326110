//! Issue 16: the language an order, a booking or a question was made in
//! (`nl`, `en`), so that a mail sent later (the answer to a question)
//! goes out in the visitor's language. A property of the order, booking
//! or question, never of the customer (AVG-4: nothing new on
//! `customers`). Existing rows were all made on Dutch pages: default `nl`.
//!
//! One ALTER per column: SQLite takes one change per statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 3] = ["orders", "bookings", "questions"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(string_len("locale", 8).default("nl"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(Table::alter().table(table).drop_column("locale").to_owned())
                .await?;
        }
        Ok(())
    }
}
