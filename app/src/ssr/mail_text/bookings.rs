//! The confirmation of a booking, in the booking's language.

use super::MailText;
use crate::locale::{date_in, price_in, Locale};
use crate::shop::rules::PaymentMethod;
use chrono::NaiveDateTime;

/// What the confirmation tells; times are Amsterdam wall-clock times,
/// links are to the pages in the mail's language.
#[derive(Debug, Clone)]
pub struct BookingFacts<'a> {
    pub item: &'a str,
    pub starts_local: NaiveDateTime,
    pub minutes: i32,
    pub places: i32,
    pub total_cents: i64,
    pub payment: PaymentMethod,
    pub cancel_until_local: NaiveDateTime,
    /// The booking's confirmation page.
    pub view: &'a str,
    /// "Mijn account", where a booking is cancelled.
    pub account: &'a str,
}

/// The payment method as a mail names it (the mail is written outside any
/// page, so not through the screens' labels).
fn payment(locale: Locale, method: PaymentMethod) -> &'static str {
    match (locale, method) {
        (Locale::Nl, PaymentMethod::BankTransfer) => "Bankoverschrijving",
        (Locale::Nl, PaymentMethod::PayOnPickup) => "Betalen bij afhalen",
        (Locale::Nl, PaymentMethod::OnAccount) => "Op rekening",
        (Locale::En, PaymentMethod::BankTransfer) => "Bank transfer",
        (Locale::En, PaymentMethod::PayOnPickup) => "Pay on collection",
        (Locale::En, PaymentMethod::OnAccount) => "On account",
    }
}

pub fn confirmation(locale: Locale, shop: &str, b: &BookingFacts<'_>) -> MailText {
    let total = price_in(locale, b.total_cents);
    let payment = payment(locale, b.payment);
    let (item, minutes, places, view, account) = (b.item, b.minutes, b.places, b.view, b.account);
    let time = b.starts_local.format("%H:%M");
    let cancel_time = b.cancel_until_local.format("%H:%M");
    match locale {
        Locale::Nl => MailText {
            subject: format!("Je boeking bij {shop}: {item}"),
            body: format!(
                "Hallo,\n\nBedankt voor je boeking bij {shop}.\n\n\
                 Wat: {item}\nWanneer: {date} om {time} uur ({minutes} minuten)\nPlaatsen: {places}\n\
                 Totaal: {total}\nBetaling: {payment}\n\n\
                 Je boeking bekijken:\n{view}\n\n\
                 Annuleren kan tot {cancel_date} {cancel_time} uur: log in en kies bij Mijn account \
                 \"Mijn boekingen\" ({account}). Daarna kun je ons bellen of mailen.\n",
                date = b.starts_local.format("%d-%m-%Y"),
                cancel_date = b.cancel_until_local.format("%d-%m-%Y"),
            ),
        },
        Locale::En => MailText {
            subject: format!("Your booking at {shop}: {item}"),
            body: format!(
                "Hello,\n\nThank you for your booking at {shop}.\n\n\
                 What: {item}\nWhen: {date} at {time} ({minutes} minutes)\nPlaces: {places}\n\
                 Total: {total}\nPayment: {payment}\n\n\
                 View your booking:\n{view}\n\n\
                 You can cancel until {cancel_date}, {cancel_time}: log in and choose \
                 \"My bookings\" in My account ({account}). After that, please call or email us.\n",
                date = date_in(locale, b.starts_local.date()),
                cancel_date = date_in(locale, b.cancel_until_local.date()),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::assert_english;
    use super::*;
    use chrono::NaiveDate;

    fn facts() -> BookingFacts<'static> {
        let day = NaiveDate::from_ymd_opt(2027, 3, 14).unwrap_or_default();
        BookingFacts {
            item: "Pasta maken",
            starts_local: day.and_hms_opt(19, 0, 0).unwrap_or_default(),
            minutes: 90,
            places: 2,
            total_cents: 123_450,
            payment: PaymentMethod::BankTransfer,
            cancel_until_local: day.and_hms_opt(7, 0, 0).unwrap_or_default(),
            view: "V",
            account: "A",
        }
    }

    #[test]
    fn confirmation_in_both_languages() {
        let nl = confirmation(Locale::Nl, "Winkel", &facts());
        assert_eq!(nl.subject, "Je boeking bij Winkel: Pasta maken");
        assert_eq!(
            nl.body,
            "Hallo,\n\nBedankt voor je boeking bij Winkel.\n\nWat: Pasta maken\nWanneer: 14-03-2027 om 19:00 uur (90 minuten)\nPlaatsen: 2\nTotaal: € 1.234,50\nBetaling: Bankoverschrijving\n\nJe boeking bekijken:\nV\n\nAnnuleren kan tot 14-03-2027 07:00 uur: log in en kies bij Mijn account \"Mijn boekingen\" (A). Daarna kun je ons bellen of mailen.\n"
        );
        let en = confirmation(Locale::En, "Winkel", &facts());
        assert_eq!(en.subject, "Your booking at Winkel: Pasta maken");
        assert_eq!(
            en.body,
            "Hello,\n\nThank you for your booking at Winkel.\n\nWhat: Pasta maken\nWhen: 14 March 2027 at 19:00 (90 minutes)\nPlaces: 2\nTotal: €1,234.50\nPayment: Bank transfer\n\nView your booking:\nV\n\nYou can cancel until 14 March 2027, 07:00: log in and choose \"My bookings\" in My account (A). After that, please call or email us.\n"
        );
        assert_english(&en.body.replace("Pasta maken", ""));
    }

    #[test]
    fn every_payment_method_named_in_both_languages() {
        for method in PaymentMethod::ALL {
            assert!(!payment(Locale::Nl, *method).is_empty());
            assert_ne!(payment(Locale::Nl, *method), payment(Locale::En, *method));
        }
    }
}
