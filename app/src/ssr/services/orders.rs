//! Reading an order by its public token (the confirmation page), with its
//! payment instructions while it is unpaid (`payments::instructions`).

use crate::error::AppError;
use crate::shop::models::{OrderLineView, OrderView};
use crate::ssr::entities::{order, order_line};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Tokens are 32 lower-case hex characters; anything else is not an order.
pub fn is_token(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub async fn by_token(db: &impl ConnectionTrait, token: &str) -> Result<OrderView, AppError> {
    if !is_token(token) {
        return Err(AppError::NotFound);
    }
    let order = order::Entity::find()
        .filter(order::Column::Token.eq(token))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::Id)
        .all(db)
        .await?;
    let settings = super::settings::load(db).await?;
    let payment = super::payments::instructions(&order, &settings);
    Ok(OrderView {
        number: order.id,
        token: order.token,
        status: order.status,
        placed_at: order.placed_at,
        desired_delivery_date: order.desired_delivery_date,
        delivery_method: order.delivery_method,
        payment_method: order.payment_method,
        lines: lines
            .into_iter()
            .map(|l| OrderLineView {
                product_name: l.product_name,
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                vat_rate_bp: l.vat_rate_bp,
                line_total_cents: l.line_total_cents,
            })
            .collect(),
        subtotal_cents: order.subtotal_cents,
        shipping_cents: order.shipping_cents,
        vat_cents: order.vat_cents,
        total_cents: order.total_cents,
        recipient_name: order.recipient_name,
        company_name: order.company_name,
        street: order.street,
        house_number: order.house_number,
        postcode: order.postcode,
        city: order.city,
        country: order.country,
        track_url: order.track_url,
        payment,
    })
}
