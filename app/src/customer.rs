//! The customer record's fields (AVG-4) as forms send them, the one
//! validation all forms share (checkout, registration, "Mijn account" and
//! the CMS), and the record's typed states: its kind and newsletter state.

use crate::stored::stored_enum;
use crate::validate::{self as v, FieldErrors};
use serde::{Deserialize, Serialize};

/// The AVG-4 fields of a form, as posted. All optional here so that a
/// missing field becomes "required" rather than a decode error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerInput {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub gender: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub newsletter: Option<String>,
    pub delivery_street: Option<String>,
    pub delivery_house_number: Option<String>,
    pub delivery_postcode: Option<String>,
    pub delivery_city: Option<String>,
    pub delivery_country: Option<String>,
}

/// A validated postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

stored_enum! {
    /// What a customer record is (AVG-1): someone who ordered or has an
    /// account, or a prospect (contact form, newsletter).
    pub enum CustomerKind {
        Customer = "customer",
        Prospect = "prospect",
    }
}

stored_enum! {
    /// Where a customer stands with the newsletter (AVG-2): a wish waits for
    /// the double opt-in as `Pending` until the mailed link is followed.
    pub enum NewsletterState {
        None = "none",
        Pending = "pending",
        Subscribed = "subscribed",
    }
}

impl NewsletterState {
    /// The state after the customer's choice: a new wish waits for the
    /// double opt-in; an existing subscription stays; "no" ends it.
    pub fn after_choice(self, wants: bool) -> Self {
        match (self, wants) {
            (_, false) => Self::None,
            (Self::Subscribed, true) => Self::Subscribed,
            _ => Self::Pending,
        }
    }
}

/// What a customer record must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Someone who orders: a phone number and an address.
    Customer,
    /// A prospect (contact form, newsletter): a name and an email address;
    /// phone and address optional, the address complete when given.
    Prospect,
}

impl Requirement {
    /// The requirement of a stored record's kind.
    pub fn of_kind(kind: CustomerKind) -> Self {
        match kind {
            CustomerKind::Prospect => Self::Prospect,
            CustomerKind::Customer => Self::Customer,
        }
    }
}

impl Address {
    /// No address (a prospect's): every part empty, as stored.
    pub fn none() -> Self {
        Self {
            street: String::new(),
            house_number: String::new(),
            postcode: String::new(),
            city: String::new(),
            country: String::new(),
        }
    }
}

/// The AVG-4 data of one customer, validated and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerData {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub gender: Option<String>,
    pub phone: String,
    pub phone2: Option<String>,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub newsletter: bool,
    pub address: Address,
    pub delivery_address: Option<Address>,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

