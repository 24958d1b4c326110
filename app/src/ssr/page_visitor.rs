//! Reads the `PageVisitor` of a page request before its render, and hands
//! it to the render (see `crate::page_visitor`).

use super::{auth, services, AppState};
use crate::error::AppError;
use crate::locale::Locale;
use crate::page_visitor::PageVisitor;
use tower_sessions::Session;

/// The visitor's name and cart from `session`. A record that cannot be
/// read shows as it did when the header asked for it itself: no name and
/// an empty cart count; the cart page shows the error.
pub async fn read(state: &AppState, session: &Session, locale: Locale) -> PageVisitor {
    if !state.db_gate.is_open() {
        return PageVisitor {
            first_name: None,
            cart: Err(AppError::unavailable()),
        };
    }
    let first_name = auth::customer_first_name(&state.db, session)
        .await
        .ok()
        .flatten();
    let cart = cart(state, session, locale).await;
    PageVisitor { first_name, cart }
}

async fn cart(
    state: &AppState,
    session: &Session,
    locale: Locale,
) -> Result<crate::shop::models::CartView, AppError> {
    let items = services::cart::load(session).await?;
    if items.is_empty() {
        return Ok(Default::default());
    }
    let snapshot = services::catalog::snapshot_in(&state.page_cache, &state.db).await?;
    services::cart::view_from(&state.db, snapshot.as_deref(), &items, locale).await
}

/// Provides the visitor the HTTP layer read to the render (call it in the
/// render's context closure).
pub fn provide() {
    use leptos::prelude::{provide_context, use_context};
    let visitor = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageVisitor>().cloned());
    if let Some(visitor) = visitor {
        provide_context(visitor);
    }
}
