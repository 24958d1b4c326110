//! Screen text of the privacy request pages (`/privacy/request`) and of
//! the account's offer of the same link, in Dutch and English.

#[cfg_attr(test, derive(serde::Serialize))]
pub struct RequestText {
    pub title: &'static str,
    pub intro: &'static str,
    pub button: &'static str,
    /// The one answer, whatever the address.
    pub sent: &'static str,
    pub confirm_title: &'static str,
    pub holdings_intro: &'static str,
    pub records: &'static str,
    pub account: &'static str,
    pub orders: &'static str,
    pub bookings: &'static str,
    pub questions: &'static str,
    pub newsletter: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub download_title: &'static str,
    pub download_hint: &'static str,
    pub download_button: &'static str,
    pub erase_title: &'static str,
    pub erase_warning: &'static str,
    pub erase_confirm: &'static str,
    pub erase_button: &'static str,
    pub erased_title: &'static str,
    pub erased_body: &'static str,
    pub ask_again: &'static str,
    /// The privacy statement's link to the form.
    pub statement_link: &'static str,
    /// Under "Mijn account" and "Verwijder mijn account": the records with
    /// the account's address that are not the account.
    pub account_hint: &'static str,
    pub account_button: &'static str,
    pub account_sent: &'static str,
}

pub const NL: RequestText = RequestText {
    title: "Je gegevens inzien of laten verwijderen",
    intro: "Bestelde je zonder account, stelde je een vraag of meld je je aan voor de nieuwsbrief? Vul je e-mailadres in. Als we gegevens bij dit adres hebben, sturen we je een link waarmee je ziet wat we bewaren, alles downloadt of alles laat verwijderen.",
    button: "Stuur mij de link",
    sent: "Als we gegevens bij dit adres hebben, hebben we je een e-mail met een link gestuurd. De link is 1 uur geldig. Geen e-mail? Kijk ook bij je ongewenste mail.",
    confirm_title: "Je gegevens bij ons",
    holdings_intro: "Dit bewaren we bij je e-mailadres:",
    records: "Klantgegevens",
    account: "Account",
    orders: "Bestellingen",
    bookings: "Boekingen",
    questions: "Vragen",
    newsletter: "Nieuwsbrief",
    yes: "ja",
    no: "nee",
    download_title: "Downloaden",
    download_hint: "Alles wat we bij dit adres bewaren, in één JSON-bestand (hetzelfde formaat als de download onder “Mijn account”). Je kunt dit zo vaak doen als je wilt zolang de link geldig is.",
    download_button: "Download mijn gegevens",
    erase_title: "Alles verwijderen",
    erase_warning: "Je klantgegevens, je vragen, je aanmelding voor de nieuwsbrief en een eventueel account worden verwijderd; je bestellingen en boekingen worden geanonimiseerd. Facturen bewaren we zolang de belastingwet dat vraagt. Dit kan niet ongedaan worden gemaakt, en de link werkt daarna niet meer.",
    erase_confirm: "Ja, verwijder al mijn gegevens bij dit e-mailadres",
    erase_button: "Verwijder alles",
    erased_title: "Je gegevens zijn verwijderd",
    erased_body: "We bewaren niets meer dat bij je e-mailadres hoort. Je bestellingen en boekingen zijn geanonimiseerd.",
    ask_again: "Vraag een nieuwe link aan",
    statement_link: "Gegevens inzien of verwijderen zonder account",
    account_hint: "Bestelde je eerder zonder account met dit e-mailadres, of stelde je een vraag zonder in te loggen? Die gegevens staan los van je account. Vraag een link per e-mail om ook die te zien, te downloaden of te laten verwijderen.",
    account_button: "Stuur mij de link",
    account_sent: "We hebben een link naar je e-mailadres gestuurd. De link is 1 uur geldig.",
};

pub const EN: RequestText = RequestText {
    title: "See or delete your data",
    intro: "Did you order without an account, ask a question or sign up for the newsletter? Enter your email address. If we hold data under this address, we send you a link to see what we keep, download all of it or have all of it deleted.",
    button: "Send me the link",
    sent: "If we hold data under this address, we have sent you an email with a link. The link is valid for 1 hour. No email? Check your spam folder too.",
    confirm_title: "Your data at our shop",
    holdings_intro: "This is what we keep under your email address:",
    records: "Customer records",
    account: "Account",
    orders: "Orders",
    bookings: "Bookings",
    questions: "Questions",
    newsletter: "Newsletter",
    yes: "yes",
    no: "no",
    download_title: "Download",
    download_hint: "Everything we keep under this address, in one JSON file (the same format as the download under “My account”). You can do this as often as you like while the link is valid.",
    download_button: "Download my data",
    erase_title: "Delete everything",
    erase_warning: "Your customer details, your questions, your newsletter subscription and any account are deleted; your orders and bookings are anonymised. We keep invoices as long as tax law requires. This cannot be undone, and the link no longer works afterwards.",
    erase_confirm: "Yes, delete all my data under this email address",
    erase_button: "Delete everything",
    erased_title: "Your data has been deleted",
    erased_body: "We no longer keep anything that belongs to your email address. Your orders and bookings have been anonymised.",
    ask_again: "Ask for a new link",
    statement_link: "See or delete your data without an account",
    account_hint: "Did you order with this email address before you had an account, or ask a question without logging in? That data is kept apart from your account. Ask for a link by email to see, download or delete it too.",
    account_button: "Send me the link",
    account_sent: "We have sent a link to your email address. The link is valid for 1 hour.",
};

crate::i18n::text_by_locale!(RequestText);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::Locale;

    #[test]
    fn english_next_to_dutch() {
        crate::i18n::assert_translated(&NL, &EN);
        assert_eq!(text_in(Locale::En).button, "Send me the link");
    }
}
