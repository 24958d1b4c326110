//! The mails about an order, in the order's language: the confirmation
//! (with the payment instructions of a bank transfer) and the changes of
//! its status that staff make (paid, shipped, cancelled).

use super::MailText;
use crate::i18n::{delivery_method_label_in, payment_method_label_in};
use crate::locale::{date_in, price_in, Locale};
use crate::shop::models::PaymentInstructions;
use crate::shop::rules::{DeliveryMethod, PaymentMethod};
use chrono::NaiveDate;

/// One line of the order as the mail lists it.
#[derive(Debug, Clone)]
pub struct LineFacts<'a> {
    pub product: &'a str,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub total_cents: i64,
}

/// What the confirmation tells. `address` is the delivery address, one
/// line per entry (name, company, street, postcode and city, country).
#[derive(Debug, Clone)]
pub struct OrderFacts<'a> {
    pub number: i32,
    pub lines: Vec<LineFacts<'a>>,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    pub delivery: DeliveryMethod,
    pub delivery_date: Option<NaiveDate>,
    pub address: Vec<&'a str>,
    pub payment: PaymentMethod,
    pub instructions: Option<&'a PaymentInstructions>,
    /// The order page, in the mail's language.
    pub view: &'a str,
}

/// The payment instructions as a paragraph, or nothing.
fn instructions(locale: Locale, shop: &str, i: Option<&PaymentInstructions>) -> String {
    let Some(PaymentInstructions::BankTransfer {
        amount_cents,
        reference,
        account,
    }) = i
    else {
        return String::new();
    };
    let amount = price_in(locale, *amount_cents);
    match (locale, account) {
        (Locale::Nl, Some(a)) => format!(
            "Betalen per bankoverschrijving:\nMaak {amount} over naar {iban} ten name van {name}, \
             onder vermelding van je bestelnummer {reference}.\n\
             Zodra je betaling binnen is, sturen we je bestelling en krijg je een bericht.\n\n",
            iban = a.iban,
            name = a.name,
        ),
        (Locale::Nl, None) => format!(
            "Betalen per bankoverschrijving:\nHet bedrag is {amount}, onder vermelding van je \
             bestelnummer {reference}. {shop} stuurt je de rekeninggegevens zo snel mogelijk.\n\n"
        ),
        (Locale::En, Some(a)) => format!(
            "Paying by bank transfer:\nPlease transfer {amount} to {iban} in the name of {name}, \
             quoting your order number {reference}.\n\
             As soon as your payment has arrived, we send your order and let you know.\n\n",
            iban = a.iban,
            name = a.name,
        ),
        (Locale::En, None) => format!(
            "Paying by bank transfer:\nThe amount is {amount}, quoting your order number \
             {reference}. {shop} will send you the account details as soon as possible.\n\n"
        ),
    }
}

pub fn confirmation(locale: Locale, shop: &str, o: &OrderFacts<'_>) -> MailText {
    let p = |cents| price_in(locale, cents);
    let lines: String = o
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} x {} à {} = {}\n",
                l.quantity,
                l.product,
                p(l.unit_price_cents),
                p(l.total_cents)
            )
        })
        .collect();
    let address = o.address.join("\n");
    let delivery = delivery_method_label_in(locale, o.delivery);
    let payment = payment_method_label_in(locale, o.payment);
    let pay = instructions(locale, shop, o.instructions);
    let (number, view) = (o.number, o.view);
    let (subtotal, shipping, total, vat) = (
        p(o.subtotal_cents),
        p(o.shipping_cents),
        p(o.total_cents),
        p(o.vat_cents),
    );
    match locale {
        Locale::Nl => {
            let date = o
                .delivery_date
                .map(|d| format!("Gewenste leverdatum: {}\n", d.format("%d-%m-%Y")))
                .unwrap_or_default();
            MailText {
                subject: format!("Je bestelling {number} bij {shop}"),
                body: format!(
                    "Hallo,\n\nBedankt voor je bestelling bij {shop}. Je bestelnummer is {number}.\n\n\
                     {lines}\nSubtotaal: {subtotal}\nVerzendkosten: {shipping}\nTotaal: {total}\n\
                     Waarvan btw: {vat}\n\n\
                     Levering: {delivery}\n{date}Adres:\n{address}\n\nBetaling: {payment}\n\n\
                     {pay}Je bestelling bekijken:\n{view}\n"
                ),
            }
        }
        Locale::En => {
            let date = o
                .delivery_date
                .map(|d| format!("Desired delivery date: {}\n", date_in(locale, d)))
                .unwrap_or_default();
            MailText {
                subject: format!("Your order {number} at {shop}"),
                body: format!(
                    "Hello,\n\nThank you for your order at {shop}. Your order number is {number}.\n\n\
                     {lines}\nSubtotal: {subtotal}\nShipping: {shipping}\nTotal: {total}\n\
                     Including VAT: {vat}\n\n\
                     Delivery: {delivery}\n{date}Address:\n{address}\n\nPayment: {payment}\n\n\
                     {pay}View your order:\n{view}\n"
                ),
            }
        }
    }
}

