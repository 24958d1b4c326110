//! AVG-19 over HTTP, on SQLite and MariaDB: a visitor may send only so many
//! forms of one kind per window; the next one is refused with 429 and a
//! Dutch sentence saying when to try again, and nothing of it is stored.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{call_from, registration, Backend, Client, TestApp};
use app::ssr::entities::customer;
use axum::http::{header, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};

on_both_databases!(
    forms_beyond_the_limit_are_refused_per_visitor_and_kind,
    a_refused_form_without_javascript_returns_to_the_form_with_the_reason,
);

const LIMIT: usize = 3;

async fn limited_shop(backend: Backend) -> Option<TestApp> {
    TestApp::start_with(backend, |config| config.form_limit = LIMIT).await
}

async fn customers(app: &TestApp) -> u64 {
    customer::Entity::find().count(&app.db).await.unwrap()
}

async fn forms_beyond_the_limit_are_refused_per_visitor_and_kind(backend: Backend) {
    let Some(app) = limited_shop(backend).await else {
        return;
    };
    let mut bot = app.client();
    let here = "203.0.113.5:40000";
    let before = customers(&app).await;
    for n in 0..LIMIT {
        let email = format!("bot{n}@example.nl");
        let res = bot
            .send(call_from(
                here,
                "register",
                &registration(&email),
                "application/json",
            ))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let refused = bot
        .send(call_from(
            here,
            "register",
            &registration("bot-te-veel@example.nl"),
            "application/json",
        ))
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let error: app::error::AppError = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(
        error.user_message(),
        "Je hebt dit formulier te vaak kort na elkaar verstuurd. Probeer het over 10 minuten opnieuw."
    );
    assert_eq!(
        customers(&app).await,
        before + LIMIT as u64,
        "the refused form was stored"
    );

    // Another port of the same address is the same visitor.
    let same = bot
        .send(call_from(
            "203.0.113.5:40001",
            "register",
            &registration("ander-poort@example.nl"),
            "application/json",
        ))
        .await;
    assert_eq!(same.status, StatusCode::TOO_MANY_REQUESTS);

    // Another form kind, another visitor: each has its own count.
    let login = [
        ("email", "bot0@example.nl"),
        ("password", "niet het wachtwoord"),
    ];
    let res = bot
        .send(call_from(here, "login", &login, "application/json"))
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let neighbour = bot
        .send(call_from(
            "[2001:db8::7]:443",
            "register",
            &registration("buur@example.nl"),
            "application/json",
        ))
        .await;
    assert_eq!(neighbour.status, StatusCode::OK, "{}", neighbour.body);

    // A session gives no fresh quota: the visitor is still counted under
    // their address (AVG-19 against a fresh session per request).
    let mut shopper = app.client();
    let product = shopper
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json();
    let id = product["id"].to_string();
    assert_eq!(
        shopper
            .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
            .await
            .status,
        StatusCode::OK
    );
    let cookie = shopper.cookie.clone().expect("a session");
    let mut with_session = call_from(
        here,
        "register",
        &registration("sessie@example.nl"),
        "application/json",
    );
    with_session
        .headers_mut()
        .insert(header::COOKIE, cookie.parse().unwrap());
    let res = shopper.send(with_session).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    app.finish().await;
}

async fn a_refused_form_without_javascript_returns_to_the_form_with_the_reason(backend: Backend) {
    let Some(app) = limited_shop(backend).await else {
        return;
    };
    let mut browser: Client = app.client();
    let here = "198.51.100.20:5000";
    let login = [("email", "iemand@example.nl"), ("password", "fout")];
    for _ in 0..LIMIT {
        browser
            .send(call_from(here, "login", &login, "text/html"))
            .await;
    }
    let res = browser
        .send(call_from(here, "login", &login, "text/html"))
        .await;
    // Back to the form (no JavaScript: a redirect), the reason in the URL.
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    let back = res.location().expect("a redirect");
    assert!(back.contains("/login"), "{back}");
    let page = browser
        .get(&back.replace("http://winkel.example", ""))
        .await;
    assert!(
        page.body.contains("Probeer het over 10 minuten opnieuw."),
        "the reason is not shown with the form"
    );
    app.finish().await;
}
