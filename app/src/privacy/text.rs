//! The privacy statement (`/privacy`), in Dutch and English: fixed
//! paragraphs in a text struct, and one function per paragraph that is made
//! from the shop's live settings (name, retention term, backups kept).

use crate::locale::Locale;

#[cfg_attr(test, derive(serde::Serialize))]
pub struct PrivacyText {
    /// The page's `<title>`.
    pub title: &'static str,
    pub intro: &'static str,
    pub kept_title: &'static str,
    pub kept: &'static str,
    /// Why each kind of data is kept and on which legal basis (GDPR
    /// Art. 13(1)(c)): (what, purpose and basis).
    pub purposes_title: &'static str,
    pub purposes: [(&'static str, &'static str); 4],
    pub never_title: &'static str,
    pub never: &'static str,
    pub how_long_title: &'static str,
    pub rights_title: &'static str,
    pub rights: &'static str,
    /// The rights of Art. 15–21, each named, and how to use them.
    pub all_rights: &'static str,
    /// The right to complain to the Dutch supervisor (Art. 13(2)(d)).
    pub complaint: &'static str,
    /// "Vragen? Mail naar " before the address, `after` behind it.
    pub questions_before: &'static str,
    pub questions_after: &'static str,
}

pub const NL: PrivacyText = PrivacyText {
    title: "Privacyverklaring",
    intro: "Wij bewaren alleen gegevens van klanten en mensen die een vraag stellen, en alleen om een bestelling te leveren, een boeking te maken, een nieuwsbrief te sturen of een vraag te beantwoorden.",
    kept_title: "Wat we bewaren",
    kept: "Je naam en adres, eventueel een afwijkend afleveradres, je aanhef als je die opgeeft, je e-mailadres, je telefoonnummer(s), eventueel je bedrijfsnaam en btw-nummer, je keuze voor de nieuwsbrief, de betaalwijzen waarvoor je in aanmerking komt, de datum waarop je klant werd en, met een account, de datum waarop je voor het laatst inlogde. Bij een bestelling: de artikelen, aantallen, prijzen, datums en de gewenste levering. Bij een boeking: wat je boekte, de datum en het tijdstip, het aantal plaatsen, de prijs, de betaalwijze en de status (geboekt, geannuleerd of geweest), gekoppeld aan je klantgegevens; verder niets over jou.",
    purposes_title: "Waarvoor en op welke grond",
    purposes: [
        ("Bestellingen en boekingen", "om je bestelling te leveren of je afspraak te houden, en voor de boekhouding: nodig voor de overeenkomst met jou en, voor facturen, een wettelijke plicht (de fiscale bewaarplicht van 7 jaar)."),
        ("Nieuwsbrief", "alleen met je toestemming, die je met de bevestigingslink geeft en met één klik weer intrekt."),
        ("Vragen", "om je vraag te beantwoorden: ons gerechtvaardigd belang, of een stap vóór een overeenkomst als je vraag daarover gaat."),
        ("Account", "om je in te laten loggen en je gegevens en bestellingen te laten zien: nodig voor de overeenkomst met jou."),
    ],
    never_title: "Wat we nooit vragen of bewaren",
    never: "Geen IP-adres, geen locatie, geen bank- of kaartgegevens, geen beroep, voorkeuren of interesses en geen bijzondere persoonsgegevens — niet in de database, niet in sessies, niet in logbestanden en niet in back-ups.",
    how_long_title: "Hoe lang",
    rights_title: "Je rechten",
    rights: "Met een account bekijk en wijzig je je gegevens onder “Mijn account”, download je alles wat we over je bewaren (ook je bestellingen en boekingen) en kies je “Verwijder mijn account”: je gegevens zijn dan weg en je bestellingen en boekingen geanonimiseerd. Een wachtwoord bewaren we alleen versleuteld; niemand kan het inzien.",
    all_rights: "Je hebt recht op inzage, correctie, verwijdering en overdracht van je gegevens, je mag bezwaar maken tegen een verwerking op grond van ons gerechtvaardigd belang en je kunt je toestemming voor de nieuwsbrief altijd intrekken. Zonder account (of voor gegevens die los van je account staan, zoals een eerdere bestelling als gast) vraag je hieronder een link per e-mail aan: daarmee zie je wat we bij je e-mailadres bewaren, download je alles en laat je alles verwijderen. Voor de andere rechten mail je ons; we antwoorden binnen een maand.",
    complaint: "Ben je het niet eens met hoe we met je gegevens omgaan, dan kun je een klacht indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).",
    questions_before: "Vragen? Mail naar ",
    questions_after: ".",
};

