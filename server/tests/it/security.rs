//! Hardening over HTTP, on SQLite and MariaDB: security headers and the CSP
//! nonce on every response (also from the page cache), cross-site writes
//! refused (CSRF), no server function reachable with GET.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{form, Backend, TestApp};
use app::ssr::entities::customer;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    every_response_carries_the_security_headers,
    cached_pages_get_the_nonce_of_their_own_response,
    cross_site_writes_are_refused_before_anything_happens,
    no_server_function_answers_get,
);

fn registration(email: &'static str) -> String {
    form(&[
        ("email", email),
        ("first_name", "Marieke"),
        ("last_name", "Bakkerus"),
        ("gender", "f"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
        ("password", "vier koeien in de wei"),
        ("form_started", &common::form_token(5)),
    ])
}

/// A registration as a browser posts it, with the given provenance headers.
fn register_request(email: &'static str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::post("/api/register")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "winkel.example");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::from(registration(email))).unwrap()
}

async fn customers_with(app: &TestApp, email: &str) -> u64 {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .count(&app.db)
        .await
        .unwrap()
}

fn header<'a>(res: &'a common::Response, name: &str) -> &'a str {
    res.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitor = app.client();
    let page = visitor.get("/products/espressobonen-amsterdam").await;
    let missing = visitor.get("/bestaat/echt/niet").await;
    let api = visitor.call("whoami", &[]).await;
    let health = visitor.get("/healthz").await;
    for (what, res) in [
        ("page", &page),
        ("404", &missing),
        ("server fn", &api),
        ("healthz", &health),
    ] {
        let policy = header(res, "content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'") && policy.contains("'nonce-"),
            "{what}: {policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{what}: {policy}");
        assert_eq!(header(res, "x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header(res, "referrer-policy"), "same-origin", "{what}");
        assert_eq!(header(res, "x-frame-options"), "DENY", "{what}");
        // Plain HTTP: no HSTS (it would pin a site that has no TLS).
        assert!(res.headers.get("strict-transport-security").is_none());
    }
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The hydration script carries the nonce of its own response, and each
    // response has a new one.
    let nonce = page.csp_nonce().expect("nonce in the policy");
    assert!(
        page.body
            .contains(&format!("<script type=\"module\" nonce=\"{nonce}\"")),
        "the hydration script lacks the nonce: {}",
        &page.body[..page.body.len().min(2000)]
    );
    // No inline script without it.
    for script in page.body.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")) || tag.contains("src="),
            "inline script without the nonce: <script{tag}>"
        );
    }
    let again = visitor.get("/products/espressobonen-amsterdam").await;
    assert_ne!(again.csp_nonce(), Some(nonce));
    app.finish().await;
}

async fn cached_pages_get_the_nonce_of_their_own_response(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut anonymous = app.client();
    let first = anonymous.get("/").await;
    let second = anonymous.get("/").await;
    assert_eq!(header(&second, "x-winkel-cache"), "hit");
    let (old, new) = (first.csp_nonce().unwrap(), second.csp_nonce().unwrap());
    assert_ne!(old, new, "a cached page repeats its nonce");
    assert!(second.body.contains(&format!("nonce=\"{new}\"")));
    assert!(!second.body.contains(&old));
    app.finish().await;
}

async fn cross_site_writes_are_refused_before_anything_happens(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut browser = app.client();

    // Another site's page posting to our server functions, told apart by
    // Fetch Metadata or by Origin.
    for (email, headers) in [
        ("fetch@example.nl", vec![("sec-fetch-site", "cross-site")]),
        ("sibling@example.nl", vec![("sec-fetch-site", "same-site")]),
        (
            "origin@example.nl",
            vec![("origin", "https://evil.example")],
        ),
        ("null@example.nl", vec![("origin", "null")]),
    ] {
        let res = browser.send(register_request(email, &headers)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{headers:?}: {}",
            res.body
        );
        assert_eq!(
            res.json(),
            serde_json::to_value(app::error::AppError::CrossSite).unwrap()
        );
        assert_eq!(customers_with(&app, email).await, 0, "{headers:?} stored");
    }

    // A form without JavaScript, posted from another site: a plain sentence.
    let plain = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::HOST, "winkel.example")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(form(&[("email", "a@b.nl"), ("password", "x")])))
        .unwrap();
    let res = browser.send(plain).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("niet van een pagina van deze winkel"),
        "{}",
        res.body
    );

    // The multipart picture upload is a write too.
    let upload = Request::post("/cms/products/1/image")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("--x--\r\n"))
        .unwrap();
    assert_eq!(browser.send(upload).await.status, StatusCode::FORBIDDEN);

    // Our own pages pass, by either header; so does a client that is not a
    // browser (no provenance headers at all: no other site can make it).
    for (email, headers) in [
        ("eigen@example.nl", vec![("sec-fetch-site", "same-origin")]),
        (
            "origin-eigen@example.nl",
            vec![("origin", "http://winkel.example")],
        ),
        ("curl@example.nl", vec![]),
    ] {
        let res = app.client().send(register_request(email, &headers)).await;
        assert_eq!(res.status, StatusCode::OK, "{headers:?}: {}", res.body);
        assert_eq!(customers_with(&app, email).await, 1);
    }

    // Cross-site navigation (a link to the shop) stays possible.
    let link = Request::get("/")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(browser.send(link).await.status, StatusCode::OK);
    app.finish().await;
}

async fn no_server_function_answers_get(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut functions: Vec<(String, Method)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method))
        .collect();
    functions.sort_by(|a, b| a.0.cmp(&b.0));
    functions.dedup_by(|a, b| a.0 == b.0);
    assert!(functions.len() >= 40, "registered: {functions:?}");
    let mut client = app.client();
    for (path, method) in &functions {
        assert_eq!(*method, Method::POST, "{path} is registered for {method}");
        let res = client.get(&format!("{path}?id=1&email=a%40b.nl")).await;
        assert_eq!(
            res.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "GET {path}: {}",
            res.body
        );
    }
    app.finish().await;
}
