//! Account types that cross the wire.

use crate::booking::rules::BookingStatus;
use crate::cms::rules::OrderStatus;
use crate::contact::rules::QuestionStatus;
use crate::customer::NewsletterState;
use crate::shop::models::OrderView;
use crate::shop::rules::PaymentMethod;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// The customer's own data as "Mijn account" shows it. Never the password
/// or its hash (AVG-9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub gender: Option<String>,
    pub phone: String,
    pub phone2: Option<String>,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub delivery_street: Option<String>,
    pub delivery_house_number: Option<String>,
    pub delivery_postcode: Option<String>,
    pub delivery_city: Option<String>,
    pub delivery_country: Option<String>,
    pub newsletter: NewsletterState,
    pub newsletter_consent_at: Option<NaiveDateTime>,
    pub payment_methods: Vec<String>,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

impl Profile {
    /// An empty form.
    pub fn empty() -> Self {
        Self {
            email: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            gender: None,
            phone: String::new(),
            phone2: None,
            company_name: None,
            vat_number: None,
            street: String::new(),
            house_number: String::new(),
            postcode: String::new(),
            city: String::new(),
            country: "NL".into(),
            delivery_street: None,
            delivery_house_number: None,
            delivery_postcode: None,
            delivery_city: None,
            delivery_country: None,
            newsletter: NewsletterState::None,
            newsletter_consent_at: None,
            payment_methods: Vec::new(),
            created_at: NaiveDateTime::default(),
            last_login_at: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub token: String,
    pub placed_at: NaiveDateTime,
    pub status: OrderStatus,
    pub total_cents: i64,
    pub items: i64,
}

/// Everything stored about a customer (GDPR Art. 15/20); the format is
/// documented in `docs/export-format.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerExport {
    pub format: String,
    pub exported_at: NaiveDateTime,
    pub profile: Profile,
    pub orders: Vec<OrderView>,
    /// Questions asked through the contact form while logged in; absent
    /// from exports made before questions existed.
    #[serde(default)]
    pub questions: Vec<ExportedQuestion>,
    /// Bookings (AVG-5), cancelled ones included; absent from exports made
    /// before bookings existed.
    #[serde(default)]
    pub bookings: Vec<ExportedBooking>,
}

/// A question and the shop's answer, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedQuestion {
    pub asked_at: NaiveDateTime,
    pub question: String,
    pub status: QuestionStatus,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
}

/// A booking as exported: what it holds and nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedBooking {
    pub token: String,
    pub item_name: String,
    /// The slot's start in Amsterdam wall-clock time, as it was booked (the
    /// one local time in the export: a person reads it as an appointment).
    pub starts_local: NaiveDateTime,
    pub duration_minutes: i32,
    pub places: i32,
    pub status: BookingStatus,
    pub payment_method: PaymentMethod,
    pub unit_price_cents: i64,
    pub total_cents: i64,
    pub vat_rate_bp: i32,
    pub created_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
}

/// Fields are only ever added (questions, bookings), so consumers of `/1`
/// keep working and the version stays (docs/export-format.md).
pub const EXPORT_FORMAT: &str = "winkel-customer-export/1";
