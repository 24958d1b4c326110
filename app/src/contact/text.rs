//! Screen text of the contact form, Dutch.

pub struct ContactText {
    pub title: &'static str,
    pub intro: &'static str,
    pub logged_in_intro: &'static str,
    pub question: &'static str,
    pub send: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub another: &'static str,
    pub footer_link: &'static str,
    pub privacy_note: &'static str,
}

pub const CONTACT_NL: ContactText = ContactText {
    title: "Contact",
    intro: "Een vraag over een artikel, een bestelling of iets anders? Stel hem hier; we antwoorden per e-mail.",
    logged_in_intro: "Je bent ingelogd: we antwoorden op het e-mailadres van je account.",
    question: "Je vraag",
    send: "Verstuur je vraag",
    thanks_title: "Bedankt voor je vraag",
    thanks_body: "We hebben je vraag ontvangen en antwoorden zo snel mogelijk per e-mail.",
    another: "Nog een vraag stellen",
    footer_link: "Contact",
    privacy_note: "We bewaren je naam, e-mailadres en vraag alleen om je vraag te beantwoorden.",
};

pub fn text() -> &'static ContactText {
    &CONTACT_NL
}
