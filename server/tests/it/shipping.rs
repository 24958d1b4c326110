//! Shipping rates set in the CMS (issue 20, item 3) and the terms and
//! returns pages (item 7), on SQLite and on MariaDB: the cost follows the
//! zone of the delivery country and its threshold, a country without an
//! active zone is a field error, the owner's screen validates and needs
//! its right, and a placed order keeps what it was charged.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{audit_log, order};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    shipping_follows_the_zone_and_its_threshold,
    the_shipping_screen_validates_audits_and_needs_its_right,
    changed_rates_leave_placed_orders_alone,
    terms_and_returns_pages_exist_in_both_languages_and_are_linked,
    the_upgrade_keeps_a_terms_page_the_owner_wrote,
);

async fn espresso(client: &mut Client) -> String {
    let res = client
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["id"].as_i64().expect("product id").to_string()
}

/// The checkout form with `changes` applied (a value replaced or added).
fn checkout_with<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = common::checkout("verzending@example.nl");
    for (name, value) in changes {
        match form.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

/// Puts `quantity` espresso bags (€ 12,95 each) in the cart and checks
/// out; the placed order, or the refusal.
async fn order_with(
    app: &TestApp,
    client: &mut Client,
    quantity: &str,
    changes: &[(&str, &str)],
) -> Result<order::Model, common::Response> {
    let id = espresso(client).await;
    let res = client
        .call(
            "add_to_cart",
            &[("product_id", &id), ("quantity", quantity)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = client.call("place_order", &checkout_with(changes)).await;
    if res.status != StatusCode::OK {
        // The cart is kept for the next attempt: empty it.
        client
            .call(
                "update_cart_line",
                &[("product_id", &id), ("quantity", "0")],
            )
            .await;
        return Err(res);
    }
    let token = res.json().as_str().expect("token").to_owned();
    Ok(order::Entity::find()
        .filter(order::Column::Token.eq(token))
        .one(&app.db)
        .await
        .expect("query")
        .expect("order"))
}

fn placed(result: Result<order::Model, common::Response>) -> order::Model {
    result.unwrap_or_else(|res| panic!("refused: {} {}", res.status, res.body))
}

/// The refused fields of a 422 answer with their errors.
fn refused(res: &common::Response) -> Vec<(String, String)> {
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.json()["Validation"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["error"].to_string(),
            )
        })
        .collect()
}

async fn save_zone(
    client: &mut Client,
    country: &str,
    rate: &str,
    free_from: &str,
    active: bool,
) -> common::Response {
    let mut form = vec![
        ("country", country),
        ("rate", rate),
        ("free_from", free_from),
    ];
    if active {
        form.push(("active", "on"));
    }
    client.call("cms_save_shipping_zone", &form).await
}

const PASSWORD: &str = "de winkel gaat om negen open";

/// The text of the element with class `class`: what follows its opening
/// tag, up to the next tag that is not a hydration marker.
fn text_of(body: &str, class: &str) -> String {
    let start = body
        .find(&format!("class=\"{class}\""))
        .unwrap_or_else(|| panic!("no .{class}"));
    let after = &body[start..];
    let after = &after[after.find('>').expect("tag end") + 1..];
    after
        .replace("<!>", "")
        .replace("<!---->", "")
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

const BELGIUM: [(&str, &str); 3] = [("country", "BE"), ("postcode", "1000"), ("city", "Brussel")];

async fn shipping_follows_the_zone_and_its_threshold(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut owner = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;
    for (country, rate, free_from, active) in [
        ("BE", "8,95", "100", true),
        ("DE", "12,50", "", true),
        ("LU", "15", "", false),
    ] {
        let res = save_zone(&mut owner, country, rate, free_from, active).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let mut shopper = app.client();

    // NL as every shop starts: € 4,95, free from € 50.
    let one = placed(order_with(&app, &mut shopper, "1", &[]).await);
    assert_eq!((one.shipping_cents, one.total_cents), (495, 1295 + 495));
    assert_eq!(one.vat_cents, 107 + 86, "9% in the coffee, 21% in shipping");
    let four = placed(order_with(&app, &mut shopper, "4", &[]).await);
    assert_eq!(
        (four.shipping_cents, four.total_cents),
        (0, 4 * 1295),
        "€ 51,80 is above the threshold"
    );
    // BE: its own rate and threshold.
    let be = placed(order_with(&app, &mut shopper, "4", &BELGIUM).await);
    assert_eq!((be.country.as_str(), be.shipping_cents), ("BE", 895));
    // DE: a zone without threshold.
    let de = [("country", "DE"), ("postcode", "10115"), ("city", "Berlin")];
    let de = placed(order_with(&app, &mut shopper, "4", &de).await);
    assert_eq!((de.postcode.as_str(), de.shipping_cents), ("10115", 1250));
    // Pickup is free, wherever the customer lives.
    let pickup = [("delivery_method", "pickup")];
    let picked = placed(order_with(&app, &mut shopper, "1", &pickup).await);
    assert_eq!(picked.shipping_cents, 0);

    // LU's zone is inactive: refused on the field that named the country.
    let lu = [
        ("country", "LU"),
        ("postcode", "1616"),
        ("city", "Luxemburg"),
    ];
    let res = order_with(&app, &mut shopper, "1", &lu)
        .await
        .expect_err("refused");
    assert_eq!(
        refused(&res),
        vec![("country".to_owned(), "\"NoShippingZone\"".to_owned())]
    );
    // A delivery address in a country without zone: its own field.
    let elsewhere = [
        ("delivery_street", "Grand-Rue"),
        ("delivery_house_number", "1"),
        ("delivery_postcode", "L-1616"),
        ("delivery_city", "Luxemburg"),
        ("delivery_country", "LU"),
    ];
    let res = order_with(&app, &mut shopper, "1", &elsewhere)
        .await
        .unwrap_err();
    assert_eq!(
        refused(&res),
        vec![(
            "delivery_country".to_owned(),
            "\"NoShippingZone\"".to_owned()
        )]
    );
    // A country the shop cannot even check an address for.
    let res = order_with(&app, &mut shopper, "1", &[("country", "FR")])
        .await
        .unwrap_err();
    assert!(refused(&res).contains(&("country".to_owned(), "\"Country\"".to_owned())));
    // The page says why, in words (the form posted without JavaScript
    // comes back to it; the message is the same sentence).
    assert!(app::i18n::field_message_in(
        app::locale::Locale::Nl,
        &app::validate::FieldError::NoShippingZone
    )
    .contains("verzenden wij niet"));

    // Pickup turned off: refused, and no longer offered.
    let res = owner.call("cms_save_pickup", &[("pickup_note", "")]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = order_with(&app, &mut shopper, "1", &pickup)
        .await
        .unwrap_err();
    assert_eq!(
        refused(&res),
        vec![(
            "delivery_method".to_owned(),
            "\"PickupUnavailable\"".to_owned()
        )]
    );
    let id = espresso(&mut shopper).await;
    shopper
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    let page = shopper.get("/checkout").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("value=\"pickup\""), "no pickup offered");
    assert!(
        !page.body.contains("value=\"pay_on_pickup\""),
        "nor paying on pickup"
    );
    app.finish().await;
}

async fn the_shipping_screen_validates_audits_and_needs_its_right(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Without the catalogue right: refused on the server, not only hidden.
    let mut clerk = common::staff_client(
        &app,
        "kassa@example.nl",
        PASSWORD,
        false,
        &[Right::OrdersView, Right::SettingsView],
    )
    .await;
    for (endpoint, form) in [
        ("cms_shipping", vec![]),
        (
            "cms_save_shipping_zone",
            vec![("country", "NL"), ("rate", "0"), ("active", "on")],
        ),
        ("cms_save_pickup", vec![("pickup", "on")]),
    ] {
        let res = clerk.call(endpoint, &form).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            res.body
        );
    }
    assert!(!clerk.get("/cms").await.body.contains("/cms/shipping"));
    let unchanged = app::ssr::services::shipping::load(&app.db).await.unwrap();
    assert_eq!(unchanged, app::shop::rules::ShippingRates::standard());

    let mut buyer = common::staff_client(
        &app,
        "inkoop@example.nl",
        PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    assert!(buyer.get("/cms").await.body.contains("/cms/shipping"));
    let screen = buyer.get("/cms/shipping").await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(screen.body.contains("4,95"), "the NL rate is shown");
    // Negative, absurd, unreadable, unknown: field messages, never a 500.
    for (country, rate, free_from, field) in [
        ("NL", "-1", "", "rate"),
        ("NL", "250,01", "", "rate"),
        ("NL", "vier euro", "", "rate"),
        ("NL", "", "", "rate"),
        ("NL", "4,95", "-5", "free_from"),
        ("NL", "4,95", "99999999999999999999", "free_from"),
        ("FR", "4,95", "", "country"),
        ("", "4,95", "", "country"),
    ] {
        let res = save_zone(&mut buyer, country, rate, free_from, true).await;
        let fields = refused(&res);
        assert!(
            fields.iter().any(|(f, _)| f == field),
            "{country} {rate} {free_from}: {fields:?}"
        );
    }
    let res = buyer
        .call(
            "cms_save_pickup",
            &[("pickup", "on"), ("pickup_note", &"x".repeat(301))],
        )
        .await;
    assert_eq!(refused(&res)[0].0, "pickup_note");
    assert_eq!(
        app::ssr::services::shipping::load(&app.db).await.unwrap(),
        app::shop::rules::ShippingRates::standard(),
        "nothing refused was saved"
    );

    let res = save_zone(&mut buyer, "nl", "5,95", "75,00", true).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let nl = &res.json()["rates"]["zones"][0];
    assert_eq!(
        (nl["country"].as_str(), nl["rate_cents"].as_i64()),
        (Some("NL"), Some(595))
    );
    assert_eq!(nl["free_from_cents"].as_i64(), Some(7_500));
    let res = buyer
        .call(
            "cms_save_pickup",
            &[("pickup", "on"), ("pickup_note", "Ma–za 10–17 uur")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("shipping.edit"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 2, "every change audited, nothing refused");
    assert!(entries
        .iter()
        .any(|e| e.detail.as_deref() == Some("NL: 595 cents, free from 7500 cents, active")));
    app.finish().await;
}

async fn changed_rates_leave_placed_orders_alone(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut shopper = app.client();
    let first = placed(order_with(&app, &mut shopper, "1", &[]).await);
    assert_eq!(first.shipping_cents, 495);

    let mut owner = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;
    let res = save_zone(&mut owner, "NL", "6,95", "", true).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // The checkout shows the new cost before the order is placed.
    let id = espresso(&mut shopper).await;
    shopper
        .call("add_to_cart", &[("product_id", &id), ("quantity", "4")])
        .await;
    let page = shopper.get("/checkout").await;
    assert!(
        page.body.contains("Nederland: € 6,95"),
        "the rates are listed"
    );
    assert_eq!(
        text_of(&page.body, "checkout-shipping"),
        "€ 6,95",
        "no threshold any more: € 6,95 on € 51,80"
    );
    assert_eq!(text_of(&page.body, "checkout-total"), "€ 58,75");
    shopper
        .call(
            "update_cart_line",
            &[("product_id", &id), ("quantity", "0")],
        )
        .await;

    let again = placed(order_with(&app, &mut shopper, "4", &[]).await);
    assert_eq!(again.shipping_cents, 695);
    let before = order::Entity::find_by_id(first.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before, first, "the placed order is untouched");
    let page = shopper.get(&format!("/orders/{}", first.token)).await;
    assert!(
        page.body.contains("€ 4,95"),
        "its page shows what was charged"
    );
    app.finish().await;
}

async fn terms_and_returns_pages_exist_in_both_languages_and_are_linked(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitor = app.client();
    for (path, words) in [
        (
            "/voorwaarden",
            &[
                "Algemene voorwaarden",
                "inclusief btw",
                "14 dagen",
                "Nederlands recht",
            ][..],
        ),
        (
            "/retourneren",
            &[
                "herroepingsrecht",
                "Modelformulier voor herroeping",
                "terugsturen",
            ][..],
        ),
        (
            "/en/voorwaarden",
            &[
                "Terms and conditions",
                "include VAT",
                "14 days",
                "Dutch law",
            ][..],
        ),
        (
            "/en/retourneren",
            &[
                "right of withdrawal",
                "Model withdrawal form",
                "sending the item back",
            ][..],
        ),
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for word in words {
            assert!(page.body.contains(word), "{path} says {word:?}");
        }
    }
    let home = visitor.get("/").await;
    assert!(
        home.body.contains("href=\"/voorwaarden\""),
        "footer links the terms"
    );
    assert!(
        home.body.contains("href=\"/retourneren\""),
        "and the returns"
    );
    let english = visitor.get("/en/contact").await;
    assert!(english.body.contains("href=\"/en/voorwaarden\""));
    assert!(english.body.contains("href=\"/en/retourneren\""));

    let id = espresso(&mut visitor).await;
    visitor
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    let checkout = visitor.get("/checkout").await;
    let notice = &checkout.body[checkout
        .body
        .find("terms-notice")
        .expect("the terms at checkout")..];
    assert!(notice.contains("href=\"/voorwaarden\""), "{notice}");
    assert!(notice.contains("14 dagen bedenktijd"));
    assert!(notice.contains("href=\"/retourneren\""));
    let checkout = visitor.get("/en/checkout").await;
    assert!(checkout.body.contains("By ordering you accept our"));
    assert!(checkout.body.contains("href=\"/en/voorwaarden\""));
    app.finish().await;
}

/// An existing shop upgraded to migration 13 gets the pages, except where
/// the owner already wrote one under that name; and the zones it charged
/// before.
async fn the_upgrade_keeps_a_terms_page_the_owner_wrote(backend: Backend) {
    use app::ssr::entities::page;
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ModelTrait};
    let Some(shop) = common::database(backend).await else {
        return;
    };
    let db = &shop.db;
    // Undo migration 13 and whatever came after it (counted, so that a
    // newer migration does not move what is tested).
    let since = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name() == "m20261207_000013_shipping")
        .expect("migration 13")
        + 1;
    Migrator::down(db, Some(u32::try_from(since).unwrap()))
        .await
        .unwrap();
    let find = |slug: &'static str| {
        page::Entity::find()
            .filter(page::Column::Slug.eq(slug))
            .one(db)
    };
    let mine = find("voorwaarden").await.unwrap().expect("kept by down");
    let mut mine: page::ActiveModel = mine.into();
    mine.body_markdown = Set("Onze eigen voorwaarden.".into());
    mine.update(db).await.unwrap();
    let returns = find("retourneren").await.unwrap().expect("kept by down");
    returns.delete(db).await.unwrap();

    Migrator::up(db, None).await.unwrap();
    let terms = find("voorwaarden").await.unwrap().expect("terms");
    assert_eq!(
        terms.body_markdown, "Onze eigen voorwaarden.",
        "the owner's text stays"
    );
    let returns = find("retourneren")
        .await
        .unwrap()
        .expect("returns inserted");
    assert!(returns
        .body_markdown
        .contains("Modelformulier voor herroeping"));
    assert!(returns.published);
    assert_eq!(
        app::ssr::services::shipping::load(db).await.unwrap(),
        app::shop::rules::ShippingRates::standard(),
        "NL and BE at € 4,95, free from € 50, as before"
    );
    shop.drop_database().await;
}
