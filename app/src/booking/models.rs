//! Booking types that cross the wire between server and browser. Times a
//! person reads are sent as Amsterdam wall-clock time (`*_local`); a slot
//! is named by its `slot` parameter (`rules::slot_param`).

use super::rules::BookingStatus;
use crate::account::models::Profile;
use crate::customer::CustomerInput;
use crate::locale::Written;
use crate::shop::rules::PaymentMethod;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A bookable item in the list at `/bookings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookableCard {
    pub name: Written,
    pub slug: String,
    pub description: Written,
    pub image: Option<String>,
    pub price_cents: i64,
    pub duration_minutes: i32,
    pub capacity: i32,
}

/// One slot in the month view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    /// The form value: `2026-12-14T19:00+01:00`.
    pub slot: String,
    /// `19:00`.
    pub time: String,
    pub places_left: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    pub date: NaiveDate,
    /// False for the days of the neighbouring months that fill the weeks.
    pub in_month: bool,
    /// Bookable slots (future, within the horizon), full ones included.
    pub slots: Vec<SlotView>,
}

/// A month of availability, Monday-first weeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthView {
    /// First day of the month shown.
    pub first: NaiveDate,
    /// `YYYY-MM` of the previous / next month, when it can be booked.
    pub previous: Option<String>,
    pub next: Option<String>,
    pub weeks: Vec<Vec<DayView>>,
}

/// The page `/bookings/{slug}`: the item, its month and the booking form's
/// options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookableDetail {
    pub name: Written,
    pub slug: String,
    pub description: Written,
    pub image: Option<String>,
    pub price_cents: i64,
    pub vat_rate_bp: i32,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub cancel_hours: i32,
    pub month: MonthView,
    /// The logged-in customer's data, to fill the form with.
    pub profile: Option<Profile>,
    pub payment_methods: Vec<PaymentMethod>,
}

/// The booking form as posted: the checkout's customer fields (same input
/// names), the slot, the places and the payment method.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingInput {
    #[serde(flatten)]
    pub customer: CustomerInput,
    pub slot: Option<String>,
    pub places: Option<String>,
    pub payment_method: Option<String>,
    /// "create an account" chosen, with its password.
    pub create_account: Option<String>,
    pub password: Option<String>,
}

/// One booking as its customer sees it (confirmation page, Mijn account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingView {
    pub token: String,
    /// The item's name when booked: the Dutch snapshot, shown marked
    /// `lang="nl"` on an English page.
    pub item_name: String,
    /// The item's page, while the item is offered.
    pub item_slug: Option<String>,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub places: i32,
    pub status: BookingStatus,
    pub payment_method: PaymentMethod,
    pub unit_price_cents: i64,
    pub total_cents: i64,
    pub vat_rate_bp: i32,
    pub created_at: NaiveDateTime,
    /// Whether the customer may still cancel it themselves.
    pub can_cancel: bool,
    /// Until when (local time) it can be cancelled online.
    pub cancel_until_local: NaiveDateTime,
    /// Whether the slot lies ahead.
    pub upcoming: bool,
}
