//! Placing an order: one transaction that checks and decrements stock,
//! records the customer and writes the order with its lines.

use crate::clock::shop_today;
use crate::error::AppError;
use crate::shop::models::CheckoutOptions;
use crate::shop::rules::{self, CartItem, CheckoutData, PricedLine};
use crate::ssr::entities::{customer, order, order_line, product};
use crate::ssr::random_token;
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, ExprTrait, QueryFilter, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// What the checkout form offers a guest.
pub async fn options(
    db: &impl ConnectionTrait,
    cart: &[CartItem],
    now: NaiveDateTime,
) -> Result<CheckoutOptions, AppError> {
    let today = shop_today(now);
    Ok(CheckoutOptions {
        cart: super::cart::view(db, cart).await?,
        payment_methods: rules::entitled_payment_methods(None)
            .into_iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        earliest_delivery: rules::earliest_delivery(today),
        latest_delivery: rules::latest_delivery(today),
        shipping_cents: rules::SHIPPING_CENTS,
        free_shipping_from_cents: rules::FREE_SHIPPING_FROM_CENTS,
    })
}

/// Places a guest order. Either everything is written (customer, order,
/// lines, stock) or nothing is. Returns the order's public token.
pub async fn place_order(
    db: &DatabaseConnection,
    cart: &[CartItem],
    data: &CheckoutData,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    if cart.is_empty() {
        return Err(AppError::CartEmpty);
    }
    // IMMEDIATE on SQLite: take the write lock up front, so that two
    // concurrent checkouts queue instead of failing on a lock upgrade.
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    match write_order(&txn, cart, data, now).await {
        Ok(token) => {
            txn.commit().await?;
            Ok(token)
        }
        Err(error) => {
            txn.rollback().await?;
            Err(error)
        }
    }
}

async fn take_stock(
    txn: &DatabaseTransaction,
    item: &CartItem,
) -> Result<product::Model, AppError> {
    let product = product::Entity::find_by_id(item.product_id)
        .filter(product::Column::Active.eq(true))
        .one(txn)
        .await?
        .ok_or(AppError::ProductUnavailable)?;
    // The condition makes the decrement safe against a concurrent order on
    // both backends: it only succeeds while enough stock remains.
    let updated = product::Entity::update_many()
        .col_expr(
            product::Column::Stock,
            ExprTrait::sub(Expr::col(product::Column::Stock), item.quantity),
        )
        .filter(product::Column::Id.eq(product.id))
        .filter(product::Column::Stock.gte(item.quantity))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::OutOfStock {
            product: product.name,
            available: Ord::max(product.stock, 0),
        });
    }
    Ok(product)
}

async fn write_order(
    txn: &DatabaseTransaction,
    cart: &[CartItem],
    data: &CheckoutData,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let mut lines = Vec::with_capacity(cart.len());
    for item in cart {
        let product = take_stock(txn, item).await?;
        lines.push((product, item.quantity));
    }
    let priced: Vec<PricedLine> = lines
        .iter()
        .map(|(p, quantity)| PricedLine {
            unit_price_cents: p.price_cents,
            quantity: *quantity,
            vat_rate_bp: p.vat_rate_bp,
        })
        .collect();
    let totals = rules::order_totals(&priced, data.delivery_method);

    let delivery = data.delivery_address.as_ref();
    let customer = customer::ActiveModel {
        kind: Set("customer".into()),
        first_name: Set(data.first_name.clone()),
        last_name: Set(data.last_name.clone()),
        gender: Set(data.gender.clone()),
        email: Set(data.email.clone()),
        phone: Set(data.phone.clone()),
        phone2: Set(None),
        company_name: Set(data.company_name.clone()),
        vat_number: Set(data.vat_number.clone()),
        street: Set(data.address.street.clone()),
        house_number: Set(data.address.house_number.clone()),
        postcode: Set(data.address.postcode.clone()),
        city: Set(data.address.city.clone()),
        country: Set(data.address.country.clone()),
        delivery_street: Set(delivery.map(|a| a.street.clone())),
        delivery_house_number: Set(delivery.map(|a| a.house_number.clone())),
        delivery_postcode: Set(delivery.map(|a| a.postcode.clone())),
        delivery_city: Set(delivery.map(|a| a.city.clone())),
        delivery_country: Set(delivery.map(|a| a.country.clone())),
        // Double opt-in: the wish is recorded, the subscription starts only
        // when the customer confirms it.
        newsletter: Set(if data.newsletter { "pending" } else { "none" }.into()),
        newsletter_consent_at: Set(None),
        payment_methods: Set(None),
        created_at: Set(now),
        last_login_at: Set(None),
        password_hash: Set(None),
        ..Default::default()
    };
    let customer_id = customer::Entity::insert(customer)
        .exec(txn)
        .await?
        .last_insert_id;

    let ship_to = delivery.unwrap_or(&data.address);
    let token = random_token()?;
    let order = order::ActiveModel {
        token: Set(token.clone()),
        customer_id: Set(Some(customer_id)),
        status: Set("new".into()),
        placed_at: Set(now),
        desired_delivery_date: Set(data.delivery_date),
        delivery_method: Set(data.delivery_method.as_str().into()),
        payment_method: Set(data.payment_method.as_str().into()),
        subtotal_cents: Set(totals.subtotal_cents),
        shipping_cents: Set(totals.shipping_cents),
        vat_cents: Set(totals.vat_cents),
        total_cents: Set(totals.total_cents),
        recipient_name: Set(format!("{} {}", data.first_name, data.last_name)),
        company_name: Set(data.company_name.clone()),
        vat_number: Set(data.vat_number.clone()),
        street: Set(ship_to.street.clone()),
        house_number: Set(ship_to.house_number.clone()),
        postcode: Set(ship_to.postcode.clone()),
        city: Set(ship_to.city.clone()),
        country: Set(ship_to.country.clone()),
        anonymised_at: Set(None),
        ..Default::default()
    };
    let order_id = order::Entity::insert(order).exec(txn).await?.last_insert_id;

    let rows = lines.iter().map(|(p, quantity)| order_line::ActiveModel {
        order_id: Set(order_id),
        product_id: Set(Some(p.id)),
        product_name: Set(p.name.clone()),
        quantity: Set(*quantity),
        unit_price_cents: Set(p.price_cents),
        vat_rate_bp: Set(p.vat_rate_bp),
        line_total_cents: Set(p.price_cents * i64::from(*quantity)),
        ..Default::default()
    });
    order_line::Entity::insert_many(rows).exec(txn).await?;
    Ok(token)
}
