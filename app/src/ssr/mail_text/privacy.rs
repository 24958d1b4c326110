//! The mail of a privacy request (`/privacy/request`): the link that shows,
//! downloads or erases everything held under the address.

use super::MailText;
use crate::locale::Locale;

/// The link (`link`, valid one hour) to what the shop holds under this
/// address. Asked for by whoever typed the address, by the account holder
/// or by staff for someone who phoned: it says what to do when that was
/// not the reader, and that the link by itself changes nothing.
pub fn request_link(locale: Locale, shop: &str, link: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Je gegevens bij {shop}"),
            body: format!(
                "Hallo,\n\nIemand heeft gevraagd welke gegevens {shop} bij dit e-mailadres bewaart. Was jij dat? Open dan deze link: je ziet wat we bewaren, je kunt alles downloaden en je kunt alles laten verwijderen. De link is 1 uur geldig:\n\n{link}\n\nWas jij het niet? Dan hoef je niets te doen: zonder jouw keuze op die pagina verandert er niets.\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("Your data at {shop}"),
            body: format!(
                "Hello,\n\nSomeone asked which data {shop} keeps under this email address. Was this you? Then open this link: you see what we keep, you can download all of it and you can have all of it deleted. The link is valid for 1 hour:\n\n{link}\n\nWasn't this you? Then you need not do anything: nothing changes unless you choose so on that page.\n"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::assert_english;
    use super::*;

    #[test]
    fn the_link_in_both_languages() {
        let nl = request_link(
            Locale::Nl,
            "Winkel",
            "https://w.nl/privacy/request/confirm?t=1.ab",
        );
        assert_eq!(nl.subject, "Je gegevens bij Winkel");
        assert!(nl
            .body
            .contains("1 uur geldig:\n\nhttps://w.nl/privacy/request/confirm?t=1.ab\n"));
        let en = request_link(
            Locale::En,
            "Winkel",
            "https://w.nl/en/privacy/request/confirm?t=1.ab",
        );
        assert_eq!(en.subject, "Your data at Winkel");
        assert!(en
            .body
            .contains("https://w.nl/en/privacy/request/confirm?t=1.ab"));
        assert_english(&en.body);
    }
}
