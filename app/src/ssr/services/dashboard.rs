//! The CMS dashboard: today's orders, open work, the last privacy jobs
//! (the warnings: `monitoring`; the charts: `dashboard_charts`).

use crate::clock::{shop_day_start, shop_today};
use crate::cms::models::{Dashboard, JobStatus};
use crate::cms::rules::OrderStatus;
use crate::contact::rules::QuestionStatus;
use crate::error::AppError;
use crate::ssr::entities::{job_run, order, question};
use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// The latest run of a job, finished or not.
pub async fn last_run(db: &impl ConnectionTrait, job: &str) -> Result<Option<JobStatus>, AppError> {
    let run = job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .order_by_desc(job_run::Column::StartedAt)
        .one(db)
        .await?;
    Ok(run.map(|r| JobStatus {
        finished_at: r.finished_at,
        ok: r.error.is_none() && r.finished_at.is_some(),
        summary: r.error.or(r.detail).unwrap_or_else(|| {
            format!("{} verwijderd, {} geanonimiseerd", r.deleted, r.anonymised)
        }),
    }))
}

pub async fn load(db: &impl ConnectionTrait, now: NaiveDateTime) -> Result<Dashboard, AppError> {
    // "Today" is the shop's day in Amsterdam, stored times are UTC.
    let start = shop_day_start(shop_today(now));
    let today = order::Entity::find()
        .filter(order::Column::PlacedAt.gte(start))
        .all(db)
        .await?;
    Ok(Dashboard {
        orders_today: today.len() as u64,
        revenue_today_cents: today
            .iter()
            .filter(|o| o.status != OrderStatus::Cancelled)
            .map(|o| o.total_cents)
            .sum(),
        orders_new: order::Entity::find()
            .filter(order::Column::Status.eq(OrderStatus::New))
            .count(db)
            .await?,
        open_questions: question::Entity::find()
            .filter(question::Column::Status.eq(QuestionStatus::Open))
            .count(db)
            .await?,
        last_retention: last_run(db, "retention").await?,
        last_backup: last_run(db, "backup").await?,
        warnings: Vec::new(),
        charts: Vec::new(),
        low_stock: Vec::new(),
    })
}
