//! Screen text of the booking pages, Dutch and English. Day and month
//! names come from `crate::locale`.

use crate::locale::{self, Locale};

#[cfg_attr(test, derive(serde::Serialize))]
pub struct BookingText {
    pub list_title: &'static str,
    pub list_intro: &'static str,
    pub nothing_bookable: &'static str,
    pub per_place: &'static str,
    pub minutes: &'static str,
    pub places_per_slot: &'static str,
    pub choose_slot: &'static str,
    pub choose_slot_hint: &'static str,
    pub previous_month: &'static str,
    pub next_month: &'static str,
    pub full: &'static str,
    pub places_left: &'static str,
    pub no_slots_this_month: &'static str,
    pub places: &'static str,
    pub summary: &'static str,
    pub no_slot_chosen: &'static str,
    pub chosen: &'static str,
    pub total: &'static str,
    pub book: &'static str,
    pub booking: &'static str,
    pub confirmed_title: &'static str,
    pub confirmed_thanks: &'static str,
    pub what: &'static str,
    pub when: &'static str,
    pub status: &'static str,
    pub payment: &'static str,
    pub cancel_online_until: &'static str,
    pub cancel_how: &'static str,
    pub no_longer_cancellable: &'static str,
    pub back_to_list: &'static str,
    pub header_link: &'static str,
    pub my_bookings: &'static str,
    pub no_bookings: &'static str,
    pub upcoming: &'static str,
    pub past: &'static str,
    pub cancel: &'static str,
    pub cancelling: &'static str,
    pub cancel_until: &'static str,
    pub cancel_too_late: &'static str,
    pub invoice: &'static str,
}

pub const NL: BookingText = BookingText {
    list_title: "Reserveren",
    list_intro: "Boek een plek in een workshop of een afspraak met ons.",
    nothing_bookable: "Er valt op dit moment niets te boeken.",
    per_place: "per plaats",
    minutes: "minuten",
    places_per_slot: "plaatsen per tijdstip",
    choose_slot: "Kies een tijd",
    choose_slot_hint: "Tijden zijn Nederlandse tijd. Volle tijden kun je niet kiezen.",
    previous_month: "← Vorige maand",
    next_month: "Volgende maand →",
    full: "vol",
    places_left: "vrij",
    no_slots_this_month: "Deze maand zijn er geen vrije tijden meer.",
    places: "Aantal plaatsen",
    summary: "Je boeking",
    no_slot_chosen: "Kies hierboven een tijd.",
    chosen: "Gekozen",
    total: "Totaal",
    book: "Boeken",
    booking: "Bezig met boeken…",
    confirmed_title: "Je boeking",
    confirmed_thanks: "Bedankt! Je boeking staat vast. Je krijgt een bevestiging per e-mail.",
    what: "Wat",
    when: "Wanneer",
    status: "Status",
    payment: "Betaling",
    cancel_online_until: "Online annuleren kan tot",
    cancel_how: "Log in en kies bij Mijn account onder Mijn boekingen \"Annuleren\".",
    no_longer_cancellable: "Deze boeking kan niet meer online worden geannuleerd.",
    back_to_list: "Alles wat je kunt boeken",
    header_link: "Reserveren",
    my_bookings: "Mijn boekingen",
    no_bookings: "Je hebt nog niets geboekt.",
    upcoming: "Komend",
    past: "Geweest",
    cancel: "Annuleren",
    cancelling: "Bezig…",
    cancel_until: "Annuleren kan tot",
    cancel_too_late: "Annuleren kan niet meer online.",
    invoice: "Factuur (pdf)",
};

