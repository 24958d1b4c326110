//! The catalogue: categories and products.

use crate::cms::models::{CatalogAdmin, ProductInput};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_catalog")]
pub async fn cms_catalog() -> Result<CatalogAdmin, AppError> {
    let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
    services::cms_catalog::admin(&state.db).await
}

/// Creates (no `id`) or updates a product.
#[server(endpoint = "cms_save_product")]
pub async fn cms_save_product(
    id: Option<i32>,
    #[server(flatten)] input: ProductInput,
) -> Result<i32, AppError> {
    let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
    let saved = services::cms_catalog::save_product(&state, id, &input, now_utc()).await?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/cms/catalog/products/{}", saved.id));
    }
    Ok(saved.id)
}

#[server(endpoint = "cms_delete_product")]
pub async fn cms_delete_product(id: i32) -> Result<(), AppError> {
    let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
    services::cms_catalog::delete_product(&state, id).await?;
    leptos_axum::redirect("/cms/catalog");
    Ok(())
}

#[server(endpoint = "cms_save_category")]
pub async fn cms_save_category(
    id: Option<i32>,
    name: String,
    slug: String,
    position: String,
    /// Optional English name; a form without the field leaves it empty.
    #[server(default)]
    name_en: Option<String>,
) -> Result<(), AppError> {
    let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
    let name_en = name_en.as_deref();
    services::cms_catalog::save_category(&state, id, &name, name_en, &slug, &position).await?;
    Ok(())
}

#[server(endpoint = "cms_delete_category")]
pub async fn cms_delete_category(id: i32) -> Result<(), AppError> {
    let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
    services::cms_catalog::delete_category(&state, id).await?;
    Ok(())
}
