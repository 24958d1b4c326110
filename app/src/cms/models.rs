//! CMS types that cross the wire.

use super::rules::{OrderStatus, Right};
use crate::account::models::{OrderSummary, Profile};
use crate::booking::rules::BookingStatus;
use crate::contact::rules::QuestionStatus;
use crate::customer::CustomerKind;
use crate::shop::rules::PaymentMethod;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// One line of the customer list. Never a password or its hash (AVG-9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub city: String,
    pub has_account: bool,
    pub created_at: NaiveDateTime,
}

/// A page of the customer list; `next_after` continues it (keyset paging).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    pub next_after: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: i32,
    pub kind: CustomerKind,
    /// "account: yes/no" — the password itself is never shown.
    pub has_account: bool,
    pub profile: Profile,
    pub orders: Vec<OrderSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub id: i32,
    pub email: String,
    pub is_owner: bool,
    pub rights: Vec<Right>,
    pub locked: bool,
    pub last_login_at: Option<NaiveDateTime>,
    /// Logs in with a TOTP code after the password.
    pub second_factor: bool,
}

/// The member's own second factor, as the security screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorView {
    pub enabled: bool,
    /// The owner requires it of this member and it is not on yet.
    pub required: bool,
    pub recovery_codes_left: u64,
    /// Set up but not yet confirmed with a code.
    pub setup: Option<SecondFactorSetup>,
    /// The recovery codes of a second factor just switched on, in the
    /// first answer after it only.
    #[serde(default)]
    pub new_recovery_codes: Vec<String>,
}

/// What an authenticator app needs: the secret to type in, or the link
/// (also drawn as a QR code) to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorSetup {
    /// Base32, in groups of four.
    pub secret: String,
    /// `otpauth://totp/…`
    pub uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub staff_email: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i32>,
    pub detail: Option<String>,
    pub at: NaiveDateTime,
}

/// A member of staff in the audit screen's filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub id: i32,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: i32,
    pub token: String,
    pub placed_at: NaiveDateTime,
    pub status: OrderStatus,
    pub total_cents: i64,
    pub recipient_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    pub next_before: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderView {
    pub id: i32,
    pub customer_id: Option<i32>,
    pub anonymised: bool,
    /// The language it was placed in.
    pub locale: crate::locale::Locale,
    pub order: crate::shop::models::OrderView,
    /// The statuses staff may move it to next.
    pub next_statuses: Vec<OrderStatus>,
}

/// The shop's settings as the CMS shows and edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSettings {
    pub shop_name: String,
    pub contact_email: String,
    /// AVG-14: customers and their orders are erased / anonymised after
    /// this many years.
    pub retention_years: u32,
    /// AVG-20: how many nightly backups are kept.
    pub backups_keep: u32,
    /// Issue 17: whoever may see customer data must log in with a second
    /// factor (`Right::shows_customer_data`).
    pub require_second_factor: bool,
    /// Who the customer buys from (privacy statement, payment
    /// instructions, invoices).
    pub identity: ShopIdentity,
}

/// The shop as a business, checked (`cms::rules::validate_identity`); an
/// empty field is one the owner has not filled in yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopIdentity {
    /// The registered name (KvK); empty: the shop's name.
    pub legal_name: String,
    /// Street and number of the business address.
    pub street: String,
    /// Dutch postcode, `1234 AB`.
    pub postcode: String,
    pub city: String,
    pub kvk_number: String,
    /// The shop's BTW-id (`NL123456789B01`).
    pub vat_id: String,
    /// The bank account bank-transfer customers pay to, grouped by four.
    pub iban: String,
}

/// The identity fields as the settings form sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopIdentityInput {
    pub legal_name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub kvk_number: String,
    pub vat_id: String,
    pub iban: String,
}

/// The settings form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsInput {
    pub shop_name: String,
    #[serde(default)]
    pub contact_email: String,
    pub retention_years: String,
    pub backups_keep: String,
    /// The checkbox: present (`on`) when ticked.
    #[serde(default)]
    pub require_second_factor: Option<String>,
    #[serde(flatten)]
    pub identity: ShopIdentityInput,
}

/// The database login (AVG-13), the password masked until revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseLogin {
    pub backend: String,
    pub host: String,
    pub database: String,
    pub user: String,
    pub password: String,
    pub password_revealed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: ShopSettings,
    pub database: DatabaseLogin,
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStatus {
    pub finished_at: Option<NaiveDateTime>,
    pub ok: bool,
    pub summary: String,
}

/// AVG-20 on the settings screen: the last backup (its summary holds the
/// name, size and whether it verified) and how many are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub last: Option<JobStatus>,
    pub keep: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub orders_today: u64,
    pub revenue_today_cents: i64,
    pub orders_new: u64,
    pub open_questions: u64,
    pub last_retention: Option<JobStatus>,
    pub last_backup: Option<JobStatus>,
    /// AVG-18: what the monitoring finds wrong now (security events,
    /// errors, slow queries, traffic, a member's reading).
    #[serde(default)]
    pub warnings: Vec<super::rules::Warning>,
    /// The charts of the last days, drawn on the server as SVG.
    #[serde(default)]
    pub charts: Vec<Chart>,
    /// Products at or below their stock alert (issue 20); only for members
    /// who may edit the catalogue.
    #[serde(default)]
    pub low_stock: Vec<LowStock>,
}

/// A product at or below its stock alert threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStock {
    pub id: i32,
    pub name: String,
    pub stock: i32,
    pub threshold: i32,
}

