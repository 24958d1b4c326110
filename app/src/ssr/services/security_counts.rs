//! AVG-18: the hourly security counts (failed logins, honeypot hits, refused
//! forms) persisted from memory, and the dashboard's alarm when the last
//! hour is far above the week before.

use crate::cms::models::SecurityAlert;
use crate::error::AppError;
use crate::ssr::entities::security_count;
use crate::ssr::metrics::{far_above_baseline, Metrics, SecurityEvent, BASELINE_HOURS};
use chrono::{Duration, NaiveDateTime, Timelike};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

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
    if counts.is_empty() {
        return Ok(());
    }
    let hour = hour_start(now);
    let write = async {
        let txn = db.begin().await?;
        for (event, n) in &counts {
            let existing = security_count::Entity::find()
                .filter(security_count::Column::HourStart.eq(hour))
                .filter(security_count::Column::Kind.eq(event.as_str()))
                .one(&txn)
                .await?;
            let n = i64::try_from(*n).unwrap_or(i64::MAX);
            match existing {
                Some(row) => {
                    let count = row.count.saturating_add(n);
                    let mut row: security_count::ActiveModel = row.into();
                    row.count = Set(count);
                    row.update(&txn).await?;
                }
                None => {
                    security_count::ActiveModel {
                        hour_start: Set(hour),
                        kind: Set(event.as_str().to_owned()),
                        count: Set(n),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                }
            }
        }
        txn.commit().await?;
        Ok::<(), sea_orm::DbErr>(())
    };
    if let Err(error) = write.await {
        metrics.restore_unflushed(counts);
        return Err(error.into());
    }
    Ok(())
}

/// The kinds whose previous full hour or current hour so far is far above
/// the mean hour of the 7 days before.
pub async fn alerts(
    db: &impl ConnectionTrait,
    metrics: &Metrics,
    now: NaiveDateTime,
) -> Result<Vec<SecurityAlert>, AppError> {
    let current = hour_start(now);
    let previous = current - Duration::hours(1);
    let baseline_from = previous - Duration::hours(i64::try_from(BASELINE_HOURS).unwrap_or(168));
    let rows = security_count::Entity::find()
        .filter(security_count::Column::HourStart.gte(baseline_from))
        .all(db)
        .await?;
    let mut alerts = Vec::new();
    for event in SecurityEvent::ALL {
        let sum = |from: NaiveDateTime, to: NaiveDateTime| -> u64 {
            rows.iter()
                .filter(|r| r.kind == event.as_str() && r.hour_start >= from && r.hour_start < to)
                .map(|r| u64::try_from(r.count).unwrap_or(0))
                .sum()
        };
        let week = sum(baseline_from, previous);
        let last_full_hour = sum(previous, current);
        let this_hour = sum(current, current + Duration::hours(1)) + metrics.unflushed(event);
        let worst = last_full_hour.max(this_hour);
        if far_above_baseline(worst, week) {
            alerts.push(SecurityAlert {
                kind: event.as_str().to_owned(),
                last_hour: worst,
                week_total: week,
            });
        }
    }
    Ok(alerts)
}
