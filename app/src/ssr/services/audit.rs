//! The audit log of staff access to personal data. Entries are only ever
//! added: no CMS function edits or deletes them.
//!
//! Each entry names the records it showed in `audit_subjects`, with the
//! customer whose data each showed, so that the owner can ask "who saw
//! this customer's data?" (issue 17) and monitoring can count the customer
//! records a member reads. Ids only: never a name, an address or a search
//! term.

use crate::cms::models::{AuditEntry, MemberChoice};
use crate::cms::rules::AuditAction;
use crate::error::AppError;
use crate::ssr::entities::{audit_log, audit_subject, staff};
use crate::ssr::now_utc;
use chrono::NaiveDateTime;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationDef,
};
use serde::Serialize;
use std::collections::HashMap;

/// One record a read or change showed: its id, of the entry's kind (an
/// order for `order.list`), and the customer whose personal data it showed
/// (`None`: an anonymised order or booking, nothing personal shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub record_id: i32,
    pub customer_id: Option<i32>,
}

impl Shown {
    /// A customer's own record.
    pub fn customer(id: i32) -> Self {
        Self {
            record_id: id,
            customer_id: Some(id),
        }
    }
}

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
    let txn = super::begin_write(db).await?;
    let outcome = async {
        let (value, detail) = change(&txn).await?;
        record(&txn, staff_id, action, entity_id, detail).await?;
        Ok(value)
    }
    .await;
    super::settle(txn, outcome).await
}

/// Writes one entry: who (`staff_id`) did what (`action`) to which record.
/// `detail` must never hold the personal data itself. An entry about a
/// customer (`customer.*`) has that customer as its subject, but for the
/// erasure itself: the customer is gone (see [`unlink_customers`]).
pub async fn record(
    db: &impl ConnectionTrait,
    staff_id: i32,
    action: AuditAction,
    entity_id: Option<i32>,
    detail: Option<String>,
) -> Result<(), AppError> {
    let shown: Vec<Shown> = match entity_id {
        Some(_) if action == AuditAction::CustomerDelete => Vec::new(),
        Some(id) if action.entity() == "customer" => vec![Shown::customer(id)],
        _ => Vec::new(),
    };
    record_shown(db, staff_id, action, entity_id, detail, &shown).await
}

