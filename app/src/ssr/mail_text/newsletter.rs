//! The newsletter's double opt-in mail.

use super::MailText;
use crate::locale::Locale;

/// The confirmation link (`confirm`, valid 7 days) and the visible
/// unsubscribe link, both to the pages in this language.
pub fn confirmation(locale: Locale, shop: &str, confirm: &str, unsubscribe: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Bevestig je aanmelding voor de nieuwsbrief van {shop}"),
            body: format!(
                "Hallo,\n\nJe (of iemand anders) heeft dit e-mailadres aangemeld voor de nieuwsbrief van {shop}.\nBevestig je aanmelding met deze link (7 dagen geldig):\n\n{confirm}\n\nWas jij het niet? Dan hoef je niets te doen: zonder bevestiging verwijderen we de aanmelding na 7 dagen.\n\nAfmelden kan altijd met één klik:\n{unsubscribe}\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("Confirm your subscription to the {shop} newsletter"),
            body: format!(
                "Hello,\n\nYou (or someone else) signed up this email address for the {shop} newsletter.\nPlease confirm your subscription with this link (valid for 7 days):\n\n{confirm}\n\nWasn't this you? Then you need not do anything: without confirmation we delete the sign-up after 7 days.\n\nYou can always unsubscribe with one click:\n{unsubscribe}\n"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::assert_english;
    use super::*;

    #[test]
    fn confirmation_in_both_languages() {
        let nl = confirmation(Locale::Nl, "Winkel", "C", "U");
        assert_eq!(
            nl.subject,
            "Bevestig je aanmelding voor de nieuwsbrief van Winkel"
        );
        assert_eq!(
            nl.body,
            "Hallo,\n\nJe (of iemand anders) heeft dit e-mailadres aangemeld voor de nieuwsbrief van Winkel.\nBevestig je aanmelding met deze link (7 dagen geldig):\n\nC\n\nWas jij het niet? Dan hoef je niets te doen: zonder bevestiging verwijderen we de aanmelding na 7 dagen.\n\nAfmelden kan altijd met één klik:\nU\n"
        );
        let en = confirmation(Locale::En, "Winkel", "C", "U");
        assert_eq!(
            en.subject,
            "Confirm your subscription to the Winkel newsletter"
        );
        assert!(en.body.contains("(valid for 7 days):\n\nC\n"));
        assert!(en.body.ends_with("one click:\nU\n"));
        assert_english(&format!("{}\n{}", en.subject, en.body));
    }
}
