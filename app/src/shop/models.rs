//! Shop types that cross the wire between server and browser.

use super::rules::{DeliveryMethod, PaymentMethod};
use crate::cms::rules::OrderStatus;
use crate::customer::CustomerInput;
use crate::locale::Written;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: i32,
    pub name: Written,
    pub slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: i32,
    pub name: Written,
    pub slug: String,
    pub price_cents: i64,
    pub image: Option<String>,
    pub in_stock: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub categories: Vec<CategoryView>,
    pub products: Vec<ProductCard>,
    /// The category whose products are shown, if one was chosen.
    pub category: Option<CategoryView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: i32,
    pub name: Written,
    pub slug: String,
    pub description: Written,
    pub price_cents: i64,
    pub vat_rate_bp: i32,
    pub stock: i32,
    pub image: Option<String>,
    pub category: CategoryView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineView {
    pub product_id: i32,
    /// The product's current name (a cart holds no snapshot).
    pub name: Written,
    pub slug: String,
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub line_total_cents: i64,
    pub stock: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLineView>,
    pub item_count: i32,
    pub subtotal_cents: i64,
}

/// What the checkout page needs besides the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutOptions {
    pub cart: CartView,
    /// The logged-in customer's data, to fill the form with.
    pub profile: Option<crate::account::models::Profile>,
    pub payment_methods: Vec<PaymentMethod>,
    pub earliest_delivery: NaiveDate,
    pub latest_delivery: NaiveDate,
    /// The shipping zones and pickup: the form lists them and computes the
    /// cost with the same rule the order is placed with.
    pub rates: super::rules::ShippingRates,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    /// The name as ordered: the Dutch snapshot, shown marked `lang="nl"`
    /// on an English page.
    pub product_name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub vat_rate_bp: i32,
    pub line_total_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// The order number: what the customer quotes, and the reference of a
    /// bank transfer.
    pub number: i32,
    pub token: String,
    pub status: OrderStatus,
    pub placed_at: NaiveDateTime,
    pub desired_delivery_date: Option<NaiveDate>,
    pub delivery_method: DeliveryMethod,
    pub payment_method: PaymentMethod,
    pub lines: Vec<OrderLineView>,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    pub recipient_name: String,
    pub company_name: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    /// The carrier's track-and-trace link, once shipped.
    pub track_url: Option<String>,
    /// How to pay, while the order waits for its payment
    /// (`services::payments::instructions`).
    pub payment: Option<PaymentInstructions>,
}

/// What a customer must do to pay an unpaid order. One variant per way of
/// paying that needs the customer to act; a payment provider would add
/// its own (a link to its checkout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentInstructions {
    /// Transfer `amount_cents` quoting `reference` (the order number).
    /// Without `account` the owner has not entered the shop's IBAN yet:
    /// the shop sends the details.
    BankTransfer {
        amount_cents: i64,
        reference: String,
        account: Option<BankAccount>,
    },
}

/// The account a bank transfer goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// Grouped by four, as the settings store it.
    pub iban: String,
    /// The account holder: the shop's registered name, else its name.
    pub name: String,
}

/// The checkout form as posted: the customer's AVG-4 fields plus delivery
/// and payment. Flat, because the form's input names are flat
/// (`email`, `delivery_street`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckoutInput {
    #[serde(flatten)]
    pub customer: CustomerInput,
    pub delivery_date: Option<String>,
    pub delivery_method: Option<String>,
    pub payment_method: Option<String>,
    /// "create an account" chosen at checkout, with its password.
    pub create_account: Option<String>,
    pub password: Option<String>,
}
