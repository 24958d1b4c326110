//! The cart lives in the session: product ids and quantities only.

use crate::error::AppError;
use crate::locale::Locale;
use crate::shop::models::{CartLineView, CartView};
use crate::shop::rules::{self, CartItem};
use crate::ssr::entities::product;
use crate::ssr::form_limit::FormKind;
use crate::validate::FieldError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tower_sessions::Session;

const CART_KEY: &str = "cart";

pub async fn load(session: &Session) -> Result<Vec<CartItem>, AppError> {
    Ok(session
        .get::<Vec<CartItem>>(CART_KEY)
        .await?
        .unwrap_or_default())
}

pub async fn store(session: &Session, cart: &[CartItem]) -> Result<(), AppError> {
    if cart.is_empty() {
        session.remove_value(CART_KEY).await?;
    } else {
        // `load` has read the record: no id means none is stored, and this
        // cart creates one. AVG-19: anonymous visitors may not make us keep
        // unbounded state, so new carts count against the form limit.
        if session.id().is_none() {
            let state = crate::ssr::state::state()?;
            crate::ssr::form_guard::admit(&state, FormKind::NewCart).await?;
        }
        session.insert(CART_KEY, cart).await?;
    }
    Ok(())
}

/// Takes the cart of the session `id` out of its stored row, in the
/// order's transaction (`session_store::take_value_in`): an order placed
/// from a cart and the emptied cart commit together. Empty when another
/// checkout took it first (a double click, a retry after a lost answer).
pub async fn take_in(
    txn: &impl ConnectionTrait,
    id: &tower_sessions::session::Id,
) -> Result<Vec<CartItem>, AppError> {
    let taken = crate::ssr::session_store::take_value_in(txn, id, CART_KEY).await?;
    Ok(taken
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default())
}

/// The cart with current names (in `locale`) and prices; lines whose
/// product is gone or inactive are left out. The products come from the catalogue snapshot
/// when it holds them all (`catalog::snapshot`), else from the database: a
/// product the snapshot does not know yet (made active on another instance
/// a moment ago) is never left out for that.
pub async fn view(
    db: &impl ConnectionTrait,
    cart: &[CartItem],
    locale: Locale,
) -> Result<CartView, AppError> {
    if cart.is_empty() {
        return Ok(CartView::default());
    }
    let snapshot = super::catalog::snapshot(db).await?;
    view_from(db, snapshot.as_deref(), cart, locale).await
}

/// `view` with the catalogue snapshot at hand (or none: all from the
/// database), for a caller outside a render's context.
pub async fn view_from(
    db: &impl ConnectionTrait,
    snapshot: Option<&super::catalog::Snapshot>,
    cart: &[CartItem],
    locale: Locale,
) -> Result<CartView, AppError> {
    if cart.is_empty() {
        return Ok(CartView::default());
    }
    let held: Option<Vec<&product::Model>> =
        snapshot.and_then(|s| cart.iter().map(|i| s.product(i.product_id)).collect());
    let read;
    let products: Vec<&product::Model> = match held {
        Some(products) => products,
        None => {
            read = product::Entity::find()
                .filter(product::Column::Id.is_in(cart.iter().map(|i| i.product_id)))
                .filter(product::Column::Active.eq(true))
                .all(db)
                .await?;
            read.iter().collect()
        }
    };
    let lines: Vec<CartLineView> = cart
        .iter()
        .filter_map(|item| {
            let p = products.iter().find(|p| p.id == item.product_id)?;
            Some(CartLineView {
                product_id: p.id,
                name: super::catalog::product_name(p, locale),
                slug: p.slug.clone(),
                unit_price_cents: p.price_cents,
                quantity: item.quantity,
                line_total_cents: p.price_cents * i64::from(item.quantity),
                stock: p.stock,
            })
        })
        .collect();
    Ok(CartView {
        item_count: lines.iter().map(|l| l.quantity).sum(),
        subtotal_cents: lines.iter().map(|l| l.line_total_cents).sum(),
        lines,
    })
}

fn parse_quantity(raw: &str, allow_zero: bool) -> Result<i32, AppError> {
    let invalid = || AppError::field("quantity", FieldError::Quantity);
    let value: i32 = raw.trim().parse().map_err(|_| invalid())?;
    if allow_zero && value == 0 {
        return Ok(0);
    }
    rules::quantity(value).map_err(|_| invalid())
}

async fn active_product(
    db: &impl ConnectionTrait,
    product_id: i32,
) -> Result<product::Model, AppError> {
    product::Entity::find_by_id(product_id)
        .filter(product::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Adds a product; refuses more than is in stock.
pub async fn add(
    db: &impl ConnectionTrait,
    session: &Session,
    product_id: i32,
    quantity: &str,
    locale: Locale,
) -> Result<CartView, AppError> {
    let quantity = parse_quantity(quantity, false)?;
    let product = active_product(db, product_id).await?;
    let mut cart = load(session).await?;
    let already = cart
        .iter()
        .find(|i| i.product_id == product_id)
        .map_or(0, |i| i.quantity);
    if already + quantity > product.stock {
        return Err(AppError::OutOfStock {
            product: super::catalog::product_name(&product, locale).text,
            available: product.stock,
        });
    }
    rules::add_to_cart(&mut cart, product_id, quantity);
    store(session, &cart).await?;
    view(db, &cart, locale).await
}

/// Sets a line's quantity; 0 removes the line.
pub async fn update(
    db: &impl ConnectionTrait,
    session: &Session,
    product_id: i32,
    quantity: &str,
    locale: Locale,
) -> Result<CartView, AppError> {
    let quantity = parse_quantity(quantity, true)?;
    let mut cart = load(session).await?;
    if quantity > 0 {
        let product = active_product(db, product_id).await?;
        if quantity > product.stock {
            return Err(AppError::OutOfStock {
                product: super::catalog::product_name(&product, locale).text,
                available: product.stock,
            });
        }
    }
    rules::set_quantity(&mut cart, product_id, quantity);
    store(session, &cart).await?;
    view(db, &cart, locale).await
}
