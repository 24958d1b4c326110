//! AVG-18: the hourly security counts (failed logins, honeypot hits, refused
//! forms) and requests persisted from memory, and the warnings when the
//! last hour is far above the week before.

use crate::cms::rules::monitoring::{
    mean, security_far_above, traffic_far_above, Warning, WarningKind, BASELINE_HOURS,
};
use crate::error::AppError;
use crate::ssr::entities::security_count;
use crate::ssr::metrics::{Metrics, SecurityEvent, REQUESTS_KIND};
use chrono::{Duration, NaiveDateTime, Timelike};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The start of the (UTC) hour `now` falls in.
pub fn hour_start(now: NaiveDateTime) -> NaiveDateTime {
    now.date().and_hms_opt(now.hour(), 0, 0).unwrap_or(now)
}

/// Adds the counts gathered in memory to this hour's rows, in one
/// transaction; on failure they stay in memory for the next try.
pub async fn flush(
    db: &sea_orm::DatabaseConnection,
    metrics: &Metrics,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let counts = metrics.take_unflushed();
    let requests = metrics.take_unflushed_requests();
    if counts.is_empty() && requests == 0 {
        return Ok(());
    }
    let hour = hour_start(now);
    let rows: Vec<(&'static str, u64)> = counts
        .iter()
        .map(|(event, n)| (event.as_str(), *n))
        .chain((requests > 0).then_some((REQUESTS_KIND, requests)))
        .collect();
    // Each row is added to in the statement itself (an upsert on the
    // unique hour and kind): several instances flushing the same hour at
    // once each add their own counts, none is lost to a read-then-write.
    let write = async {
        let txn = super::begin_write(db).await?;
        for (kind, n) in &rows {
            let n = i64::try_from(*n).unwrap_or(i64::MAX);
            security_count::Entity::insert(security_count::ActiveModel {
                hour_start: Set(hour),
                kind: Set((*kind).to_owned()),
                count: Set(n),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([
                    security_count::Column::HourStart,
                    security_count::Column::Kind,
                ])
                .value(
                    security_count::Column::Count,
                    sea_orm::sea_query::ExprTrait::add(
                        Expr::col((security_count::Entity, security_count::Column::Count)),
                        n,
                    ),
                )
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok::<(), sea_orm::DbErr>(())
    };
    if let Err(error) = write.await {
        metrics.restore_unflushed(counts);
        metrics.restore_unflushed_requests(requests);
        return Err(error.into());
    }
    Ok(())
}

/// The security kinds and the requests whose previous full hour or current
/// hour so far is far above the mean hour of the 7 days before.
pub async fn warnings(
    db: &impl ConnectionTrait,
    metrics: &Metrics,
    now: NaiveDateTime,
) -> Result<Vec<Warning>, AppError> {
    let current = hour_start(now);
    let previous = current - Duration::hours(1);
    let baseline_from = previous - Duration::hours(i64::try_from(BASELINE_HOURS).unwrap_or(168));
    let rows = security_count::Entity::find()
        .filter(security_count::Column::HourStart.gte(baseline_from))
        .all(db)
        .await?;
    let sum = |kind: &str, from: NaiveDateTime, to: NaiveDateTime| -> u64 {
        rows.iter()
            .filter(|r| r.kind == kind && r.hour_start >= from && r.hour_start < to)
            .map(|r| u64::try_from(r.count).unwrap_or(0))
            .sum()
    };
    // The worse of the last full hour and the hour so far (with what this
    // process has not written yet).
    let worst = |kind: &str, unflushed: u64| -> u64 {
        sum(kind, previous, current)
            .max(sum(kind, current, current + Duration::hours(1)) + unflushed)
    };
    let mut warnings = Vec::new();
    for event in SecurityEvent::ALL {
        let week = sum(event.as_str(), baseline_from, previous);
        let last_hour = worst(event.as_str(), metrics.unflushed(event));
        if security_far_above(last_hour, week) {
            warnings.push(Warning::new(kind_of(event), last_hour, week));
        }
    }
    let week = sum(REQUESTS_KIND, baseline_from, previous);
    let hours = rows
        .iter()
        .filter(|r| {
            r.kind == REQUESTS_KIND && r.hour_start >= baseline_from && r.hour_start < previous
        })
        .count();
    let hours = u64::try_from(hours).unwrap_or(u64::MAX);
    let last_hour = worst(REQUESTS_KIND, metrics.unflushed_requests());
    if traffic_far_above(last_hour, week, hours) {
        warnings.push(Warning::new(
            WarningKind::Traffic,
            last_hour,
            mean(week, hours),
        ));
    }
    Ok(warnings)
}

/// The warning kind of a security event.
pub fn kind_of(event: SecurityEvent) -> WarningKind {
    match event {
        SecurityEvent::FailedLoginCustomer => WarningKind::FailedLoginCustomer,
        SecurityEvent::FailedLoginStaff => WarningKind::FailedLoginStaff,
        SecurityEvent::HoneypotHit => WarningKind::HoneypotHit,
        SecurityEvent::FormLimitRefusal => WarningKind::FormLimitRefusal,
    }
}

/// The security events (all kinds together) per hour from `from` on, for
/// the dashboard's chart; the hour now also counts what this process has
/// not written yet.
pub async fn security_per_hour(
    db: &impl ConnectionTrait,
    metrics: &Metrics,
    from: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Vec<(NaiveDateTime, Vec<(SecurityEvent, u64)>)>, AppError> {
    let kinds: Vec<&str> = SecurityEvent::ALL.iter().map(|e| e.as_str()).collect();
    let rows = security_count::Entity::find()
        .filter(security_count::Column::HourStart.gte(from))
        .filter(security_count::Column::Kind.is_in(kinds))
        .all(db)
        .await?;
    let mut stored: std::collections::HashMap<(NaiveDateTime, String), u64> =
        std::collections::HashMap::new();
    for row in rows {
        *stored.entry((row.hour_start, row.kind)).or_default() +=
            u64::try_from(row.count).unwrap_or(0);
    }
    let current = hour_start(now);
    let mut hours = Vec::new();
    let mut hour = hour_start(from);
    while hour <= current {
        let counts = SecurityEvent::ALL
            .iter()
            .map(|event| {
                let n = stored
                    .get(&(hour, event.as_str().to_owned()))
                    .copied()
                    .unwrap_or(0);
                let live = if hour == current {
                    metrics.unflushed(*event)
                } else {
                    0
                };
                (*event, n + live)
            })
            .collect();
        hours.push((hour, counts));
        hour += Duration::hours(1);
    }
    Ok(hours)
}
