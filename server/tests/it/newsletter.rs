//! The newsletter over HTTP, on SQLite and MariaDB: double opt-in through
//! the link in the mail, refused tampered and expired links, one-click
//! unsubscribe (RFC 8058), the same answer for known and unknown
//! addresses, and removal of subscriptions never confirmed.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{Backend, TestApp};
use app::customer::{CustomerKind, NewsletterState};
use app::ssr::entities::{customer, erasure};
use app::ssr::services::newsletter;
use axum::http::{header, Request, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use tower::ServiceExt;

on_both_databases!(
    subscribe_confirm_through_the_mailed_link,
    tampered_and_expired_links_are_refused,
    unsubscribe_by_page_and_by_one_click,
    known_and_unknown_addresses_get_the_same_answer,
    unconfirmed_subscriptions_are_removed_after_a_week,
    the_newsletter_box_of_an_account_asks_for_confirmation,
    the_newsletter_box_at_checkout_asks_for_confirmation,
);

/// The link after `marker` in a mail (8bit text, one link per line).
fn link(mail: &str, marker: &str) -> String {
    let start = mail
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {mail}"));
    let rest = &mail[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>')
        .unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// The path and query of a mailed link (the tests talk to the router).
fn local(url: &str) -> String {
    url.strip_prefix("https://winkel.example")
        .unwrap()
        .to_owned()
}

fn token(url: &str) -> String {
    url.split("t=").nth(1).unwrap().to_owned()
}

async fn subscriber(app: &TestApp, email: &str) -> Option<customer::Model> {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
}

async fn subscribe_confirm_through_the_mailed_link(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let page = client.get("/newsletter").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"email\""));

    let refused = client
        .call("newsletter_subscribe", &[("email", "sanne@")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("\"Email\""), "{}", refused.body);
    assert!(app.mails().await.is_empty());

    // Without JavaScript: the form posts, the page thanks.
    let sent = client
        .post_form(
            "newsletter_subscribe",
            "http://localhost/newsletter",
            &[("email", "Sanne@Example.nl"), ("first_name", "Sanne")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::FOUND, "{}", sent.body);
    assert_eq!(sent.location().as_deref(), Some("/newsletter?requested=1"));
    let thanks = client.get("/newsletter?requested=1").await;
    assert!(thanks.body.contains("we hebben je een e-mail gestuurd"));

    let pending = subscriber(&app, "sanne@example.nl").await.expect("stored");
    assert_eq!(
        (pending.kind, pending.newsletter),
        (CustomerKind::Prospect, NewsletterState::Pending)
    );
    assert_eq!(pending.first_name, "Sanne");
    assert_eq!(pending.newsletter_consent_at, None);
    // AVG-4: nothing but the address and the name given.
    assert_eq!(
        (
            pending.last_name.as_str(),
            pending.phone.as_str(),
            pending.street.as_str()
        ),
        ("", "", "")
    );

    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("To: sanne@example.nl"), "{mail}");
    assert!(mail.contains("List-Unsubscribe: <https://winkel.example/newsletter/unsubscribe?t="));
    assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    let confirm = link(mail, "https://winkel.example/newsletter/confirm?t=");
    // The address is not in the link.
    assert!(!confirm.contains("sanne"), "{confirm}");

    // Opening the link only shows the button: a mail scanner opening it
    // confirms nothing.
    let opened = client.get(&local(&confirm)).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.body.contains("Ja, ik wil de nieuwsbrief ontvangen"));
    assert_eq!(
        subscriber(&app, "sanne@example.nl")
            .await
            .unwrap()
            .newsletter,
        NewsletterState::Pending
    );
    let confirmed = client
        .post_form(
            "newsletter_confirm",
            &format!("http://localhost{}", local(&confirm)),
            &[("token", &token(&confirm))],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::FOUND, "{}", confirmed.body);
    assert_eq!(
        confirmed.location().as_deref(),
        Some("/newsletter?confirmed=1")
    );
    let done = subscriber(&app, "sanne@example.nl").await.unwrap();
    assert_eq!(done.newsletter, NewsletterState::Subscribed);
    let consent = done.newsletter_consent_at.expect("consent date");
    assert!((app::ssr::now_utc() - consent).num_seconds().abs() < 60);

    // Confirming again keeps the first consent date.
    let again = client
        .call("newsletter_confirm", &[("token", &token(&confirm))])
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        subscriber(&app, "sanne@example.nl")
            .await
            .unwrap()
            .newsletter_consent_at,
        Some(consent)
    );
    app.finish().await;
}

