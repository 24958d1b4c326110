//! Property tests (issue 18, hostile input): every validator and form
//! validation of the shop takes any text (NUL bytes, any Unicode, a
//! megabyte, ten thousand `>`) without a panic, and answers with either a
//! value that passes its own check again (the canonical form is stable) or
//! a field error naming a field of the form. The Markdown renderer keeps
//! its promise (no script, no event attribute, only safe link targets) for
//! any input. Test-only; proptest shrinks a failure to its smallest input.

use crate::account::rules::{password_shape, MAX_PASSWORD};
use crate::cms::models::{PickupInput, ShippingZoneInput};
use crate::cms::rules::{
    iban, kvk_number, parse_price, parse_time, parse_vat_rate, parse_weekday, track_url,
    validate_pickup, validate_zone,
};
use crate::contact::rules::ContactInput;
use crate::customer::{CustomerInput, Requirement};
use crate::validate::{self as v, FieldError, COUNTRIES};
use proptest::prelude::*;

/// Enough cases to find the edges, few enough to run in seconds.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Values that are nearly right: the edges of the validators.
const NEAR_VALID: &[&str] = &[
    "",
    " ",
    "\0",
    "jan@example.nl",
    "Jan@Example.NL ",
    "a@b.c",
    "jan@exa\0mple.nl",
    "1234 AB",
    "1234ab",
    "1234 SS",
    "L-1234",
    "01067",
    "NL123456789B01",
    "BE0123456789",
    "NL91ABNA0417164300",
    "NL91 ABNA 0417 1643 00",
    "12345678",
    "+31 20 123 4567",
    "06-12345678",
    "12a",
    "€ 1.234,50",
    "12,95",
    "-1",
    "9223372036854775807",
    "99999999999999999999",
    "21",
    "9 %",
    "24:00",
    "9:05",
    "https://track.example/x?a=1",
    "https://",
    "javascript:alert(1)",
    "plaid-wol",
    "NL",
    "be",
    "m",
    "é",
    "\u{202e}",
];

/// Text as a hostile visitor sends it: anything, ASCII with control bytes,
/// the edges above, and very long or deeply repeated text (up to a
/// megabyte).
fn hostile_text() -> impl Strategy<Value = String> {
    hostile_text_up_to(1 << 20)
}

/// [`hostile_text`], its long texts at most `longest` characters: a form
/// of many fields gets one megabyte field at a time, not twenty.
fn hostile_text_up_to(longest: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        3 => "[ -~\\x00\\t\\r\\n]{0,40}",
        3 => prop::sample::select(NEAR_VALID).prop_map(String::from),
        1 => (
            prop::sample::select(vec!['>', '[', '*', '\0', 'a', '1', 'é', '<', ' ', '-']),
            prop::sample::select(vec![300usize, 10_000, longest]),
        )
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
}

fn hostile_field() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(0.8, hostile_text_up_to(10_000))
}

/// Every form field the customer validation may name.
const CUSTOMER_FIELDS: &[&str] = &[
    "email",
    "first_name",
    "last_name",
    "gender",
    "phone",
    "phone2",
    "company_name",
    "vat_number",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
    "delivery_street",
    "delivery_house_number",
    "delivery_postcode",
    "delivery_city",
    "delivery_country",
];

/// A validator's answer: an accepted value passes the same check again
/// unchanged (so what is stored is what would be accepted when typed
/// back); a refusal is one of the errors the validator documents.
fn stable<T: PartialEq + std::fmt::Debug>(
    name: &str,
    input: &str,
    first: Result<T, FieldError>,
    again: impl FnOnce(&T) -> Result<T, FieldError>,
    allowed: &[FieldError],
) {
    match first {
        Ok(value) => assert_eq!(again(&value).as_ref(), Ok(&value), "{name}({input:?})"),
        Err(error) => assert!(
            allowed.contains(&error),
            "{name}({:?}…): unexpected {error:?}",
            input.chars().take(40).collect::<String>()
        ),
    }
}

