//! Shop rules: cart arithmetic, shipping, delivery dates, payment methods
//! and checkout validation. Plain functions, shared by browser and server.

use super::models::CheckoutInput;
use crate::customer::CustomerData;
use crate::money::vat_included;
use crate::stored::stored_enum;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// At most this many of one article per order line.
pub const MAX_QUANTITY: i32 = 99;
/// The VAT in shipping costs (the rates the owner sets include it).
pub const SHIPPING_VAT_BP: i32 = 2_100;
/// A desired delivery date lies between tomorrow and this many days ahead.
pub const LATEST_DELIVERY_DAYS: u64 = 90;

stored_enum! {
    pub enum PaymentMethod {
        BankTransfer = "bank_transfer",
        PayOnPickup = "pay_on_pickup",
        OnAccount = "on_account",
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

stored_enum! {
    pub enum DeliveryMethod {
        Shipping = "shipping",
        Pickup = "pickup",
    }
}

/// A country the shop delivers to, as the owner set it in the CMS
/// (`/cms/shipping`): the rate and the optional free-shipping threshold,
/// both VAT-inclusive cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingZone {
    /// One of `validate::COUNTRIES`.
    pub country: String,
    pub rate_cents: i64,
    pub free_from_cents: Option<i64>,
    pub active: bool,
}

/// Everything that decides shipping costs: the zones and whether customers
/// may pick their order up (with the owner's hint: where and when).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRates {
    pub zones: Vec<ShippingZone>,
    pub pickup: bool,
    pub pickup_note: String,
}

impl ShippingRates {
    /// What the shop charged before the rates moved to the CMS (and what
    /// migration 13 seeds): NL and BE € 4,95, free from € 50, pickup on.
    pub fn standard() -> Self {
        let zone = |country: &str| ShippingZone {
            country: country.into(),
            rate_cents: 495,
            free_from_cents: Some(5_000),
            active: true,
        };
        Self {
            zones: vec![zone("NL"), zone("BE")],
            pickup: true,
            pickup_note: String::new(),
        }
    }

    /// The active zone of a country, if the shop delivers there.
    pub fn zone(&self, country: &str) -> Option<&ShippingZone> {
        self.zones
            .iter()
            .find(|z| z.active && z.country.eq_ignore_ascii_case(country.trim()))
    }

    pub fn active_zones(&self) -> impl Iterator<Item = &ShippingZone> {
        self.zones.iter().filter(|z| z.active)
    }
}

/// Shipping costs of an order: pickup is free (when the shop offers it);
/// shipping costs the rate of the delivery country's zone, nothing from its
/// threshold on (the VAT-inclusive subtotal). A country without an active
/// zone is refused. One function for the cost the checkout shows and the
/// cost the order records (`order_totals`).
pub fn shipping_cost(
    rates: &ShippingRates,
    method: DeliveryMethod,
    country: &str,
    subtotal_cents: i64,
) -> Result<i64, FieldError> {
    match method {
        DeliveryMethod::Pickup if rates.pickup => Ok(0),
        DeliveryMethod::Pickup => Err(FieldError::PickupUnavailable),
        DeliveryMethod::Shipping => {
            let zone = rates.zone(country).ok_or(FieldError::NoShippingZone)?;
            match zone.free_from_cents {
                Some(free_from) if subtotal_cents >= free_from => Ok(0),
                _ => Ok(zone.rate_cents),
            }
        }
    }
}

/// Where an order goes: its delivery method and the country it is shipped
/// to (the delivery address's when the customer gave one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination<'a> {
    pub method: DeliveryMethod,
    pub country: &'a str,
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
/// VAT-inclusive amounts, as on a Dutch receipt. Shipping follows the
/// rates of the moment; the order keeps the result.
pub fn order_totals(
    lines: &[PricedLine],
    to: Destination<'_>,
    rates: &ShippingRates,
) -> Result<OrderTotals, FieldError> {
    let subtotal_cents: i64 = lines.iter().map(PricedLine::total_cents).sum();
    let shipping = shipping_cost(rates, to.method, to.country, subtotal_cents)?;
    let vat_cents = lines
        .iter()
        .map(|l| vat_included(l.total_cents(), l.vat_rate_bp))
        .sum::<i64>()
        + vat_included(shipping, SHIPPING_VAT_BP);
    Ok(OrderTotals {
        subtotal_cents,
        shipping_cents: shipping,
        vat_cents,
        total_cents: subtotal_cents + shipping,
    })
}

/// A checkout that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutData {
    pub customer: CustomerData,
    pub delivery_date: Option<NaiveDate>,
    pub delivery_method: DeliveryMethod,
    pub payment_method: PaymentMethod,
    /// Set when the guest chose "create an account" and gave a password.
    pub account_password: Option<String>,
}

impl CheckoutData {
    /// Where the order goes: shipped to the delivery address when one was
    /// given, else to the customer's address; or picked up.
    pub fn destination(&self) -> Destination<'_> {
        let address = self
            .customer
            .delivery_address
            .as_ref()
            .unwrap_or(&self.customer.address);
        Destination {
            method: self.delivery_method,
            country: &address.country,
        }
    }
}

