//! Issue 16 over HTTP, on SQLite and MariaDB: a visitor on an English page
//! gets English mail with links to the English pages, and the order,
//! booking or question records the language, so that a mail sent later
//! (staff's answer) is in it too. A Dutch page still gets Dutch mail.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, registration, Backend, TestApp};
use app::cms::rules::Right;
use app::locale::Locale;
use app::ssr::entities::{booking, customer, order, question};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

on_both_databases!(
    registering_on_an_english_page_sends_the_english_welcome,
    a_newsletter_sign_up_on_an_english_page_is_confirmed_in_english,
    a_question_is_answered_in_the_language_it_was_asked_in,
    a_booking_on_an_english_page_is_confirmed_in_english,
    an_order_records_the_language_of_its_checkout,
);

use crate::common::SITE;

/// The one mail sent to `to` so far.
async fn mail_to(app: &TestApp, to: &str) -> String {
    let mails: Vec<String> = app
        .mails()
        .await
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .collect();
    assert_eq!(mails.len(), 1, "{mails:?}");
    mails.into_iter().next().unwrap()
}

/// Words only a Dutch mail has.
fn assert_no_dutch(mail: &str) {
    for word in [
        "Hallo", " je ", "Je ", " jij", " het ", " deze ", "Bedankt", " uur",
    ] {
        assert!(!mail.contains(word), "Dutch {word:?} in:\n{mail}");
    }
}

