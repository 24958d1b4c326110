//! AVG-8 on SQLite and MariaDB: a visitor's network address is stored
//! nowhere. The flows that could record one (registration, logins that
//! succeed and fail, checkout, the CMS login) run with a peer address and
//! an `X-Forwarded-For` header, trusted as behind a proxy so the code does
//! read them; then every table (the session store included) and everything
//! logged, down to debug level, must be free of any IP address.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{dump_all_text, form, form_token, Backend, Client, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use std::net::SocketAddr;

on_both_databases!(alone: no_address_reaches_the_database_or_the_log);

const PEER: &str = "198.51.100.9:5555";
const FORWARDED: &str = "203.0.113.77, 2001:db8::42";

/// IPv4 addresses anywhere (also with a port or inside an IPv6 form), and
/// IPv6 addresses of two or more groups (`2001:db8::42`) or the loopback
/// `::1`. Rust paths (`sqlx::query`: `::` and a letter or two) and times
/// (`06:43:16.123`) are not addresses and are not reported.
fn addresses_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let is_part = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    for run in text.split(|c: char| !is_part(c)).filter(|r| !r.is_empty()) {
        let run = run.trim_matches('.');
        for piece in run.split(':') {
            let piece = piece.trim_matches('.');
            if piece.split('.').count() == 4 && piece.parse::<std::net::Ipv4Addr>().is_ok() {
                found.push(piece.to_owned());
            }
        }
        let groups = run.split(':').filter(|g| !g.is_empty()).count();
        if run.contains(':')
            && (groups >= 2 || run == "::1")
            && run.parse::<std::net::Ipv6Addr>().is_ok()
        {
            found.push(run.to_owned());
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn the_address_scanner_finds_addresses_and_only_those() {
    assert_eq!(
        addresses_in("peer=198.51.100.9:5555 via 2001:db8::42 and ::1 at 127.0.0.1"),
        ["127.0.0.1", "198.51.100.9", "2001:db8::42", "::1"]
    );
    assert!(addresses_in(
        "2026-11-29 06:43:16.123 price 12.95 version 0.8.23 id 3f2a bb::cc:zz 1.2.3.4.5"
    )
    .is_empty());
}

fn from_visitor(mut req: Request<Body>) -> Request<Body> {
    req.headers_mut()
        .insert("x-forwarded-for", FORWARDED.parse().unwrap());
    req.extensions_mut()
        .insert(ConnectInfo(PEER.parse::<SocketAddr>().unwrap()));
    req
}

async fn call(client: &mut Client, endpoint: &str, pairs: &[(&str, &str)]) -> common::Response {
    let mut req = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "{}&form_started={}",
            form(pairs),
            form_token(5)
        )))
        .unwrap();
    if let Some(cookie) = &client.cookie {
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
    }
    client.send(from_visitor(req)).await
}

async fn no_address_reaches_the_database_or_the_log(backend: Backend) {
    let log = common::captured_log();
    let Some(app) = TestApp::start_with(backend, |config| config.trust_proxy = true).await else {
        return;
    };
    let email = "marieke@example.nl";
    let password = "vier koeien in de wei";
    let mut visitor = app.client();
    let person = [
        ("email", email),
        ("first_name", "Marieke"),
        ("last_name", "Bakkerus"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
    ];
    let mut registration = person.to_vec();
    registration.push(("password", password));
    assert_eq!(
        call(&mut visitor, "register", &registration).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &mut visitor,
            "login",
            &[("email", email), ("password", "fout")]
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let res = call(
        &mut visitor,
        "login",
        &[("email", email), ("password", password)],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let product = call(
        &mut visitor,
        "get_product",
        &[("slug", "espressobonen-amsterdam")],
    )
    .await
    .json();
    let id = product["id"].to_string();
    call(
        &mut visitor,
        "add_to_cart",
        &[("product_id", &id), ("quantity", "1")],
    )
    .await;
    let mut checkout = person.to_vec();
    checkout.extend([
        ("delivery_method", "shipping"),
        ("payment_method", "bank_transfer"),
    ]);
    let res = call(&mut visitor, "place_order", &checkout).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = visitor
        .send(from_visitor(
            Request::get("/account")
                .header(header::COOKIE, visitor.cookie.clone().unwrap())
                .body(Body::empty())
                .unwrap(),
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);

    common::add_staff(
        &app.db,
        "owner@example.nl",
        "de winkel gaat om negen open",
        true,
        &[],
    )
    .await;
    let mut staff = app.client();
    let wrong = [("email", "owner@example.nl"), ("password", "fout")];
    assert_eq!(
        call(&mut staff, "cms_login", &wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    let right = [
        ("email", "owner@example.nl"),
        ("password", "de winkel gaat om negen open"),
    ];
    assert_eq!(
        call(&mut staff, "cms_login", &right).await.status,
        StatusCode::OK
    );

    let dump = dump_all_text(&app.db).await;
    assert!(dump.contains(email), "the flows stored nothing?");
    assert!(
        dump.contains("sessions:"),
        "the session store is part of the dump"
    );
    assert_eq!(
        addresses_in(&dump),
        Vec::<String>::new(),
        "an address in the database"
    );
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(!logged.is_empty(), "nothing was captured from the log");
    assert_eq!(
        addresses_in(&logged),
        Vec::<String>::new(),
        "an address in the log"
    );
    app.finish().await;
}
