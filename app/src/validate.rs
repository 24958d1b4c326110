//! Validation of customer input, shared by the browser (instant feedback) and
//! the server (the check that counts). Pure functions, no allocation-heavy
//! dependencies, so that the wasm bundle stays small.

use serde::{Deserialize, Serialize};

/// Why one field was refused. Turned into a sentence by `i18n`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldError {
    Required,
    TooLong {
        max: usize,
    },
    Email,
    Postcode,
    Phone,
    VatNumber,
    /// A KvK number: eight digits.
    KvkNumber,
    /// An IBAN whose form or check digits are wrong.
    Iban,
    Country,
    Gender,
    HouseNumber,
    Date,
    DateTooSoon,
    DateTooFar,
    PaymentMethod,
    DeliveryMethod,
    PickupNeedsPickupDelivery,
    Quantity,
    PasswordTooShort {
        min: usize,
    },
    PasswordCommon,
    PasswordContainsEmail,
    PasswordMismatch,
    /// The current password, asked to confirm a change, is wrong.
    WrongPassword,
    /// A second-factor code (or recovery code) that is wrong, too old or
    /// already used.
    SecondFactorCode,
    /// The email cannot be used for this account (taken, or refused).
    EmailUnavailable,
    /// A right the member granting it does not hold themselves.
    RightNotYours,
    /// An order cannot move from its status to the one asked for.
    StatusChange,
    /// A whole number in a range.
    Number {
        min: u32,
        max: u32,
    },
    Slug,
    SlugTaken,
    Price,
    VatRate,
    CategoryNotEmpty,
    ImageType,
    ImageTooLarge,
    /// Not a slot as the booking form names it (`2026-12-14T19:00+01:00`).
    Slot,
    /// A time of day `HH:MM`.
    Time,
    /// Closing time not after the opening time.
    ClosesBeforeOpens,
    /// A bookable item with bookings cannot be deleted (only deactivated).
    ItemHasBookings,
    /// A track-and-trace link must be an `https://` address.
    TrackUrl,
    /// The shop does not ship to this country (no active shipping zone).
    NoShippingZone,
    /// The shop offers no pickup.
    PickupUnavailable,
    /// An amount in euros from 0 up to `max_cents`.
    Amount {
        max_cents: i64,
    },
}

/// A refused field: its form name and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidField {
    pub field: String,
    pub error: FieldError,
}

/// Collects the errors of one form.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<InvalidField>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, error: FieldError) {
        self.0.push(InvalidField {
            field: field.to_owned(),
            error,
        });
    }

    /// Records the outcome of a check and passes the cleaned value on.
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|f| f.field == field).map(|f| &f.error)
    }
}

/// Countries an address may be in: those whose postcodes we can check.
/// Which of them the shop ships to, and at what rate, the owner decides in
/// the CMS (`/cms/shipping`).
pub const COUNTRIES: [&str; 4] = ["NL", "BE", "DE", "LU"];

const EU_VAT_PREFIXES: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
];

/// Trims and refuses an empty or over-long value.
pub fn required_text(value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    if value.chars().count() > max {
        return Err(FieldError::TooLong { max });
    }
    Ok(value.to_owned())
}

/// Trims; an empty value becomes `None`.
pub fn optional_text(value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => Err(FieldError::TooLong { max }),
        Some(v) => Ok(Some(v.to_owned())),
    }
}

/// A structural email check (RFC 5321 lengths, one `@`, a dotted domain).
/// Returns the address lower-cased: mailboxes are case-insensitive in
/// practice, and one person must not get two accounts by capitalisation.
pub fn email(value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    if value.len() > 254 {
        return Err(FieldError::TooLong { max: 254 });
    }
    let (local, domain) = value.rsplit_once('@').ok_or(FieldError::Email)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if !local_ok || !domain_ok {
        return Err(FieldError::Email);
    }
    Ok(value.to_lowercase())
}

/// One of `COUNTRIES`.
pub fn country(value: &str) -> Result<String, FieldError> {
    let value = value.trim().to_ascii_uppercase();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    if COUNTRIES.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(FieldError::Country)
    }
}

