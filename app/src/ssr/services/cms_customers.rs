//! Customers in the CMS (AVG-9): list, search, view, edit, delete. Every
//! read is written to the audit log here, every change by the caller's
//! function.

use super::accounts::{self, apply_customer_data};
use super::audit::{self, Shown};
use super::privacy::{erase_customer, Erased, ErasureReason};
use super::{one_page, PAGE_SIZE};
use crate::cms::models::{CustomerDetail, CustomerPage, CustomerRow};
use crate::cms::rules::AuditAction;
use crate::customer::{CustomerInput, Requirement};
use crate::error::AppError;
use crate::shop::rules::PaymentMethod;
use crate::ssr::entities::customer;
use chrono::NaiveDateTime;
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Newest customers first, 50 a page, continuing after the id `after`
/// (keyset paging: as fast on page 1,000 as on page 1). A search is a prefix
/// match on the email (when it holds an `@`) or the last name; both are
/// indexed, so it stays fast on a million rows. The page is audited: the
/// customers shown, never the search term (itself a name or an address).
pub async fn search(
    db: &DatabaseConnection,
    staff_id: i32,
    query: &str,
    after: Option<i32>,
) -> Result<CustomerPage, AppError> {
    let query = query.trim();
    let page = search_page(db, query, after).await?;
    let shown = page.rows.iter().map(|c| Shown::customer(c.id)).collect();
    let detail = (!query.is_empty()).then(|| "search".to_owned());
    audit::record_read(db, staff_id, AuditAction::CustomerList, None, detail, shown).await?;
    Ok(page)
}

async fn search_page(
    db: &impl ConnectionTrait,
    query: &str,
    after: Option<i32>,
) -> Result<CustomerPage, AppError> {
    let mut select = customer::Entity::find()
        .order_by_desc(customer::Column::Id)
        .limit(PAGE_SIZE + 1);
    if !query.is_empty() {
        let prefix = super::catalog::prefix_pattern(query);
        let column = if query.contains('@') {
            customer::Column::Email
        } else {
            customer::Column::LastName
        };
        select = select.filter(sea_orm::sea_query::Expr::col(column).like(prefix));
    }
    if let Some(after) = after {
        select = select.filter(customer::Column::Id.lt(after));
    }
    let (rows, more) = one_page(select.all(db).await?);
    Ok(CustomerPage {
        next_after: if more {
            rows.last().map(|r| r.id)
        } else {
            None
        },
        rows: rows
            .into_iter()
            .map(|c| CustomerRow {
                id: c.id,
                name: format!("{} {}", c.first_name, c.last_name),
                email: c.email,
                city: c.city,
                has_account: c.password_hash.is_some(),
                created_at: c.created_at,
            })
            .collect(),
    })
}

/// One customer's data for a member of staff; the view is audited (AVG-11).
pub async fn view(
    db: &DatabaseConnection,
    staff_id: i32,
    id: i32,
) -> Result<CustomerDetail, AppError> {
    let detail = detail(db, id).await?;
    let shown = vec![Shown::customer(id)];
    audit::record_read(
        db,
        staff_id,
        AuditAction::CustomerView,
        Some(id),
        None,
        shown,
    )
    .await?;
    Ok(detail)
}

pub async fn detail(db: &impl ConnectionTrait, id: i32) -> Result<CustomerDetail, AppError> {
    let row = customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(CustomerDetail {
        id: row.id,
        kind: row.kind,
        has_account: row.password_hash.is_some(),
        profile: accounts::profile_of(&row),
        orders: accounts::order_history(db, row.id).await?,
    })
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: i32,
    input: &CustomerInput,
) -> Result<CustomerDetail, AppError> {
    let row = customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let data = input.validate_for(Requirement::of_kind(row.kind))?;
    let mut update: customer::ActiveModel = row.into();
    apply_customer_data(&mut update, &data);
    update.update(db).await?;
    detail(db, id).await
}

/// Whether this customer may pay "on account" (the one payment method the
/// shop grants per customer; `shop::rules::entitled_payment_methods`).
pub async fn set_on_account(
    db: &impl ConnectionTrait,
    id: i32,
    allowed: bool,
) -> Result<CustomerDetail, AppError> {
    let row = customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut update: customer::ActiveModel = row.into();
    update.payment_methods =
        sea_orm::ActiveValue::Set(allowed.then(|| PaymentMethod::OnAccount.as_str().to_owned()));
    update.update(db).await?;
    detail(db, id).await
}

/// Deletes a customer the way "Verwijder mijn account" does, in the
/// caller's transaction (with its audit entry).
pub async fn delete(
    txn: &DatabaseTransaction,
    id: i32,
    now: NaiveDateTime,
) -> Result<Erased, AppError> {
    if customer::Entity::find_by_id(id).one(txn).await?.is_none() {
        return Err(AppError::NotFound);
    }
    erase_customer(txn, id, ErasureReason::Staff, now).await
}
