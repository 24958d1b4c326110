//! Issue 17, section 2: every staff read of personal data is audited, lists
//! too, and the owner can ask "who saw this customer's data?". An audit
//! entry's shown records go in `audit_subjects`, a row per record: its id
//! (of the entry's kind: an order for `order.list`) and the customer whose
//! data it showed (empty for an anonymised order or booking: nothing
//! personal was shown). Only ids, no personal data; kept as long as the
//! entry (the log is never pruned), also after the customer is erased, so
//! that the answer stays true (docs/operations.md, "Who saw a customer's
//! data").
//!
//! The views audited before this migration get their subject here, from the
//! records as they are now: a customer entry is about that customer; an
//! order, booking or question view about the customer it still belongs to.

use crate::{fk, index};
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_subjects")
                    .if_not_exists()
                    // Its own key, so that a backup reads the table in pages.
                    .col(big_pk_auto("id"))
                    .col(big_integer("audit_id"))
                    .col(integer("record_id"))
                    .col(integer_null("customer_id"))
                    .foreign_key(&mut fk(
                        "audit_subjects",
                        "audit_id",
                        "audit_log",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "audit_subjects",
                "idx_audit_subjects_audit",
                &["audit_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "audit_subjects",
                "idx_audit_subjects_customer",
                &["customer_id", "audit_id"],
            ))
            .await?;
        // Who made an entry, for the owner's filter by member and the
        // monitoring's count per member.
        manager
            .create_index(index("audit_log", "idx_audit_staff", &["staff_id", "id"]))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO audit_subjects (audit_id, record_id, customer_id) \
             SELECT id, entity_id, entity_id FROM audit_log \
             WHERE entity = 'customer' AND entity_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO audit_subjects (audit_id, record_id, customer_id) \
             SELECT a.id, a.entity_id, o.customer_id FROM audit_log a \
             JOIN orders o ON o.id = a.entity_id \
             WHERE a.action = 'order.view' AND o.customer_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO audit_subjects (audit_id, record_id, customer_id) \
             SELECT a.id, a.entity_id, b.customer_id FROM audit_log a \
             JOIN bookings b ON b.id = a.entity_id \
             WHERE a.action = 'booking.view' AND b.customer_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO audit_subjects (audit_id, record_id, customer_id) \
             SELECT a.id, a.entity_id, q.customer_id FROM audit_log a \
             JOIN questions q ON q.id = a.entity_id \
             WHERE a.entity = 'question'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_staff")
                    .table("audit_log")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("audit_subjects").to_owned())
            .await
    }
}
