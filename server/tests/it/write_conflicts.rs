//! A checkout that loses to another write (issue 19): MariaDB rolls back a
//! deadlock victim with error 1213, and a Galera cluster does the same at
//! COMMIT when another node wrote the same rows first. The checkout is
//! sent again inside the server, and since the cart is taken from the
//! session in the order's own transaction, the retry places it once.

use crate::common::{self, Backend, TestApp};
use app::ssr::entities::order;
use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_chosen_as_deadlock_victim_is_placed_once() {
    common::alone(common::within_a_minute(
        a_checkout_chosen_as_deadlock_victim_is_placed_once_on(Backend::MariaDb),
    ))
    .await;
}

const PRODUCT: &str = "espressobonen-amsterdam";

/// Whether the checkout has taken the cart out of the session: its row is
/// locked (a third connection cannot lock it without waiting).
async fn cart_taken(db: &sea_orm::DatabaseConnection) -> bool {
    let probe = db.begin().await.unwrap();
    let locked = probe
        .execute_unprepared("SELECT id FROM sessions FOR UPDATE NOWAIT")
        .await
        .is_err();
    probe.rollback().await.unwrap();
    locked
}

/// Another writer (much larger, so InnoDB sacrifices the checkout) holds
/// the product's row; the checkout takes its cart from the session row and
/// waits for the product; the other writer then wants the session row: a
/// deadlock. The checkout is rolled back, tried again once the other
/// writer committed, and answered as placed: one order, the stock taken
/// once, the cart empty.
async fn a_checkout_chosen_as_deadlock_victim_is_placed_once_on(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitor = app.client();
    common::add_to_cart(&mut visitor, PRODUCT, 2).await;
    let stock_before = common::stock_of(&app.db, PRODUCT).await;
    let orders_before = order::Entity::find().count(&app.db).await.unwrap();

    let other = app.db.begin().await.unwrap();
    for n in 0..200 {
        other
            .execute_unprepared(&format!(
                "INSERT INTO settings (`key`, value) VALUES ('test.bulk.{n}', 'x')"
            ))
            .await
            .unwrap();
    }
    other
        .execute_unprepared(&format!(
            "SELECT id FROM products WHERE slug = '{PRODUCT}' FOR UPDATE"
        ))
        .await
        .unwrap();

    let checkout = tokio::spawn(async move {
        let answer = common::call_on(
            &mut visitor,
            "/checkout",
            "place_order",
            &common::checkout("verliezer@example.nl"),
        )
        .await;
        (answer, visitor)
    });
    let started = Instant::now();
    while !cart_taken(&app.db).await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the checkout never took the cart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    other
        .execute_unprepared("UPDATE sessions SET expires_at = expires_at")
        .await
        .expect("the larger transaction wins the deadlock");
    other.commit().await.unwrap();

    let (answer, mut visitor) = checkout.await.unwrap();
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        order::Entity::find().count(&app.db).await.unwrap(),
        orders_before + 1
    );
    assert_eq!(common::stock_of(&app.db, PRODUCT).await, stock_before - 2);
    assert_eq!(visitor.call("get_cart", &[]).await.json()["item_count"], 0);
    app.finish().await;
}
