//! Screen text of the newsletter pages, in Dutch and English.

#[cfg_attr(test, derive(serde::Serialize))]
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

pub const NL: NewsletterText = NewsletterText {
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

pub const EN: NewsletterText = NewsletterText {
    title: "Newsletter",
    intro: "Get our news by email every now and then. You can always unsubscribe with one click.",
    first_name: "First name",
    subscribe: "Subscribe",
    requested: "Almost done: we have sent you an email. Click the link in it to confirm your subscription. Without confirmation we delete your subscription after 7 days.",
    confirm_title: "Confirm your subscription",
    confirm_intro: "Confirm that you want to receive our newsletter.",
    confirm_button: "Yes, I want to receive the newsletter",
    confirmed: "Your subscription has been confirmed. Welcome!",
    unsubscribe_title: "Unsubscribe from the newsletter",
    unsubscribe_intro: "Don't want to receive our newsletter any more?",
    unsubscribe_button: "Unsubscribe",
    unsubscribed: "You have been unsubscribed. You will no longer receive our newsletter.",
    privacy_note: "We keep only your email address (and your first name if you fill it in) to send you the newsletter.",
    footer_link: "Newsletter",
};

crate::i18n::text_by_locale!(NewsletterText);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Locale;

    #[test]
    fn english_next_to_dutch() {
        crate::i18n::assert_translated(&NL, &EN);
        assert_eq!(text_in(Locale::En).title, "Newsletter");
    }
}
