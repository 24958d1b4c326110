//! Scheduled jobs (retention sweep, backup): the record of every run in
//! `job_runs`, and the lease in `job_leases` that lets exactly one of several
//! `winkel serve` instances on one database run a job.
//!
//! The lease is a row with an expiry, taken with one conditional UPDATE, so
//! it works the same on SQLite and MariaDB (no `GET_LOCK`, which SQLite
//! lacks, and no lock tied to a connection a pool may hand out twice).

use crate::error::AppError;
use crate::ssr::entities::{job_lease, job_run};
use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder,
};

/// What a finished run did, stored with its record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub deleted: i64,
    pub anonymised: i64,
    /// A one-line summary for the dashboard (e.g. a backup's name and size).
    pub detail: Option<String>,
}

/// Records the start of a run; returns its id for [`finish_run`].
pub async fn start_run(
    db: &impl ConnectionTrait,
    job: &str,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let run = job_run::ActiveModel {
        job: Set(job.to_owned()),
        started_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(run.id)
}

/// Records the end of a run: what it did, or why it failed.
pub async fn finish_run(
    db: &impl ConnectionTrait,
    id: i64,
    result: Result<&RunOutcome, &str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut run = job_run::ActiveModel {
        id: Set(id),
        finished_at: Set(Some(now)),
        ..Default::default()
    };
    match result {
        Ok(outcome) => {
            run.deleted = Set(outcome.deleted);
            run.anonymised = Set(outcome.anonymised);
            run.detail = Set(outcome.detail.clone());
        }
        Err(error) => run.error = Set(Some(error.to_owned())),
    }
    run.update(db).await?;
    Ok(())
}

/// The latest run of a job that finished (successfully or not) and started
/// at or after `since`: a night counts as done once such a run exists.
pub async fn finished_since(
    db: &impl ConnectionTrait,
    job: &str,
    since: NaiveDateTime,
) -> Result<Option<job_run::Model>, AppError> {
    Ok(job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .filter(job_run::Column::StartedAt.gte(since))
        .filter(job_run::Column::FinishedAt.is_not_null())
        .order_by_desc(job_run::Column::StartedAt)
        .one(db)
        .await?)
}

/// Takes or renews the lease on `job` for `holder` until `now + ttl`.
/// Returns whether `holder` holds it now. Atomic on both databases: the
/// row is created once, then a single UPDATE succeeds only when the lease
/// is free (expired) or already ours.
pub async fn try_lease(
    db: &impl ConnectionTrait,
    job: &str,
    holder: &str,
    now: NaiveDateTime,
    ttl: Duration,
) -> Result<bool, AppError> {
    job_lease::Entity::insert(job_lease::ActiveModel {
        job: Set(job.to_owned()),
        holder: Set(String::new()),
        expires_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    job_lease::Entity::update_many()
        .col_expr(job_lease::Column::Holder, Expr::value(holder))
        .col_expr(job_lease::Column::ExpiresAt, Expr::value(now + ttl))
        .filter(job_lease::Column::Job.eq(job))
        .filter(
            Condition::any()
                .add(job_lease::Column::ExpiresAt.lte(now))
                .add(job_lease::Column::Holder.eq(holder)),
        )
        .exec(db)
        .await?;
    // Read back rather than trust rows_affected: MySQL counts only rows
    // whose values changed, so a renewal within the same second reads 0.
    let lease = job_lease::Entity::find_by_id(job.to_owned())
        .one(db)
        .await?;
    Ok(lease.is_some_and(|l| l.holder == holder && l.expires_at > now))
}

/// Gives the lease up early (when the run is done), if we still hold it.
/// A released lease is free for any `now`: its expiry is set to the
/// epoch, not to the clock of the releasing instance (which may be ahead
/// of the next taker's, or, in a test, of the simulated night).
pub async fn release_lease(
    db: &impl ConnectionTrait,
    job: &str,
    holder: &str,
) -> Result<(), AppError> {
    job_lease::Entity::update_many()
        .col_expr(
            job_lease::Column::ExpiresAt,
            Expr::value(chrono::DateTime::UNIX_EPOCH.naive_utc()),
        )
        .filter(job_lease::Column::Job.eq(job))
        .filter(job_lease::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}
