//! Two `winkel serve` instances on one database, as behind a load balancer
//! without sticky sessions (issue 19): a visitor's requests land on either
//! one, and what one instance changes shows on the other within a second
//! or two, cache included.

use crate::common::{self, Backend, TestApp};
use app::ssr::cache_sync;
use axum::http::StatusCode;
use std::time::{Duration, Instant};

on_both_databases!(
    a_sale_on_one_instance_shows_on_the_other_within_two_seconds,
    a_visitor_moves_between_instances_freely,
);

/// The card of `slug` on the home page.
fn card<'a>(page: &'a str, slug: &str) -> &'a str {
    page.split(&format!("/products/{slug}"))
        .nth(2)
        .unwrap_or_default()
}

/// An anonymous visitor reads the home page from instance B's cache; the
/// last brush is sold through instance A; B shows it sold out within two
/// seconds (its cache would otherwise keep the old page for five).
async fn a_sale_on_one_instance_shows_on_the_other_within_two_seconds(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (b_router, b) = app.second_instance();
    let watches = [
        cache_sync::spawn_watch(app.state.db.clone(), app.state.page_cache.clone()),
        cache_sync::spawn_watch(b.db.clone(), b.page_cache.clone()),
    ];
    let slug = "scheerkwast";
    let mut buyer = app.client();
    common::add_to_cart(&mut buyer, slug, 1).await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!("UPDATE products SET stock = 1 WHERE slug = '{slug}'"),
    )
    .await
    .unwrap();
    app.state.catalogue_changed().await;
    // The watch learns the generation, then B caches the page with one
    // brush in stock.
    tokio::time::sleep(cache_sync::WATCH_EVERY * 2).await;
    let mut anonymous = app.client();
    anonymous.via(&b_router);
    let cached = anonymous.get("/").await;
    assert!(!card(&cached.body, slug).contains("Uitverkocht"));
    assert_eq!(
        anonymous
            .get("/")
            .await
            .headers
            .get("x-winkel-cache")
            .map(|v| v.to_str().unwrap()),
        Some("hit")
    );

    let placed = buyer
        .call("place_order", &common::checkout("jan@example.nl"))
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let sold = Instant::now();
    let seen = loop {
        let page = anonymous.get("/").await;
        if card(&page.body, slug).contains("Uitverkocht") {
            break sold.elapsed();
        }
        assert!(
            sold.elapsed() < Duration::from_secs(6),
            "instance B never showed the sale"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        seen <= Duration::from_secs(2),
        "instance B showed the sold-out brush after {seen:?}"
    );
    for watch in watches {
        watch.abort();
    }
    app.finish().await;
}

/// One visitor, each request to whichever instance: the cart made on A is
/// on B's cart page and checked out there; a login on A is known to B,
/// and a logout on B ends it on A too.
async fn a_visitor_moves_between_instances_freely(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (b_router, _b) = app.second_instance();
    let mut visitor = app.client();
    common::add_to_cart(&mut visitor, "espressobonen-amsterdam", 2).await;
    visitor.via(&b_router);
    let cart = visitor.get("/cart").await;
    assert_eq!(cart.status, StatusCode::OK);
    assert!(
        cart.body.contains("Espressobonen Amsterdam"),
        "{}",
        cart.body
    );
    let placed = visitor
        .call("place_order", &common::checkout("marieke@example.nl"))
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    visitor.via(&app.router);
    assert_eq!(
        visitor.call("get_cart", &[]).await.json()["item_count"],
        0,
        "A sees the cart B emptied"
    );

    let registered = visitor
        .call("register", &common::registration("klant@example.nl"))
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let login = visitor
        .call(
            "login",
            &[
                ("email", "klant@example.nl"),
                ("password", "vier koeien in de wei"),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    visitor.via(&b_router);
    let account = visitor.get("/account").await;
    assert!(account.body.contains("Lindengracht"), "B knows the login");
    let logged_in = visitor.cookie.clone();
    assert_eq!(visitor.call("logout", &[]).await.status, StatusCode::OK);
    // The cookie as it was: the session itself must be gone.
    visitor.cookie = logged_in;
    visitor.via(&app.router);
    assert_eq!(
        visitor.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "the logout on B ended the session on A"
    );
    app.finish().await;
}
