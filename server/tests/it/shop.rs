//! The storefront's server functions and pages, over HTTP, on SQLite and on
//! MariaDB: catalogue, cart, guest checkout, confirmation.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::customer::NewsletterState;
use app::ssr::entities::{customer, order, order_line, product, session};
use axum::http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::Value;

on_both_databases!(
    catalogue_lists_filters_and_searches,
    product_pages_and_unknown_routes,
    cart_adds_updates_and_refuses_bad_input,
    guest_checkout_writes_order_customer_and_stock,
    invalid_checkout_writes_nothing,
    overselling_is_refused_and_rolled_back,
    empty_cart_cannot_check_out,
    checkout_works_as_a_plain_form_post,
    last_item_goes_to_exactly_one_buyer,
    sessions_hold_no_personal_data,
    anonymous_pages_are_cached_until_stock_changes,
);

pub(crate) fn valid_checkout() -> Vec<(&'static str, &'static str)> {
    vec![
        ("email", "jan.jansen@example.nl"),
        ("first_name", "Jan"),
        ("last_name", "Jansen"),
        ("gender", "m"),
        ("street", "Dorpsstraat"),
        ("house_number", "12a"),
        ("postcode", "3511ab"),
        ("city", "Utrecht"),
        ("country", "NL"),
        ("phone", "06-12345678"),
        ("company_name", ""),
        ("vat_number", ""),
        ("delivery_street", ""),
        ("delivery_house_number", ""),
        ("delivery_postcode", ""),
        ("delivery_city", ""),
        ("delivery_country", ""),
        ("delivery_method", "shipping"),
        ("delivery_date", ""),
        ("payment_method", "bank_transfer"),
    ]
}

