//! The sentences for a refused field and for the errors a server function
//! returns, in both languages. One match per language: a new error variant
//! does not build until it has both sentences.

use super::slot_refusal_message_in;
use crate::error::AppError;
use crate::locale::Locale;
use crate::validate::FieldError;

/// The sentence for a refused field, in the page's language.
pub fn field_message(error: &FieldError) -> String {
    field_message_in(Locale::current(), error)
}

/// The sentence for a refused field in `locale`.
pub fn field_message_in(locale: Locale, error: &FieldError) -> String {
    match locale {
        Locale::Nl => field_nl(error),
        Locale::En => field_en(error),
    }
}

fn field_nl(error: &FieldError) -> String {
    match error {
        FieldError::Required => "Dit veld is verplicht.".into(),
        FieldError::TooLong { max } => format!("Maximaal {max} tekens."),
        FieldError::Email => {
            "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.".into()
        }
        FieldError::Postcode => {
            "Vul een geldige postcode in (NL: 1234 AB, BE: 1000, DE: 10115, LU: L-1616).".into()
        }
        FieldError::Phone => "Vul een geldig telefoonnummer in (9 tot 15 cijfers).".into(),
        FieldError::VatNumber => {
            "Vul een geldig btw-nummer in, bijvoorbeeld NL123456789B01.".into()
        }
        FieldError::KvkNumber => "Een KvK-nummer heeft acht cijfers.".into(),
        FieldError::RightNotYours => {
            "Je kunt alleen rechten geven die je zelf hebt; vraag de eigenaar om de andere.".into()
        }
        FieldError::Iban => "Dit IBAN klopt niet; controleer het rekeningnummer.".into(),
        FieldError::Country => "Kies Nederland, België, Duitsland of Luxemburg.".into(),
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
        FieldError::SecondFactorCode => {
            "Deze code klopt niet of is al gebruikt. Typ de code die je app nu toont.".into()
        }
        FieldError::Number { min, max } => format!("Vul een heel getal van {min} tot {max} in."),
        FieldError::Slot => "Kies een tijd uit de agenda.".into(),
        FieldError::Time => "Vul een tijd in als uu:mm, bijvoorbeeld 09:30.".into(),
        FieldError::ClosesBeforeOpens => "De sluitingstijd moet na de openingstijd liggen.".into(),
        FieldError::ItemHasBookings => {
            "Dit item heeft boekingen en kan niet worden verwijderd; zet het op niet actief.".into()
        }
        FieldError::TrackUrl => {
            "Vul de track-and-trace-link van de vervoerder in, beginnend met https://.".into()
        }
        FieldError::NoShippingZone => {
            "Naar dit land verzenden wij niet; kies een ander land of haal de bestelling af.".into()
        }
        FieldError::PickupUnavailable => "Afhalen is bij deze winkel niet mogelijk.".into(),
        FieldError::Amount { max_cents } => format!(
            "Vul een bedrag in euro's in van 0 tot {}, bijvoorbeeld 4,95.",
            crate::locale::price_in(Locale::Nl, *max_cents)
        ),
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

fn field_en(error: &FieldError) -> String {
    match error {
        FieldError::Required => "This field is required.".into(),
        FieldError::TooLong { max } => format!("At most {max} characters."),
        FieldError::Email => "Enter a valid email address, for example name@example.com.".into(),
        FieldError::Postcode => {
            "Enter a valid postcode (NL: 1234 AB, BE: 1000, DE: 10115, LU: L-1616).".into()
        }
        FieldError::Phone => "Enter a valid phone number (9 to 15 digits).".into(),
        FieldError::VatNumber => "Enter a valid VAT number, for example NL123456789B01.".into(),
        FieldError::KvkNumber => "A KvK (Chamber of Commerce) number has eight digits.".into(),
        FieldError::RightNotYours => {
            "You can only grant rights you hold yourself; ask the owner for the others.".into()
        }
        FieldError::Iban => "This IBAN is not valid; check the account number.".into(),
        FieldError::Country => "Choose the Netherlands, Belgium, Germany or Luxembourg.".into(),
        FieldError::Gender => "Choose one of the options.".into(),
        FieldError::HouseNumber => "A house number starts with a digit.".into(),
        FieldError::Date => "Enter a date as YYYY-MM-DD.".into(),
        FieldError::DateTooSoon => "The delivery date must be tomorrow at the earliest.".into(),
        FieldError::DateTooFar => "The delivery date can be at most 90 days ahead.".into(),
        FieldError::PaymentMethod => "Choose a payment method that is available to you.".into(),
        FieldError::DeliveryMethod => "Choose shipping or pickup.".into(),
        FieldError::PickupNeedsPickupDelivery => {
            "Paying on pickup is only possible if you pick up the order.".into()
        }
        FieldError::Quantity => "Choose a quantity from 1 to 99.".into(),
        FieldError::PasswordTooShort { min } => {
            format!("Choose a password of at least {min} characters.")
        }
        FieldError::PasswordCommon => {
            "This password is used too often; choose something only you would think of.".into()
        }
        FieldError::PasswordContainsEmail => {
            "Your password must not contain your email address.".into()
        }
        FieldError::PasswordMismatch => "The two passwords are not the same.".into(),
        FieldError::WrongPassword => "Your current password is not correct.".into(),
        FieldError::SecondFactorCode => {
            "This code is not correct or was used already. Type the code your app shows now.".into()
        }
        FieldError::Number { min, max } => format!("Enter a whole number from {min} to {max}."),
        FieldError::Slot => "Choose a time from the calendar.".into(),
        FieldError::Time => "Enter a time as hh:mm, for example 09:30.".into(),
        FieldError::ClosesBeforeOpens => "The closing time must be after the opening time.".into(),
        FieldError::ItemHasBookings => {
            "This item has bookings and cannot be deleted; set it to inactive.".into()
        }
        FieldError::TrackUrl => {
            "Enter the carrier's track-and-trace link, starting with https://.".into()
        }
        FieldError::NoShippingZone => {
            "We do not ship to this country; choose another country or pick the order up.".into()
        }
        FieldError::PickupUnavailable => "This shop offers no pickup.".into(),
        FieldError::Amount { max_cents } => format!(
            "Enter an amount in euros from 0 to {}, for example 4,95.",
            crate::locale::price_in(Locale::En, *max_cents)
        ),
        FieldError::Slug => {
            "Only lowercase letters, digits and hyphens, for example plaid-wool.".into()
        }
        FieldError::SlugTaken => "This name in the URL is already in use.".into(),
        FieldError::Price => "Enter an amount in euros, for example 12,95.".into(),
        FieldError::VatRate => "Choose 21%, 9% or 0% VAT.".into(),
        FieldError::CategoryNotEmpty => {
            "This category still has products; move or delete them first.".into()
        }
        FieldError::ImageType => "Choose a photo in PNG, JPEG or WebP format.".into(),
        FieldError::ImageTooLarge => "A photo can be at most 2 MB.".into(),
        FieldError::StatusChange => "This status change is not possible.".into(),
        FieldError::EmailUnavailable => {
            "This email address cannot be used for your account.".into()
        }
    }
}

/// The sentence for any error a server function returns, in the page's
/// language.
pub fn error_message(error: &AppError) -> String {
    error_message_in(Locale::current(), error)
}

/// The sentence for any error a server function returns, in `locale`.
pub fn error_message_in(locale: Locale, error: &AppError) -> String {
    match locale {
        Locale::Nl => error_nl(error),
        Locale::En => error_en(error),
    }
}

fn error_nl(error: &AppError) -> String {
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
        AppError::SecondFactorRequired => {
            "Stel eerst je tweede factor in (Beveiliging): de eigenaar vraagt die van \
             iedereen die klantgegevens mag zien."
                .into()
        }
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
            wait_phrase_in(Locale::Nl, *retry_after_secs)
        ),
        AppError::FormRefused => "Dit formulier is niet verwerkt. Laad de pagina opnieuw, \
             vul het formulier in en verstuur het nog eens."
            .into(),
        AppError::Busy { .. } | AppError::WriteConflict { .. } => {
            "Het is op dit moment erg druk. Probeer het over een paar seconden opnieuw.".into()
        }
        AppError::SlotRefused(refusal) => slot_refusal_message_in(Locale::Nl, *refusal).into(),
        AppError::SlotFull { left: 0 } => {
            "Dit tijdslot is net volgeboekt. Kies een ander tijdstip.".into()
        }
        AppError::SlotFull { left } => format!(
            "In dit tijdslot zijn nog maar {left} plaatsen vrij. Kies minder plaatsen of een ander tijdstip."
        ),
        AppError::Unavailable { .. } => "De winkel is even niet bereikbaar. Probeer het over een paar seconden opnieuw.".into(),
        AppError::Internal => "Er ging iets mis aan onze kant. Probeer het later opnieuw.".into(),
        AppError::Request(_) => "Het verzoek kon niet worden verwerkt. Probeer het opnieuw.".into(),
    }
}

