use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Erasure tombstones: replayed after a backup restore so that an
        // erased customer stays erased. The id and the date only.
        manager
            .create_table(
                Table::create()
                    .table("erasures")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(integer("customer_id"))
                    .col(string_len("reason", 16))
                    .col(date_time("erased_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("erasures", "idx_erasures_at", &["erased_at"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("job_runs")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("job", 32))
                    .col(date_time("started_at"))
                    .col(date_time_null("finished_at"))
                    .col(big_integer("deleted").default(0))
                    .col(big_integer("anonymised").default(0))
                    .col(text_null("detail"))
                    .col(text_null("error"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "job_runs",
                "idx_job_runs_job",
                &["job", "started_at"],
            ))
            .await?;

        // One row per scheduled job: whoever holds an unexpired lease runs it.
        manager
            .create_table(
                Table::create()
                    .table("job_leases")
                    .if_not_exists()
                    .col(string_len("job", 32).primary_key())
                    .col(string_len("holder", 64))
                    .col(date_time("expires_at"))
                    .to_owned(),
            )
            .await?;

        // Questions from the contact / interest form (AVG-2, AVG-3).
        manager
            .create_table(
                Table::create()
                    .table("questions")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("customer_id"))
                    .col(text("body"))
                    .col(string_len("status", 16))
                    .col(text_null("answer"))
                    .col(date_time("created_at"))
                    .col(date_time_null("answered_at"))
                    .foreign_key(&mut fk(
                        "questions",
                        "customer_id",
                        "customers",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "questions",
                "idx_questions_status",
                &["status", "created_at"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["questions", "job_leases", "job_runs", "erasures"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