/// Staff received the payment.
pub fn paid(locale: Locale, shop: &str, number: i32, view: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Betaling ontvangen voor bestelling {number}"),
            body: format!(
                "Hallo,\n\nWe hebben je betaling voor bestelling {number} ontvangen. \
                 {shop} maakt je bestelling nu klaar.\n\nJe bestelling bekijken:\n{view}\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("Payment received for order {number}"),
            body: format!(
                "Hello,\n\nWe have received your payment for order {number}. \
                 {shop} is now preparing your order.\n\nView your order:\n{view}\n"
            ),
        },
    }
}

/// The order left the shop; `track` is the carrier's link, if staff gave
/// one.
pub fn shipped(
    locale: Locale,
    shop: &str,
    number: i32,
    track: Option<&str>,
    view: &str,
) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Bestelling {number} is verzonden"),
            body: format!(
                "Hallo,\n\n{shop} heeft je bestelling {number} verzonden.\n\n{track}\
                 Je bestelling bekijken:\n{view}\n",
                track = track
                    .map(|t| format!("Volg je pakket:\n{t}\n\n"))
                    .unwrap_or_default(),
            ),
        },
        Locale::En => MailText {
            subject: format!("Order {number} has been shipped"),
            body: format!(
                "Hello,\n\n{shop} has shipped your order {number}.\n\n{track}\
                 View your order:\n{view}\n",
                track = track
                    .map(|t| format!("Track your parcel:\n{t}\n\n"))
                    .unwrap_or_default(),
            ),
        },
    }
}

