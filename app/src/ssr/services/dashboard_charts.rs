//! The dashboard's charts (AVG-18 and the shop's own numbers): orders and
//! revenue per day and the background jobs per day over the last 30 days,
//! the security events per hour over the last 7. Days are the shop's days
//! in Amsterdam; each is drawn by `svg_chart` on the server.

use crate::clock::{amsterdam_local, shop_day_start, shop_today};
use crate::cms::models::Chart;
use crate::cms::rules::OrderStatus;
use crate::cms::text::NL;
use crate::error::AppError;
use crate::locale::{date_time_in, day_in, price_in, Locale};
use crate::ssr::entities::{job_run, order};
use crate::ssr::metrics::Metrics;
use crate::ssr::svg_chart::{render, Bar, BarChart};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// The days of the day charts, today included.
pub const DAYS: i64 = 30;
/// The days of the hourly security chart.
pub const SECURITY_DAYS: i64 = 7;

/// Every chart of the dashboard, in the order shown.
pub async fn load(
    db: &impl ConnectionTrait,
    metrics: &Metrics,
    now: NaiveDateTime,
) -> Result<Vec<Chart>, AppError> {
    let today = shop_today(now);
    let days: Vec<NaiveDate> = (0..DAYS)
        .rev()
        .map(|back| today - Duration::days(back))
        .collect();
    let from = shop_day_start(days[0]);
    let orders: Vec<(NaiveDateTime, i64, OrderStatus)> = order::Entity::find()
        .select_only()
        .column(order::Column::PlacedAt)
        .column(order::Column::TotalCents)
        .column(order::Column::Status)
        .filter(order::Column::PlacedAt.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    let runs: Vec<(NaiveDateTime, Option<NaiveDateTime>, Option<String>)> = job_run::Entity::find()
        .select_only()
        .column(job_run::Column::StartedAt)
        .column(job_run::Column::FinishedAt)
        .column(job_run::Column::Error)
        .filter(job_run::Column::StartedAt.gte(from))
        .into_tuple()
        .all(db)
        .await?;
    let security_from = now - Duration::days(SECURITY_DAYS) + Duration::hours(1);
    let security =
        super::security_counts::security_per_hour(db, metrics, security_from, now).await?;
    Ok(vec![
        orders_chart(&days, &orders),
        revenue_chart(&days, &orders),
        security_chart(&security),
        jobs_chart(&days, &runs, now),
    ])
}

fn shop_day(utc: NaiveDateTime) -> NaiveDate {
    amsterdam_local(utc).date()
}

/// Under every seventh bar, counted back from the last: `5/12`.
fn day_label(i: usize, count: usize, day: NaiveDate) -> String {
    if (count - 1 - i).is_multiple_of(7) {
        format!("{}/{}", day.day(), day.month())
    } else {
        String::new()
    }
}

fn count_axis(n: u64) -> String {
    n.to_string()
}

/// Whole euros where the amount is round (`€ 50`), else with cents.
fn euro_axis(cents: u64) -> String {
    let amount = price_in(Locale::Nl, i64::try_from(cents).unwrap_or(i64::MAX));
    amount
        .strip_suffix(",00")
        .map_or(amount.clone(), str::to_owned)
}

fn chart(caption: &str, chart: &BarChart) -> Chart {
    Chart {
        caption: caption.to_owned(),
        svg: render(chart),
    }
}

fn orders_chart(days: &[NaiveDate], orders: &[(NaiveDateTime, i64, OrderStatus)]) -> Chart {
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let n = orders.iter().filter(|o| shop_day(o.0) == *day).count();
            let n = u64::try_from(n).unwrap_or(0);
            Bar {
                parts: vec![n],
                label: day_label(i, days.len(), *day),
                title: format!(
                    "{}: {n} {}",
                    day_in(Locale::Nl, *day),
                    if n == 1 { "bestelling" } else { "bestellingen" }
                ),
            }
        })
        .collect();
    chart(
        NL.chart_orders,
        &BarChart {
            title: NL.chart_orders,
            bars,
            legend: vec![],
            axis: count_axis,
            empty: NL.chart_empty,
        },
    )
}

/// Revenue as on the dashboard's "today": cancelled orders do not count.
fn revenue_chart(days: &[NaiveDate], orders: &[(NaiveDateTime, i64, OrderStatus)]) -> Chart {
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let cents: i64 = orders
                .iter()
                .filter(|o| shop_day(o.0) == *day && o.2 != OrderStatus::Cancelled)
                .map(|o| o.1)
                .sum();
            Bar {
                parts: vec![u64::try_from(cents).unwrap_or(0)],
                label: day_label(i, days.len(), *day),
                title: format!(
                    "{}: {}",
                    day_in(Locale::Nl, *day),
                    price_in(Locale::Nl, cents)
                ),
            }
        })
        .collect();
    chart(
        NL.chart_revenue,
        &BarChart {
            title: NL.chart_revenue,
            bars,
            legend: vec![],
            axis: euro_axis,
            empty: NL.chart_empty,
        },
    )
}

fn security_chart(
    hours: &[(
        NaiveDateTime,
        Vec<(crate::ssr::metrics::SecurityEvent, u64)>,
    )],
) -> Chart {
    let bars = hours
        .iter()
        .map(|(hour, counts)| {
            let local = amsterdam_local(*hour);
            let total: u64 = counts.iter().map(|(_, n)| n).sum();
            let detail: Vec<String> = counts
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(event, n)| {
                    let kind = super::security_counts::kind_of(*event);
                    format!("{n} {}", crate::cms::text::security_events(kind))
                })
                .collect();
            let label = if local.hour() == 0 {
                format!("{}/{}", local.day(), local.month())
            } else {
                String::new()
            };
            Bar {
                parts: vec![total],
                label,
                title: if detail.is_empty() {
                    format!("{}: 0", date_time_in(Locale::Nl, local))
                } else {
                    format!("{}: {}", date_time_in(Locale::Nl, local), detail.join(", "))
                },
            }
        })
        .collect();
    chart(
        NL.chart_security,
        &BarChart {
            title: NL.chart_security,
            bars,
            legend: vec![],
            axis: count_axis,
            empty: NL.chart_empty,
        },
    )
}

/// A run counts as failed when it ended with an error, or never ended and
/// started more than a day ago (killed half-way); one still running counts
/// as neither.
fn jobs_chart(
    days: &[NaiveDate],
    runs: &[(NaiveDateTime, Option<NaiveDateTime>, Option<String>)],
    now: NaiveDateTime,
) -> Chart {
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let of_day: Vec<_> = runs.iter().filter(|r| shop_day(r.0) == *day).collect();
            let ok = of_day
                .iter()
                .filter(|r| r.1.is_some() && r.2.is_none())
                .count();
            let failed = of_day
                .iter()
                .filter(|r| r.2.is_some() || (r.1.is_none() && now - r.0 > Duration::days(1)))
                .count();
            let (ok, failed) = (
                u64::try_from(ok).unwrap_or(0),
                u64::try_from(failed).unwrap_or(0),
            );
            Bar {
                parts: vec![ok, failed],
                label: day_label(i, days.len(), *day),
                title: format!(
                    "{}: {ok} {}, {failed} {}",
                    day_in(Locale::Nl, *day),
                    NL.chart_jobs_ok,
                    NL.chart_jobs_failed
                ),
            }
        })
        .collect();
    chart(
        NL.chart_jobs,
        &BarChart {
            title: NL.chart_jobs,
            bars,
            legend: vec![NL.chart_jobs_ok, NL.chart_jobs_failed],
            axis: count_axis,
            empty: NL.chart_empty,
        },
    )
}
