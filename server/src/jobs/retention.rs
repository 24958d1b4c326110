//! `winkel retention run [--dry-run] [--as-of YYYY-MM-DD] [--json]` and the
//! nightly sweep of the scheduler. The rules are in
//! `app::ssr::services::retention`.

use super::progress::bar;
use super::scheduler::{holder_id, JobFuture, NightlyJob, LEASE_TTL};
use crate::error::CliError;
use app::privacy::models::RetentionReport;
use app::ssr::now_utc;
use app::ssr::services::jobs::{self, RunOutcome};
use app::ssr::services::retention::{self, Mode, Progress};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use indicatif::ProgressBar;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The job's name in `job_runs` and `job_leases`.
pub const JOB: &str = "retention";

struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn start(&mut self, total: u64) {
        self.0 = Some(bar(total, "retention"));
    }
    fn advance(&mut self, rows: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(rows);
        }
    }
}

fn outcome(report: &RetentionReport) -> RunOutcome {
    RunOutcome {
        deleted: report.customers_deleted as i64,
        anonymised: report.orders_anonymised as i64,
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
        retention::run_as_of(db, as_of, Mode::DryRun, json, now, &mut progress).await?
    } else {
        let holder = holder_id();
        if !jobs::try_lease(db, JOB, &holder, now, LEASE_TTL).await? {
            return Err(CliError::Job(
                "the retention sweep is running elsewhere (a server's nightly run); try again later"
                    .into(),
            ));
        }
        let run_id = jobs::start_run(db, JOB, now).await?;
        let result = retention::run_as_of(db, as_of, Mode::Apply, json, now, &mut progress).await;
        let recorded = match &result {
            Ok(report) => jobs::finish_run(db, run_id, Ok(&outcome(report)), now_utc()).await,
            Err(error) => jobs::finish_run(db, run_id, Err(&error.to_string()), now_utc()).await,
        };
        jobs::release_lease(db, JOB, &holder, now_utc()).await?;
        recorded?;
        result?
    };
    if let Some(bar) = progress.0 {
        bar.finish();
    }
    eprintln!(
        "{} as of {as_of} (term {} years, before {} UTC): {} customers {}, {} orders {}",
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
        if dry_run {
            "would be deleted"
        } else {
            "deleted"
        },
        report.orders_anonymised,
        if dry_run {
            "would be anonymised"
        } else {
            "anonymised"
        },
    );
    if json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Job(format!("cannot write the report: {e}")))?;
        println!("{text}");
    }
    Ok(())
}

/// The nightly sweep for the scheduler: as of the shop's day it starts on.
pub fn nightly(at: NaiveTime) -> NightlyJob {
    NightlyJob {
        name: JOB,
        at,
        run: Arc::new(|db: DatabaseConnection, now: NaiveDateTime| -> JobFuture {
            Box::pin(async move {
                let as_of = app::clock::shop_today(now);
                retention::run_as_of(&db, as_of, Mode::Apply, false, now, &mut ())
                    .await
                    .map(|report| outcome(&report))
                    .map_err(|e| e.to_string())
            })
        }),
    }
}
