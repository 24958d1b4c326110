//! The shop's identity: who the customer buys from. One set of settings
//! for everything that names the shop as a business — the privacy
//! statement (who is responsible), the payment instructions (whose bank
//! account) and the invoices (what Dutch law asks an invoice to name).
//! Every field may be left empty while the shop is being set up; what
//! needs a field says so where it is used.

use crate::cms::models::{ShopIdentity, ShopIdentityInput};
use crate::validate::{self as v, FieldError, FieldErrors};

/// A KvK (Chamber of Commerce) number: eight digits, spaces and dots
/// allowed while typing.
pub fn kvk_number(value: &str) -> Result<String, FieldError> {
    let digits: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(FieldError::KvkNumber)
    }
}

/// An IBAN (ISO 13616): country, check digits and account, checked with
/// its mod-97 sum, so that a typo in the shop's account number is caught
/// before customers transfer money to it. Returns it grouped by four
/// (`NL91 ABNA 0417 1643 00`), the way a bank prints it.
pub fn iban(value: &str) -> Result<String, FieldError> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = compact.as_bytes();
    let shaped = (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphanumeric)
        && (&compact[..2] != "NL" || bytes.len() == 18);
    if !shaped {
        return Err(FieldError::Iban);
    }
    // Move the first four characters to the end, read letters as 10..35
    // and take the number modulo 97, digit by digit.
    let remainder = compact[4..]
        .bytes()
        .chain(compact[..4].bytes())
        .fold(0u32, |rest, b| {
            let value = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b - b'A') + 10
            };
            if value >= 10 {
                (rest * 100 + value) % 97
            } else {
                (rest * 10 + value) % 97
            }
        });
    if remainder != 1 {
        return Err(FieldError::Iban);
    }
    Ok(compact
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" "))
}

/// An optional field: empty stays empty, anything else must pass `check`.
fn optional(
    value: &str,
    check: impl FnOnce(&str) -> Result<String, FieldError>,
) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        check(value)
    }
}

/// Checks the identity fields, reporting every bad field at once.
pub fn validate_identity(
    input: &ShopIdentityInput,
    errors: &mut FieldErrors,
) -> Option<ShopIdentity> {
    let legal_name = errors.check(
        "legal_name",
        optional(&input.legal_name, |s| v::required_text(s, 100)),
    );
    let street = errors.check(
        "street",
        optional(&input.street, |s| v::required_text(s, 100)),
    );
    let postcode = errors.check(
        "postcode",
        optional(&input.postcode, |s| v::postcode(s, "NL")),
    );
    let city = errors.check("city", optional(&input.city, |s| v::required_text(s, 60)));
    let kvk = errors.check("kvk_number", optional(&input.kvk_number, kvk_number));
    let vat_id = errors.check(
        "vat_id",
        optional(&input.vat_id, |s| {
            v::vat_number(Some(s))?
                .filter(|id| id.starts_with("NL"))
                .ok_or(FieldError::VatNumber)
        }),
    );
    let iban = errors.check("iban", optional(&input.iban, iban));
    Some(ShopIdentity {
        legal_name: legal_name?,
        street: street?,
        postcode: postcode?,
        city: city?,
        kvk_number: kvk?,
        vat_id: vat_id?,
        iban: iban?,
    })
}

impl ShopIdentity {
    /// The name a customer pays and an invoice is addressed from: the
    /// registered name, or the shop's name until one is given.
    pub fn name_or<'a>(&'a self, shop_name: &'a str) -> &'a str {
        if self.legal_name.is_empty() {
            shop_name
        } else {
            &self.legal_name
        }
    }

    /// Whether an invoice can name everything the law asks of the seller
    /// (address, KvK number, VAT id).
    pub fn complete_for_invoices(&self) -> bool {
        [
            &self.street,
            &self.postcode,
            &self.city,
            &self.kvk_number,
            &self.vat_id,
        ]
        .iter()
        .all(|field| !field.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_with_their_sum_and_grouped() {
        assert_eq!(
            iban("nl91abna0417164300").as_deref(),
            Ok("NL91 ABNA 0417 1643 00")
        );
        assert_eq!(
            iban(" NL91 ABNA 0417 1643 00 ").as_deref(),
            Ok("NL91 ABNA 0417 1643 00")
        );
        assert_eq!(
            iban("BE68539007547034").as_deref(),
            Ok("BE68 5390 0754 7034")
        );
        // One digit off, two digits swapped, a Dutch IBAN of the wrong length.
        assert_eq!(iban("NL91ABNA0417164301"), Err(FieldError::Iban));
        assert_eq!(iban("NL91ABNA0417163400"), Err(FieldError::Iban));
        assert_eq!(iban("NL91ABNA041716430"), Err(FieldError::Iban));
        assert_eq!(iban("1234"), Err(FieldError::Iban));
    }

    #[test]
    fn kvk_numbers_have_eight_digits() {
        assert_eq!(kvk_number("1234 5678").as_deref(), Ok("12345678"));
        assert_eq!(kvk_number("1234567"), Err(FieldError::KvkNumber));
        assert_eq!(kvk_number("1234567a"), Err(FieldError::KvkNumber));
    }

    #[test]
    fn an_identity_may_be_empty_but_not_wrong() {
        let mut errors = FieldErrors::default();
        let empty = validate_identity(&ShopIdentityInput::default(), &mut errors);
        assert_eq!(empty, Some(ShopIdentity::default()));
        assert!(!empty.is_some_and(|i| i.complete_for_invoices()));

        let input = ShopIdentityInput {
            legal_name: "De Hoek B.V.".into(),
            street: "Dorpsstraat 1".into(),
            postcode: "1234ab".into(),
            city: "Ons Dorp".into(),
            kvk_number: "12345678".into(),
            vat_id: "nl123456789b01".into(),
            iban: "NL91ABNA0417164300".into(),
        };
        let identity = validate_identity(&input, &mut errors).expect("valid");
        assert!(errors.is_empty());
        assert_eq!(identity.postcode, "1234 AB");
        assert_eq!(identity.vat_id, "NL123456789B01");
        assert!(identity.complete_for_invoices());
        assert_eq!(identity.name_or("Winkel"), "De Hoek B.V.");

        let wrong = ShopIdentityInput {
            postcode: "12".into(),
            kvk_number: "12".into(),
            vat_id: "DE123456789".into(),
            iban: "NL00ABNA0417164300".into(),
            ..input
        };
        let mut errors = FieldErrors::default();
        assert_eq!(validate_identity(&wrong, &mut errors), None);
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["postcode", "kvk_number", "vat_id", "iban"]);
    }
}