pub(crate) async fn product_id(client: &mut Client, slug: &str) -> i64 {
    let res = client.call("get_product", &[("slug", slug)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["id"].as_i64().expect("product id")
}

async fn stock(app: &TestApp, id: i64) -> i32 {
    product::Entity::find_by_id(i32::try_from(id).unwrap())
        .one(&app.db)
        .await
        .expect("query")
        .expect("product")
        .stock
}

/// Sets a product's stock behind the shop's back (as a sale elsewhere would).
pub(crate) async fn set_stock(app: &TestApp, id: i64, stock: i32) {
    let mut row: product::ActiveModel = product::Entity::find_by_id(i32::try_from(id).unwrap())
        .one(&app.db)
        .await
        .expect("query")
        .expect("product")
        .into();
    row.stock = Set(stock);
    row.update(&app.db).await.expect("update");
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    (
        customer::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        order::Entity::find().count(&app.db).await.expect("count"),
        order_line::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
    )
}

pub(crate) async fn add(client: &mut Client, id: i64, quantity: &str) -> common::Response {
    client
        .call(
            "add_to_cart",
            &[("product_id", &id.to_string()), ("quantity", quantity)],
        )
        .await
}

async fn catalogue_lists_filters_and_searches(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();

    let all = client.call("get_catalog", &[]).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    assert_eq!(all["products"].as_array().map(Vec::len), Some(24));
    assert_eq!(all["categories"].as_array().map(Vec::len), Some(4));

    let keuken = client
        .call("get_catalog", &[("category", "keuken")])
        .await
        .json();
    assert_eq!(keuken["products"].as_array().map(Vec::len), Some(6));
    assert_eq!(keuken["category"]["name"]["text"], "Keuken");

    // Search looks in names and descriptions.
    let found = client
        .call("get_catalog", &[("query", "espresso")])
        .await
        .json();
    let names: Vec<&str> = found["products"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["name"]["text"].as_str())
        .collect();
    assert_eq!(
        names,
        vec!["Espressobonen Amsterdam", "Koffiemolen handmatig"]
    );
    let found = client
        .call(
            "get_catalog",
            &[("query", "THEEPOT"), ("category", "keuken")],
        )
        .await
        .json();
    assert_eq!(found["products"][0]["name"]["text"], "Theepot gietijzer");

    // LIKE wildcards typed by a visitor are taken literally.
    let wildcard = client.call("get_catalog", &[("query", "%")]).await.json();
    assert_eq!(wildcard["products"].as_array().map(Vec::len), Some(0));

    let unknown = client
        .call("get_catalog", &[("category", "bestaat-niet")])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json(), Value::from("NotFound"));
    app.finish().await;
}

async fn product_pages_and_unknown_routes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();

    let home = client.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    for name in [
        "Espressobonen Amsterdam",
        "Theepot gietijzer",
        "Badzout zeewier",
    ] {
        assert!(home.body.contains(name), "home page lacks {name}");
    }
    assert!(home.body.contains("€ 12,95"));

    let page = client.get("/products/theepot-gietijzer").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Gietijzeren pot"));
    assert!(page.body.contains(r#"name="quantity""#));

    assert_eq!(
        client.get("/products/bestaat-niet").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.get("/bestaat/niet").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client
            .get("/orders/0123456789abcdef0123456789abcdef")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let health = client.get("/healthz").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    app.finish().await;
}

async fn cart_adds_updates_and_refuses_bad_input(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let espresso = product_id(&mut client, "espressobonen-amsterdam").await;
    let teapot = product_id(&mut client, "theepot-gietijzer").await;

    assert_eq!(client.call("get_cart", &[]).await.json()["item_count"], 0);
    let cart = add(&mut client, espresso, "2").await;
    assert_eq!(cart.status, StatusCode::OK, "{}", cart.body);
    let cart = add(&mut client, teapot, "1").await.json();
    assert_eq!(cart["item_count"], 3);
    assert_eq!(cart["subtotal_cents"], 2 * 1295 + 3995);

    let updated = client
        .call(
            "update_cart_line",
            &[("product_id", &espresso.to_string()), ("quantity", "5")],
        )
        .await
        .json();
    assert_eq!(updated["item_count"], 6);
    let removed = client
        .call(
            "update_cart_line",
            &[("product_id", &teapot.to_string()), ("quantity", "0")],
        )
        .await
        .json();
    assert_eq!(removed["item_count"], 5);
    assert_eq!(removed["lines"].as_array().map(Vec::len), Some(1));

    for bad in ["abc", "0", "-1", "100", ""] {
        let res = add(&mut client, espresso, bad).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity {bad:?}: {}",
            res.body
        );
        assert_eq!(res.json()["Validation"][0]["field"], "quantity");
    }
    // The teapot has 8 in stock: asking for 9 is refused with the number left.
    let res = add(&mut client, teapot, "9").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json()["OutOfStock"]["available"], 8);
    let sold_out = product_id(&mut client, "verse-muntthee").await;
    assert_eq!(
        add(&mut client, sold_out, "1").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        add(&mut client, 999_999, "1").await.status,
        StatusCode::NOT_FOUND
    );

    // Another visitor has a cart of their own.
    let mut other = app.client();
    assert_eq!(other.call("get_cart", &[]).await.json()["item_count"], 0);
    assert_eq!(client.call("get_cart", &[]).await.json()["item_count"], 5);
    app.finish().await;
}

async fn guest_checkout_writes_order_customer_and_stock(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let espresso = product_id(&mut client, "espressobonen-amsterdam").await;
    let teapot = product_id(&mut client, "theepot-gietijzer").await;
    let (espresso_stock, teapot_stock) = (stock(&app, espresso).await, stock(&app, teapot).await);
    add(&mut client, espresso, "2").await;
    add(&mut client, teapot, "1").await;

    let mut form = valid_checkout();
    form.retain(|(k, _)| {
        !(k.starts_with("delivery_") && *k != "delivery_method")
            && *k != "vat_number"
            && *k != "company_name"
    });
    form.extend([
        ("delivery_street", "Kerkweg"),
        ("delivery_house_number", "3"),
        ("delivery_postcode", "1000"),
        ("delivery_city", "Brussel"),
        ("delivery_country", "BE"),
        ("newsletter", "on"),
        ("vat_number", "nl 123456789 B01"),
        ("company_name", "Jansen Koffie BV"),
    ]);
    let res = client.call("place_order", &form).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    assert!(
        token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );

    let order = order::Entity::find()
        .filter(order::Column::Token.eq(&token))
        .one(&app.db)
        .await
        .expect("q")
        .expect("order");
    assert_eq!(order.status, app::cms::rules::OrderStatus::New);
    assert_eq!(order.subtotal_cents, 2 * 1295 + 3995);
    assert_eq!(order.shipping_cents, 0, "free shipping from € 50");
    assert_eq!(order.total_cents, 2 * 1295 + 3995);
    assert_eq!(
        order.vat_cents,
        214 + 693,
        "9% in the coffee, 21% in the teapot"
    );
    assert_eq!(
        (
            order.city.as_str(),
            order.postcode.as_str(),
            order.country.as_str()
        ),
        ("Brussel", "1000", "BE")
    );
    assert_eq!(order.vat_number.as_deref(), Some("NL123456789B01"));
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .all(&app.db)
        .await
        .expect("q");
    let mut got: Vec<(String, i32, i64)> = lines
        .iter()
        .map(|l| (l.product_name.clone(), l.quantity, l.unit_price_cents))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("Espressobonen Amsterdam".into(), 2, 1295),
            ("Theepot gietijzer".into(), 1, 3995)
        ]
    );

    let customer = customer::Entity::find_by_id(order.customer_id.expect("linked"))
        .one(&app.db)
        .await
        .expect("q")
        .expect("c");
    assert_eq!(customer.email, "jan.jansen@example.nl");
    assert_eq!(customer.postcode, "3511 AB");
    assert_eq!(customer.delivery_city.as_deref(), Some("Brussel"));
    assert_eq!(customer.newsletter, NewsletterState::Pending);
    assert!(customer.password_hash.is_none());
    assert!(
        (app::ssr::now_utc() - customer.created_at)
            .num_seconds()
            .abs()
            < 60
    );

    assert_eq!(stock(&app, espresso).await, espresso_stock - 2);
    assert_eq!(stock(&app, teapot).await, teapot_stock - 1);
    assert_eq!(
        client.call("get_cart", &[]).await.json()["item_count"],
        0,
        "the cart is emptied"
    );

    let view = client.call("get_order", &[("token", &token)]).await.json();
    assert_eq!(view["lines"].as_array().map(Vec::len), Some(2));
    let page = client.get(&format!("/orders/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Bedankt voor je bestelling") && page.body.contains("Theepot gietijzer")
    );
    app.finish().await;
}

