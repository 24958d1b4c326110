//! The catalogue: categories and products.

use crate::cms::models::{CatalogAdmin, ProductInput};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, reply, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_catalog")]
pub async fn cms_catalog() -> Result<CatalogAdmin, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::admin(&state.db).await
    };
    reply(result.await)
}

/// Creates (no `id`) or updates a product.
#[server(endpoint = "cms_save_product")]
pub async fn cms_save_product(
    id: Option<i32>,
    #[server(flatten)] input: ProductInput,
) -> Result<i32, AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        let saved = services::cms_catalog::save_product(&state.db, id, &input, now_utc()).await?;
        crate::ssr::state::clear_page_cache();
        if id.is_none() {
            leptos_axum::redirect(&format!("/cms/catalog/products/{}", saved.id));
        }
        Ok(saved.id)
    };
    reply(result.await)
}

#[server(endpoint = "cms_delete_product")]
pub async fn cms_delete_product(id: i32) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::delete_product(&state.db, id).await?;
        crate::ssr::state::clear_page_cache();
        leptos_axum::redirect("/cms/catalog");
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_save_category")]
pub async fn cms_save_category(
    id: Option<i32>,
    name: String,
    slug: String,
    position: String,
) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::save_category(&state.db, id, &name, &slug, &position).await?;
        crate::ssr::state::clear_page_cache();
        Ok(())
    };
    reply(result.await)
}

#[server(endpoint = "cms_delete_category")]
pub async fn cms_delete_category(id: i32) -> Result<(), AppError> {
    let result = async {
        let (state, _) = staff_auth::require(Right::CatalogEdit).await?;
        services::cms_catalog::delete_category(&state.db, id).await?;
        crate::ssr::state::clear_page_cache();
        Ok(())
    };
    reply(result.await)
}