/// Dutch postcodes (`1234 AB`; no leading zero; SA, SD and SS are never
/// issued), Belgian ones (four digits, 1000–9999), German ones (five
/// digits, 01001–99998: no 00) and Luxembourg ones (four digits, written
/// `L-1234`). Returns the canonical form.
pub fn postcode(value: &str, country: &str) -> Result<String, FieldError> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.is_empty() {
        return Err(FieldError::Required);
    }
    match country {
        "NL" => {
            let bytes = compact.as_bytes();
            let valid = bytes.len() == 6
                && (b'1'..=b'9').contains(&bytes[0])
                && bytes[1..4].iter().all(u8::is_ascii_digit)
                && bytes[4..6].iter().all(u8::is_ascii_uppercase)
                && !matches!(&compact[4..6], "SA" | "SD" | "SS");
            if valid {
                Ok(format!("{} {}", &compact[..4], &compact[4..]))
            } else {
                Err(FieldError::Postcode)
            }
        }
        "BE" => {
            let valid = compact.len() == 4
                && compact.bytes().all(|b| b.is_ascii_digit())
                && compact.as_bytes()[0] != b'0';
            if valid {
                Ok(compact)
            } else {
                Err(FieldError::Postcode)
            }
        }
        "DE" => {
            let valid = compact.len() == 5
                && compact.bytes().all(|b| b.is_ascii_digit())
                && !compact.starts_with("00");
            if valid {
                Ok(compact)
            } else {
                Err(FieldError::Postcode)
            }
        }
        "LU" => {
            let digits = compact.strip_prefix("L-").unwrap_or(&compact);
            let valid = digits.len() == 4
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits.as_bytes()[0] != b'0';
            if valid {
                Ok(format!("L-{digits}"))
            } else {
                Err(FieldError::Postcode)
            }
        }
        _ => Err(FieldError::Postcode),
    }
}

/// A phone number: digits with optional `+` prefix, spaces, dashes, dots
/// and parentheses; 9 to 15 digits (E.164 maximum).
pub fn phone(value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    let allowed = value
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if allowed && (9..=15).contains(&digits) {
        Ok(value.to_owned())
    } else {
        Err(FieldError::Phone)
    }
}

/// An optional second phone number.
pub fn optional_phone(value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => phone(v).map(Some),
    }
}

/// A house number starts with a digit; an addition may follow (`12`, `12a`,
/// `12-3`, `12 bis`).
pub fn house_number(value: &str) -> Result<String, FieldError> {
    let value = required_text(value, 20)?;
    if value.starts_with(|c: char| c.is_ascii_digit()) {
        Ok(value)
    } else {
        Err(FieldError::HouseNumber)
    }
}

/// An EU VAT identification number: country prefix plus 8–12 characters; the
/// Dutch (`NL123456789B01`) and Belgian (`BE0123456789`) forms exactly.
/// Returns it upper-cased without spaces or dots.
pub fn vat_number(value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.len() < 4 || !compact.is_ascii() {
        return Err(FieldError::VatNumber);
    }
    let (prefix, rest) = compact.split_at(2);
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let valid = match prefix {
        "NL" => {
            rest.len() == 12 && digits(&rest[..9]) && &rest[9..10] == "B" && digits(&rest[10..])
        }
        "BE" => {
            rest.len() == 10 && digits(rest) && (rest.starts_with('0') || rest.starts_with('1'))
        }
        p if EU_VAT_PREFIXES.contains(&p) => {
            (8..=12).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        _ => false,
    };
    if valid {
        Ok(Some(compact))
    } else {
        Err(FieldError::VatNumber)
    }
}

/// Gender is optional: `m`, `f` or `x`.
pub fn gender(value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v @ ("m" | "f" | "x")) => Ok(Some(v.to_owned())),
        Some(_) => Err(FieldError::Gender),
    }
}

/// A checkbox: present and not "false"/"off".
pub fn checkbox(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some(v) if !v.is_empty() && v != "false" && v != "off" && v != "0")
}

