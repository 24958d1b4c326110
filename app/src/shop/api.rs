//! Shop server functions: thin wrappers that find the database and session
//! and call the services.

use super::models::{CartView, Catalog, CheckoutInput, CheckoutOptions, OrderView, ProductDetail};
use crate::error::AppError;
use crate::locale::Locale;
#[cfg(feature = "ssr")]
use crate::ssr::{db, now_utc, services, session};
use leptos::prelude::*;

// The loaders of written texts take the page's language as an argument
// (not from the request): a cached page and the browser's refetch then ask
// for the same thing. Missing, it is Dutch.

#[server(endpoint = "get_catalog")]
pub async fn get_catalog(
    query: Option<String>,
    category: Option<String>,
    #[server(default)] locale: Locale,
) -> Result<Catalog, AppError> {
    services::catalog::catalog(&db()?, query.as_deref(), category.as_deref(), locale).await
}

#[server(endpoint = "get_product")]
pub async fn get_product(
    slug: String,
    #[server(default)] locale: Locale,
) -> Result<ProductDetail, AppError> {
    services::catalog::product_by_slug(&db()?, &slug, locale).await
}

#[server(endpoint = "get_cart")]
pub async fn get_cart(#[server(default)] locale: Locale) -> Result<CartView, AppError> {
    let cart = services::cart::load(&session().await?).await?;
    services::cart::view(&db()?, &cart, locale).await
}

/// `quantity` arrives as typed, so that bad input gets a field message.
#[server(endpoint = "add_to_cart")]
pub async fn add_to_cart(product_id: i32, quantity: String) -> Result<CartView, AppError> {
    let locale = crate::ssr::request_locale();
    services::cart::add(&db()?, &session().await?, product_id, &quantity, locale).await
}

/// Sets a cart line's quantity; 0 removes the line.
#[server(endpoint = "update_cart_line")]
pub async fn update_cart_line(product_id: i32, quantity: String) -> Result<CartView, AppError> {
    let locale = crate::ssr::request_locale();
    services::cart::update(&db()?, &session().await?, product_id, &quantity, locale).await
}

#[server(endpoint = "get_checkout")]
pub async fn get_checkout() -> Result<CheckoutOptions, AppError> {
    let (db, session) = (db()?, session().await?);
    let cart = services::cart::load(&session).await?;
    let customer = crate::ssr::auth::current_customer(&db, &session).await?;
    let locale = crate::ssr::request_locale();
    services::checkout::options(&db, &cart, customer.as_ref(), now_utc(), locale).await
}

/// Places the order and sends the browser to its confirmation page.
#[server(endpoint = "place_order")]
pub async fn place_order(
    #[server(flatten)] input: CheckoutInput,
    #[server(flatten)] guard: crate::forms::GuardFields,
) -> Result<String, AppError> {
    crate::ssr::form_guard::check(crate::ssr::form_limit::FormKind::Checkout, &guard).await?;
    let state = crate::ssr::state::state()?;
    let placed = services::checkout::check_out(
        &state,
        &session().await?,
        &input,
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await?;
    leptos_axum::redirect(&crate::ssr::localized(&format!("/orders/{}", placed.token)));
    Ok(placed.token)
}

#[server(endpoint = "get_order")]
pub async fn get_order(token: String) -> Result<OrderView, AppError> {
    services::orders::by_token(&db()?, &token).await
}
