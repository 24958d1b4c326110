//! The contact / interest form (AVG-2, AVG-3) and the life cycle of a
//! question. Plain functions, shared by browser and server.
//!
//! What a prospect is asked (AVG-4 data minimisation: only what is needed
//! to answer the question): a name, to address the answer to, and an email
//! address, to send it to. A phone number (for those who would rather be
//! called back) and a company name (a business enquiry) are optional. No
//! address, gender or VAT number: nothing about a question needs them.

use crate::stored::stored_enum;
use crate::validate::{self as v, FieldErrors};
use serde::{Deserialize, Serialize};

/// The longest question accepted, in characters.
pub const QUESTION_MAX: usize = 4000;
/// The longest answer staff may write, in characters.
pub const ANSWER_MAX: usize = 8000;

/// The contact form as posted; every field optional here so that a missing
/// one becomes "required" rather than a decode error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub question: Option<String>,
}

/// A prospect's contact data and question, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactData {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub question: String,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

impl ContactInput {
    /// The question alone: a logged-in customer's contact data is already
    /// known, so their form holds only the question.
    pub fn validate_question(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        match errors.check(
            "question",
            v::required_text(text(&self.question), QUESTION_MAX),
        ) {
            Some(question) => Ok(question),
            None => Err(errors),
        }
    }

    /// Every field of a visitor's form; all errors at once.
    pub fn validate(&self) -> Result<ContactData, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", v::email(text(&self.email)));
        let first_name = errors.check("first_name", v::required_text(text(&self.first_name), 100));
        let last_name = errors.check("last_name", v::required_text(text(&self.last_name), 100));
        let phone = errors.check("phone", v::optional_phone(self.phone.as_deref()));
        let company_name = errors.check(
            "company_name",
            v::optional_text(self.company_name.as_deref(), 150),
        );
        let question = errors.check(
            "question",
            v::required_text(text(&self.question), QUESTION_MAX),
        );
        match (email, first_name, last_name, phone, company_name, question) {
            (
                Some(email),
                Some(first_name),
                Some(last_name),
                Some(phone),
                Some(company_name),
                Some(question),
            ) if errors.is_empty() => Ok(ContactData {
                email,
                first_name,
                last_name,
                phone,
                company_name,
                question,
            }),
            _ => Err(errors),
        }
    }
}

stored_enum! {
    /// The statuses of a question: open → answered (an answer was mailed) →
    /// closed; an open question may also be closed without an answer (spam, or
    /// answered by phone).
    pub enum QuestionStatus {
        Open = "open",
        Answered = "answered",
        Closed = "closed",
    }
}

impl QuestionStatus {
    pub fn can_answer(self) -> bool {
        self == Self::Open
    }

    pub fn can_close(self) -> bool {
        matches!(self, Self::Open | Self::Answered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::FieldError;

    fn input() -> ContactInput {
        ContactInput {
            email: Some(" An@Example.NL ".into()),
            first_name: Some("An".into()),
            last_name: Some("de Vries".into()),
            question: Some("Hebben jullie de plaid ook in het groen?".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_name_an_email_and_a_question_are_enough() {
        let data = input().validate().expect("valid");
        assert_eq!(data.email, "an@example.nl");
        assert_eq!(data.phone, None);
        assert_eq!(data.company_name, None);
    }

    #[test]
    fn every_refused_field_is_named_with_its_reason() {
        let errors = ContactInput {
            email: Some("an@".into()),
            first_name: Some(" ".into()),
            phone: Some("bel me".into()),
            question: Some("x".repeat(QUESTION_MAX + 1)),
            ..Default::default()
        }
        .validate()
        .expect_err("invalid");
        assert_eq!(errors.get("email"), Some(&FieldError::Email));
        assert_eq!(errors.get("first_name"), Some(&FieldError::Required));
        assert_eq!(errors.get("last_name"), Some(&FieldError::Required));
        assert_eq!(errors.get("phone"), Some(&FieldError::Phone));
        assert_eq!(
            errors.get("question"),
            Some(&FieldError::TooLong { max: QUESTION_MAX })
        );
    }

    #[test]
    fn a_logged_in_customer_sends_only_the_question() {
        let only = ContactInput {
            question: Some("  Wanneer komt de nieuwe collectie?  ".into()),
            ..Default::default()
        };
        assert_eq!(
            only.validate_question().as_deref(),
            Ok("Wanneer komt de nieuwe collectie?")
        );
        assert!(ContactInput::default().validate_question().is_err());
    }

    #[test]
    fn the_question_life_cycle() {
        use QuestionStatus::*;
        assert!(Open.can_answer() && !Answered.can_answer() && !Closed.can_answer());
        assert!(Open.can_close() && Answered.can_close() && !Closed.can_close());
        assert_eq!(QuestionStatus::parse("bogus"), None);
    }
}
