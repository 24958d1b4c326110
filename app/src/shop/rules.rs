//! Shop rules: cart arithmetic, shipping, delivery dates, payment methods
//! and checkout validation. Plain functions, shared by browser and server.

use super::models::CheckoutInput;
use crate::money::vat_included;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// At most this many of one article per order line.
pub const MAX_QUANTITY: i32 = 99;
/// Shipping costs (VAT included) below the free-shipping threshold.
pub const SHIPPING_CENTS: i64 = 495;
pub const FREE_SHIPPING_FROM_CENTS: i64 = 5_000;
pub const SHIPPING_VAT_BP: i32 = 2_100;
/// A desired delivery date lies between tomorrow and this many days ahead.
pub const LATEST_DELIVERY_DAYS: u64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethod {
    BankTransfer,
    PayOnPickup,
    OnAccount,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 3] = [Self::BankTransfer, Self::PayOnPickup, Self::OnAccount];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BankTransfer => "bank_transfer",
            Self::PayOnPickup => "pay_on_pickup",
            Self::OnAccount => "on_account",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// The methods everyone may use; "on account" only when the shop granted it
/// to this customer (AVG-4: the payment methods a customer is entitled to).
pub fn entitled_payment_methods(granted: Option<&str>) -> Vec<PaymentMethod> {
    let mut methods = vec![PaymentMethod::BankTransfer, PaymentMethod::PayOnPickup];
    for extra in granted
        .unwrap_or_default()
        .split(',')
        .filter_map(|m| PaymentMethod::parse(m.trim()))
    {
        if !methods.contains(&extra) {
            methods.push(extra);
        }
    }
    methods
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryMethod {
    Shipping,
    Pickup,
}

impl DeliveryMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shipping => "shipping",
            Self::Pickup => "pickup",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "shipping" => Some(Self::Shipping),
            "pickup" => Some(Self::Pickup),
            _ => None,
        }
    }
}

/// Shipping costs for a VAT-inclusive subtotal.
pub fn shipping_cents(method: DeliveryMethod, subtotal_cents: i64) -> i64 {
    match method {
        DeliveryMethod::Pickup => 0,
        DeliveryMethod::Shipping if subtotal_cents >= FREE_SHIPPING_FROM_CENTS => 0,
        DeliveryMethod::Shipping => SHIPPING_CENTS,
    }
}

/// One cart entry as kept in the session: only ids and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub product_id: i32,
    pub quantity: i32,
}

/// Validates a quantity typed by a customer.
pub fn quantity(value: i32) -> Result<i32, FieldError> {
    if (1..=MAX_QUANTITY).contains(&value) {
        Ok(value)
    } else {
        Err(FieldError::Quantity)
    }
}

/// Adds to a cart, merging with an existing line and capping at the maximum.
pub fn add_to_cart(cart: &mut Vec<CartItem>, product_id: i32, quantity: i32) {
    match cart.iter_mut().find(|i| i.product_id == product_id) {
        Some(item) => item.quantity = (item.quantity + quantity).min(MAX_QUANTITY),
        None => cart.push(CartItem {
            product_id,
            quantity: quantity.min(MAX_QUANTITY),
        }),
    }
}

/// Sets a line's quantity; zero removes it.
pub fn set_quantity(cart: &mut Vec<CartItem>, product_id: i32, quantity: i32) {
    if quantity <= 0 {
        cart.retain(|i| i.product_id != product_id);
    } else if let Some(item) = cart.iter_mut().find(|i| i.product_id == product_id) {
        item.quantity = quantity.min(MAX_QUANTITY);
    }
}

/// A priced order line, before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub unit_price_cents: i64,
    pub quantity: i32,
    pub vat_rate_bp: i32,
}

