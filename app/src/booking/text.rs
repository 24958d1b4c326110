//! Screen text of the booking pages, Dutch.

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
    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
    pub full: &'static str,
    pub places_left: &'static str,
    pub no_slots_this_month: &'static str,
    pub places: &'static str,
    pub summary: &'static str,
    pub no_slot_chosen: &'static str,
    pub chosen: &'static str,
    pub total: &'static str,
    pub cancel_rule: &'static str,
    pub hours_before: &'static str,
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
    weekdays: ["ma", "di", "wo", "do", "vr", "za", "zo"],
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    full: "vol",
    places_left: "vrij",
    no_slots_this_month: "Deze maand zijn er geen vrije tijden meer.",
    places: "Aantal plaatsen",
    summary: "Je boeking",
    no_slot_chosen: "Kies hierboven een tijd.",
    chosen: "Gekozen",
    total: "Totaal",
    cancel_rule: "Kosteloos annuleren kan tot",
    hours_before: "uur van tevoren, via Mijn account.",
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
};

pub fn text() -> &'static BookingText {
    &NL
}

/// "za 24 oktober 2026".
pub fn long_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let t = text();
    format!(
        "{} {} {} {}",
        t.weekdays[d.weekday().num_days_from_monday() as usize],
        d.day(),
        t.months[d.month0() as usize],
        d.year()
    )
}

/// "za 24 oktober 2026, 09:00".
pub fn long_date_time(d: chrono::NaiveDateTime) -> String {
    format!("{}, {}", long_date(d.date()), d.format("%H:%M"))
}
