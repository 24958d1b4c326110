//! Many sessions at once (issue 13, goal 3), on SQLite and MariaDB, tried
//! as an attacker would try anything that makes their pages faster (a
//! shared read, a cache): many visitors at the same moment, each with
//! their own cart and name, see their own and no one else's, and a logout
//! in the middle of that traffic ends what the old cookie shows at its
//! very next page (nothing read before the logout is handed to a request
//! made after it).

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, TestApp};
use crate::sessions::{with_cookie, PAGES, PASSWORD};
use crate::shared_parts::cart_count;
use app::ssr::entities::customer;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    visitors_at_once_each_see_only_their_own_session,
    a_logout_amid_traffic_ends_the_old_cookie_at_once,
);

const PRODUCT: &str = "espressobonen-amsterdam";

/// First names no other text on the pages contains.
const NAMES: [&str; 4] = ["Quirijn", "Wubbolt", "Zefanja", "Ysbrand"];

/// What a visitor must see on every page: their cart's count in the
/// header and, when logged in, their own first name.
#[derive(Clone)]
struct Visitor {
    cookie: String,
    items: u32,
    name: Option<&'static str>,
}

/// A shopper with `items` espressos in the cart.
async fn shopper(app: &TestApp, items: u32) -> Visitor {
    let mut client = app.client();
    common::add_to_cart(&mut client, PRODUCT, items).await;
    Visitor {
        cookie: client.cookie.expect("a session"),
        items,
        name: None,
    }
}

/// A customer called `name`, logged in, with `items` in the cart.
async fn customer(app: &TestApp, name: &'static str, items: u32) -> Visitor {
    let email = format!("{}@example.nl", name.to_lowercase());
    let mut client = app.client();
    let res = client.call("register", &common::registration(&email)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    customer::Entity::update_many()
        .col_expr(
            customer::Column::FirstName,
            sea_orm::sea_query::Expr::value(name),
        )
        .filter(customer::Column::Email.eq(email.as_str()))
        .exec(&app.db)
        .await
        .unwrap();
    let res = client
        .call("login", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    common::add_to_cart(&mut client, PRODUCT, items).await;
    Visitor {
        cookie: client.cookie.expect("a session"),
        items,
        name: Some(name),
    }
}

/// Every page of `visitor`, `rounds` times, each request a task of its
/// own; fails on any page that shows another visitor's cart or name.
fn browse(app: &TestApp, visitor: Visitor, rounds: usize) -> tokio::task::JoinHandle<()> {
    let mut client = with_cookie(app, &visitor.cookie);
    tokio::spawn(async move {
        for _ in 0..rounds {
            for page in PAGES {
                let res = client.get(page).await;
                assert_eq!(res.status, StatusCode::OK, "{page}");
                assert_eq!(
                    cart_count(&res.body),
                    visitor.items.to_string(),
                    "{page}: the header's cart count is not the visitor's"
                );
                for name in NAMES {
                    assert_eq!(
                        res.body.contains(name),
                        visitor.name == Some(name),
                        "{page} of {:?} and the name {name}",
                        visitor.name
                    );
                }
            }
        }
    })
}

async fn visitors_at_once_each_see_only_their_own_session(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitors = Vec::new();
    for items in 1..=12 {
        visitors.push(shopper(&app, items).await);
    }
    for (name, items) in NAMES.into_iter().zip(20..) {
        visitors.push(customer(&app, name, items).await);
    }
    // The catalogue into memory, so that the pages at once read sessions.
    for page in PAGES {
        assert_eq!(app.client().get(page).await.status, StatusCode::OK);
    }
    let browsing: Vec<_> = visitors
        .iter()
        .map(|v| browse(&app, v.clone(), 4))
        .collect();
    for visitor in browsing {
        visitor.await.expect("every page is the visitor's own");
    }
    app.finish().await;
}

async fn a_logout_amid_traffic_ends_the_old_cookie_at_once(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut crowd = Vec::new();
    for items in 1..=8 {
        crowd.push(shopper(&app, items).await);
    }
    let quirijn = customer(&app, NAMES[0], 3).await;
    for round in 0..6 {
        let mut device = with_cookie(&app, &quirijn.cookie);
        let res = device
            .call(
                "login",
                &[("email", "quirijn@example.nl"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let old = device.cookie.clone().expect("a session");
        assert!(device.get("/").await.body.contains(NAMES[0]));
        let traffic: Vec<_> = crowd.iter().map(|v| browse(&app, v.clone(), 2)).collect();
        assert_eq!(device.call("logout", &[]).await.status, StatusCode::OK);
        let mut thief = with_cookie(&app, &old);
        for page in PAGES {
            let res = thief.get(page).await;
            assert!(
                !res.body.contains(NAMES[0]),
                "round {round}: {page} names the customer after the logout"
            );
            assert_eq!(
                cart_count(&res.body),
                "0",
                "round {round}: {page} shows the cart after the logout"
            );
        }
        for visitor in traffic {
            visitor.await.expect("the crowd sees its own pages");
        }
    }
    app.finish().await;
}
