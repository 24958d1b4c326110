//! The nightly purge of newsletter subscriptions never confirmed (double
//! opt-in), and of privacy-request links that expired: a scheduler job
//! next to the retention sweep.

use super::scheduler::{JobFuture, NightlyJob};
use app::ssr::services::jobs::RunOutcome;
use app::ssr::services::{newsletter, privacy_request};
use chrono::{NaiveDateTime, NaiveTime};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub fn nightly(at: NaiveTime) -> NightlyJob {
    NightlyJob {
        name: "newsletter",
        at,
        run: Arc::new(|db: DatabaseConnection, now: NaiveDateTime| -> JobFuture {
            Box::pin(async move {
                let purged = newsletter::purge_unconfirmed(&db, now)
                    .await
                    .map_err(|e| e.to_string())?;
                let links = privacy_request::purge_expired(&db, now)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(RunOutcome {
                    deleted: i64::try_from(purged.erased).unwrap_or(i64::MAX),
                    anonymised: 0,
                    detail: Some(format!(
                        "{} onbevestigde aanmeldingen verwijderd, {} ingetrokken, {} verlopen inzagelinks verwijderd",
                        purged.erased, purged.reset, links
                    )),
                })
            })
        }),
    }
}
