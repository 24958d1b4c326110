//! Withdrawn newsletter consent survives a restore (issue 17, section 3),
//! as an erasure does: every unsubscribe, and every newsletter wish a
//! customer takes back under "Mijn account", writes a tombstone
//! (`consent_withdrawals`: the customer id and the moment, nothing else),
//! and a restore of an older backup withdraws the subscription again
//! (`server/src/jobs/backup/restore.rs`).
//!
//! The tombstone names the customer record, not the address: the
//! subscription lives on the record (AVG-4's newsletter choice), the
//! erasure tombstones do the same, and so nothing of the address, not
//! even a hash, is kept. A subscriber who confirms again after withdrawing
//! and is then restored from a backup older than both stays withdrawn:
//! the backup has no record of the new consent, and no consent is the
//! safe side.

use crate::customer::NewsletterState;
use crate::error::AppError;
use crate::ssr::entities::{consent_withdrawal, customer};
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Records that `customer_id` withdrew their newsletter consent (or wish)
/// at `now`, in the caller's transaction with the change itself.
pub async fn record(
    db: &impl ConnectionTrait,
    customer_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    consent_withdrawal::Entity::insert(consent_withdrawal::ActiveModel {
        customer_id: Set(customer_id),
        withdrawn_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Ends the customer's subscription (state and consent date) and records
/// the withdrawal, in the caller's transaction.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    customer_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    customer::Entity::update_many()
        .col_expr(
            customer::Column::Newsletter,
            Expr::value(NewsletterState::None),
        )
        .col_expr(
            customer::Column::NewsletterConsentAt,
            Expr::value(Option::<NaiveDateTime>::None),
        )
        .filter(customer::Column::Id.eq(customer_id))
        .exec(db)
        .await?;
    record(db, customer_id, now).await
}

/// One withdrawal, as a restore carries it over.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Withdrawal {
    pub withdrawn_at: NaiveDateTime,
    pub customer_id: i32,
}

/// The withdrawals at or after `since`.
pub async fn since(
    db: &impl ConnectionTrait,
    since: NaiveDateTime,
) -> Result<Vec<Withdrawal>, AppError> {
    Ok(consent_withdrawal::Entity::find()
        .filter(consent_withdrawal::Column::WithdrawnAt.gte(since))
        .all(db)
        .await?
        .into_iter()
        .map(|w| Withdrawal {
            withdrawn_at: w.withdrawn_at,
            customer_id: w.customer_id,
        })
        .collect())
}

/// Re-applies withdrawals after a restore: each customer the restored data
/// holds loses the subscription again, and every withdrawal is written
/// back (once), so that a later restore of an even older backup still
/// honours it. Returns (customers withdrawn again, withdrawals written).
pub async fn reapply(
    db: &impl ConnectionTrait,
    withdrawals: &[Withdrawal],
) -> Result<(u64, usize), AppError> {
    let mut ids: Vec<i32> = withdrawals.iter().map(|w| w.customer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut again = 0;
    for chunk in ids.chunks(500) {
        again += customer::Entity::update_many()
            .col_expr(
                customer::Column::Newsletter,
                Expr::value(NewsletterState::None),
            )
            .col_expr(
                customer::Column::NewsletterConsentAt,
                Expr::value(Option::<NaiveDateTime>::None),
            )
            .filter(customer::Column::Id.is_in(chunk.iter().copied()))
            .filter(customer::Column::Newsletter.ne(NewsletterState::None))
            .exec(db)
            .await?
            .rows_affected;
    }
    let mut written = 0;
    for w in withdrawals {
        let exists = consent_withdrawal::Entity::find()
            .filter(consent_withdrawal::Column::CustomerId.eq(w.customer_id))
            .filter(consent_withdrawal::Column::WithdrawnAt.eq(w.withdrawn_at))
            .one(db)
            .await?
            .is_some();
        if !exists {
            record(db, w.customer_id, w.withdrawn_at).await?;
            written += 1;
        }
    }
    Ok((again, written))
}
