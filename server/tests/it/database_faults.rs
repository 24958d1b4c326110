//! Issue 18: the database fails under a running shop.
//!
//! - MariaDB restarts: the shop reaches its database through a TCP link
//!   this test cuts (every open connection broken, new ones refused, as
//!   when the server process dies) and restores. While it is cut, pages and
//!   forms answer 503 with `Retry-After` and a sentence within a few
//!   seconds (never a hang, never a 500), `/healthz` says 503, nothing is
//!   written; once it is back the same running shop recovers by itself
//!   within 5 s.
//! - SQLite's disk fills: every connection of the shop's pool gets a page
//!   limit at the database's size, so that SQLite itself refuses to grow
//!   the file (SQLITE_FULL, what a full disk gives). Pages keep rendering,
//!   checkouts are refused with 503 and leave no half-written order, and
//!   once there is room again a checkout goes through.
//!
//! `bench/faults.sh` does the same to a real `winkel serve` with a killed
//! `mariadbd` and a filled file system.

use crate::common::tcp_link::{address_in, TcpLink};
use crate::common::{self, Backend, Client, TestApp};
use app::ssr::entities::{order, order_line};
use axum::http::{header, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::time::{Duration, Instant};

/// The longest a visitor may wait for the answer while the database is
/// away: the pool's acquire timeout (3 s) and some slack for a loaded
/// machine.
const LONGEST_WAIT: Duration = Duration::from_secs(5);
/// How soon the shop must serve again once the database is back.
const RECOVERY: Duration = Duration::from_secs(5);

const PRODUCT: &str = "espressobonen-amsterdam";
const CHECKOUT_PAGE: &str = "/checkout";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_away_is_503_within_seconds_and_recovers_by_itself() {
    common::within_a_minute(mariadb_away_and_back()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_disk_refuses_checkouts_and_keeps_pages() {
    common::within_a_minute(full_disk()).await;
}

async fn mariadb_away_and_back() {
    let Some(store) = common::database(Backend::MariaDb).await else {
        return;
    };
    let link = TcpLink::open(address_in(&store.url(), 3306)).await;
    let served = winkel::db::connect(&database_url_through(&link, &store.url()))
        .await
        .expect("connect through the link");
    let app = TestApp::serving(store, served, None, |c| c.form_limit = 100_000).await;
    let mut visitor = app.client();
    common::add_to_cart(&mut visitor, PRODUCT, 2).await;
    assert_eq!(visitor.get("/cart").await.status, StatusCode::OK);
    let orders_before = order::Entity::find().count(&app.db).await.unwrap();

    link.cut();
    let (page, waited) = timed(visitor.get("/cart")).await;
    assert_unavailable(&page, "the cart page");
    assert!(
        page.body.contains("niet bereikbaar"),
        "the page says so: {}",
        page.body
    );
    assert!(waited < LONGEST_WAIT, "the page took {waited:?}");
    let (health, waited) = timed(visitor.get("/healthz")).await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(waited < LONGEST_WAIT, "/healthz took {waited:?}");
    let (placed, waited) = timed(place_order(&mut visitor, "away@example.nl")).await;
    assert_unavailable(&placed, "the checkout");
    assert_eq!(placed.json()["Unavailable"]["retry_after_secs"], 5);
    assert!(waited < LONGEST_WAIT, "the checkout took {waited:?}");
    assert_eq!(
        order::Entity::find().count(&app.db).await.unwrap(),
        orders_before,
        "nothing was written while the database was away"
    );

    link.restore().await;
    let back = Instant::now();
    loop {
        if visitor.get("/healthz").await.status == StatusCode::OK {
            break;
        }
        assert!(
            back.elapsed() < RECOVERY,
            "/healthz still failing {:?} after the database came back",
            back.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let placed = place_order(&mut visitor, "terug@example.nl").await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    assert!(
        back.elapsed() < RECOVERY,
        "the first checkout after the return came {:?} later",
        back.elapsed()
    );
    assert_eq!(
        order::Entity::find().count(&app.db).await.unwrap(),
        orders_before + 1
    );
    app.finish().await;
}

/// Visitors with a cart, ready to check out when the disk fills.
const SHOPPERS: usize = 30;

/// SQLite: the file may not grow, as on a full disk.
async fn full_disk() {
    let app = TestApp::start(Backend::Sqlite)
        .await
        .expect("SQLite is always there");
    app.db
        .execute_unprepared(&format!(
            "UPDATE products SET stock = 1000 WHERE slug = '{PRODUCT}'"
        ))
        .await
        .unwrap();
    let mut shoppers = Vec::new();
    for _ in 0..SHOPPERS {
        let mut visitor = app.client();
        common::add_to_cart(&mut visitor, PRODUCT, 2).await;
        shoppers.push(visitor);
    }
    set_page_limit(&app.state.db, PageLimit::AtCurrentSize).await;
    let mut refused = None;
    let mut placed = 0;
    // Each order takes room (the order, its lines, its mail in the
    // outbox); soon one needs a page the file may not get.
    for (n, mut visitor) in shoppers.into_iter().enumerate() {
        let answer = place_order(&mut visitor, &format!("vol{n}@example.nl")).await;
        if answer.status == StatusCode::OK {
            placed += 1;
            continue;
        }
        assert_unavailable(&answer, "a checkout on a full disk");
        refused = Some(visitor);
        break;
    }
    let mut visitor = refused.expect("a checkout refused once the file could not grow");
    for o in order::Entity::find().all(&app.db).await.unwrap() {
        let lines = order_line::Entity::find()
            .filter(order_line::Column::OrderId.eq(o.id))
            .count(&app.db)
            .await
            .unwrap();
        assert!(lines > 0, "order {} was written without its lines", o.id);
    }
    assert_eq!(
        common::stock_of(&app.db, PRODUCT).await,
        1000 - 2 * placed,
        "the stock went down for every placed order and for no other"
    );
    // Reads go on: the catalogue and the visitor's own cart.
    assert_eq!(visitor.get("/").await.status, StatusCode::OK);
    assert_eq!(
        visitor.get(&format!("/products/{PRODUCT}")).await.status,
        StatusCode::OK
    );
    let cart = visitor.get("/cart").await;
    assert_eq!(cart.status, StatusCode::OK);
    assert!(cart.body.contains("Espressobonen"), "the cart is kept");
    // Room again: the same visitor's checkout goes through.
    set_page_limit(&app.state.db, PageLimit::Lifted).await;
    let answer = place_order(&mut visitor, "ruimte@example.nl").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    app.finish().await;
}

fn assert_unavailable(answer: &common::Response, what: &str) {
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        answer.body
    );
    assert_eq!(
        answer
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
        Some("5"),
        "{what} says when to try again"
    );
}

async fn timed<T>(work: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = work.await;
    (out, started.elapsed())
}

async fn place_order(visitor: &mut Client, email: &str) -> common::Response {
    common::call_on(
        visitor,
        CHECKOUT_PAGE,
        "place_order",
        &common::checkout(email),
    )
    .await
}

enum PageLimit {
    AtCurrentSize,
    Lifted,
}

/// Sets SQLite's `max_page_count` on every connection of the shop's pool
/// (it is a setting of the connection, not of the file): all of them are
/// taken at once, so that each gets it, and given back.
async fn set_page_limit(db: &sea_orm::DatabaseConnection, limit: PageLimit) {
    let pool = db.get_sqlite_connection_pool();
    let mut held = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        held.push(pool.acquire().await.expect("a pooled connection"));
    }
    for conn in &mut held {
        let pages: i64 = sea_orm::sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let max = match limit {
            PageLimit::AtCurrentSize => pages,
            PageLimit::Lifted => i64::from(u32::MAX - 1),
        };
        sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {max}"
        )))
        .execute(&mut **conn)
        .await
        .unwrap();
    }
}

/// The database URL `url` through `link`.
fn database_url_through(link: &TcpLink, url: &str) -> String {
    let (head, rest) = url.rsplit_once('@').expect("user@host in the URL");
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    format!("{head}@127.0.0.1:{}/{path}", link.port())
}