impl PricedLine {
    pub fn total_cents(&self) -> i64 {
        self.unit_price_cents * i64::from(self.quantity)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderTotals {
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
}

/// Totals of an order: VAT is computed per line and for shipping, from
/// VAT-inclusive amounts, as on a Dutch receipt.
pub fn order_totals(lines: &[PricedLine], delivery: DeliveryMethod) -> OrderTotals {
    let subtotal_cents: i64 = lines.iter().map(PricedLine::total_cents).sum();
    let shipping = shipping_cents(delivery, subtotal_cents);
    let vat_cents = lines
        .iter()
        .map(|l| vat_included(l.total_cents(), l.vat_rate_bp))
        .sum::<i64>()
        + vat_included(shipping, SHIPPING_VAT_BP);
    OrderTotals {
        subtotal_cents,
        shipping_cents: shipping,
        vat_cents,
        total_cents: subtotal_cents + shipping,
    }
}

/// An address as validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

/// A checkout that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutData {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub gender: Option<String>,
    pub phone: String,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub newsletter: bool,
    pub address: Address,
    pub delivery_address: Option<Address>,
    pub delivery_date: Option<NaiveDate>,
    pub delivery_method: DeliveryMethod,
    pub payment_method: PaymentMethod,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

fn address(input: &CheckoutInput, prefix: &str, errors: &mut FieldErrors) -> Option<Address> {
    let field = |name: &str| format!("{prefix}{name}");
    let (street, house_number, postcode, city, country) = if prefix.is_empty() {
        (
            &input.street,
            &input.house_number,
            &input.postcode,
            &input.city,
            &input.country,
        )
    } else {
        (
            &input.delivery_street,
            &input.delivery_house_number,
            &input.delivery_postcode,
            &input.delivery_city,
            &input.delivery_country,
        )
    };
    let street = errors.check(&field("street"), v::required_text(text(street), 150));
    let house_number = errors.check(&field("house_number"), v::house_number(text(house_number)));
    let city = errors.check(&field("city"), v::required_text(text(city), 100));
    let country = errors.check(&field("country"), v::country(text(country)));
    let postcode = match &country {
        Some(c) => errors.check(&field("postcode"), v::postcode(text(postcode), c)),
        None => None,
    };
    Some(Address {
        street: street?,
        house_number: house_number?,
        postcode: postcode?,
        city: city?,
        country: country?,
    })
}

/// Whether the customer filled in a separate delivery address at all.
fn wants_delivery_address(input: &CheckoutInput) -> bool {
    [
        &input.delivery_street,
        &input.delivery_house_number,
        &input.delivery_postcode,
        &input.delivery_city,
    ]
    .iter()
    .any(|f| !text(f).trim().is_empty())
}

/// Validates a whole checkout. `today` is the shop's local date;
/// `entitled` the payment methods this customer may use.
pub fn validate_checkout(
    input: &CheckoutInput,
    today: NaiveDate,
    entitled: &[PaymentMethod],
) -> Result<CheckoutData, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", v::email(text(&input.email)));
    let first_name = errors.check("first_name", v::required_text(text(&input.first_name), 100));
    let last_name = errors.check("last_name", v::required_text(text(&input.last_name), 100));
    let gender = errors.check("gender", v::gender(input.gender.as_deref()));
    let phone = errors.check("phone", v::phone(text(&input.phone)));
    let company_name = errors.check(
        "company_name",
        v::optional_text(input.company_name.as_deref(), 150),
    );
    let vat_number = errors.check("vat_number", v::vat_number(input.vat_number.as_deref()));
    let newsletter = v::checkbox(input.newsletter.as_deref());
    let address = address(input, "", &mut errors);
    let delivery_address = if wants_delivery_address(input) {
        let delivery = address_or_none(input, &mut errors);
        Some(delivery)
    } else {
        None
    };

    let delivery_method = match input
        .delivery_method
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => Some(DeliveryMethod::Shipping),
        Some(m) => errors.check(
            "delivery_method",
            DeliveryMethod::parse(m).ok_or(FieldError::DeliveryMethod),
        ),
    };
    let payment_method = match input
        .payment_method
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => errors.check(
            "payment_method",
            Err::<PaymentMethod, _>(FieldError::Required),
        ),
        Some(m) => errors.check(
            "payment_method",
            PaymentMethod::parse(m)
                .filter(|m| entitled.contains(m))
                .ok_or(FieldError::PaymentMethod),
        ),
    };
    if payment_method == Some(PaymentMethod::PayOnPickup)
        && delivery_method == Some(DeliveryMethod::Shipping)
    {
        errors.add("payment_method", FieldError::PickupNeedsPickupDelivery);
    }
    let delivery_date = errors.check(
        "delivery_date",
        delivery_date(input.delivery_date.as_deref(), today),
    );

    if !errors.is_empty() {
        return Err(errors);
    }
    // Every `None` below has recorded an error above.
    let (
        Some(email),
        Some(first_name),
        Some(last_name),
        Some(gender),
        Some(phone),
        Some(company_name),
    ) = (email, first_name, last_name, gender, phone, company_name)
    else {
        return Err(errors);
    };
    let (
        Some(vat_number),
        Some(address),
        Some(delivery_method),
        Some(payment_method),
        Some(delivery_date),
    ) = (
        vat_number,
        address,
        delivery_method,
        payment_method,
        delivery_date,
    )
    else {
        return Err(errors);
    };
    Ok(CheckoutData {
        email,
        first_name,
        last_name,
        gender,
        phone,
        company_name,
        vat_number,
        newsletter,
        address,
        delivery_address: delivery_address.flatten(),
        delivery_date,
        delivery_method,
        payment_method,
    })
}