pub const EN: PrivacyText = PrivacyText {
    title: "Privacy statement",
    intro: "We only keep data about customers and people who ask a question, and only to deliver an order, make a booking, send a newsletter or answer a question.",
    kept_title: "What we keep",
    kept: "Your name and address, a different delivery address if you give one, your form of address if you give it, your email address, your phone number(s), your company name and VAT number if any, your choice about the newsletter, the payment methods available to you, the date you became a customer and, with an account, the date you last logged in. With an order: the items, quantities, prices, dates and the delivery you asked for. With a booking: what you booked, the date and time, the number of places, the price, the payment method and the status (booked, cancelled or attended), linked to your customer details; nothing else about you.",
    purposes_title: "What for, and on which legal basis",
    purposes: [
        ("Orders and bookings", "to deliver your order or keep your appointment, and for the accounts: needed for our contract with you and, for invoices, a legal obligation (the 7-year fiscal retention)."),
        ("Newsletter", "only with your consent, which you give with the confirmation link and withdraw with one click."),
        ("Questions", "to answer your question: our legitimate interest, or a step before a contract when your question is about one."),
        ("Account", "to let you log in and see your details and orders: needed for our contract with you."),
    ],
    never_title: "What we never ask for or keep",
    never: "No IP address, no location, no bank or card details, no occupation, preferences or interests and no special categories of personal data — not in the database, not in sessions, not in log files and not in backups.",
    how_long_title: "How long",
    rights_title: "Your rights",
    rights: "With an account you see and change your details under “My account”, download everything we keep about you (your orders and bookings too) and choose “Delete my account”: your details are then gone and your orders and bookings anonymised. We keep a password only in encrypted form; nobody can read it.",
    all_rights: "You have the right to access, correct, delete and take your data with you, to object to processing based on our legitimate interest, and to withdraw your consent to the newsletter at any time. Without an account (or for data kept apart from your account, such as an earlier order as a guest) you ask for a link by email below: with it you see what we keep under your email address, download all of it and have all of it deleted. For the other rights, email us; we answer within a month.",
    complaint: "If you disagree with how we handle your data, you can complain to the Dutch Data Protection Authority, the Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl).",
    questions_before: "Questions? Email ",
    questions_after: ".",
};

pub fn text_in(locale: Locale) -> &'static PrivacyText {
    match locale {
        Locale::Nl => &NL,
        Locale::En => &EN,
    }
}

/// The page's heading: "Privacyverklaring van Winkel".
pub fn heading(locale: Locale, shop_name: &str) -> String {
    match locale {
        Locale::Nl => format!("Privacyverklaring van {shop_name}"),
        Locale::En => format!("Privacy statement of {shop_name}"),
    }
}

/// What happens to invoices: the fiscal term, whatever the retention
/// term (GDPR Art. 17(3)(b); docs/operations.md, "Invoices").
const INVOICES_NL: &str = "Facturen bewaren we 7 jaar na de factuurdatum, omdat de belastingwet dat vraagt (AVG art. 17 lid 3 onder b), ook als je je gegevens laat verwijderen. Een factuur aan een bedrijf (met bedrijfsnaam of btw-nummer) bewaren we die 7 jaar volledig, met naam en adres; daarna anonimiseren we de afnemer. Op een factuur aan een particulier worden naam en adres geanonimiseerd samen met de bestelling of boeking; factuurnummer, datum, artikelen en bedragen blijven.";
const INVOICES_EN: &str = "We keep invoices for 7 years after their date, because tax law requires it (GDPR Art. 17(3)(b)), also when you have your details deleted. An invoice to a business (with a company name or VAT number) is kept whole for those 7 years, with name and address; after that the customer on it is anonymised. On an invoice to a private person, name and address are anonymised together with the order or booking; the invoice number, date, items and amounts stay.";

