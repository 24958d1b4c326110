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
                    .table("categories")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("name", 100))
                    .col(string_len_uniq("slug", 120))
                    .col(integer("position").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("products")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("category_id"))
                    .col(string_len("name", 150))
                    .col(string_len_uniq("slug", 170))
                    .col(text("description"))
                    // Money is integer cents, consumer prices include VAT.
                    .col(big_integer("price_cents"))
                    // VAT in basis points: 2100 = 21 %.
                    .col(integer("vat_rate_bp"))
                    .col(integer("stock"))
                    .col(string_len_null("image", 255))
                    .col(boolean("active").default(true))
                    .col(date_time("created_at"))
                    .foreign_key(&mut fk(
                        "products",
                        "category_id",
                        "categories",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("products", "idx_products_category", &["category_id"]))
            .await?;
        manager
            .create_index(index("products", "idx_products_name", &["name"]))
            .await?;

        // Bookable items (a room, a lesson, a consultation) next to products.
        manager
            .create_table(
                Table::create()
                    .table("bookable_items")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("name", 150))
                    .col(string_len_uniq("slug", 170))
                    .col(text("description"))
                    .col(big_integer("price_cents"))
                    .col(integer("vat_rate_bp"))
                    .col(integer("slot_minutes"))
                    .col(integer("capacity"))
                    .col(boolean("active").default(true))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bookable_items", "products", "categories"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
