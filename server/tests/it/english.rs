//! Issue 16, English next to Dutch: the account, contact, newsletter and
//! privacy pages under `/en` speak English, and a form refused without
//! JavaScript comes back in the language of the page it was posted from.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, Backend, TestApp};
use app::locale::Locale;
use app::ssr::entities::customer;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    the_visitor_pages_speak_english_under_en,
    a_refused_form_answers_in_the_pages_language,
    my_account_in_english,
);

/// A page, a text only its English version shows, and one only its
/// Dutch version shows.
const PAGES: [(&str, &str, &str); 5] = [
    ("/login", "No account yet? Create one", "Nog geen account?"),
    ("/register", "Create an account", "Account aanmaken"),
    ("/contact", "Send your question", "Verstuur je vraag"),
    (
        "/newsletter",
        "Get our news by email",
        "Ontvang af en toe ons nieuws",
    ),
    (
        "/privacy",
        "Privacy statement of ",
        "Privacyverklaring van ",
    ),
];

async fn the_visitor_pages_speak_english_under_en(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    for (path, english, dutch) in PAGES {
        let en = client.get(&Locale::En.href(path)).await;
        assert_eq!(en.status, StatusCode::OK, "/en{path}");
        assert!(en.body.contains("<html lang=\"en\""), "/en{path}");
        assert!(en.body.contains(english), "/en{path}: {english}");
        assert!(!en.body.contains(dutch), "/en{path} says {dutch}");

        let nl = client.get(path).await;
        assert_eq!(nl.status, StatusCode::OK, "{path}");
        assert!(nl.body.contains("<html lang=\"nl\""), "{path}");
        assert!(nl.body.contains(dutch), "{path}: {dutch}");
        assert!(!nl.body.contains(english), "{path} says {english}");
    }

    // The privacy statement in full, made from the settings.
    let privacy = client.get("/en/privacy").await.body;
    for english in [
        "What we keep",
        "What we never ask for or keep",
        "less than 7 years ago",
        "Your rights",
    ] {
        assert!(privacy.contains(english), "/en/privacy: {english}");
    }
    for dutch in [
        "Wat we bewaren",
        "Hoe lang",
        " jaar ",
        "Je rechten",
        "Vragen?",
    ] {
        assert!(!privacy.contains(dutch), "/en/privacy says {dutch}");
    }
    // Links on English pages stay English; the export stays a server route.
    let contact = client.get("/en/contact").await.body;
    assert!(contact.contains("href=\"/en/privacy\""), "{contact}");
    let login = client.get("/en/login").await.body;
    assert!(login.contains("href=\"/en/register\""), "{login}");
    let login = client.get("/login").await.body;
    assert!(login.contains("href=\"/register\""), "{login}");
    app.finish().await;
}

/// The page a no-JavaScript form post was sent back to, as a path.
fn back_path(res: &common::Response) -> String {
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    let back = res.location().expect("back to the form");
    back.strip_prefix("http://localhost")
        .unwrap_or(&back)
        .to_owned()
}

/// Whether the page shows the English sentence for a refused email
/// address (its wording is `i18n::field_message`'s).
fn says_invalid_email_in_english(body: &str) -> bool {
    let body = body.to_lowercase();
    body.contains("valid email") || body.contains("valid e-mail")
}

const DUTCH_EMAIL_MESSAGE: &str = "Vul een geldig e-mailadres in";

async fn a_refused_form_answers_in_the_pages_language(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let bad_question = [
        ("first_name", "Joris"),
        ("last_name", "Hendriks"),
        ("email", "geen-adres"),
        ("question", "Is de plaid er ook in het groen?"),
    ];
    let bad_registration = common::registration("geen-adres");

    for (endpoint, page, form) in [
        ("send_question", "/contact", &bad_question[..]),
        ("register", "/register", &bad_registration[..]),
    ] {
        // From the English page: back to it, in English.
        let refused = client
            .post_form(endpoint, &format!("http://localhost/en{page}"), form)
            .await;
        let back = back_path(&refused);
        assert!(
            back.starts_with(&format!("/en{page}?")) && back.contains("__err="),
            "{back}"
        );
        let shown = client.get(&back).await;
        assert!(shown.body.contains("<html lang=\"en\""), "{back}");
        assert!(
            says_invalid_email_in_english(&shown.body),
            "English field message on {back}"
        );
        assert!(!shown.body.contains(DUTCH_EMAIL_MESSAGE), "{back}");

        // From the Dutch page: in Dutch, as before.
        let refused = client
            .post_form(endpoint, &format!("http://localhost{page}"), form)
            .await;
        let back = back_path(&refused);
        assert!(back.starts_with(&format!("{page}?")), "{back}");
        let shown = client.get(&back).await;
        assert!(shown.body.contains(DUTCH_EMAIL_MESSAGE), "{back}");
        assert!(!says_invalid_email_in_english(&shown.body), "{back}");
    }

    // Accepted from the English page: thanked in English.
    let sent = client
        .post_form(
            "send_question",
            "http://localhost/en/contact",
            &[
                ("first_name", "Joris"),
                ("last_name", "Hendriks"),
                ("email", "joris@example.nl"),
                ("question", "Is the throw available in green?"),
            ],
        )
        .await;
    assert_eq!(back_path(&sent), "/en/contact?sent=1");
    let thanks = client.get("/en/contact?sent=1").await.body;
    assert!(thanks.contains("Thank you for your question"), "{thanks}");
    assert!(!thanks.contains("Bedankt"));
    app.finish().await;
}

async fn my_account_in_english(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let registration = common::registration("emma@example.nl");
    let password = registration
        .iter()
        .find(|(name, _)| *name == "password")
        .map(|(_, value)| *value)
        .expect("a password");
    let res = client.call("register", &registration).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = client
        .call(
            "login",
            &[("email", "emma@example.nl"), ("password", password)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let page = client.get("/en/account").await;
    assert_eq!(page.status, StatusCode::OK);
    // The day the account was made, in the shop's time.
    let account = customer::Entity::find()
        .filter(customer::Column::Email.eq("emma@example.nl"))
        .one(&app.db)
        .await
        .expect("q")
        .expect("the account");
    let since = app::clock::shop_today(account.created_at);
    for english in [
        "My account",
        "Account since",
        app::locale::date_in(Locale::En, since).as_str(),
        "Download my data",
        "download=\"my-data.json\"",
        "href=\"/account/export\"",
        "href=\"/en/account/delete\"",
    ] {
        assert!(page.body.contains(english), "/en/account: {english}");
    }
    for dutch in [
        "Mijn gegevens",
        "Account sinds",
        "Uitloggen",
        "mijn-gegevens.json",
    ] {
        assert!(!page.body.contains(dutch), "/en/account says {dutch}");
    }
    let dutch = client.get("/account").await.body;
    assert!(dutch.contains(&app::locale::date_in(Locale::Nl, since)));
    assert!(dutch.contains("download=\"mijn-gegevens.json\""));
    app.finish().await;
}