fn validate_address(
    fields: [&Option<String>; 5],
    prefix: &str,
    errors: &mut FieldErrors,
) -> Option<Address> {
    let [street, house_number, postcode, city, country] = fields;
    let name = |field: &str| format!("{prefix}{field}");
    let street = errors.check(&name("street"), v::required_text(text(street), 150));
    let house_number = errors.check(&name("house_number"), v::house_number(text(house_number)));
    let city = errors.check(&name("city"), v::required_text(text(city), 100));
    let country = errors.check(&name("country"), v::country(text(country)));
    let postcode = match &country {
        Some(c) => errors.check(&name("postcode"), v::postcode(text(postcode), c)),
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

impl CustomerInput {
    /// Whether any part of a separate delivery address was filled in.
    pub fn wants_delivery_address(&self) -> bool {
        [
            &self.delivery_street,
            &self.delivery_house_number,
            &self.delivery_postcode,
            &self.delivery_city,
        ]
        .iter()
        .any(|f| !text(f).trim().is_empty())
    }

    /// Whether any part of the (main) address was filled in.
    fn has_address(&self) -> bool {
        [&self.street, &self.house_number, &self.postcode, &self.city]
            .iter()
            .any(|f| !text(f).trim().is_empty())
    }

    /// Validates every field of a customer (who orders: phone and address
    /// required), collecting all errors into `errors`.
    pub fn validate_into(&self, errors: &mut FieldErrors) -> Option<CustomerData> {
        self.validate_as(Requirement::Customer, errors)
    }

    /// Validates the fields as `requirement` asks, collecting all errors
    /// into `errors`.
    pub fn validate_as(
        &self,
        requirement: Requirement,
        errors: &mut FieldErrors,
    ) -> Option<CustomerData> {
        let email = errors.check("email", v::email(text(&self.email)));
        let first_name = errors.check("first_name", v::required_text(text(&self.first_name), 100));
        let last_name = errors.check("last_name", v::required_text(text(&self.last_name), 100));
        let gender = errors.check("gender", v::gender(self.gender.as_deref()));
        let phone = match requirement {
            Requirement::Customer => errors.check("phone", v::phone(text(&self.phone))),
            Requirement::Prospect => errors
                .check("phone", v::optional_phone(self.phone.as_deref()))
                .map(Option::unwrap_or_default),
        };
        let phone2 = errors.check("phone2", v::optional_phone(self.phone2.as_deref()));
        let company_name = errors.check(
            "company_name",
            v::optional_text(self.company_name.as_deref(), 150),
        );
        let vat_number = errors.check("vat_number", v::vat_number(self.vat_number.as_deref()));
        let address = if requirement == Requirement::Prospect && !self.has_address() {
            // As the contact and newsletter forms store a prospect.
            Some(Address::none())
        } else {
            validate_address(
                [
                    &self.street,
                    &self.house_number,
                    &self.postcode,
                    &self.city,
                    &self.country,
                ],
                "",
                errors,
            )
        };
        let delivery_address = if self.wants_delivery_address() {
            let fields = [
                &self.delivery_street,
                &self.delivery_house_number,
                &self.delivery_postcode,
                &self.delivery_city,
                &self.delivery_country,
            ];
            Some(validate_address(fields, "delivery_", errors)?)
        } else {
            None
        };
        Some(CustomerData {
            email: email?,
            first_name: first_name?,
            last_name: last_name?,
            gender: gender?,
            phone: phone?,
            phone2: phone2?,
            company_name: company_name?,
            vat_number: vat_number?,
            newsletter: v::checkbox(self.newsletter.as_deref()),
            address: address?,
            delivery_address,
        })
    }

    pub fn validate(&self) -> Result<CustomerData, FieldErrors> {
        self.validate_for(Requirement::Customer)
    }

    pub fn validate_for(&self, requirement: Requirement) -> Result<CustomerData, FieldErrors> {
        let mut errors = FieldErrors::default();
        match self.validate_as(requirement, &mut errors) {
            Some(data) if errors.is_empty() => Ok(data),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::FieldError;

    #[test]
    fn newsletter_wishes_wait_for_confirmation() {
        use NewsletterState::*;
        assert_eq!(None.after_choice(true), Pending);
        assert_eq!(Pending.after_choice(true), Pending);
        assert_eq!(Subscribed.after_choice(true), Subscribed);
        assert_eq!(Subscribed.after_choice(false), None);
        assert_eq!(Pending.after_choice(false), None);
    }

    fn input() -> CustomerInput {
        CustomerInput {
            email: Some("an@example.be".into()),
            first_name: Some("An".into()),
            last_name: Some("Peeters".into()),
            street: Some("Meir".into()),
            house_number: Some("5".into()),
            postcode: Some("2000".into()),
            city: Some("Antwerpen".into()),
            country: Some("be".into()),
            phone: Some("+32 3 123 45 67".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_prospect_needs_no_phone_or_address_but_a_given_address_is_checked() {
        let prospect = CustomerInput {
            email: Some("joris@example.nl".into()),
            first_name: Some("Joris".into()),
            last_name: Some("Bakker".into()),
            country: Some("NL".into()),
            ..Default::default()
        };
        let data = prospect
            .validate_for(Requirement::Prospect)
            .expect("a prospect without phone or address");
        assert_eq!((data.phone.as_str(), data.address), ("", Address::none()));
        let errors = prospect.validate().expect_err("a customer needs both");
        assert_eq!(errors.get("phone"), Some(&FieldError::Required));
        assert_eq!(errors.get("street"), Some(&FieldError::Required));
        let half = CustomerInput {
            city: Some("Utrecht".into()),
            ..prospect
        };
        let errors = half
            .validate_for(Requirement::Prospect)
            .expect_err("half an address");
        assert_eq!(errors.get("street"), Some(&FieldError::Required));
        assert_eq!(errors.get("phone"), None);
    }

    #[test]
    fn a_belgian_customer_validates() {
        let data = input().validate().expect("valid");
        assert_eq!(data.address.country, "BE");
        assert_eq!(data.delivery_address, None);
        assert!(!data.newsletter);
    }

    #[test]
    fn delivery_address_is_checked_as_a_whole() {
        let partial = CustomerInput {
            delivery_city: Some("Gent".into()),
            ..input()
        };
        let errors = partial.validate().expect_err("incomplete delivery address");
        assert_eq!(errors.get("delivery_street"), Some(&FieldError::Required));
        assert_eq!(errors.get("street"), None);
        let full = CustomerInput {
            delivery_street: Some("Veldstraat".into()),
            delivery_house_number: Some("1".into()),
            delivery_postcode: Some("9000".into()),
            delivery_city: Some("Gent".into()),
            delivery_country: Some("BE".into()),
            ..input()
        };
        assert_eq!(
            full.validate()
                .expect("valid")
                .delivery_address
                .map(|a| a.city),
            Some("Gent".into())
        );
    }

    #[test]
    fn second_phone_is_optional_but_checked() {
        assert!(CustomerInput {
            phone2: Some("abc".into()),
            ..input()
        }
        .validate()
        .is_err());
        assert!(CustomerInput {
            phone2: Some("".into()),
            ..input()
        }
        .validate()
        .is_ok());
    }
}
