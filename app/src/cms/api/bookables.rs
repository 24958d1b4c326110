//! Bookable items and their schedules; all of it needs `BookingsEdit`.

use crate::cms::models::{BookableAdmin, BookableInput, BookableRow};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

#[server(endpoint = "cms_bookables")]
pub async fn cms_bookables() -> Result<Vec<BookableRow>, AppError> {
    let (state, _) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::list(&state.db).await
}

#[server(endpoint = "cms_bookable")]
pub async fn cms_bookable(id: i32) -> Result<BookableAdmin, AppError> {
    let (state, _) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::admin(&state.db, id).await
}

/// Creates (no `id`) or updates an item; a new one opens its own screen,
/// where its schedule is set.
#[server(endpoint = "cms_save_bookable")]
pub async fn cms_save_bookable(
    id: Option<i32>,
    #[server(flatten)] input: BookableInput,
) -> Result<i32, AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    let saved = services::cms_bookables::save(&state, member.id, id, &input, now_utc()).await?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/cms/bookables/{saved}"));
    }
    Ok(saved)
}

#[server(endpoint = "cms_delete_bookable")]
pub async fn cms_delete_bookable(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::delete(&state, member.id, id).await?;
    leptos_axum::redirect("/cms/bookables");
    Ok(())
}

/// Adds weekly hours to item `id`.
#[server(endpoint = "cms_add_booking_hours")]
pub async fn cms_add_booking_hours(
    id: i32,
    weekday: String,
    opens: String,
    closes: String,
) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::add_hours(&state, member.id, id, &weekday, &opens, &closes).await
}

/// Removes the weekly hours row `id`.
#[server(endpoint = "cms_delete_booking_hours")]
pub async fn cms_delete_booking_hours(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::delete_hours(&state, member.id, id).await
}

/// Adds a one-off slot to item `id`, typed in Amsterdam time.
#[server(endpoint = "cms_add_booking_date")]
pub async fn cms_add_booking_date(id: i32, date: String, time: String) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::add_date(&state, member.id, id, &date, &time).await
}

/// Removes the one-off slot `id`.
#[server(endpoint = "cms_delete_booking_date")]
pub async fn cms_delete_booking_date(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::delete_date(&state, member.id, id).await
}

/// Closes a day for item `id`, or for every item without `id`.
#[server(endpoint = "cms_add_booking_closure")]
pub async fn cms_add_booking_closure(id: Option<i32>, date: String) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::add_closure(&state, member.id, id, &date).await
}

/// Removes the closed day `id`.
#[server(endpoint = "cms_delete_booking_closure")]
pub async fn cms_delete_booking_closure(id: i32) -> Result<(), AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookables::delete_closure(&state, member.id, id).await
}