async fn invalid_checkout_writes_nothing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let espresso = product_id(&mut client, "espressobonen-amsterdam").await;
    add(&mut client, espresso, "1").await;
    let before = (counts(&app).await, stock(&app, espresso).await);

    let mut form = valid_checkout();
    for (key, value) in form.iter_mut() {
        match *key {
            "email" => *value = "jan@",
            "postcode" => *value = "12",
            "phone" => *value = "12",
            "payment_method" => *value = "on_account",
            _ => {}
        }
    }
    form.retain(|(k, _)| *k != "first_name" && *k != "vat_number");
    form.push(("vat_number", "NL1"));
    let res = client.call("place_order", &form).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let fields: Vec<String> = res.json()["Validation"]
        .as_array()
        .expect("field errors")
        .iter()
        .filter_map(|f| f["field"].as_str().map(str::to_owned))
        .collect();
    for field in ["email", "first_name", "postcode", "phone", "payment_method"] {
        assert!(
            fields.iter().any(|f| f == field),
            "{field} not reported in {fields:?}"
        );
    }
    assert_eq!(
        (counts(&app).await, stock(&app, espresso).await),
        before,
        "nothing written"
    );
    assert_eq!(
        client.call("get_cart", &[]).await.json()["item_count"],
        1,
        "the cart is kept"
    );

    // Absurdly long input is a field error too, never a 500.
    let long = "x".repeat(5000);
    let mut form = valid_checkout();
    form.retain(|(k, _)| *k != "city");
    form.push(("city", &long));
    let res = client.call("place_order", &form).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["Validation"][0]["error"]["TooLong"]["max"], 100);
    assert_eq!(counts(&app).await, before.0);

    // A repeated or undecodable field is a bad request (400), not a crash.
    let mut form = valid_checkout();
    form.push(("email", "twice@example.nl"));
    let res = client.call("place_order", &form).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let res = client
        .call("add_to_cart", &[("product_id", "een"), ("quantity", "1")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert_eq!(counts(&app).await, before.0);
    app.finish().await;
}

async fn overselling_is_refused_and_rolled_back(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let espresso = product_id(&mut client, "espressobonen-amsterdam").await;
    let teapot = product_id(&mut client, "theepot-gietijzer").await;
    add(&mut client, espresso, "1").await;
    add(&mut client, teapot, "2").await;
    // Meanwhile the teapots sell out down to one.
    set_stock(&app, teapot, 1).await;
    let before = (counts(&app).await, stock(&app, espresso).await);

    let res = client.call("place_order", &valid_checkout()).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(res.json()["OutOfStock"]["product"], "Theepot gietijzer");
    assert_eq!(res.json()["OutOfStock"]["available"], 1);
    // The espresso decremented before the teapot failed is restored.
    assert_eq!((counts(&app).await, stock(&app, espresso).await), before);
    assert_eq!(stock(&app, teapot).await, 1);
    app.finish().await;
}

async fn empty_cart_cannot_check_out(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let res = client.call("place_order", &valid_checkout()).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.json(), Value::from("CartEmpty"));
    assert_eq!(counts(&app).await, (0, 0, 0));
    app.finish().await;
}

