//! Content pages.

#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::content::{PageAdminRow, PageEdit};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_pages")]
pub async fn cms_pages() -> Result<Vec<PageAdminRow>, AppError> {
    let (state, _) = staff_auth::require(Right::PagesEdit).await?;
    services::pages::list(&state.db).await
}

#[server(endpoint = "cms_page")]
pub async fn cms_page(id: i32) -> Result<PageEdit, AppError> {
    let (state, _) = staff_auth::require(Right::PagesEdit).await?;
    services::pages::get(&state.db, id).await
}

/// Creates (no `id`) or updates a content page.
#[server(endpoint = "cms_save_page")]
pub async fn cms_save_page(
    id: Option<i32>,
    slug: String,
    title: String,
    body_markdown: String,
    published: Option<String>,
    /// The optional English version; a form without it leaves it empty.
    #[server(default)]
    title_en: Option<String>,
    #[server(default)] body_markdown_en: Option<String>,
) -> Result<i32, AppError> {
    let (state, _) = staff_auth::require(Right::PagesEdit).await?;
    let form = services::pages::PageForm {
        slug: &slug,
        title: &title,
        body: &body_markdown,
        title_en: title_en.as_deref(),
        body_en: body_markdown_en.as_deref(),
        published: published.as_deref(),
    };
    let saved = services::pages::save(&state.db, id, &form, now_utc()).await?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/cms/pages/{saved}"));
    }
    Ok(saved)
}

#[server(endpoint = "cms_delete_page")]
pub async fn cms_delete_page(id: i32) -> Result<(), AppError> {
    let (state, _) = staff_auth::require(Right::PagesEdit).await?;
    services::pages::delete(&state.db, id).await?;
    leptos_axum::redirect("/cms/pages");
    Ok(())
}
