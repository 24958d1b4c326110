//! The mails about an order, queued in the outbox in the transaction of
//! the change that causes them: the confirmation when the order is placed
//! (`checkout::write_order`), and "paid", "shipped" and "cancelled" when
//! staff change its status (`cms_orders`, `payments::mark_paid`). Written
//! in the order's language with links to the pages in it, as plain text
//! with an HTML alternative (`mail_text::html`).
//!
//! They go to the customer's address (the one typed at checkout, or the
//! account's), erased with the customer while still waiting. An order
//! whose customer is gone (anonymised) gets no mail. Budget: see
//! `outbox` (a confirmation has its own per-address budget; status mails
//! are staff's doing and not bounded).

use super::payments;
use crate::cms::rules::OrderStatus;
use crate::error::AppError;
use crate::ssr::entities::{customer, order, order_line};
use crate::ssr::mail_text::orders::{self as text, LineFacts, OrderFacts};
use crate::ssr::mail_text::{html, MailText};
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::AppState;
use chrono::NaiveDateTime;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The order page in the order's language.
fn order_link(state: &AppState, order: &order::Model) -> String {
    format!(
        "{}{}",
        state.config.public_url.trim_end_matches('/'),
        order.locale.href(&format!("/orders/{}", order.token))
    )
}

/// The customer's address, or `None` when the order has no customer left.
async fn recipient(
    db: &impl ConnectionTrait,
    order: &order::Model,
) -> Result<Option<String>, AppError> {
    let Some(id) = order.customer_id else {
        return Ok(None);
    };
    Ok(customer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|c| c.email))
}

async fn queue(
    db: &impl ConnectionTrait,
    state: &AppState,
    order: &order::Model,
    kind: MailKind,
    text: MailText,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(to) = recipient(db, order).await? else {
        return Ok(());
    };
    let mail = Mail {
        kind,
        to,
        html: Some(html::from_text(order.locale, &text)),
        subject: text.subject,
        body: text.body,
        unsubscribe_url: None,
    };
    state
        .outbox
        .queue(db, &mail, order.customer_id, now)
        .await?;
    Ok(())
}

/// The confirmation of the order `order_id`, just written in `db` (the
/// checkout's transaction): its lines, totals, delivery, payment (with
/// the instructions of a bank transfer) and the link to its page.
pub async fn queue_confirmation(
    db: &impl ConnectionTrait,
    state: &AppState,
    order_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let order = order::Entity::find_by_id(order_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::Id)
        .all(db)
        .await?;
    let settings = super::settings::load(db).await?;
    let instructions = payments::instructions(&order, &settings);
    let view = order_link(state, &order);
    let street = format!("{} {}", order.street, order.house_number);
    let town = format!("{} {}", order.postcode, order.city);
    let mut address = vec![order.recipient_name.as_str()];
    address.extend(order.company_name.as_deref());
    address.extend([street.as_str(), town.as_str(), order.country.as_str()]);
    let facts = OrderFacts {
        number: order.id,
        lines: lines
            .iter()
            .map(|l| LineFacts {
                product: &l.product_name,
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                total_cents: l.line_total_cents,
            })
            .collect(),
        subtotal_cents: order.subtotal_cents,
        shipping_cents: order.shipping_cents,
        vat_cents: order.vat_cents,
        total_cents: order.total_cents,
        delivery: order.delivery_method,
        delivery_date: order.desired_delivery_date,
        address,
        payment: order.payment_method,
        instructions: instructions.as_ref(),
        view: &view,
    };
    let mail = text::confirmation(order.locale, &settings.shop_name, &facts);
    queue(db, state, &order, MailKind::OrderConfirmation, mail, now).await
}

/// The mail about the status `order` has just been given (paid, shipped
/// with its track-and-trace link, cancelled); none for the others.
pub async fn queue_status(
    db: &impl ConnectionTrait,
    state: &AppState,
    order: &order::Model,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (locale, number) = (order.locale, order.id);
    let shop = super::settings::load(db).await?.shop_name;
    let view = order_link(state, order);
    let (kind, mail) = match order.status {
        OrderStatus::Paid => (
            MailKind::OrderPaid,
            text::paid(locale, &shop, number, &view),
        ),
        OrderStatus::Shipped => (
            MailKind::OrderShipped,
            text::shipped(locale, &shop, number, order.track_url.as_deref(), &view),
        ),
        OrderStatus::Cancelled => (
            MailKind::OrderCancelled,
            text::cancelled(locale, &shop, number, &view),
        ),
        OrderStatus::New | OrderStatus::Completed => return Ok(()),
    };
    queue(db, state, order, kind, mail, now).await
}
