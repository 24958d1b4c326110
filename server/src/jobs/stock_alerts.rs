//! The daily stock alert: every morning the shop's owners get one mail
//! listing the products at or below their threshold, if any
//! (`app::ssr::services::stock_alerts`). The scheduler runs it once a day
//! on one instance; the service's claim on the day makes sure of "at most
//! one mail a day" even so.

use super::scheduler::{JobFuture, NightlyJob};
use app::ssr::services::jobs::RunOutcome;
use app::ssr::services::outbox::Outbox;
use app::ssr::services::stock_alerts::{self, AlertMail};
use chrono::{NaiveDateTime, NaiveTime};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub const JOB: &str = "stock_alerts";

/// The Amsterdam time the alert goes out: before the shop's working day.
pub fn at() -> NaiveTime {
    NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// The job for the scheduler; `outbox` and `public_url` are the serving
/// state's (the mail is queued there and woken).
pub fn daily(outbox: Arc<Outbox>, public_url: String) -> NightlyJob {
    NightlyJob {
        name: JOB,
        at: at(),
        run: Arc::new(
            move |db: DatabaseConnection, now: NaiveDateTime| -> JobFuture {
                let (outbox, public_url) = (Arc::clone(&outbox), public_url.clone());
                Box::pin(async move {
                    let done = stock_alerts::mail_owner(&db, &outbox, &public_url, now)
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok(RunOutcome {
                        deleted: 0,
                        anonymised: 0,
                        detail: Some(summary(&done)),
                    })
                })
            },
        ),
    }
}

/// The dashboard's line about a run.
fn summary(done: &AlertMail) -> String {
    match done {
        AlertMail::NothingLow => "geen product onder de voorraadgrens".to_owned(),
        AlertMail::NoOwner => "geen eigenaar om te mailen".to_owned(),
        AlertMail::AlreadySent => "vandaag al gemaild".to_owned(),
        AlertMail::Queued { owners, products } => {
            format!("{products} product(en) gemeld aan {owners} eigenaar/eigenaren")
        }
    }
}
