//! English next to Dutch (issue 16): optional English texts for what staff
//! write in the CMS and customers read. NULL (or blank) means "not written
//! in English": the shop then shows the Dutch text, marked `lang="nl"`.
//! Order lines and bookings keep their Dutch name snapshot as they are.
//!
//! One column per ALTER: SQLite takes a single change per statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, longest text; `None` for a TEXT column). The limits are
/// those of the Dutch columns.
const COLUMNS: [(&str, &str, Option<u32>); 7] = [
    ("products", "name_en", Some(150)),
    ("products", "description_en", None),
    ("categories", "name_en", Some(100)),
    ("bookable_items", "name_en", Some(150)),
    ("bookable_items", "description_en", None),
    ("pages", "title_en", Some(200)),
    ("pages", "body_markdown_en", None),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, len) in COLUMNS {
            let def = match len {
                Some(len) => string_len_null(column, len),
                None => text_null(column),
            };
            manager
                .alter_table(Table::alter().table(table).add_column(def).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, _) in COLUMNS.iter().rev() {
            manager
                .alter_table(Table::alter().table(*table).drop_column(*column).to_owned())
                .await?;
        }
        Ok(())
    }
}
