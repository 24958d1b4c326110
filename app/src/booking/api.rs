//! Booking server functions: thin wrappers that find the database and
//! session and call `ssr::services::bookings`.

use super::models::{BookableCard, BookableDetail, BookingInput, BookingView};
use crate::error::AppError;
use crate::forms::GuardFields;
use crate::locale::Locale;
#[cfg(feature = "ssr")]
use crate::ssr::{auth, db, now_utc, services::bookings, session, state};
#[cfg(feature = "ssr")]
use crate::ssr::{form_guard, form_limit::FormKind};
use leptos::prelude::*;

/// The items, their texts in the page's `locale` (an argument, as for the
/// catalogue: a cached page and a refetch ask the same).
#[server(endpoint = "get_bookables")]
pub async fn get_bookables(
    #[server(default)] locale: Locale,
) -> Result<Vec<BookableCard>, AppError> {
    bookings::list(&db()?, locale).await
}

/// An item's page; `month` is `YYYY-MM` (else the current month).
#[server(endpoint = "get_bookable")]
pub async fn get_bookable(
    slug: String,
    month: Option<String>,
    #[server(default)] locale: Locale,
) -> Result<BookableDetail, AppError> {
    let (db, session) = (db()?, session().await?);
    let customer = auth::current_customer(&db, &session).await?;
    let month = month.as_deref();
    bookings::detail(&db, &slug, month, customer.as_ref(), now_utc(), locale).await
}

/// Books the slot and sends the browser to the confirmation page.
#[server(endpoint = "book_slot")]
pub async fn book_slot(
    slug: String,
    #[server(flatten)] input: BookingInput,
    #[server(flatten)] guard: GuardFields,
) -> Result<String, AppError> {
    form_guard::check(FormKind::Booking, &guard).await?;
    let state = state::state()?;
    let placed = bookings::book(
        &state,
        &session().await?,
        &slug,
        &input,
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await?;
    leptos_axum::redirect(&crate::ssr::localized(&format!(
        "/bookings/confirmed/{}",
        placed.token
    )));
    Ok(placed.token)
}

#[server(endpoint = "get_booking")]
pub async fn get_booking(token: String) -> Result<BookingView, AppError> {
    bookings::by_token(&db()?, &token, now_utc()).await
}

/// The logged-in customer's bookings, upcoming first.
#[server(endpoint = "get_my_bookings")]
pub async fn get_my_bookings() -> Result<Vec<BookingView>, AppError> {
    let db = db()?;
    let customer = auth::require_customer(&db, &session().await?).await?;
    bookings::for_customer(&db, customer.id, now_utc()).await
}

/// The logged-in customer cancels one of their bookings; without
/// JavaScript the browser returns to Mijn account.
#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(token: String) -> Result<(), AppError> {
    let state = state::state()?;
    let customer = auth::require_customer(&state.db, &session().await?).await?;
    bookings::cancel_by_customer(&state, customer.id, &token, now_utc()).await?;
    leptos_axum::redirect(&crate::ssr::localized("/account"));
    Ok(())
}
