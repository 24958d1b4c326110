//! Screen text of the newsletter pages, Dutch.

pub struct NewsletterText {
    pub title: &'static str,
    pub intro: &'static str,
    pub first_name: &'static str,
    pub subscribe: &'static str,
    pub requested: &'static str,
    pub confirm_title: &'static str,
    pub confirm_intro: &'static str,
    pub confirm_button: &'static str,
    pub confirmed: &'static str,
    pub unsubscribe_title: &'static str,
    pub unsubscribe_intro: &'static str,
    pub unsubscribe_button: &'static str,
    pub unsubscribed: &'static str,
    pub privacy_note: &'static str,
    pub footer_link: &'static str,
}

pub const NEWSLETTER_NL: NewsletterText = NewsletterText {
    title: "Nieuwsbrief",
    intro: "Ontvang af en toe ons nieuws per e-mail. Je kunt je altijd met één klik afmelden.",
    first_name: "Voornaam",
    subscribe: "Aanmelden",
    requested: "Bijna klaar: we hebben je een e-mail gestuurd. Klik op de link daarin om je aanmelding te bevestigen. Zonder bevestiging verwijderen we je aanmelding na 7 dagen.",
    confirm_title: "Aanmelding bevestigen",
    confirm_intro: "Bevestig dat je onze nieuwsbrief wilt ontvangen.",
    confirm_button: "Ja, ik wil de nieuwsbrief ontvangen",
    confirmed: "Je aanmelding is bevestigd. Welkom!",
    unsubscribe_title: "Afmelden voor de nieuwsbrief",
    unsubscribe_intro: "Wil je onze nieuwsbrief niet meer ontvangen?",
    unsubscribe_button: "Afmelden",
    unsubscribed: "Je bent afgemeld. Je ontvangt onze nieuwsbrief niet meer.",
    privacy_note: "We bewaren alleen je e-mailadres (en je voornaam als je die invult) om je de nieuwsbrief te sturen.",
    footer_link: "Nieuwsbrief",
};

pub fn text() -> &'static NewsletterText {
    &NEWSLETTER_NL
}
