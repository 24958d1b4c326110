//! Stock alerts (issue 20): a product with a threshold (`stock_alert`) is
//! low when its stock is at or below it. The CMS dashboard lists the low
//! products; once a day the shop's owners get one mail listing them
//! (`server/src/jobs/stock_alerts.rs`), never more: the day of the last
//! mail is a row in `settings`, claimed with a conditional update in the
//! transaction that queues the mail, so two instances (or a job and a
//! command run at once) send it once between them.
//!
//! The mail goes to the owners (`staff.is_owner`, not locked): staff, not
//! customers, so it is not unsolicited mail and carries no personal data,
//! only product names and numbers.

use crate::clock::shop_today;
use crate::cms::models::LowStock;
use crate::error::AppError;
use crate::ssr::entities::{product, setting};
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::services::outbox::Outbox;
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

/// The `settings` row holding the shop day of the last alert mail.
pub const MAILED_ON_KEY: &str = "stock_alert_mailed_on";

/// The highest threshold the CMS accepts.
pub const MAX_THRESHOLD: i32 = 9999;

/// The active products at or below their threshold, lowest stock first.
pub async fn low_stock(db: &impl ConnectionTrait) -> Result<Vec<LowStock>, AppError> {
    let rows = product::Entity::find()
        .filter(product::Column::Active.eq(true))
        .filter(product::Column::StockAlert.is_not_null())
        .filter(Expr::col(product::Column::Stock).lte(Expr::col(product::Column::StockAlert)))
        .order_by_asc(product::Column::Stock)
        .order_by_asc(product::Column::Name)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| LowStock {
            id: p.id,
            name: p.name,
            stock: p.stock,
            threshold: p.stock_alert.unwrap_or_default(),
        })
        .collect())
}

/// What a call of [`mail_owner`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertMail {
    /// No product is low: no mail, and the day stays unclaimed.
    NothingLow,
    /// The shop has no owner who could get it.
    NoOwner,
    /// Today's mail went out already (here or from another instance).
    AlreadySent,
    /// Queued for this many owners, about this many products.
    Queued { owners: usize, products: usize },
}

/// Mails the owners the low products, unless that was done today (the
/// shop's day in Amsterdam) or nothing is low.
pub async fn mail_owner(
    db: &DatabaseConnection,
    outbox: &Outbox,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<AlertMail, AppError> {
    let low = low_stock(db).await?;
    if low.is_empty() {
        return Ok(AlertMail::NothingLow);
    }
    let owners = super::staff::owner_emails(db).await?;
    if owners.is_empty() {
        return Ok(AlertMail::NoOwner);
    }
    let today = shop_today(now).to_string();
    // The row exists from the first alert on; two first alerts at once
    // both insert, one is ignored.
    setting::Entity::insert(setting::ActiveModel {
        key: Set(MAILED_ON_KEY.to_owned()),
        value: Set(String::new()),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    let shop = super::settings::load(db).await?.shop_name;
    let text = mail_text::stock::alert(
        &shop,
        &low,
        &format!("{}/cms", public_url.trim_end_matches('/')),
    );
    let txn = super::begin_write(db).await?;
    let claimed = setting::Entity::update_many()
        .col_expr(setting::Column::Value, Expr::value(today.clone()))
        .filter(setting::Column::Key.eq(MAILED_ON_KEY))
        .filter(setting::Column::Value.ne(today))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(AlertMail::AlreadySent);
    }
    for owner in &owners {
        let mail = Mail {
            kind: MailKind::StockAlert,
            to: owner.clone(),
            subject: text.subject.clone(),
            body: text.body.clone(),
            unsubscribe_url: None,
            html: None,
        };
        outbox.queue(&txn, &mail, None, now).await?;
    }
    txn.commit().await?;
    outbox.wake();
    Ok(AlertMail::Queued {
        owners: owners.len(),
        products: low.len(),
    })
}