fn every_validator(s: &str) {
    use FieldError as E;
    stable(
        "required_text",
        s,
        v::required_text(s, 100),
        |t| v::required_text(t, 100),
        &[E::Required, E::TooLong { max: 100 }],
    );
    if let Ok(t) = v::required_text(s, 100) {
        assert!(t.chars().count() <= 100 && !t.trim().is_empty());
    }
    stable(
        "optional_text",
        s,
        v::optional_text(Some(s), 100),
        |t| v::optional_text(t.as_deref(), 100),
        &[E::TooLong { max: 100 }],
    );
    stable(
        "email",
        s,
        v::email(s),
        |e| v::email(e),
        &[E::Required, E::TooLong { max: 254 }, E::Email],
    );
    if let Ok(e) = v::email(s) {
        assert!(e.len() <= 254 && e.contains('@') && !e.contains(char::is_whitespace));
    }
    stable(
        "country",
        s,
        v::country(s),
        |c| v::country(c),
        &[E::Required, E::Country],
    );
    if let Ok(c) = v::country(s) {
        assert!(COUNTRIES.contains(&c.as_str()));
    }
    for country in COUNTRIES.iter().chain(&["FR", ""]) {
        stable(
            "postcode",
            s,
            v::postcode(s, country),
            |p| v::postcode(p, country),
            &[E::Required, E::Postcode],
        );
    }
    stable(
        "phone",
        s,
        v::phone(s),
        |p| v::phone(p),
        &[E::Required, E::Phone],
    );
    stable(
        "optional_phone",
        s,
        v::optional_phone(Some(s)),
        |p| v::optional_phone(p.as_deref()),
        &[E::Phone],
    );
    stable(
        "house_number",
        s,
        v::house_number(s),
        |h| v::house_number(h),
        &[E::Required, E::TooLong { max: 20 }, E::HouseNumber],
    );
    stable(
        "vat_number",
        s,
        v::vat_number(Some(s)),
        |n| v::vat_number(n.as_deref()),
        &[E::VatNumber],
    );
    stable(
        "gender",
        s,
        v::gender(Some(s)),
        |g| v::gender(g.as_deref()),
        &[E::Gender],
    );
    stable("slug", s, v::slug(s), |g| v::slug(g), &[E::Slug]);
    // A slug made from any name is a valid slug (or empty, or too long).
    let made = v::slugify(s);
    if !made.is_empty() && made.len() <= 170 {
        assert_eq!(v::slug(&made), Ok(made.clone()), "slugify({s:?})");
    }
    let _ = v::checkbox(Some(s));
    stable(
        "kvk_number",
        s,
        kvk_number(s),
        |k| kvk_number(k),
        &[E::KvkNumber],
    );
    stable("iban", s, iban(s), |i| iban(i), &[E::Iban]);
    stable(
        "track_url",
        s,
        track_url(s),
        |u| track_url(u.as_deref().unwrap_or_default()),
        &[E::TooLong { max: 500 }, E::TrackUrl],
    );
    if let Ok(Some(url)) = track_url(s) {
        assert!(url.to_ascii_lowercase().starts_with("https://"), "{url}");
        assert!(!url.contains(['"', '<', '>', ' ', '\'']), "{url}");
    }
    stable(
        "parse_time",
        s,
        parse_time(s),
        |m| parse_time(&crate::cms::rules::time_text(*m)),
        &[E::Time],
    );
    stable(
        "parse_weekday",
        s,
        parse_weekday(s),
        |d| parse_weekday(&d.to_string()),
        &[E::Number { min: 0, max: 6 }],
    );
    if let Some(cents) = parse_price(s) {
        assert!((0..100_000_000).contains(&cents), "{s:?} → {cents}");
        let typed = format!("{},{:02}", cents / 100, cents % 100);
        assert_eq!(parse_price(&typed), Some(cents), "{typed}");
    }
    if let Some(bp) = parse_vat_rate(s) {
        assert!(crate::cms::rules::VAT_RATES_BP.contains(&bp));
    }
    for min in [8, 12] {
        match password_shape(s, "marieke@example.nl", min) {
            Ok(()) => {
                let n = s.chars().count();
                assert!((min..=MAX_PASSWORD).contains(&n));
                assert!(!s.to_lowercase().contains("marieke"));
            }
            Err(e) => assert!(
                matches!(
                    e,
                    E::Required
                        | E::PasswordTooShort { .. }
                        | E::TooLong { .. }
                        | E::PasswordContainsEmail
                ),
                "{e:?}"
            ),
        }
    }
    for purpose in [
        crate::newsletter::rules::LinkPurpose::Confirm,
        crate::newsletter::rules::LinkPurpose::Unsubscribe,
    ] {
        if let Some((claims, signature)) = crate::newsletter::rules::parse_token(s, purpose) {
            assert_eq!(claims.purpose, purpose);
            assert!(!signature.is_empty());
        }
    }
}

/// The customer form as the fields were given.
fn customer_input(f: Vec<Option<String>>) -> CustomerInput {
    let mut f = f.into_iter();
    let mut next = || f.next().flatten();
    CustomerInput {
        email: next(),
        first_name: next(),
        last_name: next(),
        gender: next(),
        street: next(),
        house_number: next(),
        postcode: next(),
        city: next(),
        country: next(),
        phone: next(),
        phone2: next(),
        company_name: next(),
        vat_number: next(),
        newsletter: next(),
        delivery_street: next(),
        delivery_house_number: next(),
        delivery_postcode: next(),
        delivery_city: next(),
        delivery_country: next(),
    }
}

