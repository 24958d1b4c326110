//! One cart, one order (issue 18): the order's transaction takes the cart
//! out of the stored session, so the order and the emptied cart commit
//! together. A checkout sent twice at once (a double click, a browser
//! retrying) or again after a crash swallowed the answer finds the cart
//! gone and places nothing more; before, the cart was emptied by a second
//! write after the order, and `kill -9` between the two made
//! `bench/faults.sh` see orders placed twice.

use crate::common::{self, Backend, TestApp};
use app::ssr::entities::order;
use axum::http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

on_both_databases!(the_same_cart_sent_four_times_at_once_is_one_order);

const PRODUCT: &str = "espressobonen-amsterdam";

async fn the_same_cart_sent_four_times_at_once_is_one_order(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitor = app.client();
    common::add_to_cart(&mut visitor, PRODUCT, 3).await;
    let stock_before = common::stock_of(&app.db, PRODUCT).await;
    let orders_before = order::Entity::find().count(&app.db).await.unwrap();

    let form = common::checkout("dubbel@example.nl");
    // The same cookie in each: one browser sending the form again.
    let send = || {
        let mut again = app.client();
        again.cookie.clone_from(&visitor.cookie);
        let form = form.clone();
        async move { common::call_on(&mut again, "/checkout", "place_order", &form).await }
    };
    let (a, b, c, d) = tokio::join!(send(), send(), send(), send());
    let answers = [a, b, c, d];
    let statuses: Vec<_> = answers.iter().map(|a| a.status).collect();
    let placed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(placed, 1, "one order: {statuses:?}");
    for refused in answers.iter().filter(|a| a.status != StatusCode::OK) {
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert_eq!(refused.json(), serde_json::json!("CartEmpty"));
    }
    assert_eq!(
        order::Entity::find().count(&app.db).await.unwrap(),
        orders_before + 1
    );
    assert_eq!(
        common::stock_of(&app.db, PRODUCT).await,
        stock_before - 3,
        "stock taken once"
    );
    // And later, as a reload after a lost answer would: nothing to order.
    let again = common::call_on(&mut visitor, "/checkout", "place_order", &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let cart = visitor.get("/cart").await;
    assert!(!cart.body.contains("Espressobonen"), "the cart is empty");
    app.finish().await;
}
