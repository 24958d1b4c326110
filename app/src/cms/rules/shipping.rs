//! The shipping zones the owner sets: a rate and an optional threshold per
//! country, and pickup. Amounts are VAT-inclusive euros as typed
//! ("4,95"); a negative or absurd amount is a field error, never a 500.

use super::catalog::parse_price;
use crate::cms::models::{PickupInput, ShippingZoneInput};
use crate::shop::rules::ShippingZone;
use crate::validate::{self as v, FieldError, FieldErrors};

/// The most a zone may charge: € 250,00. More is a typing mistake.
pub const MAX_RATE_CENTS: i64 = 25_000;
/// The highest free-shipping threshold: € 10.000,00.
pub const MAX_FREE_FROM_CENTS: i64 = 1_000_000;
/// The pickup hint (where and when) is a short text.
pub const MAX_PICKUP_NOTE: usize = 300;

fn amount(text: &str, max_cents: i64) -> Result<i64, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::Required);
    }
    parse_price(text)
        .filter(|cents| (0..=max_cents).contains(cents))
        .ok_or(FieldError::Amount { max_cents })
}

/// Validates a zone; every bad field is reported at once.
pub fn validate_zone(input: &ShippingZoneInput) -> Result<ShippingZone, FieldErrors> {
    let mut errors = FieldErrors::default();
    let country = errors.check("country", v::country(&input.country));
    let rate = errors.check("rate", amount(&input.rate, MAX_RATE_CENTS));
    let free_from = if input.free_from.trim().is_empty() {
        Some(None)
    } else {
        errors
            .check("free_from", amount(&input.free_from, MAX_FREE_FROM_CENTS))
            .map(Some)
    };
    match (country, rate, free_from) {
        (Some(country), Some(rate_cents), Some(free_from_cents)) if errors.is_empty() => {
            Ok(ShippingZone {
                country,
                rate_cents,
                free_from_cents,
                active: v::checkbox(input.active.as_deref()),
            })
        }
        _ => Err(errors),
    }
}

/// Validates the pickup choice: on or off, and its hint.
pub fn validate_pickup(input: &PickupInput) -> Result<(bool, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let note = errors.check(
        "pickup_note",
        v::optional_text(Some(&input.pickup_note), MAX_PICKUP_NOTE),
    );
    match note {
        Some(note) => Ok((
            v::checkbox(input.pickup.as_deref()),
            note.unwrap_or_default(),
        )),
        None => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(country: &str, rate: &str, free_from: &str) -> ShippingZoneInput {
        ShippingZoneInput {
            country: country.into(),
            rate: rate.into(),
            free_from: free_from.into(),
            active: Some("on".into()),
        }
    }

    #[test]
    fn a_zone_is_read_as_typed() {
        let zone = validate_zone(&input("de", "12,50", "")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(zone.country, "DE");
        assert_eq!(zone.rate_cents, 1_250);
        assert_eq!(zone.free_from_cents, None);
        assert!(zone.active);
        let zone = validate_zone(&input("NL", "0", "€ 75")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((zone.rate_cents, zone.free_from_cents), (0, Some(7_500)));
        let inactive = ShippingZoneInput {
            active: None,
            ..input("BE", "4,95", "50")
        };
        assert!(!validate_zone(&inactive).map(|z| z.active).unwrap_or(true));
    }

    #[test]
    fn negative_absurd_and_unknown_are_field_errors() {
        let errors = validate_zone(&input("FR", "-1", "1000000000"))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.get("country"), Some(&FieldError::Country));
        assert_eq!(
            errors.get("rate"),
            Some(&FieldError::Amount {
                max_cents: MAX_RATE_CENTS
            })
        );
        assert_eq!(
            errors.get("free_from"),
            Some(&FieldError::Amount {
                max_cents: MAX_FREE_FROM_CENTS
            })
        );
        let errors = validate_zone(&input("NL", "250,01", ""))
            .err()
            .unwrap_or_default();
        assert!(errors.get("rate").is_some());
        let errors = validate_zone(&input("NL", "", ""))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.get("rate"), Some(&FieldError::Required));
        let errors = validate_zone(&input("NL", "vier", ""))
            .err()
            .unwrap_or_default();
        assert!(errors.get("rate").is_some());
    }

    #[test]
    fn pickup_note_is_short() {
        let ok = validate_pickup(&PickupInput {
            pickup: Some("on".into()),
            pickup_note: " Ma–za 10–17 uur ".into(),
        });
        assert_eq!(ok, Ok((true, "Ma–za 10–17 uur".into())));
        let long = validate_pickup(&PickupInput {
            pickup: None,
            pickup_note: "x".repeat(MAX_PICKUP_NOTE + 1),
        });
        assert!(long.is_err());
    }
}