/// A valid customer, so that hostile values replace one field at a time
/// and reach the checks behind the first refusal.
fn valid_customer() -> Vec<Option<String>> {
    [
        "marieke@example.nl",
        "Marieke",
        "Bakkerus",
        "f",
        "Lindengracht",
        "77",
        "1015KK",
        "Amsterdam",
        "NL",
        "020-5551234",
        "",
        "",
        "",
        "on",
        "",
        "",
        "",
        "",
        "",
    ]
    .iter()
    .map(|s| Some((*s).to_owned()))
    .collect()
}

fn check_customer(input: &CustomerInput) {
    for requirement in [Requirement::Customer, Requirement::Prospect] {
        match input.validate_for(requirement) {
            Ok(data) => {
                // Typed back in, the stored data is accepted as it is.
                let again = CustomerInput {
                    email: Some(data.email.clone()),
                    first_name: Some(data.first_name.clone()),
                    last_name: Some(data.last_name.clone()),
                    gender: data.gender.clone(),
                    street: Some(data.address.street.clone()),
                    house_number: Some(data.address.house_number.clone()),
                    postcode: Some(data.address.postcode.clone()),
                    city: Some(data.address.city.clone()),
                    country: Some(data.address.country.clone()),
                    phone: Some(data.phone.clone()),
                    phone2: data.phone2.clone(),
                    company_name: data.company_name.clone(),
                    vat_number: data.vat_number.clone(),
                    newsletter: data.newsletter.then(|| "on".to_owned()),
                    delivery_street: data.delivery_address.as_ref().map(|a| a.street.clone()),
                    delivery_house_number: data
                        .delivery_address
                        .as_ref()
                        .map(|a| a.house_number.clone()),
                    delivery_postcode: data.delivery_address.as_ref().map(|a| a.postcode.clone()),
                    delivery_city: data.delivery_address.as_ref().map(|a| a.city.clone()),
                    delivery_country: data.delivery_address.as_ref().map(|a| a.country.clone()),
                };
                assert_eq!(again.validate_for(requirement), Ok(data));
            }
            Err(errors) => {
                assert!(!errors.is_empty(), "a refusal names at least one field");
                for refused in &errors.0 {
                    assert!(
                        CUSTOMER_FIELDS.contains(&refused.field.as_str()),
                        "unknown field {:?}",
                        refused.field
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn validators_take_any_text(s in hostile_text()) {
        every_validator(&s);
    }

    #[test]
    fn customer_form_with_any_fields(fields in prop::collection::vec(hostile_field(), 19)) {
        check_customer(&customer_input(fields));
    }

    #[test]
    fn customer_form_with_one_hostile_field(at in 0usize..19, value in hostile_text()) {
        let mut fields = valid_customer();
        fields[at] = Some(value);
        check_customer(&customer_input(fields));
    }

    #[test]
    fn contact_form_with_any_fields(fields in prop::collection::vec(hostile_field(), 6)) {
        let [email, first_name, last_name, phone, company_name, question] =
            <[Option<String>; 6]>::try_from(fields).unwrap_or_default();
        let input = ContactInput { email, first_name, last_name, phone, company_name, question };
        match input.validate() {
            Ok(data) => {
                assert!(data.question.chars().count() <= crate::contact::rules::QUESTION_MAX);
                assert_eq!(v::email(&data.email), Ok(data.email.clone()));
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                for refused in &errors.0 {
                    assert!(
                        ["email", "first_name", "last_name", "phone", "company_name", "question"]
                            .contains(&refused.field.as_str()),
                        "{refused:?}"
                    );
                }
            }
        }
        let _ = input.validate_question();
    }

    #[test]
    fn shipping_forms_with_any_fields(
        country in hostile_text_up_to(10_000),
        rate in hostile_text_up_to(10_000),
        free_from in hostile_text_up_to(10_000),
        note in hostile_text(),
    ) {
        let zone = ShippingZoneInput {
            country,
            rate,
            free_from,
            active: Some("on".into()),
        };
        match validate_zone(&zone) {
            Ok(valid) => {
                assert!((0..=crate::cms::rules::MAX_RATE_CENTS).contains(&valid.rate_cents));
                assert!(COUNTRIES.contains(&valid.country.as_str()));
            }
            Err(errors) => assert!(!errors.is_empty()),
        }
        let pickup = PickupInput { pickup_note: note, pickup: Some("on".into()) };
        if let Ok((_, note)) = validate_pickup(&pickup) {
            assert!(note.chars().count() <= 300);
        }
    }

    /// Any price typed as the CMS shows it is read back as the same cents.
    #[test]
    fn prices_round_trip(cents in 0i64..100_000_000) {
        for typed in [
            format!("{},{:02}", cents / 100, cents % 100),
            format!("€ {}.{:02}", cents / 100, cents % 100),
        ] {
            prop_assert_eq!(parse_price(&typed), Some(cents), "{}", typed);
        }
    }
}

#[cfg(feature = "ssr")]
mod markdown;
