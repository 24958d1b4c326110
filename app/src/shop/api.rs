//! Shop server functions: thin wrappers that find the database and session
//! and call the services.

use super::models::{Catalog, CartView, CheckoutInput, CheckoutOptions, OrderView, ProductDetail};
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use crate::ssr::{db, now_utc, reply, services, session};

#[server]
pub async fn get_catalog(query: Option<String>, category: Option<String>) -> Result<Catalog, AppError> {
    reply(services::catalog::catalog(&db()?, query.as_deref(), category.as_deref()).await)
}

#[server]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    reply(services::catalog::product_by_slug(&db()?, &slug).await)
}

#[server]
pub async fn get_cart() -> Result<CartView, AppError> {
    let cart = services::cart::load(&session().await?).await?;
    reply(services::cart::view(&db()?, &cart).await)
}

/// `quantity` arrives as typed, so that bad input gets a field message.
#[server]
pub async fn add_to_cart(product_id: i32, quantity: String) -> Result<CartView, AppError> {
    reply(services::cart::add(&db()?, &session().await?, product_id, &quantity).await)
}

/// Sets a cart line's quantity; 0 removes the line.
#[server]
pub async fn update_cart_line(product_id: i32, quantity: String) -> Result<CartView, AppError> {
    reply(services::cart::update(&db()?, &session().await?, product_id, &quantity).await)
}

#[server]
pub async fn get_checkout() -> Result<CheckoutOptions, AppError> {
    let cart = services::cart::load(&session().await?).await?;
    reply(services::checkout::options(&db()?, &cart, now_utc()).await)
}

/// Places the order and sends the browser to its confirmation page.
#[server]
pub async fn place_order(#[server(flatten)] input: CheckoutInput) -> Result<String, AppError> {
    use super::rules::{entitled_payment_methods, validate_checkout};
    let result = async {
        let now = now_utc();
        let data = validate_checkout(&input, crate::clock::shop_today(now), &entitled_payment_methods(None))?;
        let session = session().await?;
        let cart = services::cart::load(&session).await?;
        let token = services::checkout::place_order(&db()?, &cart, &data, now).await?;
        services::cart::store(&session, &[]).await?;
        leptos_axum::redirect(&format!("/orders/{token}"));
        Ok(token)
    }
    .await;
    reply(result)
}

#[server]
pub async fn get_order(token: String) -> Result<OrderView, AppError> {
    reply(services::orders::by_token(&db()?, &token).await)
}