/// The order was cancelled.
pub fn cancelled(locale: Locale, shop: &str, number: i32, view: &str) -> MailText {
    match locale {
        Locale::Nl => MailText {
            subject: format!("Bestelling {number} is geannuleerd"),
            body: format!(
                "Hallo,\n\nJe bestelling {number} bij {shop} is geannuleerd. \
                 Had je al betaald, dan krijg je het bedrag terug.\n\n\
                 Je bestelling bekijken:\n{view}\n"
            ),
        },
        Locale::En => MailText {
            subject: format!("Order {number} has been cancelled"),
            body: format!(
                "Hello,\n\nYour order {number} at {shop} has been cancelled. \
                 If you have already paid, you will get the amount back.\n\n\
                 View your order:\n{view}\n"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::assert_english;
    use super::*;
    use crate::shop::models::BankAccount;

    fn facts(instructions: Option<&PaymentInstructions>) -> OrderFacts<'_> {
        OrderFacts {
            number: 42,
            lines: vec![LineFacts {
                product: "Kaas",
                quantity: 2,
                unit_price_cents: 1_250,
                total_cents: 2_500,
            }],
            subtotal_cents: 2_500,
            shipping_cents: 495,
            vat_cents: 250,
            total_cents: 2_995,
            delivery: DeliveryMethod::Shipping,
            delivery_date: NaiveDate::from_ymd_opt(2027, 3, 14),
            address: vec!["An de Vries", "Lindengracht 77", "1015 KK Amsterdam", "NL"],
            payment: PaymentMethod::BankTransfer,
            instructions,
            view: "V",
        }
    }

    fn transfer(account: bool) -> PaymentInstructions {
        PaymentInstructions::BankTransfer {
            amount_cents: 2_995,
            reference: "42".into(),
            account: account.then(|| BankAccount {
                iban: "NL91 ABNA 0417 1643 00".into(),
                name: "Winkel B.V.".into(),
            }),
        }
    }

    #[test]
    fn the_confirmation_lists_everything_in_both_languages() {
        let pay = transfer(true);
        let nl = confirmation(Locale::Nl, "Winkel", &facts(Some(&pay)));
        assert_eq!(nl.subject, "Je bestelling 42 bij Winkel");
        assert_eq!(
            nl.body,
            "Hallo,\n\nBedankt voor je bestelling bij Winkel. Je bestelnummer is 42.\n\n\
             2 x Kaas à € 12,50 = € 25,00\n\nSubtotaal: € 25,00\nVerzendkosten: € 4,95\nTotaal: € 29,95\n\
             Waarvan btw: € 2,50\n\nLevering: Verzenden\nGewenste leverdatum: 14-03-2027\nAdres:\n\
             An de Vries\nLindengracht 77\n1015 KK Amsterdam\nNL\n\nBetaling: Bankoverschrijving\n\n\
             Betalen per bankoverschrijving:\nMaak € 29,95 over naar NL91 ABNA 0417 1643 00 ten name van \
             Winkel B.V., onder vermelding van je bestelnummer 42.\nZodra je betaling binnen is, sturen \
             we je bestelling en krijg je een bericht.\n\nJe bestelling bekijken:\nV\n"
        );
        let en = confirmation(Locale::En, "Winkel", &facts(Some(&pay)));
        assert_eq!(en.subject, "Your order 42 at Winkel");
        assert!(
            en.body.contains("2 x Kaas à €12.50 = €25.00\n"),
            "{}",
            en.body
        );
        assert!(en.body.contains("Please transfer €29.95 to NL91 ABNA 0417 1643 00 in the name of Winkel B.V., quoting your order number 42."), "{}", en.body);
        assert!(
            en.body.contains("Desired delivery date: 14 March 2027\n"),
            "{}",
            en.body
        );
        assert_english(&en.body.replace("Kaas", "").replace("An de Vries", ""));
    }

    #[test]
    fn without_an_iban_the_shop_sends_the_details_and_other_methods_get_none() {
        let pay = transfer(false);
        let nl = confirmation(Locale::Nl, "Winkel", &facts(Some(&pay)));
        assert!(
            nl.body.contains("Winkel stuurt je de rekeninggegevens"),
            "{}",
            nl.body
        );
        assert!(!nl.body.contains("NL91"), "{}", nl.body);
        let en = confirmation(Locale::En, "Winkel", &facts(Some(&pay)));
        assert!(
            en.body.contains("Winkel will send you the account details"),
            "{}",
            en.body
        );
        let mut pickup = facts(None);
        pickup.payment = PaymentMethod::PayOnPickup;
        let nl = confirmation(Locale::Nl, "Winkel", &pickup);
        assert!(!nl.body.contains("bankoverschrijving"), "{}", nl.body);
        assert!(
            nl.body
                .contains("Betaling: Betalen bij afhalen\n\nJe bestelling"),
            "{}",
            nl.body
        );
    }

    #[test]
    fn status_mails_in_both_languages() {
        for locale in Locale::ALL {
            for mail in [
                paid(*locale, "Winkel", 42, "V"),
                shipped(*locale, "Winkel", 42, Some("https://t.nl/1"), "V"),
                shipped(*locale, "Winkel", 42, None, "V"),
                cancelled(*locale, "Winkel", 42, "V"),
            ] {
                assert!(mail.subject.contains("42"), "{mail:?}");
                assert!(mail.body.ends_with("V\n"), "{mail:?}");
                if *locale == Locale::En {
                    assert_english(&mail.body);
                }
            }
        }
        assert!(shipped(Locale::Nl, "W", 1, Some("https://t.nl/1"), "V")
            .body
            .contains("Volg je pakket:\nhttps://t.nl/1\n"));
        assert!(!shipped(Locale::En, "W", 1, None, "V")
            .body
            .contains("Track"));
    }
}
