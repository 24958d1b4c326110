//! User-facing text shared by all modules: error and field messages, the
//! layout. Dutch is the shop's language; each module keeps its own screen
//! text in its `text.rs`, so that English is added there without touching
//! components.

use crate::booking::rules::{BookingStatus, SlotRefusal};
use crate::cms::rules::OrderStatus;
use crate::error::AppError;
use crate::money::format_eur;
use crate::shop::rules::{DeliveryMethod, PaymentMethod};
use crate::validate::FieldError;

/// Text of the page frame (header, footer).
pub struct LayoutText {
    pub shop_name: &'static str,
    pub tagline: &'static str,
    pub cart: &'static str,
    pub catalog: &'static str,
    pub footer: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub loading: &'static str,
}

pub const LAYOUT_NL: LayoutText = LayoutText {
    shop_name: "Winkel",
    tagline: "Eerlijke spullen, eerlijk met je gegevens",
    cart: "Winkelwagen",
    catalog: "Assortiment",
    footer: "Wij bewaren alleen wat nodig is om je bestelling te leveren.",
    not_found_title: "Pagina niet gevonden",
    not_found_body: "Deze pagina bestaat niet (meer).",
    loading: "Laden…",
};

pub fn layout() -> &'static LayoutText {
    &LAYOUT_NL
}

/// The sentence for a refused field.
pub fn field_message(error: &FieldError) -> String {
    match error {
        FieldError::Required => "Dit veld is verplicht.".into(),
        FieldError::TooLong { max } => format!("Maximaal {max} tekens."),
        FieldError::Email => {
            "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.".into()
        }
        FieldError::Postcode => "Vul een geldige postcode in (NL: 1234 AB, BE: 1000).".into(),
        FieldError::Phone => "Vul een geldig telefoonnummer in (9 tot 15 cijfers).".into(),
        FieldError::VatNumber => {
            "Vul een geldig btw-nummer in, bijvoorbeeld NL123456789B01.".into()
        }
        FieldError::Country => "Wij leveren alleen in Nederland en België.".into(),
        FieldError::Gender => "Kies een van de opties.".into(),
        FieldError::HouseNumber => "Een huisnummer begint met een cijfer.".into(),
        FieldError::Date => "Vul een datum in als JJJJ-MM-DD.".into(),
        FieldError::DateTooSoon => "De leverdatum moet op zijn vroegst morgen zijn.".into(),
        FieldError::DateTooFar => "De leverdatum mag hoogstens 90 dagen vooruit liggen.".into(),
        FieldError::PaymentMethod => "Kies een betaalwijze die voor jou beschikbaar is.".into(),
        FieldError::DeliveryMethod => "Kies verzenden of afhalen.".into(),
        FieldError::PickupNeedsPickupDelivery => {
            "Betalen bij afhalen kan alleen als je de bestelling afhaalt.".into()
        }
        FieldError::Quantity => "Kies een aantal van 1 tot 99.".into(),
        FieldError::PasswordTooShort { min } => {
            format!("Kies een wachtwoord van minstens {min} tekens.")
        }
        FieldError::PasswordCommon => {
            "Dit wachtwoord wordt te vaak gebruikt; kies iets dat alleen jij bedenkt.".into()
        }
        FieldError::PasswordContainsEmail => {
            "Je wachtwoord mag je e-mailadres niet bevatten.".into()
        }
        FieldError::PasswordMismatch => "De twee wachtwoorden zijn niet gelijk.".into(),
        FieldError::WrongPassword => "Je huidige wachtwoord klopt niet.".into(),
        FieldError::Number { min, max } => format!("Vul een heel getal van {min} tot {max} in."),
        FieldError::Slot => "Kies een tijd uit de agenda.".into(),
        FieldError::Time => "Vul een tijd in als uu:mm, bijvoorbeeld 09:30.".into(),
        FieldError::ClosesBeforeOpens => "De sluitingstijd moet na de openingstijd liggen.".into(),
        FieldError::ItemHasBookings => {
            "Dit item heeft boekingen en kan niet worden verwijderd; zet het op niet actief.".into()
        }
        FieldError::Slug => {
            "Alleen kleine letters, cijfers en streepjes, bijvoorbeeld plaid-wol.".into()
        }
        FieldError::SlugTaken => "Deze naam in de URL is al in gebruik.".into(),
        FieldError::Price => "Vul een bedrag in euro's in, bijvoorbeeld 12,95.".into(),
        FieldError::VatRate => "Kies 21%, 9% of 0% btw.".into(),
        FieldError::CategoryNotEmpty => {
            "Deze categorie heeft nog artikelen; verplaats of verwijder die eerst.".into()
        }
        FieldError::ImageType => "Kies een foto in PNG-, JPEG- of WebP-formaat.".into(),
        FieldError::ImageTooLarge => "Een foto mag hoogstens 2 MB zijn.".into(),
        FieldError::StatusChange => "Deze statuswijziging is niet mogelijk.".into(),
        FieldError::EmailUnavailable => {
            "Dit e-mailadres kan niet voor je account worden gebruikt.".into()
        }
    }
}

