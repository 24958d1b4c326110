//! Orders in the CMS: list with filters, detail, status changes. A
//! cancellation returns the stock, in the same transaction; every status
//! change that the customer hears of (paid, shipped, cancelled) queues its
//! mail in it too (`order_mail`).

use super::audit::{self, Shown};
use super::{one_page, parse_day, PAGE_SIZE};
use super::{order_mail, orders, payments};
use crate::clock::shop_day_start;
use crate::cms::models::{OrderPage, OrderRow, StaffOrderView};
use crate::cms::rules::{self, AuditAction, OrderStatus};
use crate::error::AppError;
use crate::ssr::entities::{order, order_line, product};
use crate::ssr::AppState;
use crate::validate::FieldError;
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Newest first, 50 a page, optionally of one status and a date range
/// (inclusive days in the shop's time, as the list shows them). Each row
/// shows its recipient's name: the page is audited, the orders shown with
/// their customers.
pub async fn list(
    db: &DatabaseConnection,
    staff_id: i32,
    status: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    before: Option<i32>,
) -> Result<OrderPage, AppError> {
    let mut select = order::Entity::find()
        .order_by_desc(order::Column::Id)
        .limit(PAGE_SIZE + 1);
    if let Some(status) = status.map(str::trim).filter(|s| !s.is_empty()) {
        let status = OrderStatus::parse(status)
            .ok_or_else(|| AppError::field("status", FieldError::Required))?;
        select = select.filter(order::Column::Status.eq(status));
    }
    if let Some(from) = parse_day("from", from)? {
        select = select.filter(order::Column::PlacedAt.gte(shop_day_start(from)));
    }
    if let Some(to) = parse_day("to", to)? {
        let end = to.succ_opt().map(shop_day_start);
        select = select.filter(order::Column::PlacedAt.lt(end));
    }
    if let Some(before) = before {
        select = select.filter(order::Column::Id.lt(before));
    }
    let (rows, more) = one_page(select.all(db).await?);
    let shown = rows
        .iter()
        .map(|o| Shown {
            record_id: o.id,
            customer_id: o.customer_id,
        })
        .collect();
    audit::record_read(db, staff_id, AuditAction::OrderList, None, None, shown).await?;
    Ok(OrderPage {
        next_before: if more {
            rows.last().map(|o| o.id)
        } else {
            None
        },
        rows: rows
            .into_iter()
            .map(|o| OrderRow {
                id: o.id,
                token: o.token,
                placed_at: o.placed_at,
                status: o.status,
                total_cents: o.total_cents,
                recipient_name: o.recipient_name,
            })
            .collect(),
    })
}

pub async fn detail(db: &impl ConnectionTrait, id: i32) -> Result<StaffOrderView, AppError> {
    let row = order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(StaffOrderView {
        id: row.id,
        customer_id: row.customer_id,
        anonymised: row.anonymised_at.is_some(),
        locale: row.locale,
        next_statuses: row.status.next(),
        order: orders::by_token(db, &row.token).await?,
    })
}

/// One order for a member of staff; the view is audited (AVG-11).
pub async fn view(
    db: &DatabaseConnection,
    staff_id: i32,
    id: i32,
) -> Result<StaffOrderView, AppError> {
    let order = detail(db, id).await?;
    let shown = vec![Shown {
        record_id: id,
        customer_id: order.customer_id,
    }];
    audit::record_read(db, staff_id, AuditAction::OrderView, Some(id), None, shown).await?;
    Ok(order)
}

/// A status change by a member of staff, with its audit entry and the
/// customer's mail in the same transaction; cached catalogue pages are
/// dropped, as cancelling puts stock back. `track_url` is the carrier's
/// link, taken when the order is marked shipped. Marking an order paid
/// goes through `payments::mark_paid`: marking it twice changes nothing
/// and sends one mail.
pub async fn change_status(
    state: &AppState,
    staff_id: i32,
    id: i32,
    status: &str,
    track_url: Option<&str>,
) -> Result<StaffOrderView, AppError> {
    let status = OrderStatus::parse(status)
        .ok_or_else(|| AppError::field("status", FieldError::StatusChange))?;
    let track_url = match status {
        OrderStatus::Shipped => rules::track_url(track_url.unwrap_or_default())
            .map_err(|e| AppError::field("track_url", e))?,
        _ => None,
    };
    let now = crate::ssr::now_utc();
    let change = async |txn: &DatabaseTransaction| {
        let order = if status == OrderStatus::Paid {
            payments::mark_paid(txn, state, id, now).await?;
            detail(txn, id).await?
        } else {
            set_status(txn, state, id, status, track_url, now).await?
        };
        Ok((order, Some(status.as_str().to_owned())))
    };
    let order = audit::audited(
        &state.db,
        staff_id,
        AuditAction::OrderStatus,
        Some(id),
        change,
    )
    .await?;
    state.outbox.wake();
    state.catalogue_changed().await;
    Ok(order)
}

/// Moves an order on in its life cycle; cancelling puts its articles back
/// in stock, shipping records the track-and-trace link. Refuses any other
/// change with a field message. Runs in the caller's transaction (with its
/// audit entry), and queues the customer's mail in it.
async fn set_status(
    txn: &DatabaseTransaction,
    state: &AppState,
    id: i32,
    status: OrderStatus,
    track_url: Option<String>,
    now: NaiveDateTime,
) -> Result<StaffOrderView, AppError> {
    let Some(row) = order::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    if !row.status.can_change_to(status) {
        return Err(AppError::field("status", FieldError::StatusChange));
    }
    if status == OrderStatus::Cancelled {
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(id))
            .all(txn)
            .await?;
        for line in lines {
            if let Some(product_id) = line.product_id {
                product::Entity::update_many()
                    .col_expr(
                        product::Column::Stock,
                        ExprTrait::add(Expr::col(product::Column::Stock), line.quantity),
                    )
                    .filter(product::Column::Id.eq(product_id))
                    .exec(txn)
                    .await?;
            }
        }
    }
    let mut update: order::ActiveModel = row.into();
    update.status = Set(status);
    if status == OrderStatus::Shipped {
        update.track_url = Set(track_url);
    }
    let changed = update.update(txn).await?;
    order_mail::queue_status(txn, state, &changed, now).await?;
    detail(txn, id).await
}
