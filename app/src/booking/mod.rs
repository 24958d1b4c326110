//! Bookings: bookable items, their availability and the booking form
//! (`/bookings`, `/bookings/{slug}`, `/bookings/confirmed/{token}`).

pub mod models;
pub mod rules;
