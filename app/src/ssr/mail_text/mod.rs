//! The words of every mail the shop sends, in Dutch and English, one file
//! per subject. Kept apart from the services so that the logic (who gets
//! which mail, with which links) reads without paragraphs of prose, and so
//! that a translator finds all mail text in one place. Server-only: mails
//! never reach the browser's wasm.
//!
//! Each mail is a function of its language and its values, returning the
//! subject and body; a `match` on the language, so that a language without
//! its text does not build. Links come in finished (the caller puts them
//! in the mail's language with `Locale::href`).

pub mod account;
pub mod bookings;
pub mod html;
pub mod monitoring;
pub mod newsletter;
pub mod orders;
pub mod privacy;
pub mod questions;
pub mod stock;

/// The words of one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

#[cfg(test)]
pub(crate) mod test_support {
    /// Words that give away a Dutch text; none may be in an English mail.
    const DUTCH: [&str; 14] = [
        "Hallo", " je ", "Je ", " jij", " het ", " een ", " van ", " met ", " deze ", " niet",
        " dan ", "Bedankt", "groet", " uur",
    ];

    /// An English mail holds no Dutch word from the list.
    pub fn assert_english(text: &str) {
        for word in DUTCH {
            assert!(
                !text.contains(word),
                "Dutch {word:?} in English mail:\n{text}"
            );
        }
    }
}
