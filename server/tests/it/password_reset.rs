//! "Wachtwoord vergeten?" over HTTP, on SQLite and MariaDB (issue 20):
//! the mailed link sets a new password once, within the hour, and ends
//! every session; the answer never tells whether an address has an
//! account; the reset mails have a budget of their own.

use crate::common::{self, call_from, Backend, Client, TestApp};
use app::ssr::entities::{customer, session};
use app::ssr::services::{newsletter::link_secret, outbox, password_reset};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::time::Duration;

on_both_databases!(
    a_forgotten_password_is_reset_by_the_mailed_link,
    every_address_gets_the_same_answer,
    expired_tampered_and_used_links_are_refused,
    reset_mails_have_a_budget_nobody_else_can_use_up,
);

const PASSWORD: &str = "vier koeien in de wei";
const NEW_PASSWORD: &str = "zes eenden op een rij";
const LINK: &str = "/account/password/reset?t=";

async fn register(app: &TestApp, email: &str) {
    let res = app
        .client()
        .call("register", &common::registration(email))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

async fn login(client: &mut Client, email: &str, password: &str) -> StatusCode {
    client
        .call("login", &[("email", email), ("password", password)])
        .await
        .status
}

async fn ask(client: &mut Client, email: &str) -> common::Response {
    client
        .call("request_password_reset", &[("email", email)])
        .await
}

async fn reset_mails(app: &TestApp, to: &str, expected: usize) -> Vec<String> {
    common::mails_with_link(app, to, LINK, expected).await
}

fn token_in(mail: &str) -> String {
    common::token_after(mail, LINK)
}

async fn account(app: &TestApp, email: &str) -> customer::Model {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .filter(customer::Column::PasswordHash.is_not_null())
        .one(&app.db)
        .await
        .expect("query")
        .expect("the account")
}

async fn reset(client: &mut Client, token: &str, password: &str) -> common::Response {
    client
        .call(
            "reset_password",
            &[("token", token), ("password", password)],
        )
        .await
}

async fn a_forgotten_password_is_reset_by_the_mailed_link(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let email = "marieke@example.nl";
    register(&app, email).await;
    // Logged in on two devices.
    let (mut phone, mut laptop) = (app.client(), app.client());
    assert_eq!(login(&mut phone, email, PASSWORD).await, StatusCode::OK);
    assert_eq!(login(&mut laptop, email, PASSWORD).await, StatusCode::OK);

    // The login page links to the reset page, in both languages.
    let mut visitor = app.client();
    let page = visitor.get("/login").await;
    assert!(page.body.contains("href=\"/account/password/forgot\""));
    assert!(page.body.contains("Wachtwoord vergeten?"));
    let page = visitor.get("/en/login").await;
    assert!(page.body.contains("href=\"/en/account/password/forgot\""));
    assert!(page.body.contains("Forgot your password?"));
    let page = visitor.get("/account/password/forgot").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"email\""));

    // Asked on the English page: the mail is English, its link too.
    let asked = visitor
        .post_form(
            "request_password_reset",
            "https://winkel.example/en/account/password/forgot",
            &[("email", "Marieke@Example.nl ")],
        )
        .await;
    assert!(asked.status.is_redirection(), "{}", asked.body);
    assert_eq!(
        asked.location().as_deref(),
        Some("/en/account/password/forgot?sent=1")
    );
    let sent = visitor.get("/en/account/password/forgot?sent=1").await;
    assert!(sent
        .body
        .contains("If there is an account with this email address"));
    let mails = reset_mails(&app, email, 1).await;
    assert_eq!(mails.len(), 1, "one reset mail");
    assert!(mails[0].contains("Subject: A new password for your account at"));
    assert!(mails[0].contains(&format!("https://winkel.example/en{LINK}")));
    let token = token_in(&mails[0]);
    assert!(
        !token.contains("marieke"),
        "the link does not hold the address"
    );

    let page = visitor.get(&format!("/en{LINK}{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"password\"") && page.body.contains(&token));

    // A weak password is refused and leaves the link usable.
    let weak = reset(&mut visitor, &token, "12345678").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.json()["Validation"][0]["field"], "password");
    let done = reset(&mut visitor, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // Logged in on the session the link was followed in ...
    assert_eq!(visitor.call("whoami", &[]).await.json(), "Marieke");
    // ... and nowhere else.
    for device in [&mut phone, &mut laptop] {
        assert_eq!(
            device.call("get_profile", &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let id = account(&app, email).await.id;
    let sessions = session::Entity::find()
        .filter(session::Column::CustomerId.eq(id))
        .count(&app.db)
        .await
        .expect("q");
    assert_eq!(sessions, 1, "only the new session is the account's");
    assert_eq!(
        login(&mut app.client(), email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    assert_eq!(
        login(&mut app.client(), email, NEW_PASSWORD).await,
        StatusCode::OK
    );

    // The link works once.
    let again = reset(&mut app.client(), &token, "nog een ander wachtwoord").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json(), Value::from("InvalidLink"));
    assert_eq!(
        login(&mut app.client(), email, NEW_PASSWORD).await,
        StatusCode::OK
    );
    app.finish().await;
}

async fn every_address_gets_the_same_answer(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let account = "marieke@example.nl";
    let guest = "gast@example.nl";
    let unknown = "niemand@example.nl";
    register(&app, account).await;
    // A guest: ordered without an account, so no password to reset.
    let mut shopper = app.client();
    let product = shopper
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json();
    let id = product["id"].to_string();
    shopper
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    let placed = shopper.call("place_order", &common::checkout(guest)).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);

    // The guest and the unknown address first: once the account's mail is
    // there, their requests have long been handled.
    let mut answers = Vec::new();
    for email in [guest, unknown, account] {
        answers.push(
            common::answers_to(
                &app,
                "request_password_reset",
                "https://winkel.example/account/password/forgot",
                email,
            )
            .await,
        );
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0].0, StatusCode::OK);

    assert_eq!(reset_mails(&app, account, 2).await.len(), 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    for other in [guest, unknown] {
        assert_eq!(
            reset_mails(&app, other, 0).await,
            Vec::<String>::new(),
            "no reset mail to {other}"
        );
    }

    // A malformed address is told so: that reveals nothing.
    let bad = ask(&mut app.client(), "geen adres").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["Validation"][0]["field"], "email");
    app.finish().await;
}

async fn expired_tampered_and_used_links_are_refused(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let email = "marieke@example.nl";
    register(&app, email).await;
    let row = account(&app, email).await;
    let secret = link_secret(&app.db, app.state.config.link_secret.as_deref())
        .await
        .expect("secret");
    let now = app::ssr::now_utc();
    let made = |minutes_ago: i64| {
        password_reset::sign(&secret, &row, now - chrono::Duration::minutes(minutes_ago))
            .expect("token")
    };
    let refused = |res: &common::Response| {
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        assert_eq!(res.json(), Value::from("InvalidLink"));
    };
    let mut client = app.client();

    // Older than an hour: dead.
    refused(&reset(&mut client, &made(61), NEW_PASSWORD).await);
    // Altered anywhere: another account, a later expiry, a changed
    // signature, another kind of link, nonsense.
    let good = made(59);
    let parts: Vec<&str> = good.splitn(4, '.').collect();
    let other_id = format!("reset.{}.{}.{}", row.id + 1, parts[2], parts[3]);
    let later = format!(
        "reset.{}.{}.{}",
        row.id,
        parts[2].parse::<i64>().unwrap() + 3600,
        parts[3]
    );
    let mut signature = parts[3].to_owned();
    let flipped = if signature.ends_with('A') { "B" } else { "A" };
    signature.replace_range(signature.len() - 1.., flipped);
    let resigned = format!("reset.{}.{}.{signature}", row.id, parts[2]);
    let as_email = good.replacen("reset.", "email.", 1);
    for token in [
        other_id.as_str(),
        later.as_str(),
        resigned.as_str(),
        as_email.as_str(),
        "reset",
        "",
        "reset.1.2.%%%",
    ] {
        refused(&reset(&mut client, token, NEW_PASSWORD).await);
    }
    // The message a visitor reads.
    let message =
        app::i18n::error_message_in(app::locale::Locale::Nl, &app::error::AppError::InvalidLink);
    assert!(
        message.contains("link") && message.contains("verlopen"),
        "{message}"
    );

    // Within the hour it works, once; a second link made before the reset
    // dies with it (the password it was made for is gone).
    let spare = made(30);
    let ok = reset(&mut client, &good, NEW_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    refused(&reset(&mut app.client(), &good, "nog een ander wachtwoord").await);
    refused(&reset(&mut app.client(), &spare, "nog een ander wachtwoord").await);

    // Two uses of one link at the same moment: one wins.
    let row = account(&app, email).await;
    let token = password_reset::sign(&secret, &row, app::ssr::now_utc()).expect("token");
    let (mut a, mut b) = (app.client(), app.client());
    let (first, second) = tokio::join!(
        reset(&mut a, &token, "een wachtwoord van a"),
        reset(&mut b, &token, "een wachtwoord van b"),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    app.finish().await;
}

async fn reset_mails_have_a_budget_nobody_else_can_use_up(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let email = "marieke@example.nl";
    register(&app, email).await;
    // Someone uses up the address's unsolicited mail (the welcome was the
    // first) with newsletter sign-ups ...
    for _ in 0..outbox::UNSOLICITED_PER_DAY + 2 {
        let res = app
            .client()
            .call("newsletter_subscribe", &[("email", email)])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let other: Vec<String> = app
        .mails()
        .await
        .into_iter()
        .filter(|m| m.contains(&format!("To: {email}")))
        .collect();
    assert_eq!(other.len(), outbox::UNSOLICITED_PER_DAY, "used up");
    // ... and then floods the reset form from many addresses at once, each
    // its own visitor with its own session.
    let requests: Vec<_> = (0..20)
        .map(|i| {
            let mut client = app.client();
            tokio::spawn(async move {
                client
                    .send(call_from(
                        &format!("192.0.2.{}:4000", i + 1),
                        "request_password_reset",
                        &[("email", email)],
                        "application/json",
                    ))
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.expect("request"));
    }
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let mails = reset_mails(&app, email, outbox::RESETS_PER_HOUR).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails_later = reset_mails(&app, email, 0).await;
    assert_eq!(
        (mails.len(), mails_later.len()),
        (outbox::RESETS_PER_HOUR, outbox::RESETS_PER_HOUR),
        "the reset budget holds, and the other mail did not use it up"
    );
    // The owner of the address still gets in with one of them.
    let token = token_in(mails.last().unwrap());
    let mut client = app.client();
    let ok = reset(&mut client, &token, NEW_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    app.finish().await;
}