/// A URL-safe slug: lower case, ASCII letters and digits joined by dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for ch in text.chars() {
        let ch = match ch {
            'à' | 'á' | 'ä' | 'â' => 'a',
            'è' | 'é' | 'ë' | 'ê' => 'e',
            'ï' | 'í' | 'ì' | 'î' => 'i',
            'ö' | 'ó' | 'ò' | 'ô' => 'o',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'ç' => 'c',
            c => c.to_ascii_lowercase(),
        };
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// A slug as typed: lower-case letters, digits and single dashes.
pub fn slug(value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    let valid = !value.is_empty()
        && value.len() <= 170
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if valid {
        Ok(value.to_owned())
    } else {
        Err(FieldError::Slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email(" Jan@Example.NL "), Ok("jan@example.nl".into()));
        assert_eq!(
            email("a.b+c@sub.example.com"),
            Ok("a.b+c@sub.example.com".into())
        );
        assert_eq!(email(""), Err(FieldError::Required));
        for bad in [
            "jan",
            "jan@",
            "@example.nl",
            "jan@example",
            "jan@exa mple.nl",
            "jan..p@example.nl",
            "jan@-x.nl",
            "<script>@x.nl",
        ] {
            assert_eq!(email(bad), Err(FieldError::Email), "{bad}");
        }
    }

    #[test]
    fn dutch_and_belgian_postcodes() {
        assert_eq!(postcode("1234ab", "NL"), Ok("1234 AB".into()));
        assert_eq!(postcode("1234 AB", "NL"), Ok("1234 AB".into()));
        assert_eq!(postcode("0234 AB", "NL"), Err(FieldError::Postcode));
        assert_eq!(postcode("1234 SS", "NL"), Err(FieldError::Postcode));
        assert_eq!(postcode("1234", "NL"), Err(FieldError::Postcode));
        assert_eq!(postcode("1000", "BE"), Ok("1000".into()));
        assert_eq!(postcode("0999", "BE"), Err(FieldError::Postcode));
        assert_eq!(postcode("1234 AB", "BE"), Err(FieldError::Postcode));
        assert_eq!(postcode("", "NL"), Err(FieldError::Required));
        assert_eq!(postcode("10115", "DE"), Ok("10115".into()));
        assert_eq!(postcode("01067", "DE"), Ok("01067".into()));
        assert_eq!(postcode("00123", "DE"), Err(FieldError::Postcode));
        assert_eq!(postcode("1011", "DE"), Err(FieldError::Postcode));
        assert_eq!(postcode("l-1616", "LU"), Ok("L-1616".into()));
        assert_eq!(postcode("1616", "LU"), Ok("L-1616".into()));
        assert_eq!(postcode("L-0616", "LU"), Err(FieldError::Postcode));
        assert_eq!(postcode("12345", "LU"), Err(FieldError::Postcode));
        assert_eq!(postcode("1000", "FR"), Err(FieldError::Postcode));
    }

    #[test]
    fn phones() {
        assert!(phone("06-12345678").is_ok());
        assert!(phone("+31 20 123 4567").is_ok());
        assert!(phone("(020) 123 45 67").is_ok());
        assert_eq!(phone("12345"), Err(FieldError::Phone));
        assert_eq!(phone("06 1234 567a"), Err(FieldError::Phone));
        assert_eq!(phone("06+12345678"), Err(FieldError::Phone));
        assert_eq!(optional_phone(Some(" ")), Ok(None));
    }

    #[test]
    fn vat_numbers() {
        assert_eq!(
            vat_number(Some("nl 1234.56.789.B01")),
            Ok(Some("NL123456789B01".into()))
        );
        assert_eq!(
            vat_number(Some("BE0123456789")),
            Ok(Some("BE0123456789".into()))
        );
        assert_eq!(
            vat_number(Some("DE123456789")),
            Ok(Some("DE123456789".into()))
        );
        assert_eq!(vat_number(None), Ok(None));
        assert_eq!(vat_number(Some("")), Ok(None));
        for bad in [
            "NL123456789",
            "NL12345678B01",
            "BE2123456789",
            "US123456789",
            "XX",
        ] {
            assert_eq!(vat_number(Some(bad)), Err(FieldError::VatNumber), "{bad}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Koffie & thee"), "koffie-thee");
        assert_eq!(slugify("Crème brûlée 20 cm"), "creme-brulee-20-cm");
        assert_eq!(slugify("  Plaid wol  "), "plaid-wol");
        assert_eq!(slug("plaid-wol"), Ok("plaid-wol".into()));
        for bad in ["Plaid", "plaid wol", "-x", "x--y", "", "<script>"] {
            assert_eq!(slug(bad), Err(FieldError::Slug), "{bad}");
        }
    }

    #[test]
    fn texts_and_choices() {
        assert_eq!(required_text("  Jan ", 100), Ok("Jan".into()));
        assert_eq!(required_text("   ", 100), Err(FieldError::Required));
        assert_eq!(
            required_text("abcd", 3),
            Err(FieldError::TooLong { max: 3 })
        );
        assert_eq!(optional_text(Some(""), 3), Ok(None));
        assert_eq!(house_number("12a"), Ok("12a".into()));
        assert_eq!(house_number("a12"), Err(FieldError::HouseNumber));
        assert_eq!(country("nl"), Ok("NL".into()));
        assert_eq!(country("de"), Ok("DE".into()));
        assert_eq!(country("FR"), Err(FieldError::Country));
        assert_eq!(gender(Some("x")), Ok(Some("x".into())));
        assert_eq!(gender(Some("other")), Err(FieldError::Gender));
        assert!(checkbox(Some("on")));
        assert!(!checkbox(None));
    }
}