fn error_en(error: &AppError) -> String {
    match error {
        AppError::Validation(_) => "Please check the marked fields.".into(),
        AppError::NotFound => "Not found.".into(),
        AppError::OutOfStock { product, available } => match available {
            0 => format!("Sorry, {product} is sold out."),
            n => format!("There are only {n} of {product} left in stock."),
        },
        AppError::CartEmpty => "Your cart is empty.".into(),
        AppError::ProductUnavailable => "A product in your cart is no longer available.".into(),
        AppError::Unauthorized => "Please log in first.".into(),
        AppError::InvalidCredentials => "The email address or password is not correct.".into(),
        AppError::Forbidden => "You do not have access to this function.".into(),
        AppError::PasswordChangeRequired => "Please choose your own password first.".into(),
        AppError::SecondFactorRequired => {
            "Please set up your second factor first (Security): the owner requires it of \
             everyone who may see customer data."
                .into()
        }
        AppError::CrossSite => {
            "This request did not come from a page of this shop and was refused. \
             Open the shop itself and try again there."
                .into()
        }
        AppError::RateLimited { retry_after_secs } => format!(
            "Too many requests. Try again {}.",
            wait_phrase_in(Locale::En, *retry_after_secs)
        ),
        AppError::MailFailed => {
            "The email could not be sent just now. Please try again later.".into()
        }
        AppError::InvalidLink => {
            "This link is not valid or has expired. Request a new one if you need to.".into()
        }
        AppError::TooManyForms { retry_after_secs } => format!(
            "You have sent this form too often in a short time. Try again {}.",
            wait_phrase_in(Locale::En, *retry_after_secs)
        ),
        AppError::FormRefused => "This form was not processed. Reload the page, \
             fill in the form and send it again."
            .into(),
        AppError::Busy { .. } | AppError::WriteConflict { .. } => {
            "It is very busy right now. Please try again in a few seconds.".into()
        }
        AppError::SlotRefused(refusal) => slot_refusal_message_in(Locale::En, *refusal).into(),
        AppError::SlotFull { left: 0 } => {
            "This time slot has just been fully booked. Choose another time.".into()
        }
        AppError::SlotFull { left: 1 } => {
            "Only 1 place is left in this time slot. Choose fewer places or another time.".into()
        }
        AppError::SlotFull { left } => format!(
            "Only {left} places are left in this time slot. Choose fewer places or another time."
        ),
        AppError::Unavailable { .. } => {
            "The shop cannot be reached just now. Please try again in a few seconds.".into()
        }
        AppError::Internal => "Something went wrong on our side. Please try again later.".into(),
        AppError::Request(_) => "The request could not be processed. Please try again.".into(),
    }
}

