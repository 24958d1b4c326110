//! Bookings: the agenda, the list, one booking (every read audited) and
//! its status. Reading needs `BookingsView`, changing `BookingsEdit`.

use crate::cms::models::{Agenda, BookingPage, StaffBookingView};
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

/// A day (or, with `span=week`, the week) of bookings from `date`.
#[server(endpoint = "cms_booking_agenda")]
pub async fn cms_booking_agenda(
    date: Option<String>,
    span: Option<String>,
) -> Result<Agenda, AppError> {
    let (state, member) = staff_auth::require(Right::BookingsView).await?;
    let week = span.as_deref() != Some("day");
    let date = date.as_deref();
    services::cms_bookings::agenda(&state.db, member.id, date, week, now_utc()).await
}

#[server(endpoint = "cms_bookings")]
pub async fn cms_bookings(
    item: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i32>,
) -> Result<BookingPage, AppError> {
    let (state, member) = staff_auth::require(Right::BookingsView).await?;
    services::cms_bookings::list(
        &state.db,
        member.id,
        item.as_deref(),
        status.as_deref(),
        from.as_deref(),
        to.as_deref(),
        before,
    )
    .await
}

/// One booking with its customer's contact data; every view is audited.
#[server(endpoint = "cms_booking")]
pub async fn cms_booking(id: i32) -> Result<StaffBookingView, AppError> {
    let (state, member) = staff_auth::require(Right::BookingsView).await?;
    services::cms_bookings::view(&state.db, member.id, id).await
}

/// Cancel (`cancelled`) or mark attended (`attended`).
#[server(endpoint = "cms_set_booking_status")]
pub async fn cms_set_booking_status(id: i32, status: String) -> Result<StaffBookingView, AppError> {
    let (state, member) = staff_auth::require(Right::BookingsEdit).await?;
    services::cms_bookings::change_status(&state, member.id, id, &status, now_utc()).await
}
