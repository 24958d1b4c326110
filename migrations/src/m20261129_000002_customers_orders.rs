use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // AVG-4: exactly these personal fields and nothing else.
        manager
            .create_table(
                Table::create()
                    .table("customers")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    // "customer" or "prospect" (sent a contact form only).
                    .col(string_len("kind", 16).default("customer"))
                    .col(string_len("first_name", 100))
                    .col(string_len("last_name", 100))
                    .col(string_len_null("gender", 16))
                    .col(string_len("email", 254))
                    .col(string_len("phone", 32))
                    .col(string_len_null("phone2", 32))
                    .col(string_len_null("company_name", 150))
                    .col(string_len_null("vat_number", 20))
                    .col(string_len("street", 150))
                    .col(string_len("house_number", 20))
                    .col(string_len("postcode", 12))
                    .col(string_len("city", 100))
                    .col(string_len("country", 2))
                    .col(string_len_null("delivery_street", 150))
                    .col(string_len_null("delivery_house_number", 20))
                    .col(string_len_null("delivery_postcode", 12))
                    .col(string_len_null("delivery_city", 100))
                    .col(string_len_null("delivery_country", 2))
                    // "none", "pending" (double opt-in mail sent) or "subscribed".
                    .col(string_len("newsletter", 16).default("none"))
                    .col(date_time_null("newsletter_consent_at"))
                    // Extra payment methods this customer is entitled to
                    // (comma separated, e.g. "on_account"); NULL = the defaults.
                    .col(string_len_null("payment_methods", 200))
                    .col(date_time("created_at"))
                    .col(date_time_null("last_login_at"))
                    // Present only for account holders; never leaves the server.
                    .col(string_len_null("password_hash", 255))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("customers", "idx_customers_email", &["email"]))
            .await?;
        manager
            .create_index(index(
                "customers",
                "idx_customers_last_name",
                &["last_name", "id"],
            ))
            .await?;
        manager
            .create_index(index("customers", "idx_customers_created", &["created_at"]))
            .await?;
        manager
            .create_index(index(
                "customers",
                "idx_customers_last_login",
                &["last_login_at"],
            ))
            .await?;

        // AVG-5: articles, quantities, prices, dates and desired delivery,
        // linked to the customer. The address snapshot is what the invoice
        // was issued to; anonymisation overwrites it with placeholders.
        manager
            .create_table(
                Table::create()
                    .table("orders")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("token", 32))
                    .col(integer_null("customer_id"))
                    .col(string_len("status", 16))
                    .col(date_time("placed_at"))
                    .col(date_null("desired_delivery_date"))
                    .col(string_len("delivery_method", 16))
                    .col(string_len("payment_method", 32))
                    .col(big_integer("subtotal_cents"))
                    .col(big_integer("shipping_cents"))
                    .col(big_integer("vat_cents"))
                    .col(big_integer("total_cents"))
                    .col(string_len("recipient_name", 201))
                    .col(string_len_null("company_name", 150))
                    .col(string_len_null("vat_number", 20))
                    .col(string_len("street", 150))
                    .col(string_len("house_number", 20))
                    .col(string_len("postcode", 12))
                    .col(string_len("city", 100))
                    .col(string_len("country", 2))
                    .col(date_time_null("anonymised_at"))
                    .foreign_key(&mut fk(
                        "orders",
                        "customer_id",
                        "customers",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("orders", "idx_orders_customer", &["customer_id"]))
            .await?;
        manager
            .create_index(index("orders", "idx_orders_placed", &["placed_at"]))
            .await?;
        manager
            .create_index(index(
                "orders",
                "idx_orders_status",
                &["status", "placed_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("order_lines")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("order_id"))
                    .col(integer_null("product_id"))
                    .col(string_len("product_name", 150))
                    .col(integer("quantity"))
                    .col(big_integer("unit_price_cents"))
                    .col(integer("vat_rate_bp"))
                    .col(big_integer("line_total_cents"))
                    .foreign_key(&mut fk(
                        "order_lines",
                        "order_id",
                        "orders",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "order_lines",
                        "product_id",
                        "products",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("order_lines", "idx_order_lines_order", &["order_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("bookings")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("token", 32))
                    .col(integer_null("customer_id"))
                    .col(integer("item_id"))
                    .col(date_time("starts_at"))
                    .col(string_len("status", 16))
                    .col(big_integer("price_cents"))
                    .col(integer("vat_rate_bp"))
                    .col(date_time("created_at"))
                    .col(date_time_null("anonymised_at"))
                    .foreign_key(&mut fk(
                        "bookings",
                        "customer_id",
                        "customers",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "bookings",
                        "item_id",
                        "bookable_items",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("bookings", "idx_bookings_customer", &["customer_id"]))
            .await?;
        manager
            .create_index(index(
                "bookings",
                "idx_bookings_item_start",
                &["item_id", "starts_at"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bookings", "order_lines", "orders", "customers"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