/// The sentence for any error a server function returns.
pub fn error_message(error: &AppError) -> String {
    match error {
        AppError::Validation(_) => "Controleer de gemarkeerde velden.".into(),
        AppError::NotFound => "Niet gevonden.".into(),
        AppError::OutOfStock { product, available } => match available {
            0 => format!("{product} is helaas uitverkocht."),
            n => format!("Van {product} zijn er nog maar {n} op voorraad."),
        },
        AppError::CartEmpty => "Je winkelwagen is leeg.".into(),
        AppError::ProductUnavailable => {
            "Een artikel in je winkelwagen is niet meer leverbaar.".into()
        }
        AppError::Unauthorized => "Log eerst in.".into(),
        AppError::InvalidCredentials => "E-mailadres of wachtwoord klopt niet.".into(),
        AppError::Forbidden => "Je hebt geen toegang tot deze functie.".into(),
        AppError::PasswordChangeRequired => "Kies eerst je eigen wachtwoord.".into(),
        AppError::CrossSite => {
            "Dit verzoek kwam niet van een pagina van deze winkel en is geweigerd. \
             Open de winkel zelf en probeer het daar opnieuw."
                .into()
        }
        AppError::RateLimited { retry_after_secs } => {
            format!(
                "Te veel verzoeken. Probeer het over {} minuten opnieuw.",
                retry_after_secs.div_ceil(60)
            )
        }
        AppError::MailFailed => {
            "De e-mail kon nu niet worden verstuurd. Probeer het later opnieuw.".into()
        }
        AppError::InvalidLink => {
            "Deze link klopt niet of is verlopen. Vraag zo nodig een nieuwe aan.".into()
        }
        AppError::TooManyForms { retry_after_secs } => format!(
            "Je hebt dit formulier te vaak kort na elkaar verstuurd. Probeer het {} opnieuw.",
            wait_phrase(*retry_after_secs)
        ),
        AppError::FormRefused => "Dit formulier is niet verwerkt. Laad de pagina opnieuw, \
             vul het formulier in en verstuur het nog eens."
            .into(),
        AppError::Busy { .. } => {
            "Het is op dit moment erg druk. Probeer het over een paar seconden opnieuw.".into()
        }
        AppError::SlotRefused(refusal) => slot_refusal_message(*refusal).into(),
        AppError::SlotFull { left: 0 } => {
            "Dit tijdslot is net volgeboekt. Kies een ander tijdstip.".into()
        }
        AppError::SlotFull { left } => format!(
            "In dit tijdslot zijn nog maar {left} plaatsen vrij. Kies minder plaatsen of een ander tijdstip."
        ),
        AppError::Internal => "Er ging iets mis aan onze kant. Probeer het later opnieuw.".into(),
        AppError::Request(_) => "Het verzoek kon niet worden verwerkt. Probeer het opnieuw.".into(),
    }
}

