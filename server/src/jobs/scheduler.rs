//! The nightly scheduler inside `winkel serve`: each job runs once a night at
//! its Amsterdam local time, a missed night (the server was down) is caught
//! up as soon as the server runs again, and with several instances on one
//! database exactly one of them runs it (the lease in `job_leases`).
//!
//! A night counts as done once a run that started after the due time has
//! finished, successfully or not: a failing job is shown on the dashboard
//! and retried the next night rather than every minute. A run killed
//! half-way never finishes, so it is run again once its lease expires.

use app::ssr::services::jobs::{self, RunOutcome};
use app::ssr::session_cache::SessionCache;
use app::ssr::{now_utc, random_token};
use chrono::{Duration, NaiveDateTime, NaiveTime};
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type JobFuture = Pin<Box<dyn Future<Output = Result<RunOutcome, String>> + Send>>;

/// A job and the local time it is due every night.
#[derive(Clone)]
pub struct NightlyJob {
    pub name: &'static str,
    pub at: NaiveTime,
    /// Does the work; gets the database and the run's start time.
    pub run: Arc<dyn Fn(DatabaseConnection, NaiveDateTime) -> JobFuture + Send + Sync>,
}

/// How long a lease lasts without renewal. The holder renews it every
/// third of this, so a killed instance blocks the job for at most this long.
pub const LEASE_TTL: Duration = Duration::minutes(5);

/// How often the scheduler looks whether a job is due.
const TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// What one look at a job came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Tick {
    /// This night's run exists already.
    Done,
    /// Another instance holds the lease.
    Busy,
    /// We ran it.
    Ran(Result<RunOutcome, String>),
}

/// An id for this process in the lease table: nothing about the machine.
pub fn holder_id() -> String {
    let token = random_token().unwrap_or_default();
    format!("{}-{}", std::process::id(), &token[..token.len().min(8)])
}

/// A lease held on a job, renewed in the background until released. Used by
/// the scheduler and by the command line, so that a long manual run keeps
/// the nightly run away for as long as it works.
pub struct Lease {
    db: DatabaseConnection,
    job: &'static str,
    holder: String,
    renewer: tokio::task::JoinHandle<()>,
}

impl Lease {
    /// Takes the lease on `job`, or `None` when another holder has it.
    pub async fn take(
        db: &DatabaseConnection,
        job: &'static str,
        holder: &str,
        now: NaiveDateTime,
    ) -> Result<Option<Lease>, app::error::AppError> {
        if !jobs::try_lease(db, job, holder, now, LEASE_TTL).await? {
            return Ok(None);
        }
        let renewer = {
            let (db, holder) = (db.clone(), holder.to_owned());
            tokio::spawn(async move {
                let every = (LEASE_TTL / 3).to_std().unwrap_or(TICK);
                loop {
                    tokio::time::sleep(every).await;
                    match jobs::try_lease(&db, job, &holder, now_utc(), LEASE_TTL).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(job, "lost the job lease while running"),
                        Err(error) => tracing::warn!(job, %error, "renewing the job lease failed"),
                    }
                }
            })
        };
        Ok(Some(Lease {
            db: db.clone(),
            job,
            holder: holder.to_owned(),
            renewer,
        }))
    }

    /// Stops renewing and frees the lease for the next night.
    pub async fn release(self) -> Result<(), app::error::AppError> {
        self.renewer.abort();
        jobs::release_lease(&self.db, self.job, &self.holder).await
    }
}

/// Runs `job` if its latest due time has passed without a finished run and
/// this process gets the lease.
pub async fn run_if_due(
    db: &DatabaseConnection,
    job: &NightlyJob,
    holder: &str,
    now: NaiveDateTime,
) -> Result<Tick, app::error::AppError> {
    let due = app::clock::last_due(now, job.at);
    if jobs::finished_since(db, job.name, due).await?.is_some() {
        return Ok(Tick::Done);
    }
    let Some(lease) = Lease::take(db, job.name, holder, now).await? else {
        return Ok(Tick::Busy);
    };
    // Another instance may have finished the run between our first look and
    // taking the lease: look again now that nobody else can start one.
    if jobs::finished_since(db, job.name, due).await?.is_some() {
        lease.release().await?;
        return Ok(Tick::Done);
    }
    let result = record_run(db, job.name, now, (job.run)(db.clone(), now)).await;
    lease.release().await?;
    Ok(Tick::Ran(result?))
}

/// Runs a job's work, recording its start and its end in `job_runs`.
pub async fn record_run(
    db: &DatabaseConnection,
    job: &str,
    now: NaiveDateTime,
    work: impl Future<Output = Result<RunOutcome, String>>,
) -> Result<Result<RunOutcome, String>, app::error::AppError> {
    let run_id = jobs::start_run(db, job, now).await?;
    let result = work.await;
    jobs::finish_run(
        db,
        run_id,
        result.as_ref().map_err(String::as_str),
        now_utc(),
    )
    .await?;
    Ok(result)
}

/// Starts the scheduler: looks at every job now and then once a minute.
/// A job that wrote retires the sessions kept in memory when it ends
/// (`session_cache`: after its commits, as a request does).
pub fn spawn(
    db: DatabaseConnection,
    jobs: Vec<NightlyJob>,
    sessions: Arc<SessionCache>,
) -> tokio::task::JoinHandle<()> {
    let holder = holder_id();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            for job in &jobs {
                match sessions
                    .tracked(run_if_due(&db, job, &holder, now_utc()))
                    .await
                {
                    Ok(Tick::Ran(Ok(outcome))) => tracing::info!(
                        job = job.name,
                        deleted = outcome.deleted,
                        anonymised = outcome.anonymised,
                        detail = outcome.detail.as_deref().unwrap_or(""),
                        "nightly job done"
                    ),
                    Ok(Tick::Ran(Err(error))) => {
                        tracing::error!(job = job.name, %error, "nightly job failed");
                    }
                    Ok(Tick::Done | Tick::Busy) => {}
                    Err(error) => tracing::warn!(job = job.name, %error, "scheduler check failed"),
                }
            }
        }
    })
}