pub const EN: BookingText = BookingText {
    list_title: "Bookings",
    list_intro: "Book a place in a workshop or an appointment with us.",
    nothing_bookable: "There is nothing to book at the moment.",
    per_place: "per place",
    minutes: "minutes",
    places_per_slot: "places per time slot",
    choose_slot: "Choose a time",
    choose_slot_hint: "All times are Amsterdam time. Full times cannot be chosen.",
    previous_month: "← Previous month",
    next_month: "Next month →",
    full: "full",
    places_left: "left",
    no_slots_this_month: "There are no free times left this month.",
    places: "Number of places",
    summary: "Your booking",
    no_slot_chosen: "Choose a time above.",
    chosen: "Chosen",
    total: "Total",
    book: "Book",
    booking: "Booking…",
    confirmed_title: "Your booking",
    confirmed_thanks:
        "Thank you! Your booking is confirmed. You will receive a confirmation by email.",
    what: "What",
    when: "When",
    status: "Status",
    payment: "Payment",
    cancel_online_until: "You can cancel online until",
    cancel_how: "Log in and choose \"Cancel\" under My bookings in My account.",
    no_longer_cancellable: "This booking can no longer be cancelled online.",
    back_to_list: "Everything you can book",
    header_link: "Bookings",
    my_bookings: "My bookings",
    no_bookings: "You have not booked anything yet.",
    upcoming: "Upcoming",
    past: "Past",
    cancel: "Cancel",
    cancelling: "Cancelling…",
    cancel_until: "You can cancel until",
    cancel_too_late: "It is too late to cancel online.",
    invoice: "Invoice (PDF)",
};

crate::i18n::text_by_locale!(BookingText);

/// "Kosteloos annuleren kan tot 24 uur van tevoren, via Mijn account."
pub fn cancel_rule(hours: i32) -> String {
    cancel_rule_in(Locale::current(), hours)
}

pub fn cancel_rule_in(locale: Locale, hours: i32) -> String {
    match locale {
        Locale::Nl => {
            format!("Kosteloos annuleren kan tot {hours} uur van tevoren, via Mijn account.")
        }
        Locale::En if hours == 1 => {
            "You can cancel free of charge up to 1 hour before, via My account.".into()
        }
        Locale::En => {
            format!("You can cancel free of charge up to {hours} hours before, via My account.")
        }
    }
}

/// "1 plaats", "2 plaatsen"; "1 place", "2 places".
pub fn places_count(places: i32) -> String {
    places_count_in(Locale::current(), places)
}

pub fn places_count_in(locale: Locale, places: i32) -> String {
    match (locale, places) {
        (Locale::Nl, 1) => "1 plaats".into(),
        (Locale::Nl, n) => format!("{n} plaatsen"),
        (Locale::En, 1) => "1 place".into(),
        (Locale::En, n) => format!("{n} places"),
    }
}

/// The month above the month view: "december 2026", "December 2026".
pub fn month_caption(first: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {}",
        locale::month_name(Locale::current(), first.month()),
        first.year()
    )
}

/// "za 24 oktober 2026", "Sat 24 October 2026".
pub fn long_date(d: chrono::NaiveDate) -> String {
    long_date_in(Locale::current(), d)
}

pub fn long_date_in(locale: Locale, d: chrono::NaiveDate) -> String {
    locale::day_in(locale, d)
}

/// "za 24 oktober 2026, 09:00" (Amsterdam wall-clock time).
pub fn long_date_time(d: chrono::NaiveDateTime) -> String {
    long_date_time_in(Locale::current(), d)
}

pub fn long_date_time_in(locale: Locale, d: chrono::NaiveDateTime) -> String {
    format!("{}, {}", long_date_in(locale, d.date()), d.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn booking_text_is_translated() {
        crate::i18n::assert_translated(&NL, &EN);
    }

    #[test]
    fn dates_and_counts_in_both_languages() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 24).unwrap();
        let t = d.and_hms_opt(9, 0, 0).unwrap();
        assert_eq!(
            long_date_time_in(Locale::Nl, t),
            "za 24 oktober 2026, 09:00"
        );
        assert_eq!(
            long_date_time_in(Locale::En, t),
            "Sat 24 October 2026, 09:00"
        );
        // Outside a page: Dutch.
        assert_eq!(long_date(d), "za 24 oktober 2026");
        assert_eq!(month_caption(d), "oktober 2026");
        assert_eq!(places_count_in(Locale::Nl, 2), "2 plaatsen");
        assert_eq!(places_count_in(Locale::Nl, 1), "1 plaats");
        assert_eq!(places_count_in(Locale::En, 1), "1 place");
        assert_eq!(
            cancel_rule_in(Locale::Nl, 24),
            "Kosteloos annuleren kan tot 24 uur van tevoren, via Mijn account."
        );
        assert_eq!(
            cancel_rule_in(Locale::En, 24),
            "You can cancel free of charge up to 24 hours before, via My account."
        );
    }
}