/// "over 3 minuten", "in 3 minutes", in the page's language.
pub fn wait_phrase(secs: u64) -> String {
    wait_phrase_in(Locale::current(), secs)
}

/// "over 3 minuten", "over 1 minuut"; "in 3 minutes", "in 1 minute"
/// (rounded up: never too early).
pub fn wait_phrase_in(locale: Locale, secs: u64) -> String {
    match (locale, secs.div_ceil(60)) {
        (Locale::Nl, 0 | 1) => "over 1 minuut".into(),
        (Locale::Nl, minutes) => format!("over {minutes} minuten"),
        (Locale::En, 0 | 1) => "in 1 minute".into(),
        (Locale::En, minutes) => format!("in {minutes} minutes"),
    }
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

    #[test]
    fn the_form_limit_in_english() {
        assert_eq!(wait_phrase_in(Locale::En, 5), "in 1 minute");
        assert_eq!(wait_phrase_in(Locale::En, 61), "in 2 minutes");
        assert_eq!(
            error_message_in(
                Locale::En,
                &AppError::TooManyForms {
                    retry_after_secs: 540
                }
            ),
            "You have sent this form too often in a short time. Try again in 9 minutes."
        );
        assert_eq!(
            error_message_in(
                Locale::En,
                &AppError::RateLimited {
                    retry_after_secs: 30
                }
            ),
            "Too many requests. Try again in 1 minute."
        );
    }

    #[test]
    fn fields_and_errors_in_english() {
        assert_eq!(
            field_message_in(Locale::En, &FieldError::TooLong { max: 100 }),
            "At most 100 characters."
        );
        assert_eq!(
            field_message_in(Locale::Nl, &FieldError::TooLong { max: 100 }),
            "Maximaal 100 tekens."
        );
        assert_eq!(
            error_message_in(
                Locale::En,
                &AppError::OutOfStock {
                    product: "Plaid".into(),
                    available: 2
                }
            ),
            "There are only 2 of Plaid left in stock."
        );
        assert_eq!(
            error_message_in(Locale::En, &AppError::SlotFull { left: 1 }),
            "Only 1 place is left in this time slot. Choose fewer places or another time."
        );
    }

    /// No message is left blank, in either language: every variant with a
    /// sample value.
    #[test]
    fn no_message_is_blank() {
        use crate::booking::rules::SlotRefusal;
        let fields = [
            FieldError::Required,
            FieldError::TooLong { max: 5 },
            FieldError::Email,
            FieldError::Postcode,
            FieldError::Phone,
            FieldError::VatNumber,
            FieldError::KvkNumber,
            FieldError::Iban,
            FieldError::RightNotYours,
            FieldError::Country,
            FieldError::Gender,
            FieldError::HouseNumber,
            FieldError::Date,
            FieldError::DateTooSoon,
            FieldError::DateTooFar,
            FieldError::PaymentMethod,
            FieldError::DeliveryMethod,
            FieldError::PickupNeedsPickupDelivery,
            FieldError::Quantity,
            FieldError::PasswordTooShort { min: 10 },
            FieldError::PasswordCommon,
            FieldError::PasswordContainsEmail,
            FieldError::PasswordMismatch,
            FieldError::WrongPassword,
            FieldError::SecondFactorCode,
            FieldError::Number { min: 1, max: 9 },
            FieldError::Slot,
            FieldError::Time,
            FieldError::ClosesBeforeOpens,
            FieldError::ItemHasBookings,
            FieldError::TrackUrl,
            FieldError::NoShippingZone,
            FieldError::PickupUnavailable,
            FieldError::Amount { max_cents: 100_000 },
            FieldError::Slug,
            FieldError::SlugTaken,
            FieldError::Price,
            FieldError::VatRate,
            FieldError::CategoryNotEmpty,
            FieldError::ImageType,
            FieldError::ImageTooLarge,
            FieldError::StatusChange,
            FieldError::EmailUnavailable,
        ];
        let errors = [
            AppError::NotFound,
            AppError::CartEmpty,
            AppError::ProductUnavailable,
            AppError::Unauthorized,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::PasswordChangeRequired,
            AppError::SecondFactorRequired,
            AppError::CrossSite,
            AppError::FormRefused,
            AppError::MailFailed,
            AppError::InvalidLink,
            AppError::Internal,
            AppError::Unavailable {
                retry_after_secs: 5,
            },
            AppError::WriteConflict {
                retry_after_secs: 1,
            },
            AppError::SlotFull { left: 0 },
            AppError::SlotFull { left: 3 },
            AppError::SlotRefused(SlotRefusal::TooLateToCancel),
        ];
        for locale in Locale::ALL {
            for f in &fields {
                assert!(!field_message_in(*locale, f).trim().is_empty(), "{f:?}");
            }
            for e in &errors {
                assert!(!error_message_in(*locale, e).trim().is_empty(), "{e:?}");
            }
        }
    }
}
