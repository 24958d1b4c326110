//! The audit log of staff access to personal data. Entries are only ever
//! added: no CMS function edits or deletes them.

use crate::cms::models::AuditEntry;
use crate::cms::rules::AuditAction;
use crate::error::AppError;
use crate::ssr::entities::{audit_log, staff};
use crate::ssr::now_utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

/// A CMS change and the audit entry that records it, in one transaction: no
/// change without its entry, no entry for a change that was rolled back.
/// `change` writes on the transaction and returns its value with the
/// entry's detail.
pub async fn audited<T>(
    db: &DatabaseConnection,
    staff_id: i32,
    action: AuditAction,
    entity_id: Option<i32>,
    change: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(T, Option<String>), AppError>,
) -> Result<T, AppError> {
    let txn = db.begin().await?;
    let outcome = async {
        let (value, detail) = change(&txn).await?;
        record(&txn, staff_id, action, entity_id, detail).await?;
        Ok(value)
    }
    .await;
    match outcome {
        Ok(value) => {
            txn.commit().await?;
            Ok(value)
        }
        Err(error) => {
            txn.rollback().await?;
            Err(error)
        }
    }
}

/// Writes one entry: who (`staff_id`) did what (`action`) to which record.
/// `detail` must never hold the personal data itself.
pub async fn record(
    db: &impl ConnectionTrait,
    staff_id: i32,
    action: AuditAction,
    entity_id: Option<i32>,
    detail: Option<String>,
) -> Result<(), AppError> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        staff_id: Set(staff_id),
        action: Set(action.as_str().to_owned()),
        entity: Set(action.entity().to_owned()),
        entity_id: Set(entity_id),
        detail: Set(detail),
        at: Set(now_utc()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The newest entries first, optionally of one action / entity / record.
pub async fn list(
    db: &impl ConnectionTrait,
    action: Option<&str>,
    entity: Option<&str>,
    entity_id: Option<i32>,
    before: Option<i64>,
) -> Result<Vec<AuditEntry>, AppError> {
    let mut select = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(100);
    if let Some(action) = action.filter(|a| !a.is_empty()) {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(entity) = entity.filter(|e| !e.is_empty()) {
        select = select.filter(audit_log::Column::Entity.eq(entity));
    }
    if let Some(id) = entity_id {
        select = select.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(before) = before {
        select = select.filter(audit_log::Column::Id.lt(before));
    }
    let rows = select.all(db).await?;
    let staff: Vec<staff::Model> = staff::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            staff_email: staff
                .iter()
                .find(|s| s.id == r.staff_id)
                .map_or_else(|| format!("#{}", r.staff_id), |s| s.email.clone()),
            id: r.id,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: r.detail,
            at: r.at,
        })
        .collect())
}
