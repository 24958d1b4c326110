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
                    .table("staff")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("email", 254))
                    .col(string_len("password_hash", 255))
                    .col(boolean("is_owner").default(false))
                    .col(boolean("must_change_password").default(true))
                    .col(date_time_null("locked_at"))
                    .col(date_time("created_at"))
                    .col(date_time_null("last_login_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff_rights")
                    .if_not_exists()
                    .col(integer("staff_id"))
                    .col(string_len("right_name", 32))
                    .primary_key(Index::create().col("staff_id").col("right_name"))
                    .foreign_key(&mut fk(
                        "staff_rights",
                        "staff_id",
                        "staff",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // Who did what to which record, when. Never an IP address, never the
        // personal data itself. No foreign key: entries outlive staff.
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(string_len("action", 48))
                    .col(string_len("entity", 32))
                    .col(integer_null("entity_id"))
                    .col(string_len_null("detail", 255))
                    .col(date_time("at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("audit_log", "idx_audit_at", &["at"]))
            .await?;
        manager
            .create_index(index(
                "audit_log",
                "idx_audit_entity",
                &["entity", "entity_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_log", "staff_rights", "staff"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
