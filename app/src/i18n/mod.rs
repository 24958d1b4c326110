//! User-facing text shared by all modules: error and field messages
//! (`messages`), the labels of stored choices, the page frame. Each module
//! keeps its own screen text in its `text.rs`, Dutch (`NL`) next to English
//! (`EN`). The functions without a locale follow the page being rendered
//! (`Locale::current()`); the `_in` ones take it, for a caller on the
//! server (a mail in the customer's language, the CLI in Dutch).

mod messages;

pub use messages::{
    error_message, error_message_in, field_message, field_message_in, wait_phrase, wait_phrase_in,
};

use crate::booking::rules::{BookingStatus, SlotRefusal};
use crate::cms::rules::OrderStatus;
use crate::locale::Locale;
use crate::shop::rules::{DeliveryMethod, PaymentMethod};

/// Text of the page frame (header, footer).
#[cfg_attr(test, derive(serde::Serialize))]
pub struct LayoutText {
    pub shop_name: &'static str,
    pub tagline: &'static str,
    pub cart: &'static str,
    pub catalog: &'static str,
    pub footer: &'static str,
    pub privacy_link: &'static str,
    pub about_link: &'static str,
    pub terms_link: &'static str,
    pub returns_link: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub loading: &'static str,
    /// The label of the honeypot field (hidden; a bot reads it).
    pub leave_empty: &'static str,
}

pub const LAYOUT_NL: LayoutText = LayoutText {
    shop_name: "Winkel",
    tagline: "Eerlijke spullen, eerlijk met je gegevens",
    cart: "Winkelwagen",
    catalog: "Assortiment",
    footer: "Wij bewaren alleen wat nodig is om je bestelling te leveren.",
    privacy_link: "Privacyverklaring",
    about_link: "Over ons",
    terms_link: "Algemene voorwaarden",
    returns_link: "Retourneren",
    not_found_title: "Pagina niet gevonden",
    not_found_body: "Deze pagina bestaat niet (meer).",
    loading: "Laden…",
    leave_empty: "Laat dit veld leeg",
};

pub const LAYOUT_EN: LayoutText = LayoutText {
    shop_name: "Winkel",
    tagline: "Honest goods, honest with your data",
    cart: "Cart",
    catalog: "Products",
    footer: "We only keep what we need to deliver your order.",
    privacy_link: "Privacy statement",
    about_link: "About us",
    terms_link: "Terms and conditions",
    returns_link: "Returns",
    not_found_title: "Page not found",
    not_found_body: "This page does not exist (any more).",
    loading: "Loading…",
    leave_empty: "Leave this field empty",
};

/// The page frame's text in the page's language.
pub fn layout() -> &'static LayoutText {
    layout_in(Locale::current())
}

pub fn layout_in(locale: Locale) -> &'static LayoutText {
    match locale {
        Locale::Nl => &LAYOUT_NL,
        Locale::En => &LAYOUT_EN,
    }
}

pub fn payment_method_label(method: PaymentMethod) -> &'static str {
    payment_method_label_in(Locale::current(), method)
}

pub fn payment_method_label_in(locale: Locale, method: PaymentMethod) -> &'static str {
    match (locale, method) {
        (Locale::Nl, PaymentMethod::BankTransfer) => "Bankoverschrijving",
        (Locale::Nl, PaymentMethod::PayOnPickup) => "Betalen bij afhalen",
        (Locale::Nl, PaymentMethod::OnAccount) => "Op rekening",
        (Locale::En, PaymentMethod::BankTransfer) => "Bank transfer",
        (Locale::En, PaymentMethod::PayOnPickup) => "Pay on pickup",
        (Locale::En, PaymentMethod::OnAccount) => "On account",
    }
}

pub fn delivery_method_label(method: DeliveryMethod) -> &'static str {
    delivery_method_label_in(Locale::current(), method)
}

pub fn delivery_method_label_in(locale: Locale, method: DeliveryMethod) -> &'static str {
    match (locale, method) {
        (Locale::Nl, DeliveryMethod::Shipping) => "Verzenden",
        (Locale::Nl, DeliveryMethod::Pickup) => "Afhalen in de winkel",
        (Locale::En, DeliveryMethod::Shipping) => "Shipping",
        (Locale::En, DeliveryMethod::Pickup) => "Pick up in the shop",
    }
}

pub fn order_status_label(status: OrderStatus) -> &'static str {
    order_status_label_in(Locale::current(), status)
}

pub fn order_status_label_in(locale: Locale, status: OrderStatus) -> &'static str {
    match (locale, status) {
        (Locale::Nl, OrderStatus::New) => "Nieuw",
        (Locale::Nl, OrderStatus::Paid) => "Betaald",
        (Locale::Nl, OrderStatus::Shipped) => "Verzonden",
        (Locale::Nl, OrderStatus::Completed) => "Afgerond",
        (Locale::Nl, OrderStatus::Cancelled) => "Geannuleerd",
        (Locale::En, OrderStatus::New) => "New",
        (Locale::En, OrderStatus::Paid) => "Paid",
        (Locale::En, OrderStatus::Shipped) => "Shipped",
        (Locale::En, OrderStatus::Completed) => "Completed",
        (Locale::En, OrderStatus::Cancelled) => "Cancelled",
    }
}

