//! Issue 20: invoices. One row per invoice, issued in the transaction of
//! the order or booking it is for, numbered from the one row of
//! `invoice_counter` (never an auto-increment: a rolled-back insert would
//! leave a gap, and the law asks for a series without gaps).
//!
//! An invoice never changes once issued, so it snapshots what it says:
//! the seller (name, address, KvK number, BTW-id from the settings), the
//! buyer (name, company, VAT number, invoice address: AVG-4's personal
//! columns, kept for the fiscal term of 7 years, GDPR Art. 17(3)(b)), the
//! lines as charged (JSON text: description, quantity, unit price, VAT
//! rate) and the totals. A consumer's invoice loses its buyer with the
//! order (erasure, retention); a business invoice keeps it until 7 years
//! after its date (`services::invoices`, docs/operations.md).
//!
//! The counter's row is not laid down here but by the first checkout
//! (`invoices::ensure_counter`): a freshly migrated database stays empty,
//! so a backup can be restored into it.

use super::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("invoice_counter")
                    .col(integer("id").primary_key())
                    .col(big_integer("last_number").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("invoices")
                    .col(pk_auto("id"))
                    .col(big_integer_uniq("number"))
                    .col(date_time("issued_at"))
                    .col(integer_null("order_id").unique_key())
                    .col(integer_null("booking_id").unique_key())
                    .col(string_len("locale", 8).default("nl"))
                    .col(string_len("seller_name", 150))
                    .col(string_len("seller_street", 150))
                    .col(string_len("seller_postcode", 16))
                    .col(string_len("seller_city", 100))
                    .col(string_len("seller_kvk", 16))
                    .col(string_len("seller_vat_id", 20))
                    .col(string_len("buyer_name", 200))
                    .col(string_len_null("buyer_company", 150))
                    .col(string_len_null("buyer_vat_number", 20))
                    .col(string_len("buyer_street", 200))
                    .col(string_len("buyer_postcode", 16))
                    .col(string_len("buyer_city", 100))
                    .col(string_len("buyer_country", 2))
                    .col(boolean("business"))
                    .col(boolean("reverse_charge"))
                    .col(text("lines"))
                    .col(big_integer("total_cents"))
                    .col(big_integer("vat_cents"))
                    .col(date_time_null("anonymised_at"))
                    .foreign_key(&mut fk(
                        "invoices",
                        "order_id",
                        "orders",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "invoices",
                        "booking_id",
                        "bookings",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("invoices").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("invoice_counter").to_owned())
            .await
    }
}
