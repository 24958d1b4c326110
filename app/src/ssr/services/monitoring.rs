//! AVG-18: the monitoring's warnings, found and mailed. `evaluate` applies
//! the rules of `cms::rules::monitoring` to the shop's numbers: the hourly
//! counts (security events, requests) against the week before, this
//! process's last minutes (5xx answers, failed and slow queries), and each
//! staff member's reading of customer records against their usual day.
//! The dashboard shows what it finds; `check`, run every minute by each
//! server (`server/src/jobs/monitor.rs`), also mails the owners — at most
//! once an hour per kind of warning: the hour is claimed with a
//! conditional update of `warning_mails` in the transaction that queues
//! the mail, so that several servers on one database send it once.

use crate::cms::rules::monitoring::{
    mean, staff_reads_far_above, window_warnings, MAIL_EVERY_MINUTES, STAFF_READS_DAYS,
};
use crate::cms::rules::{Warning, WarningKind};
use crate::error::AppError;
use crate::ssr::entities::warning_mail;
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::metrics::Metrics;
use crate::ssr::services::outbox::Outbox;
use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

/// Every warning active at `now`.
pub async fn evaluate(
    db: &impl ConnectionTrait,
    metrics: &Metrics,
    now: NaiveDateTime,
) -> Result<Vec<Warning>, AppError> {
    let mut warnings = super::security_counts::warnings(db, metrics, now).await?;
    warnings.extend(window_warnings(&metrics.window(now)));
    warnings.extend(staff_reads(db, now).await?);
    Ok(warnings)
}

/// Customer records shown to each staff member since `since` (a list page
/// of 50 customers counts 50), from the audit log's subjects.
async fn customer_reads_by_member_since(
    db: &impl ConnectionTrait,
    since: NaiveDateTime,
) -> Result<Vec<(i32, u64)>, AppError> {
    Ok(super::audit::records_read_by_member_since(db, since)
        .await?
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The members whose reading in the last hour is far above their mean day
/// of the `STAFF_READS_DAYS` days before.
pub async fn staff_reads(
    db: &impl ConnectionTrait,
    now: NaiveDateTime,
) -> Result<Vec<Warning>, AppError> {
    let hour_ago = now - Duration::hours(1);
    let last_hour = customer_reads_by_member_since(db, hour_ago).await?;
    if last_hour.is_empty() {
        return Ok(Vec::new());
    }
    let days = i64::try_from(STAFF_READS_DAYS).unwrap_or(30);
    let with_days = customer_reads_by_member_since(db, hour_ago - Duration::days(days)).await?;
    let mut warnings = Vec::new();
    for (staff_id, hour) in last_hour {
        let all = with_days
            .iter()
            .find(|(id, _)| *id == staff_id)
            .map_or(hour, |(_, n)| *n);
        let before = all.saturating_sub(hour);
        if staff_reads_far_above(hour, before) {
            warnings.push(Warning {
                staff_id: Some(staff_id),
                ..Warning::new(
                    WarningKind::StaffReads,
                    hour,
                    mean(before, STAFF_READS_DAYS),
                )
            });
        }
    }
    warnings.sort_by_key(|w| w.staff_id);
    Ok(warnings)
}

/// What one check found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub active: Vec<Warning>,
    /// The kinds mailed about now (the others were mailed within the hour,
    /// or the shop has no owner to mail).
    pub mailed: Vec<WarningKind>,
}

/// Finds the warnings, shows them on `/metrics` and mails the owners the
/// kinds not mailed about in the last hour.
pub async fn check(
    db: &DatabaseConnection,
    metrics: &Metrics,
    outbox: &Outbox,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<Checked, AppError> {
    let active = evaluate(db, metrics, now).await?;
    let mut kinds: Vec<WarningKind> = Vec::new();
    for w in &active {
        if !kinds.contains(&w.kind) {
            kinds.push(w.kind);
        }
    }
    metrics.set_active_warnings(kinds);
    let mailed = mail_owners(db, outbox, public_url, &active, now).await?;
    Ok(Checked { active, mailed })
}

/// Mails the owners (`staff.is_owner`, not locked) the `warnings` whose kind
/// was not mailed about in the last `MAIL_EVERY_MINUTES`; returns those
/// kinds.
pub async fn mail_owners(
    db: &DatabaseConnection,
    outbox: &Outbox,
    public_url: &str,
    warnings: &[Warning],
    now: NaiveDateTime,
) -> Result<Vec<WarningKind>, AppError> {
    if warnings.is_empty() {
        return Ok(Vec::new());
    }
    let owners = super::staff::owner_emails(db).await?;
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let mut kinds: Vec<WarningKind> = Vec::new();
    for w in warnings {
        if !kinds.contains(&w.kind) {
            kinds.push(w.kind);
        }
    }
    // A kind's row exists from its first warning on; two first warnings at
    // once both insert, one is ignored. It starts long ago: free to claim.
    for kind in &kinds {
        warning_mail::Entity::insert(warning_mail::ActiveModel {
            kind: Set(kind.as_str().to_owned()),
            mailed_at: Set(chrono::DateTime::UNIX_EPOCH.naive_utc()),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    }
    let shop = super::settings::load(db).await?.shop_name;
    let cms = format!("{}/cms", public_url.trim_end_matches('/'));
    let txn = super::begin_write(db).await?;
    let mut claimed = Vec::new();
    for kind in kinds {
        let updated = warning_mail::Entity::update_many()
            .col_expr(warning_mail::Column::MailedAt, Expr::value(now))
            .filter(warning_mail::Column::Kind.eq(kind.as_str()))
            .filter(warning_mail::Column::MailedAt.lte(now - Duration::minutes(MAIL_EVERY_MINUTES)))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 1 {
            claimed.push(kind);
        }
    }
    if claimed.is_empty() {
        txn.rollback().await?;
        return Ok(claimed);
    }
    let news: Vec<Warning> = warnings
        .iter()
        .filter(|w| claimed.contains(&w.kind))
        .cloned()
        .collect();
    let text = mail_text::monitoring::warnings(&shop, &news, &cms);
    for owner in owners {
        let mail = Mail {
            kind: MailKind::MonitoringWarning,
            to: owner,
            subject: text.subject.clone(),
            body: text.body.clone(),
            unsubscribe_url: None,
            html: None,
        };
        outbox.queue(&txn, &mail, None, now).await?;
    }
    txn.commit().await?;
    outbox.wake();
    tracing::warn!(
        kinds = ?claimed.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "monitoring warnings mailed to the owner"
    );
    Ok(claimed)
}