/// Writes one entry and the records it showed: one insert for the entry,
/// one multi-row insert for its records. Run it in a transaction (the
/// caller's, or [`record_read`]'s) so that the two are one.
pub async fn record_shown(
    db: &impl ConnectionTrait,
    staff_id: i32,
    action: AuditAction,
    entity_id: Option<i32>,
    detail: Option<String>,
    shown: &[Shown],
) -> Result<(), AppError> {
    let audit_id = audit_log::Entity::insert(audit_log::ActiveModel {
        staff_id: Set(staff_id),
        action: Set(action.as_str().to_owned()),
        entity: Set(action.entity().to_owned()),
        entity_id: Set(entity_id),
        detail: Set(detail),
        at: Set(now_utc()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    if shown.is_empty() {
        return Ok(());
    }
    audit_subject::Entity::insert_many(shown.iter().map(|s| audit_subject::ActiveModel {
        audit_id: Set(audit_id),
        record_id: Set(s.record_id),
        customer_id: Set(s.customer_id),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// The entry of a read (a list page, one record, a download), written
/// before the caller hands the data out: a failed write fails the read, so
/// no view goes unaudited. It runs as a task of its own, in its own short
/// transaction: once the data has been read, the entry is written to the
/// end even when the request is dropped halfway (the client went away).
pub async fn record_read(
    db: &DatabaseConnection,
    staff_id: i32,
    action: AuditAction,
    entity_id: Option<i32>,
    detail: Option<String>,
    shown: Vec<Shown>,
) -> Result<(), AppError> {
    let db = db.clone();
    let write = tokio::spawn(async move {
        let txn = super::begin_write(&db).await?;
        record_shown(&txn, staff_id, action, entity_id, detail, &shown).await?;
        txn.commit().await?;
        Ok::<(), AppError>(())
    });
    write.await.map_err(|e| {
        tracing::error!(error = %e, "the audit write stopped");
        AppError::Internal
    })?
}

/// An erasure unlinks the customers from the records the log says were
/// shown, as it unlinks their orders and bookings: the entries stay (who
/// listed which orders), no longer tied to a person. Run in the erasure's
/// transaction, so the restore's erasure replay repeats it; and an id
/// handed out again after an old backup is restored never inherits
/// someone else's trail.
pub async fn unlink_customers(
    db: &impl ConnectionTrait,
    customer_ids: &[i32],
) -> Result<(), AppError> {
    audit_subject::Entity::update_many()
        .col_expr(
            audit_subject::Column::CustomerId,
            Expr::value(Option::<i32>::None),
        )
        .filter(audit_subject::Column::CustomerId.is_in(customer_ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// What the audit screen filters on; each `None` (or empty) filters
/// nothing. `customer`: entries that showed this customer's data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i32>,
    pub member: Option<i32>,
    pub customer: Option<i32>,
    pub before: Option<i64>,
}

/// The ids of the entries that showed this customer's data.
fn entries_showing(customer_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(audit_subject::Column::AuditId)
        .from(audit_subject::Entity)
        .and_where(audit_subject::Column::CustomerId.eq(customer_id))
        .to_owned()
}

/// The newest 100 entries first, filtered.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, AppError> {
    let mut select = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(100);
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(entity) = filter.entity.as_deref().filter(|e| !e.is_empty()) {
        select = select.filter(audit_log::Column::Entity.eq(entity));
    }
    if let Some(id) = filter.entity_id {
        select = select.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(member) = filter.member {
        select = select.filter(audit_log::Column::StaffId.eq(member));
    }
    if let Some(customer) = filter.customer {
        select = select.filter(audit_log::Column::Id.in_subquery(entries_showing(customer)));
    }
    if let Some(before) = filter.before {
        select = select.filter(audit_log::Column::Id.lt(before));
    }
    let rows = select.all(db).await?;
    let emails = staff_emails(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            staff_email: email_of(&emails, r.staff_id),
            id: r.id,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: r.detail,
            at: r.at,
        })
        .collect())
}

async fn staff_emails(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>, AppError> {
    Ok(staff::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.email))
        .collect())
}

fn email_of(emails: &HashMap<i32, String>, staff_id: i32) -> String {
    emails
        .get(&staff_id)
        .cloned()
        .unwrap_or_else(|| format!("#{staff_id}"))
}

/// Every member of staff, for the screen's filter by member.
pub async fn members(db: &impl ConnectionTrait) -> Result<Vec<MemberChoice>, AppError> {
    Ok(staff::Entity::find()
        .order_by_asc(staff::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(|s| MemberChoice {
            id: s.id,
            email: s.email,
        })
        .collect())
}

/// The format of [`AccessExport`], versioned like the account export's.
pub const ACCESS_EXPORT_FORMAT: &str = "winkel-access-log/1";

/// Who saw a customer's data (GDPR Art. 15), for the owner to hand to the
/// customer who asks: `docs/export-format.md`, second part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessExport {
    pub format: &'static str,
    pub customer_id: i32,
    pub exported_at: NaiveDateTime,
    /// Oldest first.
    pub entries: Vec<Access>,
}

/// One time a member of staff saw (or changed) the customer's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    /// UTC.
    pub at: NaiveDateTime,
    /// The member's login (an email address).
    pub member: String,
    pub action: String,
    /// The action in words.
    pub what: String,
    /// The records of this customer it showed, as `order 12`.
    pub records: Vec<String>,
}

/// Every entry that showed the customer's data, oldest first, and the
/// export's own entry (written before the file is handed out, like any
/// read).
pub async fn access_export(
    db: &DatabaseConnection,
    owner_id: i32,
    customer_id: i32,
    now: NaiveDateTime,
) -> Result<AccessExport, AppError> {
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Id.in_subquery(entries_showing(customer_id)))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    let mut records: HashMap<i64, Vec<i32>> = HashMap::new();
    for s in audit_subject::Entity::find()
        .filter(audit_subject::Column::CustomerId.eq(customer_id))
        .order_by_asc(audit_subject::Column::Id)
        .all(db)
        .await?
    {
        records.entry(s.audit_id).or_default().push(s.record_id);
    }
    let emails = staff_emails(db).await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            let what = AuditAction::parse(&r.action)
                .and_then(AuditAction::describe)
                .unwrap_or("looked at your data");
            Access {
                at: r.at,
                member: email_of(&emails, r.staff_id),
                what: what.to_owned(),
                records: records
                    .get(&r.id)
                    .into_iter()
                    .flatten()
                    .map(|id| format!("{} {id}", r.entity))
                    .collect(),
                action: r.action,
            }
        })
        .collect();
    record_read(
        db,
        owner_id,
        AuditAction::AuditExport,
        Some(customer_id),
        None,
        vec![Shown::customer(customer_id)],
    )
    .await?;
    Ok(AccessExport {
        format: ACCESS_EXPORT_FORMAT,
        customer_id,
        exported_at: now,
        entries,
    })
}

fn log_of_subject() -> RelationDef {
    audit_subject::Entity::belongs_to(audit_log::Entity)
        .from(audit_subject::Column::AuditId)
        .to(audit_log::Column::Id)
        .into()
}

/// How many customer records each member of staff was shown since `since`
/// (a list page of 50 customers counts 50; an anonymised order none), the
/// busiest first: monitoring warns when one reads far more than usual.
pub async fn records_read_by_member_since(
    db: &impl ConnectionTrait,
    since: NaiveDateTime,
) -> Result<Vec<(i32, i64)>, AppError> {
    let mut counts: Vec<(i32, i64)> = audit_subject::Entity::find()
        .select_only()
        .column(audit_log::Column::StaffId)
        .expr(Func::count(Expr::col((
            audit_subject::Entity,
            audit_subject::Column::Id,
        ))))
        .join(JoinType::InnerJoin, log_of_subject())
        .filter(audit_log::Column::At.gte(since))
        .filter(audit_subject::Column::CustomerId.is_not_null())
        .group_by(audit_log::Column::StaffId)
        .into_tuple()
        .all(db)
        .await?;
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(counts)
}