/// Validates a whole checkout. `today` is the shop's local date;
/// `entitled` the payment methods this customer may use; `rates` the
/// shipping zones: a country the shop does not deliver to is refused on
/// the country field it came from, pickup when the shop offers none.
pub fn validate_checkout(
    input: &CheckoutInput,
    today: NaiveDate,
    entitled: &[PaymentMethod],
    rates: &ShippingRates,
) -> Result<CheckoutData, FieldErrors> {
    let mut errors = FieldErrors::default();
    let customer = input.customer.validate_into(&mut errors);

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
    if let (Some(customer), Some(method)) = (&customer, delivery_method) {
        let (field, country) = match &customer.delivery_address {
            Some(address) => ("delivery_country", address.country.as_str()),
            None => ("country", customer.address.country.as_str()),
        };
        match shipping_cost(rates, method, country, 0) {
            Err(FieldError::PickupUnavailable) => {
                errors.add("delivery_method", FieldError::PickupUnavailable);
            }
            Err(error) => errors.add(field, error),
            Ok(_) => {}
        }
    }
    let payment_method = errors.check(
        "payment_method",
        payment_method(input.payment_method.as_deref(), entitled),
    );
    if payment_method == Some(PaymentMethod::PayOnPickup)
        && delivery_method == Some(DeliveryMethod::Shipping)
    {
        errors.add("payment_method", FieldError::PickupNeedsPickupDelivery);
    }
    let delivery_date = errors.check(
        "delivery_date",
        delivery_date(input.delivery_date.as_deref(), today),
    );
    let account_password = if v::checkbox(input.create_account.as_deref()) {
        let email = input.customer.email.as_deref().unwrap_or_default();
        errors.check(
            "password",
            crate::account::rules::password_policy(
                input.password.as_deref().unwrap_or_default(),
                email,
            ),
        )
    } else {
        None
    };

    match (customer, delivery_method, payment_method, delivery_date) {
        (Some(customer), Some(delivery_method), Some(payment_method), Some(delivery_date))
            if errors.is_empty() =>
        {
            Ok(CheckoutData {
                customer,
                delivery_date,
                delivery_method,
                payment_method,
                account_password,
            })
        }
        _ => Err(errors),
    }
}