async fn tampered_and_expired_links_are_refused(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let res = client
        .call("newsletter_subscribe", &[("email", "piet@example.nl")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let confirm = link(
        &app.mails().await[0],
        "https://winkel.example/newsletter/confirm?t=",
    );
    let good = token(&confirm);
    let person = subscriber(&app, "piet@example.nl").await.unwrap();

    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let other_id = format!("confirm.{}.{}.{}", person.id + 1, parts[2], parts[3]);
    let later = format!(
        "confirm.{}.{}.{}",
        parts[1],
        parts[2].parse::<i64>().unwrap() + 3600,
        parts[3]
    );
    parts[3] = parts[3].chars().rev().collect();
    let forged = parts.join(".");
    let unsubscribe_as_confirm = good.replacen("confirm", "unsubscribe", 1);
    for bad in [
        forged.as_str(),
        other_id.as_str(),
        later.as_str(),
        unsubscribe_as_confirm.as_str(),
        "",
        "rommel",
    ] {
        let refused = client.call("newsletter_confirm", &[("token", bad)]).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            refused.body
        );
        assert!(refused.body.contains("InvalidLink"), "{}", refused.body);
    }
    // The page of a bad link says so clearly, and offers no button.
    let page = client.get(&format!("/newsletter/confirm?t={forged}")).await;
    assert!(
        page.body.contains("Deze link klopt niet of is verlopen"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Ja, ik wil de nieuwsbrief ontvangen"));

    // An expired link: signed eight days ago.
    let secret = newsletter::link_secret(&app.db, None).await.unwrap();
    let old = newsletter::sign(
        &secret,
        app::newsletter::rules::LinkPurpose::Confirm,
        &person,
        app::ssr::now_utc() - chrono::Duration::days(8),
    )
    .unwrap();
    let expired = client.call("newsletter_confirm", &[("token", &old)]).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    // A link to an address that is no longer the customer's.
    let mut moved: customer::ActiveModel = person.clone().into();
    moved.email = Set("piet.nieuw@example.nl".into());
    moved.update(&app.db).await.unwrap();
    let stale = client.call("newsletter_confirm", &[("token", &good)]).await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        customer::Entity::find_by_id(person.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .newsletter,
        NewsletterState::Pending
    );
    app.finish().await;
}

async fn one_click(app: &TestApp, url: &str) -> (StatusCode, String) {
    let res = app
        .router
        .clone()
        .oneshot(
            Request::post(local(url))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("List-Unsubscribe=One-Click"))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn unsubscribe_by_page_and_by_one_click(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    for email in ["kees@example.nl", "lotte@example.nl"] {
        let res = client
            .call("newsletter_subscribe", &[("email", email)])
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let mails = app.mails().await;
    let unsubscribe = |i: usize| {
        link(
            &mails[i],
            "https://winkel.example/newsletter/unsubscribe?t=",
        )
    };

    // By the page: the link shows a button, the button unsubscribes. A
    // newsletter-only prospect has no reason to be kept: erased.
    let kees = subscriber(&app, "kees@example.nl").await.unwrap();
    let page = client.get(&local(&unsubscribe(0))).await;
    assert!(page.body.contains("Afmelden"), "{}", page.body);
    assert!(
        subscriber(&app, "kees@example.nl").await.is_some(),
        "GET changes nothing"
    );
    let res = client
        .call(
            "newsletter_unsubscribe",
            &[("token", &token(&unsubscribe(0)))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(subscriber(&app, "kees@example.nl").await.is_none());
    assert_eq!(
        erasure::Entity::find()
            .filter(erasure::Column::CustomerId.eq(kees.id))
            .count(&app.db)
            .await
            .unwrap(),
        1,
        "a tombstone, so a restored backup does not bring it back"
    );

    // One click (RFC 8058), for a customer who also asked a question: the
    // record stays, the subscription and its consent go.
    let lotte = subscriber(&app, "lotte@example.nl").await.unwrap();
    app::ssr::entities::question::Entity::insert(app::ssr::entities::question::ActiveModel {
        customer_id: Set(lotte.id),
        body: Set("Een vraag".into()),
        status: Set(app::contact::rules::QuestionStatus::Open),
        answer: Set(None),
        created_at: Set(app::ssr::now_utc()),
        answered_at: Set(None),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    let (status, body) = one_click(&app, &unsubscribe(1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let lotte = subscriber(&app, "lotte@example.nl").await.expect("kept");
    assert_eq!(
        (lotte.newsletter, lotte.newsletter_consent_at),
        (NewsletterState::None, None)
    );
    let (status, _) = one_click(
        &app,
        "https://winkel.example/newsletter/unsubscribe?t=unsubscribe.1.1.xyz",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.finish().await;
}

async fn known_and_unknown_addresses_get_the_same_answer(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let registered = client
        .call(
            "register",
            &[
                ("email", "marieke@example.nl"),
                ("first_name", "Marieke"),
                ("last_name", "Bakkerus"),
                ("street", "Lindengracht"),
                ("house_number", "77"),
                ("postcode", "1015KK"),
                ("city", "Amsterdam"),
                ("country", "NL"),
                ("phone", "020-5551234"),
                ("password", "vier koeien in de wei"),
            ],
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let customers_before = customer::Entity::find().count(&app.db).await.unwrap();

    let known = client
        .call("newsletter_subscribe", &[("email", "marieke@example.nl")])
        .await;
    let unknown = client
        .call("newsletter_subscribe", &[("email", "onbekend@example.nl")])
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    assert_eq!(known.location(), unknown.location());
    let known_page = client
        .post_form(
            "newsletter_subscribe",
            "http://localhost/newsletter",
            &[("email", "marieke@example.nl")],
        )
        .await;
    let unknown_page = client
        .post_form(
            "newsletter_subscribe",
            "http://localhost/newsletter",
            &[("email", "nog-een@example.nl")],
        )
        .await;
    assert_eq!(known_page.status, unknown_page.status);
    assert_eq!(known_page.location(), unknown_page.location());

    // The known address got the subscription on its own record.
    let marieke = customer::Entity::find()
        .filter(customer::Column::Email.eq("marieke@example.nl"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(marieke.len(), 1, "no second record for a known address");
    assert_eq!(marieke[0].newsletter, NewsletterState::Pending);
    assert_eq!(marieke[0].kind, CustomerKind::Customer);
    assert_eq!(
        customer::Entity::find().count(&app.db).await.unwrap(),
        customers_before + 2
    );
    // The welcome mail of the registration, and one confirmation per
    // subscription, known address or not.
    assert_eq!(app.mails().await.len(), 5);
    app.finish().await;
}

async fn unconfirmed_subscriptions_are_removed_after_a_week(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    for email in ["oud@example.nl", "nieuw@example.nl", "bevestigd@example.nl"] {
        let res = client
            .call("newsletter_subscribe", &[("email", email)])
            .await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let confirm = link(
        &app.mails().await[2],
        "https://winkel.example/newsletter/confirm?t=",
    );
    assert!(client
        .call("newsletter_confirm", &[("token", &token(&confirm))])
        .await
        .status
        .is_success());
    // "oud" and "bevestigd" subscribed eight days ago.
    let eight_days_ago = app::ssr::now_utc() - chrono::Duration::days(8);
    for email in ["oud@example.nl", "bevestigd@example.nl"] {
        let mut row: customer::ActiveModel = subscriber(&app, email).await.unwrap().into();
        row.created_at = Set(eight_days_ago);
        row.update(&app.db).await.unwrap();
    }
    let purged = newsletter::purge_unconfirmed(&app.db, app::ssr::now_utc())
        .await
        .unwrap();
    assert_eq!(
        purged,
        newsletter::Purged {
            erased: 1,
            reset: 0
        }
    );
    assert!(subscriber(&app, "oud@example.nl").await.is_none());
    assert_eq!(
        subscriber(&app, "nieuw@example.nl")
            .await
            .unwrap()
            .newsletter,
        NewsletterState::Pending
    );
    assert_eq!(
        subscriber(&app, "bevestigd@example.nl")
            .await
            .unwrap()
            .newsletter,
        NewsletterState::Subscribed
    );
    // Running it again removes nothing more.
    assert_eq!(
        newsletter::purge_unconfirmed(&app.db, app::ssr::now_utc())
            .await
            .unwrap(),
        newsletter::Purged::default()
    );
    app.finish().await;
}

async fn the_newsletter_box_of_an_account_asks_for_confirmation(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let person = [
        ("email", "fenna@example.nl"),
        ("first_name", "Fenna"),
        ("last_name", "Visser"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
    ];
    let mut form = person.to_vec();
    form.extend([("password", "vier koeien in de wei"), ("newsletter", "on")]);
    let res = client.call("register", &form).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        subscriber(&app, "fenna@example.nl")
            .await
            .unwrap()
            .newsletter,
        NewsletterState::Pending
    );
    let welcome = app.mails().await;
    assert_eq!(welcome.len(), 1, "one mail: the welcome");
    assert!(
        welcome[0].contains("/newsletter/confirm?t="),
        "with the confirmation link: {}",
        welcome[0]
    );
    // Registering the same address again says the same and sends one mail
    // too: a notice to the account, with no confirmation link.
    let again = client.call("register", &form).await;
    assert_eq!(again.status, StatusCode::OK);
    let mails = app.mails().await;
    assert_eq!(mails.len(), 2);
    assert!(mails[1].contains("er is al een account"), "{}", mails[1]);
    assert!(!mails[1].contains("/newsletter/confirm"), "{}", mails[1]);

    let login = client
        .call(
            "login",
            &[
                ("email", "fenna@example.nl"),
                ("password", "vier koeien in de wei"),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    // Unticked: no subscription, no mail; ticked again: a new confirmation.
    let off = client.call("update_profile", &person).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(off.json()["newsletter"], "none");
    let mut on = person.to_vec();
    on.push(("newsletter", "on"));
    let res = client.call("update_profile", &on).await;
    assert_eq!(res.json()["newsletter"], "pending");
    let mails = app.mails().await;
    assert_eq!(mails.len(), 3);
    let confirm = link(&mails[2], "https://winkel.example/newsletter/confirm?t=");
    let res = client
        .call("newsletter_confirm", &[("token", &token(&confirm))])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let fenna = subscriber(&app, "fenna@example.nl").await.unwrap();
    assert_eq!(fenna.newsletter, NewsletterState::Subscribed);
    assert!(fenna.newsletter_consent_at.is_some());
    // Saving the profile again keeps the subscription and sends nothing.
    let res = client.call("update_profile", &on).await;
    assert_eq!(res.json()["newsletter"], "subscribed");
    assert_eq!(app.mails().await.len(), 3);
    app.finish().await;
}

/// A guest who ticks the box at the checkout gets the same double opt-in
/// mail as the newsletter form; one who does not gets none.
async fn the_newsletter_box_at_checkout_asks_for_confirmation(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let order = |email: &'static str, newsletter: &'static str| {
        let mut client = app.client();
        async move {
            let product = client
                .call("get_product", &[("slug", "espressobonen-amsterdam")])
                .await
                .json()["id"]
                .as_i64()
                .unwrap()
                .to_string();
            let added = client
                .call(
                    "add_to_cart",
                    &[("product_id", &product), ("quantity", "1")],
                )
                .await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.body);
            let mut form = vec![
                ("email", email),
                ("first_name", "Sanne"),
                ("last_name", "de Boer"),
                ("gender", "f"),
                ("street", "Oudegracht"),
                ("house_number", "5"),
                ("postcode", "3511AB"),
                ("city", "Utrecht"),
                ("country", "NL"),
                ("phone", "030-5551234"),
                ("delivery_method", "shipping"),
                ("payment_method", "bank_transfer"),
            ];
            if !newsletter.is_empty() {
                form.push(("newsletter", newsletter));
            }
            let placed = client.call("place_order", &form).await;
            assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
        }
    };
    let confirmations = async || {
        app.mails()
            .await
            .into_iter()
            .filter(|m| m.contains("/newsletter/confirm?t="))
            .collect::<Vec<_>>()
    };

    order("zonder@example.nl", "").await;
    assert!(confirmations().await.is_empty(), "no box ticked, no mail");
    assert_eq!(
        subscriber(&app, "zonder@example.nl")
            .await
            .unwrap()
            .newsletter,
        NewsletterState::None
    );

    order("sanne@example.nl", "on").await;
    assert_eq!(
        subscriber(&app, "sanne@example.nl")
            .await
            .unwrap()
            .newsletter,
        NewsletterState::Pending
    );
    let mails = confirmations().await;
    assert_eq!(mails.len(), 1, "the confirmation mail");
    assert!(mails[0].contains("sanne@example.nl"));
    let confirm = link(&mails[0], "https://winkel.example/newsletter/confirm?t=");
    let res = app
        .client()
        .call("newsletter_confirm", &[("token", &token(&confirm))])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let sanne = subscriber(&app, "sanne@example.nl").await.unwrap();
    assert_eq!(sanne.newsletter, NewsletterState::Subscribed);
    assert!(sanne.newsletter_consent_at.is_some());
    app.finish().await;
}
