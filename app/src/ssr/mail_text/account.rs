//! The account mails: welcome, "this address has an account", and the
//! link that confirms a new address.

use super::MailText;
use crate::locale::Locale;

/// A new account was made. `login`: the login page's URL; `newsletter`:
/// the newsletter confirmation link, when that was asked for too.
pub fn welcome(locale: Locale, shop: &str, login: &str, newsletter: Option<&str>) -> MailText {
    match locale {
        Locale::Nl => {
            let newsletter = newsletter.map_or_else(String::new, |link| {
                format!(
                    "Je hebt je ook aangemeld voor de nieuwsbrief. Bevestig dat met deze link (7 dagen geldig):\n{link}\n\n"
                )
            });
            MailText {
                subject: format!("Je account bij {shop}"),
                body: format!(
                    "Hallo,\n\nMet dit e-mailadres is een account aangemaakt bij {shop}. Je kunt nu inloggen:\n{login}\n\n{newsletter}Was jij dit niet? Antwoord dan op deze e-mail, dan verwijderen we het account.\n"
                ),
            }
        }
        Locale::En => {
            let newsletter = newsletter.map_or_else(String::new, |link| {
                format!(
                    "You also signed up for the newsletter. Please confirm that with this link (valid for 7 days):\n{link}\n\n"
                )
            });
            MailText {
                subject: format!("Your account at {shop}"),
                body: format!(
                    "Hello,\n\nAn account has been created at {shop} with this email address. You can now log in:\n{login}\n\n{newsletter}Wasn't this you? Then reply to this email and we will delete the account.\n"
                ),
            }
        }
    }
}

/// Someone tried to register an address that already has an account.
pub fn exists(locale: Locale, shop: &str, login: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Aanmelding bij {shop}"),
            body: format!(
                "Hallo,\n\nIemand probeerde met dit e-mailadres een account aan te maken bij {shop}, maar er is al een account met dit adres. Er is niets veranderd.\n\nWas jij dit? Log dan in:\n{login}\n\nWas jij het niet? Dan hoef je niets te doen.\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("Sign-up at {shop}"),
            body: format!(
                "Hello,\n\nSomeone tried to create an account at {shop} with this email address, but there already is an account with this address. Nothing has changed.\n\nWas this you? Then log in:\n{login}\n\nWasn't this you? Then you need not do anything.\n"
            ),
        },
    }
}

/// The link (`link`, valid 24 hours) that makes this address an account's.
pub fn email_change(locale: Locale, shop: &str, link: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Bevestig je nieuwe e-mailadres bij {shop}"),
            body: format!(
                "Hallo,\n\nIemand wil dit e-mailadres gebruiken voor een account bij {shop}. Was jij dat? Open dan deze link (24 uur geldig) en vul dit e-mailadres nog eens in:\n\n{link}\n\nWas jij het niet? Dan hoef je niets te doen: er verandert niets.\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("Confirm your new email address at {shop}"),
            body: format!(
                "Hello,\n\nSomeone wants to use this email address for an account at {shop}. Was this you? Then open this link (valid for 24 hours) and enter this email address once more:\n\n{link}\n\nWasn't this you? Then you need not do anything: nothing changes.\n"
            ),
        },
    }
}