/// The payment method chosen in a form (checkout, booking): one of those
/// this customer may use.
pub fn payment_method(
    value: Option<&str>,
    entitled: &[PaymentMethod],
) -> Result<PaymentMethod, FieldError> {
    match value.map(str::trim).filter(|m| !m.is_empty()) {
        None => Err(FieldError::Required),
        Some(m) => PaymentMethod::parse(m)
            .filter(|m| entitled.contains(m))
            .ok_or(FieldError::PaymentMethod),
    }
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
    use crate::customer::CustomerInput;

    /// The checkout against the rates every shop starts with.
    fn validate_standard(
        input: &CheckoutInput,
        today: NaiveDate,
        entitled: &[PaymentMethod],
    ) -> Result<CheckoutData, FieldErrors> {
        validate_checkout(input, today, entitled, &ShippingRates::standard())
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default()
    }

    fn valid_input() -> CheckoutInput {
        CheckoutInput {
            customer: CustomerInput {
                email: Some("jan@example.nl".into()),
                first_name: Some("Jan".into()),
                last_name: Some("Jansen".into()),
                street: Some("Dorpsstraat".into()),
                house_number: Some("1".into()),
                postcode: Some("1234ab".into()),
                city: Some("Utrecht".into()),
                country: Some("NL".into()),
                phone: Some("0612345678".into()),
                ..Default::default()
            },
            payment_method: Some("bank_transfer".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_checkout_passes_and_is_normalised() {
        let data = validate_standard(&valid_input(), today(), &entitled_payment_methods(None));
        let data = data.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(data.customer.address.postcode, "1234 AB");
        assert_eq!(data.delivery_method, DeliveryMethod::Shipping);
        assert_eq!(data.customer.delivery_address, None);
        assert!(!data.customer.newsletter);
        assert_eq!(data.account_password, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let base = valid_input();
        let input = CheckoutInput {
            customer: CustomerInput {
                email: Some("nope".into()),
                postcode: Some("12".into()),
                vat_number: Some("NL1".into()),
                ..base.customer.clone()
            },
            delivery_date: Some("2026-11-29".into()),
            payment_method: Some("on_account".into()),
            ..base
        };
        let errors = validate_standard(&input, today(), &entitled_payment_methods(None))
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
        let errors = validate_standard(
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
        assert!(validate_standard(
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
        let errors = validate_standard(&input, today(), &entitled_payment_methods(None))
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
        assert!(validate_standard(&input, today(), &entitled_payment_methods(None)).is_ok());
    }

    #[test]
    fn creating_an_account_needs_a_good_password() {
        let base = valid_input();
        let weak = CheckoutInput {
            create_account: Some("on".into()),
            password: Some("password1".into()),
            ..base.clone()
        };
        let errors = validate_standard(&weak, today(), &entitled_payment_methods(None))
            .expect_err("common password");
        assert_eq!(errors.get("password"), Some(&FieldError::PasswordCommon));
        let good = CheckoutInput {
            create_account: Some("on".into()),
            password: Some("vier koeien in de wei".into()),
            ..base
        };
        let data =
            validate_standard(&good, today(), &entitled_payment_methods(None)).expect("valid");
        assert_eq!(
            data.account_password.as_deref(),
            Some("vier koeien in de wei")
        );
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
        let rates = ShippingRates::standard();
        let nl = |method| Destination {
            method,
            country: "NL",
        };
        let totals = order_totals(&lines, nl(DeliveryMethod::Shipping), &rates).unwrap();
        assert_eq!(totals.subtotal_cents, 3_510);
        assert_eq!(totals.shipping_cents, 495);
        assert_eq!(totals.total_cents, 3_510 + 495);
        // 420 + 90 + VAT in 4,95 shipping (86)
        assert_eq!(totals.vat_cents, 420 + 90 + 86);
        let pickup = order_totals(&lines, nl(DeliveryMethod::Pickup), &rates).unwrap();
        assert_eq!(pickup.shipping_cents, 0);
        assert_eq!(pickup.vat_cents, 420 + 90);
        let big = [PricedLine {
            unit_price_cents: 5_000,
            quantity: 1,
            vat_rate_bp: 2100,
        }];
        let free = order_totals(&big, nl(DeliveryMethod::Shipping), &rates).unwrap();
        assert_eq!(free.shipping_cents, 0);
        let elsewhere = Destination {
            method: DeliveryMethod::Shipping,
            country: "DE",
        };
        assert_eq!(
            order_totals(&lines, elsewhere, &rates),
            Err(FieldError::NoShippingZone)
        );
    }

    fn zone(country: &str, rate_cents: i64, free_from_cents: Option<i64>) -> ShippingZone {
        ShippingZone {
            country: country.into(),
            rate_cents,
            free_from_cents,
            active: true,
        }
    }

    #[test]
    fn shipping_follows_the_zone_and_its_threshold() {
        let rates = ShippingRates {
            zones: vec![
                zone("NL", 495, Some(5_000)),
                zone("BE", 895, Some(10_000)),
                zone("DE", 1_250, None),
                ShippingZone {
                    active: false,
                    ..zone("LU", 1_500, None)
                },
            ],
            pickup: true,
            pickup_note: String::new(),
        };
        let ship = DeliveryMethod::Shipping;
        assert_eq!(shipping_cost(&rates, ship, "NL", 4_999), Ok(495));
        assert_eq!(shipping_cost(&rates, ship, "NL", 5_000), Ok(0));
        assert_eq!(shipping_cost(&rates, ship, "BE", 5_000), Ok(895));
        assert_eq!(shipping_cost(&rates, ship, "be", 10_000), Ok(0));
        assert_eq!(
            shipping_cost(&rates, ship, "DE", 1_000_000),
            Ok(1_250),
            "no threshold: always the rate"
        );
        assert_eq!(
            shipping_cost(&rates, ship, "LU", 100),
            Err(FieldError::NoShippingZone),
            "an inactive zone is no zone"
        );
        assert_eq!(
            shipping_cost(&rates, ship, "FR", 100),
            Err(FieldError::NoShippingZone)
        );
        assert_eq!(
            shipping_cost(&rates, DeliveryMethod::Pickup, "FR", 100),
            Ok(0),
            "pickup needs no zone"
        );
        let no_pickup = ShippingRates {
            pickup: false,
            ..rates
        };
        assert_eq!(
            shipping_cost(&no_pickup, DeliveryMethod::Pickup, "NL", 100),
            Err(FieldError::PickupUnavailable)
        );
    }

    #[test]
    fn checkout_refuses_a_country_without_zone_on_its_own_field() {
        let rates = ShippingRates {
            zones: vec![zone("NL", 495, None)],
            pickup: false,
            pickup_note: String::new(),
        };
        let entitled = entitled_payment_methods(None);
        let base = valid_input();
        let to_belgium = CheckoutInput {
            customer: CustomerInput {
                delivery_street: Some("Kerkweg".into()),
                delivery_house_number: Some("3".into()),
                delivery_postcode: Some("1000".into()),
                delivery_city: Some("Brussel".into()),
                delivery_country: Some("BE".into()),
                ..base.customer.clone()
            },
            ..base.clone()
        };
        let errors = validate_checkout(&to_belgium, today(), &entitled, &rates)
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors.get("delivery_country"),
            Some(&FieldError::NoShippingZone)
        );
        assert_eq!(errors.get("country"), None);
        let pickup = CheckoutInput {
            delivery_method: Some("pickup".into()),
            ..base.clone()
        };
        let errors = validate_checkout(&pickup, today(), &entitled, &rates)
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors.get("delivery_method"),
            Some(&FieldError::PickupUnavailable)
        );
        let data = validate_checkout(&base, today(), &entitled, &rates).unwrap();
        assert_eq!(
            data.destination(),
            Destination {
                method: DeliveryMethod::Shipping,
                country: "NL"
            }
        );
    }
}
