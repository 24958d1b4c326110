//! Screen text of "Mijn account", in Dutch and English.

use crate::locale::Locale;

#[cfg_attr(test, derive(serde::Serialize))]
pub struct AccountText {
    pub login_title: &'static str,
    pub login_button: &'static str,
    pub login_link: &'static str,
    pub registered_notice: &'static str,
    pub no_account_yet: &'static str,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub register_button: &'static str,
    pub account_title: &'static str,
    pub greeting: &'static str,
    pub profile_title: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub password_title: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_hint: &'static str,
    pub password_changed: &'static str,
    pub email_title: &'static str,
    pub new_email: &'static str,
    pub email_changed: &'static str,
    pub email_confirmed_notice: &'static str,
    pub confirm_email_title: &'static str,
    pub confirm_email_intro: &'static str,
    pub confirm_email_button: &'static str,
    pub orders_title: &'static str,
    pub no_orders: &'static str,
    pub order_items: &'static str,
    pub privacy_title: &'static str,
    pub export_link: &'static str,
    pub export_hint: &'static str,
    pub delete_link: &'static str,
    pub logout: &'static str,
    pub delete_title: &'static str,
    pub delete_warning: &'static str,
    pub delete_button: &'static str,
    pub deleted_title: &'static str,
    pub deleted_body: &'static str,
    pub account_since: &'static str,
    pub last_login: &'static str,
    pub newsletter_pending: &'static str,
    pub back_to_account: &'static str,
    pub please_log_in: &'static str,
    /// The name the browser gives the downloaded export.
    pub export_file_name: &'static str,
}

pub const NL: AccountText = AccountText {
    login_title: "Inloggen",
    login_button: "Inloggen",
    login_link: "Inloggen",
    registered_notice: "Je kunt nu inloggen met je e-mailadres en wachtwoord.",
    no_account_yet: "Nog geen account? Maak er een aan",
    register_title: "Account aanmaken",
    register_intro: "Een account is niet nodig om te bestellen. Met een account zie je je bestellingen terug en hoef je je gegevens niet steeds opnieuw in te vullen.",
    register_button: "Account aanmaken",
    account_title: "Mijn account",
    greeting: "Hallo",
    profile_title: "Mijn gegevens",
    save: "Opslaan",
    saved: "Je gegevens zijn opgeslagen.",
    password_title: "Wachtwoord wijzigen",
    current_password: "Huidig wachtwoord",
    new_password: "Nieuw wachtwoord",
    password_hint: "Minstens 8 tekens. Een zin van een paar woorden is sterk en goed te onthouden.",
    password_changed: "Je wachtwoord is gewijzigd.",
    email_title: "E-mailadres wijzigen",
    new_email: "Nieuw e-mailadres",
    email_changed: "We hebben een bevestigingslink naar je nieuwe e-mailadres gestuurd. Je adres verandert zodra je die link opent.",
    email_confirmed_notice: "Je e-mailadres is gewijzigd. Log in met je nieuwe adres.",
    confirm_email_title: "Nieuw e-mailadres bevestigen",
    confirm_email_intro: "Vul je nieuwe e-mailadres nog eens in om het te bevestigen. Daarna log je opnieuw in.",
    confirm_email_button: "Bevestigen",
    orders_title: "Mijn bestellingen",
    no_orders: "Je hebt nog niets besteld.",
    order_items: "artikelen",
    privacy_title: "Privacy",
    export_link: "Download mijn gegevens",
    export_hint: "Alles wat we over je bewaren, als JSON-bestand.",
    delete_link: "Verwijder mijn account",
    logout: "Uitloggen",
    delete_title: "Verwijder mijn account",
    delete_warning: "Al je gegevens worden verwijderd. Je bestellingen blijven voor onze boekhouding bewaard, maar zonder je naam, adres of andere gegevens die naar jou leiden. Dit kan niet ongedaan worden gemaakt.",
    delete_button: "Verwijder mijn account definitief",
    deleted_title: "Je account is verwijderd",
    deleted_body: "Al je gegevens zijn verwijderd en je bestellingen zijn geanonimiseerd. Bedankt voor je vertrouwen.",
    account_since: "Account sinds",
    last_login: "Laatst ingelogd",
    newsletter_pending: "Je aanmelding voor de nieuwsbrief wacht op je bevestiging per e-mail.",
    back_to_account: "Terug naar Mijn account",
    please_log_in: "Log in om je account te bekijken.",
    export_file_name: "mijn-gegevens.json",
};

pub const EN: AccountText = AccountText {
    login_title: "Log in",
    login_button: "Log in",
    login_link: "Log in",
    registered_notice: "You can now log in with your email address and password.",
    no_account_yet: "No account yet? Create one",
    register_title: "Create an account",
    register_intro: "You don't need an account to order. With an account you can see your orders again and you don't have to fill in your details every time.",
    register_button: "Create account",
    account_title: "My account",
    greeting: "Hello",
    profile_title: "My details",
    save: "Save",
    saved: "Your details have been saved.",
    password_title: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_hint: "At least 8 characters. A sentence of a few words is strong and easy to remember.",
    password_changed: "Your password has been changed.",
    email_title: "Change email address",
    new_email: "New email address",
    email_changed: "We have sent a confirmation link to your new email address. Your address changes as soon as you open that link.",
    email_confirmed_notice: "Your email address has been changed. Log in with your new address.",
    confirm_email_title: "Confirm your new email address",
    confirm_email_intro: "Enter your new email address once more to confirm it. After that, you log in again.",
    confirm_email_button: "Confirm",
    orders_title: "My orders",
    no_orders: "You haven't ordered anything yet.",
    order_items: "items",
    privacy_title: "Privacy",
    export_link: "Download my data",
    export_hint: "Everything we keep about you, as a JSON file.",
    delete_link: "Delete my account",
    logout: "Log out",
    delete_title: "Delete my account",
    delete_warning: "All your details will be deleted. Your orders are kept for our accounts, but without your name, address or any other details that lead to you. This cannot be undone.",
    delete_button: "Delete my account permanently",
    deleted_title: "Your account has been deleted",
    deleted_body: "All your details have been deleted and your orders have been anonymised. Thank you for your trust.",
    account_since: "Account since",
    last_login: "Last logged in",
    newsletter_pending: "Your newsletter subscription is waiting for you to confirm it by email.",
    back_to_account: "Back to My account",
    please_log_in: "Log in to see your account.",
    export_file_name: "my-data.json",
};

/// The text in the language of the page being rendered.
pub fn text() -> &'static AccountText {
    text_in(Locale::current())
}

pub fn text_in(locale: Locale) -> &'static AccountText {
    match locale {
        Locale::Nl => &NL,
        Locale::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_next_to_dutch() {
        crate::i18n::assert_translated(&NL, &EN);
        assert_eq!(text_in(Locale::Nl).account_title, "Mijn account");
        assert_eq!(text_in(Locale::En).account_title, "My account");
    }
}
