//! The shop and the bookings in English (issue 16), on SQLite and on
//! MariaDB: the same pages under `/en`, with English screen text, prices
//! and dates, and none of the Dutch screen text. (Names and descriptions
//! written in the CMS stay Dutch where no English was written: they are
//! data, not screen text, and not checked here.)

use crate::bookings::{form, free_slots};
use crate::common::{Backend, Client, Response, TestApp};
use app::locale::{day_in, Locale};
use app::ssr::entities::order;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(shop_pages_speak_english, booking_pages_speak_english);

/// Dutch screen text of the page frame, the shop and the bookings: none of
/// it may show on an English page.
const DUTCH: &[&str] = &[
    "Winkelwagen",
    "Assortiment",
    "Eerlijke spullen",
    "Privacyverklaring",
    "Over ons",
    "Laat dit veld leeg",
    "In winkelwagen",
    "Zoek in het assortiment",
    "Categorieën",
    "Verder winkelen",
    "incl. btw",
    "Op voorraad",
    "Afrekenen",
    "Je gegevens",
    "Voornaam",
    "optioneel",
    "gratis vanaf",
    "Bankoverschrijving",
    "Bestelling plaatsen",
    "Bedankt voor je bestelling",
    "Besteld op",
    "Kies een tijd",
    "Volgende maand",
    "Aantal plaatsen",
    "per plaats",
    "Kosteloos annuleren",
    "Je boeking",
    "Online annuleren kan tot",
    "Geboekt",
    "Alles wat je kunt boeken",
];

async fn english_page(client: &mut Client, path: &str, expected: &[&str]) -> Response {
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    assert!(page.body.contains("<html lang=\"en\""), "{path}");
    for text in expected {
        assert!(page.body.contains(text), "{path} lacks {text:?}");
    }
    for dutch in DUTCH {
        assert!(!page.body.contains(dutch), "{path} shows Dutch {dutch:?}");
    }
    page
}

async fn shop_pages_speak_english(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();

    english_page(
        &mut client,
        "/en",
        &[
            "Products",
            "Add to cart",
            "€12.95",
            "Privacy statement",
            "About us",
        ],
    )
    .await;
    english_page(
        &mut client,
        "/en/products/theepot-gietijzer",
        &["incl. VAT", "In stock", "Continue shopping", "Quantity"],
    )
    .await;
    english_page(&mut client, "/en/cart", &["Your cart is empty."]).await;

    let res = client
        .call("get_product", &[("slug", "theepot-gietijzer")])
        .await;
    let teapot = res.json()["id"].as_i64().expect("product id").to_string();
    let res = client
        .call("add_to_cart", &[("product_id", &teapot), ("quantity", "1")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    english_page(
        &mut client,
        "/en/cart",
        &["Subtotal", "Check out", "Remove"],
    )
    .await;
    english_page(
        &mut client,
        "/en/checkout",
        &[
            "Your details",
            "First name",
            "optional",
            "free from €",
            "Pick up in the shop",
            "Bank transfer",
            "Place order",
            "Leave this field empty",
        ],
    )
    .await;

    let res = client
        .call(
            "place_order",
            &[
                ("email", "jane.doe@example.com"),
                ("first_name", "Jane"),
                ("last_name", "Doe"),
                ("street", "Dorpsstraat"),
                ("house_number", "12a"),
                ("postcode", "3511ab"),
                ("city", "Utrecht"),
                ("country", "NL"),
                ("phone", "06-12345678"),
                ("gender", ""),
                ("company_name", ""),
                ("vat_number", ""),
                ("delivery_street", ""),
                ("delivery_house_number", ""),
                ("delivery_postcode", ""),
                ("delivery_city", ""),
                ("delivery_country", ""),
                ("delivery_date", ""),
                ("delivery_method", "pickup"),
                ("payment_method", "bank_transfer"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    // The day it was placed, in the shop's time.
    let placed = order::Entity::find()
        .filter(order::Column::Token.eq(&token))
        .one(&app.db)
        .await
        .expect("q")
        .expect("the order")
        .placed_at;
    let today = app::clock::shop_today(placed);
    english_page(
        &mut client,
        &format!("/en/orders/{token}"),
        &[
            "Thank you for your order",
            "Ordered on",
            // The date in English, in the shop's time.
            &app::locale::date_in(Locale::En, today),
            "New",
            "Pick up in the shop",
            "of which VAT",
        ],
    )
    .await;

    // And the Dutch pages stay Dutch.
    let home = client.get("/").await;
    assert!(home.body.contains("In winkelwagen") && home.body.contains("€ 12,95"));
    assert!(!home.body.contains("Add to cart") && !home.body.contains("Privacy statement"));
    app.finish().await;
}

async fn booking_pages_speak_english(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let slug = "kookworkshop-pasta";
    english_page(
        &mut client,
        "/en/bookings",
        &["Bookings", "per place", "minutes", "places per time slot"],
    )
    .await;
    english_page(
        &mut client,
        &format!("/en/bookings/{slug}"),
        &[
            "Choose a time",
            "<th scope=\"col\">Mon<",
            "<th scope=\"col\">Sun<",
            "Number of places",
            "You can cancel free of charge up to",
            "Everything you can book",
        ],
    )
    .await;

    let (slot, _) = free_slots(&mut client, slug).await.remove(0);
    let res = client.call("book_slot", &form(slug, &slot, "2")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    // `2026-12-14T19:00+01:00`: the slot's date in Amsterdam.
    let date = chrono::NaiveDate::parse_from_str(&slot[..10], "%Y-%m-%d").expect("a date");
    english_page(
        &mut client,
        &format!("/en/bookings/confirmed/{token}"),
        &[
            "Your booking",
            "Thank you! Your booking is confirmed.",
            &day_in(Locale::En, date),
            "Bank transfer",
            "Booked",
            "You can cancel online until",
        ],
    )
    .await;
    app.finish().await;
}
