//! Bookings (issue 15): bookable items with a schedule, the places taken
//! per slot, and the bookings themselves.
//!
//! The two tables laid down in 000001/000002 were never written by any
//! code, so they are replaced here rather than altered (SQLite cannot add
//! a NOT NULL column without a default, nor a foreign key).
//!
//! - `bookable_items`: what can be booked, its price, how long a booking
//!   lasts (`duration_minutes`), how often a slot starts (`slot_minutes`),
//!   places per slot, how far ahead it can be booked and until how many
//!   hours before the start a customer may cancel.
//! - `booking_hours`: weekly opening hours per item (weekday 0 = Monday,
//!   minutes after midnight, Amsterdam wall-clock time).
//! - `booking_dates`: one-off slots (a workshop on 14 March 19:00), UTC.
//! - `booking_closures`: closed days (Amsterdam dates) of one item, or of
//!   every item when `item_id` is NULL.
//! - `booking_slots`: the places taken per item and slot start. A booking
//!   takes places with one conditional UPDATE of this row (never a count
//!   followed by an insert), so a slot cannot be sold beyond its capacity.
//! - `bookings`: AVG-5 — the item, the slot, places, a price snapshot, the
//!   status, a public token and the link to the customer; nothing personal
//!   of its own. Anonymised (unlinked) like orders.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["bookings", "bookable_items"] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("bookable_items")
                    .col(pk_auto("id"))
                    .col(string_len("name", 150))
                    .col(string_len_uniq("slug", 170))
                    .col(text("description"))
                    .col(string_len_null("image", 255))
                    .col(big_integer("price_cents"))
                    .col(integer("vat_rate_bp"))
                    .col(integer("duration_minutes"))
                    .col(integer("slot_minutes"))
                    .col(integer("capacity"))
                    .col(integer("horizon_days"))
                    .col(integer("cancel_hours"))
                    .col(boolean("active").default(true))
                    .col(date_time("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("booking_hours")
                    .col(pk_auto("id"))
                    .col(integer("item_id"))
                    .col(small_integer("weekday"))
                    .col(integer("opens_minute"))
                    .col(integer("closes_minute"))
                    .foreign_key(&mut fk(
                        "booking_hours",
                        "item_id",
                        "bookable_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "booking_hours",
                "idx_booking_hours_item",
                &["item_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("booking_dates")
                    .col(pk_auto("id"))
                    .col(integer("item_id"))
                    .col(date_time("starts_at"))
                    .foreign_key(&mut fk(
                        "booking_dates",
                        "item_id",
                        "bookable_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "booking_dates",
                "idx_booking_dates_item",
                &["item_id", "starts_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("booking_closures")
                    .col(pk_auto("id"))
                    .col(integer_null("item_id"))
                    .col(date("closed_on"))
                    .foreign_key(&mut fk(
                        "booking_closures",
                        "item_id",
                        "bookable_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "booking_closures",
                "idx_booking_closures_day",
                &["closed_on"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("booking_slots")
                    .col(pk_auto("id"))
                    .col(integer("item_id"))
                    .col(date_time("starts_at"))
                    .col(integer("places_taken").default(0))
                    .foreign_key(&mut fk(
                        "booking_slots",
                        "item_id",
                        "bookable_items",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "booking_slots",
                    "idx_booking_slots_item_start",
                    &["item_id", "starts_at"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("bookings")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("token", 32))
                    .col(integer_null("customer_id"))
                    .col(integer("item_id"))
                    .col(string_len("item_name", 150))
                    .col(date_time("starts_at"))
                    .col(integer("duration_minutes"))
                    .col(integer("places"))
                    .col(string_len("status", 16))
                    .col(string_len("payment_method", 32))
                    .col(big_integer("unit_price_cents"))
                    .col(big_integer("total_cents"))
                    .col(integer("vat_rate_bp"))
                    .col(date_time("created_at"))
                    .col(date_time_null("cancelled_at"))
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
            .await?;
        manager
            .create_index(index("bookings", "idx_bookings_start", &["starts_at"]))
            .await?;
        manager
            .create_index(index("bookings", "idx_bookings_created", &["created_at"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "bookings",
            "booking_slots",
            "booking_closures",
            "booking_dates",
            "booking_hours",
            "bookable_items",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        // The schema before: the two empty tables of 000001/000002.
        manager
            .create_table(
                Table::create()
                    .table("bookable_items")
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
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("bookings")
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
}
