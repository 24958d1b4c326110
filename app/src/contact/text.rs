//! Screen text of the contact form, in Dutch and English.

#[cfg_attr(test, derive(serde::Serialize))]
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
    pub privacy_link: &'static str,
}

pub const NL: ContactText = ContactText {
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
    privacy_link: "Privacyverklaring",
};

pub const EN: ContactText = ContactText {
    title: "Contact",
    intro: "A question about an item, an order or anything else? Ask it here; we reply by email.",
    logged_in_intro: "You are logged in: we reply to the email address of your account.",
    question: "Your question",
    send: "Send your question",
    thanks_title: "Thank you for your question",
    thanks_body: "We have received your question and will reply by email as soon as we can.",
    another: "Ask another question",
    footer_link: "Contact",
    privacy_note: "We keep your name, email address and question only to answer your question.",
    privacy_link: "Privacy statement",
};

crate::i18n::text_by_locale!(ContactText);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Locale;

    #[test]
    fn english_next_to_dutch() {
        crate::i18n::assert_translated(&NL, &EN);
        assert_eq!(
            text_in(Locale::En).thanks_title,
            "Thank you for your question"
        );
    }
}