/// A dashboard chart: its caption and the `<svg>` the server drew (every
/// value in it escaped there), shown as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub caption: String,
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogProduct {
    pub id: i32,
    pub category_id: i32,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// The English texts, where written.
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    pub price_cents: i64,
    pub vat_rate_bp: i32,
    pub stock: i32,
    /// The stock alert threshold, if any.
    #[serde(default)]
    pub stock_alert: Option<i32>,
    pub image: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogCategory {
    pub id: i32,
    pub name: String,
    /// The English name, where written.
    pub name_en: Option<String>,
    pub slug: String,
    pub position: i32,
    pub products: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogAdmin {
    pub categories: Vec<CatalogCategory>,
    pub products: Vec<CatalogProduct>,
}

/// The product form as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductInput {
    pub category_id: Option<String>,
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    /// Optional English texts; blank is none.
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    /// Euros as typed: "12,95" or "12.95".
    pub price: Option<String>,
    /// Percent: "21", "9" or "0".
    pub vat_rate: Option<String>,
    pub stock: Option<String>,
    /// The stock alert threshold as typed; blank: none.
    pub stock_alert: Option<String>,
    pub active: Option<String>,
}

/// One line of the question list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRow {
    pub id: i32,
    pub created_at: NaiveDateTime,
    pub status: QuestionStatus,
    pub name: String,
    /// The start of the question.
    pub excerpt: String,
}

/// A page of questions, newest first; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionPage {
    pub rows: Vec<QuestionRow>,
    pub next_before: Option<i32>,
}

/// A question with its asker's contact data (the fields the contact form
/// asks), for answering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionDetail {
    pub id: i32,
    pub status: QuestionStatus,
    pub body: String,
    pub answer: Option<String>,
    pub created_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
    pub can_answer: bool,
    pub can_close: bool,
    pub customer_id: i32,
    pub customer_kind: CustomerKind,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    /// The language it was asked in: the answer's.
    pub locale: crate::locale::Locale,
}

/// One booking in the agenda or the list. Times are Amsterdam wall-clock;
/// the name is the customer's (empty once anonymised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRow {
    pub id: i32,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub item_name: String,
    pub places: i32,
    pub status: BookingStatus,
    pub customer_name: String,
    pub total_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaDay {
    pub date: NaiveDate,
    /// In order of their start.
    pub bookings: Vec<BookingRow>,
}

/// A day or a week (Monday first) of bookings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    pub week: bool,
    pub days: Vec<AgendaDay>,
    /// The date to show for the previous / next day or week.
    pub previous: NaiveDate,
    pub next: NaiveDate,
}

/// An item as the booking filters name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChoice {
    pub id: i32,
    pub name: String,
}

/// A page of bookings, newest first; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingPage {
    pub rows: Vec<BookingRow>,
    pub next_before: Option<i32>,
    pub items: Vec<ItemChoice>,
}

/// One booking for staff, with the customer's contact data (audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBookingView {
    pub id: i32,
    pub item_id: i32,
    pub item_name: String,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub places: i32,
    pub status: BookingStatus,
    pub payment_method: PaymentMethod,
    pub unit_price_cents: i64,
    pub total_cents: i64,
    pub vat_rate_bp: i32,
    pub created_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
    pub anonymised: bool,
    pub customer_id: Option<i32>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    /// The language it was booked in.
    pub locale: crate::locale::Locale,
    /// The statuses staff may move it to next.
    pub next_statuses: Vec<BookingStatus>,
}

/// One line of the bookable items list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookableRow {
    pub id: i32,
    pub name: String,
    pub slug: String,
    pub price_cents: i64,
    pub duration_minutes: i32,
    pub capacity: i32,
    pub active: bool,
}

/// Weekly hours as staff read them (`HH:MM`, Amsterdam).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursRow {
    pub id: i32,
    /// 0 = Monday.
    pub weekday: i16,
    pub opens: String,
    pub closes: String,
}

/// A one-off slot, in Amsterdam time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRow {
    pub id: i32,
    pub starts_local: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureRow {
    pub id: i32,
    pub closed_on: NaiveDate,
    /// Closed for every item, not only this one.
    pub every_item: bool,
}

/// A bookable item with its schedule, for its edit screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookableAdmin {
    pub id: i32,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// The English texts, where written.
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    pub image: Option<String>,
    pub price_cents: i64,
    pub vat_rate_bp: i32,
    pub duration_minutes: i32,
    pub slot_minutes: i32,
    pub capacity: i32,
    pub horizon_days: i32,
    pub cancel_hours: i32,
    pub active: bool,
    pub hours: Vec<HoursRow>,
    pub dates: Vec<DateRow>,
    pub closures: Vec<ClosureRow>,
}

/// The bookable item form as posted (numbers and euros as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookableInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    /// Optional English texts; blank is none.
    pub name_en: Option<String>,
    pub description_en: Option<String>,
    pub price: Option<String>,
    pub vat_rate: Option<String>,
    pub duration_minutes: Option<String>,
    pub slot_minutes: Option<String>,
    pub capacity: Option<String>,
    pub horizon_days: Option<String>,
    pub cancel_hours: Option<String>,
    pub active: Option<String>,
}

/// One shipping zone as the CMS form posts it: the amounts as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShippingZoneInput {
    pub country: String,
    pub rate: String,
    /// Empty: no free shipping in this zone.
    pub free_from: String,
    /// A checkbox: present (any value but empty) means active.
    pub active: Option<String>,
}

/// The pickup choice as the CMS form posts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PickupInput {
    pub pickup: Option<String>,
    pub pickup_note: String,
}

/// The shipping screen: the rates, and the countries a zone can be made
/// for (those whose addresses the shop can check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingView {
    pub rates: crate::shop::rules::ShippingRates,
    pub countries: Vec<String>,
}