fn address_or_none(input: &CheckoutInput, errors: &mut FieldErrors) -> Option<Address> {
    address(input, "delivery_", errors)
}

/// The first day a delivery can be asked for.
pub fn earliest_delivery(today: NaiveDate) -> NaiveDate {
    today.checked_add_days(Days::new(1)).unwrap_or(today)
}

pub fn latest_delivery(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_days(Days::new(LATEST_DELIVERY_DAYS))
        .unwrap_or(today)
}

/// An optional desired delivery date (`YYYY-MM-DD`) from tomorrow on.
pub fn delivery_date(
    value: Option<&str>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, FieldError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| FieldError::Date)?;
    if date < earliest_delivery(today) {
        Err(FieldError::DateTooSoon)
    } else if date > latest_delivery(today) {
        Err(FieldError::DateTooFar)
    } else {
        Ok(Some(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default()
    }

    fn valid_input() -> CheckoutInput {
        CheckoutInput {
            email: Some("jan@example.nl".into()),
            first_name: Some("Jan".into()),
            last_name: Some("Jansen".into()),
            street: Some("Dorpsstraat".into()),
            house_number: Some("1".into()),
            postcode: Some("1234ab".into()),
            city: Some("Utrecht".into()),
            country: Some("NL".into()),
            phone: Some("0612345678".into()),
            payment_method: Some("bank_transfer".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_checkout_passes_and_is_normalised() {
        let data = validate_checkout(&valid_input(), today(), &entitled_payment_methods(None));
        let data = data.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(data.address.postcode, "1234 AB");
        assert_eq!(data.delivery_method, DeliveryMethod::Shipping);
        assert_eq!(data.delivery_address, None);
        assert!(!data.newsletter);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = CheckoutInput {
            email: Some("nope".into()),
            postcode: Some("12".into()),
            vat_number: Some("NL1".into()),
            delivery_date: Some("2026-11-29".into()),
            payment_method: Some("on_account".into()),
            ..valid_input()
        };
        let errors = validate_checkout(&input, today(), &entitled_payment_methods(None))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.get("email"), Some(&FieldError::Email));
        assert_eq!(errors.get("postcode"), Some(&FieldError::Postcode));
        assert_eq!(errors.get("vat_number"), Some(&FieldError::VatNumber));
        assert_eq!(errors.get("delivery_date"), Some(&FieldError::DateTooSoon));
        assert_eq!(
            errors.get("payment_method"),
            Some(&FieldError::PaymentMethod)
        );
        assert_eq!(errors.get("first_name"), None);
    }

    #[test]
    fn missing_fields_are_required() {
        let errors = validate_checkout(
            &CheckoutInput::default(),
            today(),
            &entitled_payment_methods(None),
        )
        .err()
        .unwrap_or_default();
        for field in [
            "email",
            "first_name",
            "last_name",
            "street",
            "house_number",
            "city",
            "country",
            "phone",
            "payment_method",
        ] {
            assert_eq!(errors.get(field), Some(&FieldError::Required), "{field}");
        }
    }

    #[test]
    fn a_partial_delivery_address_is_checked() {
        let input = CheckoutInput {
            delivery_street: Some("Kerkweg".into()),
            ..valid_input()
        };
        let errors = validate_checkout(&input, today(), &entitled_payment_methods(None))
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors.get("delivery_house_number"),
            Some(&FieldError::Required)
        );
        assert_eq!(errors.get("delivery_country"), Some(&FieldError::Required));
    }

    #[test]
    fn on_account_only_when_granted() {
        assert_eq!(
            entitled_payment_methods(None),
            vec![PaymentMethod::BankTransfer, PaymentMethod::PayOnPickup]
        );
        assert!(
            entitled_payment_methods(Some("on_account, bogus")).contains(&PaymentMethod::OnAccount)
        );
        let input = CheckoutInput {
            payment_method: Some("on_account".into()),
            ..valid_input()
        };
        assert!(validate_checkout(
            &input,
            today(),
            &entitled_payment_methods(Some("on_account"))
        )
        .is_ok());
    }

    #[test]
    fn pay_on_pickup_needs_pickup() {
        let input = CheckoutInput {
            payment_method: Some("pay_on_pickup".into()),
            ..valid_input()
        };
        let errors = validate_checkout(&input, today(), &entitled_payment_methods(None))
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors.get("payment_method"),
            Some(&FieldError::PickupNeedsPickupDelivery)
        );
        let input = CheckoutInput {
            delivery_method: Some("pickup".into()),
            ..input
        };
        assert!(validate_checkout(&input, today(), &entitled_payment_methods(None)).is_ok());
    }

    #[test]
    fn delivery_dates() {
        assert_eq!(delivery_date(None, today()), Ok(None));
        assert_eq!(
            delivery_date(Some("2026-11-30"), today()),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 30))
        );
        assert_eq!(
            delivery_date(Some("30-11-2026"), today()),
            Err(FieldError::Date)
        );
        assert_eq!(
            delivery_date(Some("2027-12-01"), today()),
            Err(FieldError::DateTooFar)
        );
    }

    #[test]
    fn carts_merge_and_cap() {
        let mut cart = Vec::new();
        add_to_cart(&mut cart, 1, 2);
        add_to_cart(&mut cart, 1, 3);
        add_to_cart(&mut cart, 2, 200);
        assert_eq!(
            cart,
            vec![
                CartItem {
                    product_id: 1,
                    quantity: 5
                },
                CartItem {
                    product_id: 2,
                    quantity: MAX_QUANTITY
                }
            ]
        );
        set_quantity(&mut cart, 1, 0);
        assert_eq!(cart.len(), 1);
        assert_eq!(quantity(0), Err(FieldError::Quantity));
        assert_eq!(quantity(100), Err(FieldError::Quantity));
    }

    #[test]
    fn totals_with_shipping_and_vat() {
        let lines = [
            PricedLine {
                unit_price_cents: 1_210,
                quantity: 2,
                vat_rate_bp: 2100,
            },
            PricedLine {
                unit_price_cents: 1_090,
                quantity: 1,
                vat_rate_bp: 900,
            },
        ];
        let totals = order_totals(&lines, DeliveryMethod::Shipping);
        assert_eq!(totals.subtotal_cents, 3_510);
        assert_eq!(totals.shipping_cents, SHIPPING_CENTS);
        assert_eq!(totals.total_cents, 3_510 + SHIPPING_CENTS);
        // 420 + 90 + VAT in 4,95 shipping (86)
        assert_eq!(totals.vat_cents, 420 + 90 + 86);
        assert_eq!(
            order_totals(&lines, DeliveryMethod::Pickup).shipping_cents,
            0
        );
        let big = [PricedLine {
            unit_price_cents: 5_000,
            quantity: 1,
            vat_rate_bp: 2100,
        }];
        assert_eq!(
            order_totals(&big, DeliveryMethod::Shipping).shipping_cents,
            0
        );
    }
}