/// "over 3 minuten", "over 1 minuut" (rounded up: never too early).
pub fn wait_phrase(secs: u64) -> String {
    match secs.div_ceil(60) {
        0 | 1 => "over 1 minuut".into(),
        minutes => format!("over {minutes} minuten"),
    }
}

pub fn payment_method_label(method: PaymentMethod) -> &'static str {
    match method {
        PaymentMethod::BankTransfer => "Bankoverschrijving",
        PaymentMethod::PayOnPickup => "Betalen bij afhalen",
        PaymentMethod::OnAccount => "Op rekening",
    }
}

pub fn delivery_method_label(method: DeliveryMethod) -> &'static str {
    match method {
        DeliveryMethod::Shipping => "Verzenden",
        DeliveryMethod::Pickup => "Afhalen in de winkel",
    }
}

pub fn order_status_label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::New => "Nieuw",
        OrderStatus::Paid => "Betaald",
        OrderStatus::Shipped => "Verzonden",
        OrderStatus::Completed => "Afgerond",
        OrderStatus::Cancelled => "Geannuleerd",
    }
}

pub fn slot_refusal_message(refusal: SlotRefusal) -> &'static str {
    match refusal {
        SlotRefusal::Past => "Dit tijdstip is al voorbij. Kies een later tijdstip.",
        SlotRefusal::BeyondHorizon => {
            "Zo ver vooruit kun je nog niet boeken. Kies een eerder tijdstip."
        }
        SlotRefusal::Closed => "Op deze dag zijn we gesloten. Kies een andere dag.",
        SlotRefusal::NoSuchSlot => "Op dit tijdstip kun je niet boeken. Kies een tijd uit de agenda.",
        SlotRefusal::ItemInactive => "Dit kan niet meer worden geboekt.",
        SlotRefusal::TooLateToCancel => {
            "Deze boeking kan niet meer online worden geannuleerd: de annuleringstermijn is voorbij. Neem contact met ons op."
        }
        SlotRefusal::NotCancellable => "Deze boeking is al geannuleerd of afgerond.",
    }
}

pub fn booking_status_label(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Booked => "Geboekt",
        BookingStatus::Cancelled => "Geannuleerd",
        BookingStatus::Attended => "Geweest",
    }
}

pub fn price(cents: i64) -> String {
    format_eur(cents)
}

/// Test helper for every module's screen text: the English version of a
/// text struct has each Dutch text, none left blank. (A field missing from
/// one language does not build: both are struct literals of one type.)
/// The struct derives `Serialize` under `cfg(test)` only.
#[cfg(test)]
pub(crate) fn assert_translated<T: serde::Serialize>(dutch: &T, english: &T) {
    fn walk(path: &str, nl: &serde_json::Value, en: &serde_json::Value) {
        use serde_json::Value;
        match (nl, en) {
            (Value::String(nl), Value::String(en)) => {
                assert!(!nl.trim().is_empty(), "{path}: Dutch text is blank");
                assert!(!en.trim().is_empty(), "{path}: English text is blank");
            }
            (Value::Array(nl), Value::Array(en)) => {
                assert_eq!(nl.len(), en.len(), "{path}: lists differ in length");
                for (i, (nl, en)) in nl.iter().zip(en).enumerate() {
                    walk(&format!("{path}[{i}]"), nl, en);
                }
            }
            (Value::Object(nl), Value::Object(en)) => {
                for (key, nl) in nl {
                    walk(&format!("{path}.{key}"), nl, &en[key]);
                }
            }
            (nl, en) => assert_eq!(nl, en, "{path}"),
        }
    }
    let nl = serde_json::to_value(dutch).expect("text serialises");
    let en = serde_json::to_value(english).expect("text serialises");
    walk("text", &nl, &en);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_limit_says_when_to_try_again() {
        assert_eq!(wait_phrase(5), "over 1 minuut");
        assert_eq!(wait_phrase(61), "over 2 minuten");
        assert_eq!(
            error_message(&AppError::TooManyForms {
                retry_after_secs: 540
            }),
            "Je hebt dit formulier te vaak kort na elkaar verstuurd. Probeer het over 9 minuten opnieuw."
        );
    }
}