async fn checkout_works_as_a_plain_form_post(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let espresso = product_id(&mut client, "espressobonen-amsterdam").await;

    // Without JavaScript the browser posts the form and follows a redirect.
    let added = client
        .post_form(
            "add_to_cart",
            "/products/espressobonen-amsterdam",
            &[("product_id", &espresso.to_string()), ("quantity", "3")],
        )
        .await;
    assert_eq!(added.status, StatusCode::FOUND);
    assert_eq!(
        added.location().as_deref(),
        Some("/products/espressobonen-amsterdam")
    );
    let cart_page = client.get("/cart").await;
    assert!(cart_page.body.contains("Espressobonen Amsterdam"));

    let mut bad = valid_checkout();
    bad.retain(|(k, _)| *k != "email");
    bad.push(("email", "geen-email"));
    let refused = client
        .post_form("place_order", "http://localhost/checkout", &bad)
        .await;
    assert_eq!(refused.status, StatusCode::FOUND);
    let back = refused.location().expect("redirected back");
    let back = back
        .strip_prefix("http://localhost")
        .unwrap_or(&back)
        .to_owned();
    assert!(
        back.starts_with("/checkout?") && back.contains("__err="),
        "{back}"
    );
    // The form page shows the server's message next to the field.
    let page = client.get(&back).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Vul een geldig e-mailadres in"),
        "no field message on {back}"
    );

    let placed = client
        .post_form(
            "place_order",
            "http://localhost/checkout",
            &valid_checkout(),
        )
        .await;
    assert_eq!(placed.status, StatusCode::FOUND, "{}", placed.body);
    let location = placed.location().expect("redirect to the confirmation");
    assert!(location.starts_with("/orders/"), "{location}");
    let confirmation = client.get(&location).await;
    assert_eq!(confirmation.status, StatusCode::OK);
    assert!(confirmation.body.contains("Espressobonen Amsterdam"));
    assert_eq!(counts(&app).await.1, 1);
    app.finish().await;
}

async fn last_item_goes_to_exactly_one_buyer(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut first = app.client();
    let mut second = app.client();
    let scheerkwast = product_id(&mut first, "scheerkwast").await;
    set_stock(&app, scheerkwast, 1).await;
    add(&mut first, scheerkwast, "1").await;
    add(&mut second, scheerkwast, "1").await;

    let form = valid_checkout();
    let (a, b) = tokio::join!(
        first.call("place_order", &form),
        second.call("place_order", &form)
    );
    let mut statuses = vec![a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        vec![StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        a.body,
        b.body
    );
    assert_eq!(stock(&app, scheerkwast).await, 0);
    assert_eq!(counts(&app).await.1, 1);
    app.finish().await;
}

async fn sessions_hold_no_personal_data(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    // Browsing alone sets no cookie and stores no session.
    client.get("/").await;
    assert!(client.cookie.is_none());
    assert_eq!(
        session::Entity::find().count(&app.db).await.expect("count"),
        0
    );

    let espresso = product_id(&mut client, "espressobonen-amsterdam").await;
    let added = add(&mut client, espresso, "1").await;
    let cookie = added
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.starts_with("winkel_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    client.call("place_order", &valid_checkout()).await;
    let rows = session::Entity::find()
        .all(&app.db)
        .await
        .expect("sessions");
    assert!(!rows.is_empty());
    for row in rows {
        let data = String::from_utf8_lossy(&row.data).into_owned();
        for personal in [
            "jan.jansen",
            "Jansen",
            "Dorpsstraat",
            "3511",
            "0612345678",
            "127.0.0.1",
        ] {
            assert!(!data.contains(personal), "session holds {personal}: {data}");
        }
        assert!(row.customer_id.is_none());
    }
    app.finish().await;
}

async fn anonymous_pages_are_cached_until_stock_changes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let cache = |res: &common::Response| {
        res.headers
            .get("x-winkel-cache")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut anonymous = app.client();
    let first = anonymous.get("/").await;
    let second = anonymous.get("/").await;
    assert_eq!(
        (cache(&first).as_deref(), cache(&second).as_deref()),
        (Some("miss"), Some("hit"))
    );
    assert_eq!(first.body_without_nonce(), second.body_without_nonce());
    assert!(second.body.contains("Espressobonen Amsterdam"));

    // A visitor with a session is never served from (or into) the cache.
    let mut buyer = app.client();
    let kwast = product_id(&mut buyer, "scheerkwast").await;
    set_stock(&app, kwast, 1).await;
    add(&mut buyer, kwast, "1").await;
    assert_eq!(cache(&buyer.get("/").await), None);

    // Buying the last one clears the cache: everyone sees "sold out" at once.
    assert_eq!(
        buyer.call("place_order", &valid_checkout()).await.status,
        StatusCode::OK
    );
    let after = anonymous.get("/").await;
    assert_eq!(cache(&after).as_deref(), Some("miss"));
    let card = after
        .body
        .split("/products/scheerkwast")
        .nth(2)
        .unwrap_or_default();
    assert!(
        card.contains("Uitverkocht"),
        "the sold-out product still offers itself"
    );
    app.finish().await;
}
