//! `winkel retention run [--dry-run] [--as-of YYYY-MM-DD] [--json]` and the
//! nightly sweep of the scheduler. The rules are in
//! `app::ssr::services::retention`.

use super::progress::bar;
use super::scheduler::{holder_id, record_run, JobFuture, Lease, NightlyJob};
use crate::error::CliError;
use app::privacy::models::RetentionReport;
use app::ssr::now_utc;
use app::ssr::services::jobs::RunOutcome;
use app::ssr::services::retention::{self, Mode, Options, Progress};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use indicatif::ProgressBar;
use sea_orm::DatabaseConnection;
use std::io::IsTerminal;
use std::sync::Arc;

/// The job's name in `job_runs` and `job_leases`.
pub const JOB: &str = "retention";

struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn wants_total(&self) -> bool {
        std::io::stderr().is_terminal()
    }
    fn start(&mut self, total: u64) {
        self.0 = Some(bar(total, "retention"));
    }
    fn advance(&mut self, rows: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(rows);
        }
    }
}

/// `WINKEL_RETENTION_BATCH`: rows per transaction (default 5,000). Smaller
/// batches hold locks for less time; larger ones finish sooner.
fn options(mode: Mode) -> Options {
    let batch = std::env::var("WINKEL_RETENTION_BATCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|b| (1..=100_000).contains(b))
        .unwrap_or(retention::BATCH);
    Options {
        batch,
        ..Options::new(mode)
    }
}

fn outcome(report: &RetentionReport) -> RunOutcome {
    RunOutcome {
        deleted: i64::try_from(report.customers_deleted).unwrap_or(i64::MAX),
        // Orders and bookings: the dashboard's "N geanonimiseerd".
        anonymised: i64::try_from(report.orders_anonymised + report.bookings_anonymised)
            .unwrap_or(i64::MAX),
        detail: None,
    }
}

/// The command line. A real run takes the job's lease, so that it never
/// overlaps the nightly run of a server, and is recorded like it.
pub async fn run_cli(
    db: &DatabaseConnection,
    dry_run: bool,
    as_of: Option<NaiveDate>,
    json: bool,
) -> Result<(), CliError> {
    let now = now_utc();
    let as_of = as_of.unwrap_or_else(|| app::clock::shop_today(now));
    let mut progress = Bar(None);
    let report = if dry_run {
        retention::run_as_of(
            db,
            as_of,
            Options {
                with_ids: json,
                ..options(Mode::DryRun)
            },
            now,
            &mut progress,
        )
        .await?
    } else {
        let Some(lease) = Lease::take(db, JOB, &holder_id(), now).await? else {
            return Err(CliError::Job(busy_message(db).await));
        };
        let mut report = None;
        let work = async {
            let result = retention::run_as_of(
                db,
                as_of,
                Options {
                    with_ids: json,
                    ..options(Mode::Apply)
                },
                now,
                &mut progress,
            )
            .await;
            let recorded = result.as_ref().map(outcome).map_err(ToString::to_string);
            report = result.ok();
            recorded
        };
        let recorded = record_run(db, JOB, now, work).await;
        lease.release().await?;
        if let Err(error) = recorded? {
            return Err(CliError::Job(format!("the sweep failed: {error}")));
        }
        report.unwrap_or_default()
    };
    if let Some(bar) = progress.0 {
        bar.finish();
    }
    let (deleted, anonymised) = if dry_run {
        ("would be deleted", "would be anonymised")
    } else {
        ("deleted", "anonymised")
    };
    eprintln!(
        "{} as of {as_of} (term {} years, before {} UTC): {} customers {deleted}, {} orders \
         and {} bookings {anonymised}",
        if dry_run {
            "dry run"
        } else {
            "retention sweep"
        },
        report.retention_years,
        report
            .cutoff
            .map(|c| c.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        report.customers_deleted,
        report.orders_anonymised,
        report.bookings_anonymised,
    );
    if json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Job(format!("cannot write the report: {e}")))?;
        println!("{text}");
    }
    Ok(())
}

/// Who holds the lease, and until when: a killed run's lease runs out by
/// itself (at most 5 minutes).
async fn busy_message(db: &DatabaseConnection) -> String {
    use app::ssr::entities::job_lease;
    use sea_orm::EntityTrait;
    let until = job_lease::Entity::find_by_id(JOB.to_owned())
        .one(db)
        .await
        .ok()
        .flatten()
        .map(|l| format!(" until {} UTC", l.expires_at.format("%H:%M:%S")))
        .unwrap_or_default();
    format!(
        "the retention sweep is running elsewhere (a server's nightly run, or a run that was \
         killed: its lease holds{until}); try again later"
    )
}

/// The nightly sweep for the scheduler: as of the shop's day it starts on.
pub fn nightly(at: NaiveTime) -> NightlyJob {
    NightlyJob {
        name: JOB,
        at,
        run: Arc::new(|db: DatabaseConnection, now: NaiveDateTime| -> JobFuture {
            Box::pin(async move {
                let as_of = app::clock::shop_today(now);
                retention::run_as_of(&db, as_of, options(Mode::Apply), now, &mut ())
                    .await
                    .map(|report| outcome(&report))
                    .map_err(|e| e.to_string())
            })
        }),
    }
}