pub fn slot_refusal_message(refusal: SlotRefusal) -> &'static str {
    slot_refusal_message_in(Locale::current(), refusal)
}

pub fn slot_refusal_message_in(locale: Locale, refusal: SlotRefusal) -> &'static str {
    match (locale, refusal) {
        (Locale::Nl, SlotRefusal::Past) => "Dit tijdstip is al voorbij. Kies een later tijdstip.",
        (Locale::Nl, SlotRefusal::BeyondHorizon) => {
            "Zo ver vooruit kun je nog niet boeken. Kies een eerder tijdstip."
        }
        (Locale::Nl, SlotRefusal::Closed) => "Op deze dag zijn we gesloten. Kies een andere dag.",
        (Locale::Nl, SlotRefusal::NoSuchSlot) => {
            "Op dit tijdstip kun je niet boeken. Kies een tijd uit de agenda."
        }
        (Locale::Nl, SlotRefusal::ItemInactive) => "Dit kan niet meer worden geboekt.",
        (Locale::Nl, SlotRefusal::TooLateToCancel) => {
            "Deze boeking kan niet meer online worden geannuleerd: de annuleringstermijn is voorbij. Neem contact met ons op."
        }
        (Locale::Nl, SlotRefusal::NotCancellable) => "Deze boeking is al geannuleerd of afgerond.",
        (Locale::En, SlotRefusal::Past) => "This time has already passed. Choose a later time.",
        (Locale::En, SlotRefusal::BeyondHorizon) => {
            "You cannot book this far ahead yet. Choose an earlier time."
        }
        (Locale::En, SlotRefusal::Closed) => "We are closed on this day. Choose another day.",
        (Locale::En, SlotRefusal::NoSuchSlot) => {
            "You cannot book at this time. Choose a time from the calendar."
        }
        (Locale::En, SlotRefusal::ItemInactive) => "This can no longer be booked.",
        (Locale::En, SlotRefusal::TooLateToCancel) => {
            "This booking can no longer be cancelled online: the cancellation period has passed. Please contact us."
        }
        (Locale::En, SlotRefusal::NotCancellable) => {
            "This booking has already been cancelled or completed."
        }
    }
}

pub fn booking_status_label(status: BookingStatus) -> &'static str {
    booking_status_label_in(Locale::current(), status)
}

pub fn booking_status_label_in(locale: Locale, status: BookingStatus) -> &'static str {
    match (locale, status) {
        (Locale::Nl, BookingStatus::Booked) => "Geboekt",
        (Locale::Nl, BookingStatus::Cancelled) => "Geannuleerd",
        (Locale::Nl, BookingStatus::Attended) => "Geweest",
        (Locale::En, BookingStatus::Booked) => "Booked",
        (Locale::En, BookingStatus::Cancelled) => "Cancelled",
        (Locale::En, BookingStatus::Attended) => "Attended",
    }
}

/// A price in the page's language (`crate::locale::price`); the CMS is
/// Dutch, so there it is `format_eur`'s `€ 1.234,56`.
pub fn price(cents: i64) -> String {
    crate::locale::price(cents)
}

/// `text()` (the page's language) and `text_in(locale)` (a mail, a
/// server-side caller) of a room's text struct, from its `NL` and `EN`.
macro_rules! text_by_locale {
    ($text:ty) => {
        /// The text in the language of the page being rendered (Dutch
        /// outside a page).
        pub fn text() -> &'static $text {
            text_in($crate::locale::Locale::current())
        }

        /// The text in `locale`.
        pub fn text_in(locale: $crate::locale::Locale) -> &'static $text {
            match locale {
                $crate::locale::Locale::Nl => &NL,
                $crate::locale::Locale::En => &EN,
            }
        }
    };
}
pub(crate) use text_by_locale;

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
    fn layout_is_translated() {
        assert_translated(&LAYOUT_NL, &LAYOUT_EN);
    }

    #[test]
    fn labels_in_both_languages() {
        assert_eq!(
            payment_method_label_in(Locale::Nl, PaymentMethod::BankTransfer),
            "Bankoverschrijving"
        );
        assert_eq!(
            payment_method_label_in(Locale::En, PaymentMethod::BankTransfer),
            "Bank transfer"
        );
        assert_eq!(
            delivery_method_label_in(Locale::En, DeliveryMethod::Pickup),
            "Pick up in the shop"
        );
        assert_eq!(
            order_status_label_in(Locale::En, OrderStatus::Shipped),
            "Shipped"
        );
        assert_eq!(
            booking_status_label_in(Locale::Nl, BookingStatus::Attended),
            "Geweest"
        );
        assert_eq!(
            slot_refusal_message_in(Locale::En, SlotRefusal::Closed),
            "We are closed on this day. Choose another day."
        );
        // Outside a page (a test, the CLI) the language is Dutch.
        assert_eq!(price(123_456), crate::money::format_eur(123_456));
        assert_eq!(layout().cart, "Winkelwagen");
    }
}