/// The link (`link`, valid one hour, once) that sets a forgotten password.
/// Asked for at the shop by whoever typed the address: it says what to do
/// when that was not the reader.
pub fn password_reset(locale: Locale, shop: &str, link: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Nieuw wachtwoord voor je account bij {shop}"),
            body: format!(
                "Hallo,\n\nIemand heeft gevraagd om een nieuw wachtwoord voor het account met dit e-mailadres bij {shop}. Was jij dat? Open dan deze link en kies een nieuw wachtwoord. De link werkt een keer en is 1 uur geldig:\n\n{link}\n\nWas jij het niet? Dan hoef je niets te doen: je wachtwoord blijft zoals het is.\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("A new password for your account at {shop}"),
            body: format!(
                "Hello,\n\nSomeone asked for a new password for the account with this email address at {shop}. Was this you? Then open this link and choose a new password. The link works once and is valid for 1 hour:\n\n{link}\n\nWasn't this you? Then you need not do anything: your password stays as it is.\n"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::assert_english;
    use super::*;

    #[test]
    fn welcome_in_both_languages() {
        let nl = welcome(
            Locale::Nl,
            "Winkel",
            "https://w.nl/login",
            Some("https://w.nl/c"),
        );
        assert_eq!(nl.subject, "Je account bij Winkel");
        assert_eq!(
            nl.body,
            "Hallo,\n\nMet dit e-mailadres is een account aangemaakt bij Winkel. Je kunt nu inloggen:\nhttps://w.nl/login\n\nJe hebt je ook aangemeld voor de nieuwsbrief. Bevestig dat met deze link (7 dagen geldig):\nhttps://w.nl/c\n\nWas jij dit niet? Antwoord dan op deze e-mail, dan verwijderen we het account.\n"
        );
        let en = welcome(Locale::En, "Winkel", "https://w.nl/en/login", None);
        assert_eq!(en.subject, "Your account at Winkel");
        assert!(en
            .body
            .contains("You can now log in:\nhttps://w.nl/en/login\n"));
        assert!(!en.body.contains("newsletter"));
        let en = welcome(
            Locale::En,
            "Winkel",
            "https://w.nl/en/login",
            Some("https://w.nl/en/c"),
        );
        assert!(en.body.contains("newsletter. Please confirm"));
        assert_english(&format!("{}\n{}", en.subject, en.body));
    }

    #[test]
    fn exists_in_both_languages() {
        let nl = exists(Locale::Nl, "Winkel", "L");
        assert_eq!(nl.subject, "Aanmelding bij Winkel");
        assert!(nl.body.starts_with("Hallo,\n\nIemand probeerde"));
        assert!(nl.body.contains("Log dan in:\nL\n"));
        let en = exists(Locale::En, "Winkel", "L");
        assert_eq!(en.subject, "Sign-up at Winkel");
        assert!(en.body.contains("Then log in:\nL\n"));
        assert_english(&format!("{}\n{}", en.subject, en.body));
    }

    #[test]
    fn email_change_in_both_languages() {
        let nl = email_change(Locale::Nl, "Winkel", "https://w.nl/account/email?t=x");
        assert_eq!(nl.subject, "Bevestig je nieuwe e-mailadres bij Winkel");
        assert!(nl
            .body
            .contains("(24 uur geldig) en vul dit e-mailadres nog eens in:\n\nhttps://w.nl/account/email?t=x\n"));
        let en = email_change(Locale::En, "Winkel", "https://w.nl/en/account/email?t=x");
        assert_eq!(en.subject, "Confirm your new email address at Winkel");
        assert!(en
            .body
            .contains("\n\nhttps://w.nl/en/account/email?t=x\n\n"));
        assert_english(&format!("{}\n{}", en.subject, en.body));
    }
    #[test]
    fn password_reset_in_both_languages() {
        let nl = password_reset(
            Locale::Nl,
            "Winkel",
            "https://w.nl/account/password/reset?t=x",
        );
        assert_eq!(nl.subject, "Nieuw wachtwoord voor je account bij Winkel");
        assert!(nl
            .body
            .contains("1 uur geldig:\n\nhttps://w.nl/account/password/reset?t=x\n"));
        let en = password_reset(
            Locale::En,
            "Winkel",
            "https://w.nl/en/account/password/reset?t=x",
        );
        assert_eq!(en.subject, "A new password for your account at Winkel");
        assert!(en
            .body
            .contains("\n\nhttps://w.nl/en/account/password/reset?t=x\n\n"));
        assert_english(&format!("{}\n{}", en.subject, en.body));
    }
}