/// How long data is kept, from the retention term in years.
pub fn retention(locale: Locale, years: u32) -> String {
    match locale {
        Locale::Nl => format!(
            "Klanten zonder account verwijderen we {t} jaar nadat ze klant werden; met een account {t} jaar na de laatste keer inloggen. Een bestelling of boeking van minder dan {t} jaar geleden, of een afspraak die minder dan {t} jaar geleden was of nog komt, houdt je gegevens langer: tot {t} jaar daarna. Bij het verwijderen worden je bestellingen en boekingen geanonimiseerd: we houden alleen wat de boekhouding nodig heeft, zonder iets dat naar jou leidt. Zonder account gebeurt dat met een bestelling of boeking ook zelf, {t} jaar nadat je bestelde of je afspraak was. {invoices}",
            t = years,
            invoices = INVOICES_NL
        ),
        Locale::En => {
            let t = match years {
                1 => "1 year".to_string(),
                n => format!("{n} years"),
            };
            format!(
                "We delete customers without an account {t} after they became a customer; with an account, {t} after they last logged in. An order or booking from less than {t} ago, or an appointment that was less than {t} ago or is still to come, keeps your details longer: until {t} after it. When they are deleted, your orders and bookings are anonymised: we keep only what the accounts need, without anything that leads to you. Without an account this also happens to an order or booking on its own, {t} after you ordered or after your appointment. {INVOICES_EN}"
            )
        }
    }
}

/// The nightly backups, from how many are kept.
pub fn backups(locale: Locale, keep: u32) -> String {
    match locale {
        Locale::Nl => format!(
            "We maken elke nacht een back-up en bewaren alleen de laatste {keep}. Wie zijn gegevens liet verwijderen, blijft verwijderd, ook als we een back-up terugzetten."
        ),
        Locale::En => format!(
            "We make a backup every night and keep only the last {keep}. Anyone who had their details deleted stays deleted, even if we restore a backup."
        ),
    }
}

/// Who is responsible for the data (the controller, GDPR Art. 13(1)(a)):
/// the shop's registered name, address and KvK number from its identity
/// settings, as far as the owner filled them in.
pub fn controller(
    locale: Locale,
    shop_name: &str,
    identity: &crate::cms::models::ShopIdentity,
) -> String {
    let name = identity.name_or(shop_name);
    let town = format!("{} {}", identity.postcode, identity.city);
    let place = [identity.street.as_str(), town.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let kvk = &identity.kvk_number;
    match locale {
        Locale::Nl => {
            let mut line = format!("Verantwoordelijk voor je gegevens is {name}");
            if !place.is_empty() {
                line += &format!(", {place}");
            }
            if !kvk.is_empty() {
                line += &format!(" (KvK {kvk})");
            }
            line + "."
        }
        Locale::En => {
            let mut line = format!("The controller of your data is {name}");
            if !place.is_empty() {
                line += &format!(", {place}");
            }
            if !kvk.is_empty() {
                line += &format!(" (Chamber of Commerce {kvk})");
            }
            line + "."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_next_to_dutch() {
        crate::i18n::assert_translated(&NL, &EN);
    }

    #[test]
    fn the_settings_in_both_languages() {
        assert_eq!(
            heading(Locale::Nl, "Winkel"),
            "Privacyverklaring van Winkel"
        );
        assert_eq!(heading(Locale::En, "Winkel"), "Privacy statement of Winkel");
        let nl = retention(Locale::Nl, 7);
        assert!(nl.starts_with("Klanten zonder account verwijderen we 7 jaar nadat"));
        assert!(nl.contains("Een bestelling of boeking van minder dan 7 jaar geleden"));
        let en = retention(Locale::En, 7);
        assert!(en.starts_with("We delete customers without an account 7 years after"));
        assert!(!en.contains("jaar"));
        assert!(retention(Locale::En, 1).contains("less than 1 year ago"));
        // Invoices: the fiscal term, whatever the retention term.
        assert!(retention(Locale::Nl, 2).contains("Facturen bewaren we 7 jaar"));
        assert!(retention(Locale::En, 2).contains("We keep invoices for 7 years"));
        assert!(backups(Locale::Nl, 14).contains("alleen de laatste 14."));
        assert!(backups(Locale::En, 14).contains("keep only the last 14."));
    }
}