async fn registering_on_an_english_page_sends_the_english_welcome(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let email = "marieke@example.nl";
    let res = common::call_on(
        &mut client,
        "/en/register",
        "register",
        &registration(email),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mail = mail_to(&app, email).await;
    assert!(mail.contains("Subject: Your account at "), "{mail}");
    assert!(
        mail.contains(&format!("You can now log in:\r\n{SITE}/en/login\r\n")),
        "{mail}"
    );
    assert_no_dutch(&mail);

    // The same address again, from a Dutch page: the Dutch notice.
    let res = common::call_on(&mut client, "/register", "register", &registration(email)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mails = app.mails().await;
    let notice = mails.last().unwrap();
    assert!(notice.contains("Subject: Aanmelding bij "), "{notice}");
    assert!(
        notice.contains(&format!("Log dan in:\r\n{SITE}/login\r\n")),
        "{notice}"
    );
    app.finish().await;
}

async fn a_newsletter_sign_up_on_an_english_page_is_confirmed_in_english(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let email = "sanne@example.nl";
    let res = common::call_on(
        &mut client,
        "/en/newsletter",
        "newsletter_subscribe",
        &[("email", email)],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mail = mail_to(&app, email).await;
    assert!(
        mail.contains("Subject: Confirm your subscription"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("{SITE}/en/newsletter/confirm?t=")),
        "{mail}"
    );
    assert!(
        mail.contains(&format!(
            "one click:\r\n{SITE}/en/newsletter/unsubscribe?t="
        )),
        "{mail}"
    );
    // The one-click POST goes to the server's route, which has no language.
    assert!(
        mail.contains(&format!(
            "List-Unsubscribe: <{SITE}/newsletter/unsubscribe?t="
        )),
        "{mail}"
    );
    assert_no_dutch(&mail);

    // The English confirmation link opens the English page, and confirms.
    let start = mail.find("/en/newsletter/confirm?t=").unwrap();
    let path = mail[start..].split_whitespace().next().unwrap();
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = path.split("t=").nth(1).unwrap();
    let res = common::call_on(&mut client, path, "newsletter_confirm", &[("token", token)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.finish().await;
}

async fn ask_on(app: &TestApp, page: &str, email: &'static str, question: &str) -> question::Model {
    let mut client = app.client();
    let form = [
        ("first_name", "Joris"),
        ("last_name", "Hendriks"),
        ("email", email),
        ("question", question),
    ];
    let res = common::call_on(&mut client, page, "send_question", &form).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    question::Entity::find()
        .order_by_desc(question::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the question")
}

async fn a_question_is_answered_in_the_language_it_was_asked_in(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let english = ask_on(
        &app,
        "/en/contact",
        "joris@example.co.uk",
        "Is the throw green?",
    )
    .await;
    assert_eq!(english.locale, Locale::En);
    let dutch = ask_on(&app, "/contact", "joris@example.nl", "Is de plaid groen?").await;
    assert_eq!(dutch.locale, Locale::Nl);

    let mut staff = common::staff_client(
        &app,
        "owner@example.nl",
        "een lang wachtwoord voor de balie",
        true,
        &[Right::CustomersView],
    )
    .await;
    let shown = staff
        .call("cms_question", &[("id", &english.id.to_string())])
        .await;
    assert_eq!(shown.json()["locale"], "en", "{}", shown.body);
    for (q, answer) in [(&english, "Yes, it is."), (&dutch, "Ja, hij is groen.")] {
        let res = staff
            .call(
                "cms_answer_question",
                &[("id", &q.id.to_string()), ("answer", answer)],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let mail = mail_to(&app, "joris@example.co.uk").await;
    assert!(
        mail.contains("Subject: The answer to your question to "),
        "{mail}"
    );
    assert!(
        mail.contains(
            "Dear Joris,\r\n\r\nYes, it is.\r\n\r\nYour question was:\r\n> Is the throw green?"
        ),
        "{mail}"
    );
    assert!(mail.contains("Kind regards,"), "{mail}");
    assert_no_dutch(&mail);
    let mail = mail_to(&app, "joris@example.nl").await;
    assert!(
        mail.contains("Subject: Antwoord op je vraag aan "),
        "{mail}"
    );
    assert!(
        mail.contains(
            "Beste Joris,\r\n\r\nJa, hij is groen.\r\n\r\nJe vraag was:\r\n> Is de plaid groen?"
        ),
        "{mail}"
    );
    app.finish().await;
}

async fn a_booking_on_an_english_page_is_confirmed_in_english(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let slug = "kookworkshop-pasta";
    let (slot, _) = crate::bookings::free_slots(&mut client, slug)
        .await
        .remove(0);
    let page = format!("/en/bookings/{slug}");
    let form = crate::bookings::form(slug, &slot, "2");
    let res = common::call_on(&mut client, &page, "book_slot", &form).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    let booked = booking::Entity::find()
        .filter(booking::Column::Token.eq(token.as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the booking");
    assert_eq!(booked.locale, Locale::En);

    let mail = mail_to(&app, crate::bookings::EMAIL).await;
    assert!(mail.contains("Subject: Your booking at "), "{mail}");
    assert!(
        mail.contains(&format!("{SITE}/en/bookings/confirmed/{token}")),
        "{mail}"
    );
    assert!(
        mail.contains(" at 19:00 (") && mail.contains("Places: 2"),
        "{mail}"
    );
    assert!(
        mail.contains("Total: €150.00") && mail.contains("Payment: Bank transfer"),
        "{mail}"
    );
    assert!(mail.contains(&format!("({SITE}/en/account)")), "{mail}");
    assert_no_dutch(&mail.replace("Kookworkshop pasta", ""));

    let mut staff = common::staff_client(
        &app,
        "owner@example.nl",
        "een lang wachtwoord voor de balie",
        true,
        &[],
    )
    .await;
    let shown = staff
        .call("cms_booking", &[("id", &booked.id.to_string())])
        .await;
    assert_eq!(shown.json()["locale"], "en", "{}", shown.body);
    app.finish().await;
}

async fn place_order_on(app: &TestApp, page: &str, email: &'static str) -> order::Model {
    let mut client = app.client();
    let product = client
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json();
    let id = product["id"].as_i64().expect("id").to_string();
    let added = client
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let placed = common::call_on(&mut client, page, "place_order", &common::checkout(email)).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let token = placed.json().as_str().expect("token").to_owned();
    order::Entity::find()
        .filter(order::Column::Token.eq(token.as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the order")
}

async fn an_order_records_the_language_of_its_checkout(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let english = place_order_on(&app, "/en/checkout", "anne@example.co.uk").await;
    assert_eq!(english.locale, Locale::En);
    let dutch = place_order_on(&app, "/checkout", "anne@example.nl").await;
    assert_eq!(dutch.locale, Locale::Nl);
    // The language is the order's: the customer record has none (AVG-4).
    let buyer = customer::Entity::find_by_id(english.customer_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(buyer.email, "anne@example.co.uk");

    let mut staff = common::staff_client(
        &app,
        "owner@example.nl",
        "een lang wachtwoord voor de balie",
        true,
        &[],
    )
    .await;
    let shown = staff
        .call("cms_order", &[("id", &english.id.to_string())])
        .await;
    assert_eq!(shown.json()["locale"], "en", "{}", shown.body);
    app.finish().await;
}
