//! Invoices (issue 20), on SQLite and on MariaDB: what the PDF says (its
//! text extracted as a reader would), one series of numbers without gaps
//! under parallel orders, reverse charge for a Belgian business, the
//! booking's invoice, who may fetch which invoice, and what erasure and
//! retention leave of it.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{checkout, staff_client, Backend, Client, TestApp};
use app::clock::shop_today;
use app::cms::rules::Right;
use app::locale::{date_in, price_in, Locale};
use app::ssr::entities::{
    audit_log, invoice, invoice_counter, order, order_line, product, setting,
};
use app::ssr::now_utc;
use app::ssr::services::privacy::{self, ErasureReason};
use app::ssr::services::retention::{self, Mode, Options};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use tower::ServiceExt;

on_both_databases!(
    the_invoice_says_what_the_law_asks,
    parallel_orders_get_numbers_without_gaps,
    a_belgian_business_is_reverse_charged,
    bookings_share_the_series_and_staff_need_the_right,
    erasure_keeps_business_invoices_for_the_fiscal_term,
);

const SELLER: [(&str, &str); 6] = [
    ("legal_name", "Winkel de Hoek B.V."),
    ("street", "Prinsengracht 263"),
    ("postcode", "1016 GV"),
    ("city", "Amsterdam"),
    ("kvk_number", "12345678"),
    ("vat_id", "NL123456789B01"),
];

async fn set_seller(app: &TestApp) {
    for (key, value) in SELLER {
        setting::Entity::delete_by_id(key)
            .exec(&app.db)
            .await
            .unwrap();
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.into()),
            value: Set(value.into()),
        })
        .exec(&app.db)
        .await
        .unwrap();
    }
}

/// A GET with the raw bytes of the answer (a PDF is no text).
async fn fetch(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::get(path);
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 10 * 1024 * 1024).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

/// The text of a PDF, as a reader extracts it (through its ToUnicode map).
fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("its text")
}

async fn pdf_at(app: &TestApp, path: &str) -> String {
    let (status, headers, bytes) = fetch(app, path, None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    pdf_text(&bytes)
}

fn assert_says(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(
            text.contains(w),
            "{w:?} is missing from the invoice:\n{text}"
        );
    }
}

async fn product_id(client: &mut Client, slug: &str) -> i64 {
    let res = client.call("get_product", &[("slug", slug)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["id"].as_i64().expect("product id")
}

/// A client with `items` (slug, quantity) in its cart.
async fn with_cart(app: &TestApp, items: &[(&str, &str)]) -> Client {
    let mut client = app.client();
    for (slug, quantity) in items {
        let id = product_id(&mut client, slug).await.to_string();
        let res = client
            .call(
                "add_to_cart",
                &[("product_id", &id), ("quantity", quantity)],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    client
}

/// The checkout form of `email` with `extra` fields replacing its own.
fn form<'a>(email: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = checkout(email);
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push((name, value));
    }
    pairs
}

/// Places an order and returns the order row.
async fn place(
    app: &TestApp,
    items: &[(&str, &str)],
    email: &str,
    extra: &[(&str, &str)],
) -> order::Model {
    let mut client = with_cart(app, items).await;
    let res = client.call("place_order", &form(email, extra)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    order::Entity::find()
        .filter(order::Column::Token.eq(token))
        .one(&app.db)
        .await
        .unwrap()
        .expect("order")
}

async fn invoice_of(app: &TestApp, order_id: i32) -> invoice::Model {
    invoice::Entity::find()
        .filter(invoice::Column::OrderId.eq(order_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an invoice for the order")
}

async fn the_invoice_says_what_the_law_asks(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    set_seller(&app).await;
    let order = place(
        &app,
        &[("espressobonen-amsterdam", "2"), ("theepot-gietijzer", "1")],
        "marieke@example.nl",
        &[],
    )
    .await;
    let invoice = invoice_of(&app, order.id).await;
    assert_eq!(invoice.number, 1);
    assert_eq!(invoice.total_cents, order.total_cents);
    assert_eq!(invoice.vat_cents, order.vat_cents);
    assert!(!invoice.business && !invoice.reverse_charge);

    let text = pdf_at(&app, &format!("/orders/{}/invoice.pdf", order.token)).await;
    let date = format!(
        "Factuurdatum: {}",
        date_in(Locale::Nl, shop_today(invoice.issued_at))
    );
    let (total, vat) = (
        price_in(Locale::Nl, order.total_cents),
        price_in(Locale::Nl, order.vat_cents),
    );
    let buyer_city = format!("{} Amsterdam", invoice.buyer_postcode);
    assert_says(
        &text,
        &[
            "Factuur",
            "Winkel de Hoek B.V.",
            "Prinsengracht 263",
            "1016 GV Amsterdam",
            "KvK-nummer: 12345678",
            "Btw-id: NL123456789B01",
            "Factuurnummer: 000001",
            &date,
            "Marieke Bakkerus",
            "Lindengracht 77",
            &buyer_city,
            "Espressobonen Amsterdam",
            "Theepot gietijzer",
            // 2 x 12,95 at 9%, 39,95 at 21%.
            "€ 12,95",
            "€ 25,90",
            "€ 39,95",
            "Btw 9%",
            "Btw 21%",
            "Totaal btw",
            &vat,
            "Totaal te betalen",
            &total,
        ],
    );
    assert!(!text.contains("verlegd"));
    // The English path serves the same invoice, in the order's language.
    let english = pdf_at(&app, &format!("/en/orders/{}/invoice.pdf", order.token)).await;
    assert_says(&english, &["Factuurnummer: 000001"]);

    // A wrong or unknown token finds nothing.
    for path in [
        format!("/orders/{}x/invoice.pdf", order.token),
        "/orders/onbekend/invoice.pdf".to_owned(),
        "/bookings/confirmed/onbekend/invoice.pdf".to_owned(),
    ] {
        let (status, _, _) = fetch(&app, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    app.finish().await;
}

async fn parallel_orders_get_numbers_without_gaps(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // One buyer whose order fails: the teapot sells out after it is in
    // their cart. It must use no number.
    let mut unlucky = with_cart(&app, &[("theepot-gietijzer", "2")]).await;
    let pot = product::Entity::find()
        .filter(product::Column::Slug.eq("theepot-gietijzer"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut pot: product::ActiveModel = pot.into();
    pot.stock = Set(1);
    pot.update(&app.db).await.unwrap();

    let mut buyers = Vec::new();
    for _ in 0..12 {
        buyers.push(with_cart(&app, &[("espressobonen-amsterdam", "1")]).await);
    }
    let failing = tokio::spawn(async move {
        unlucky
            .call("place_order", &form("pech@example.nl", &[]))
            .await
            .status
    });
    let orders: Vec<_> = buyers
        .into_iter()
        .enumerate()
        .map(|(n, mut client)| {
            tokio::spawn(async move {
                let email = format!("koper{n}@example.nl");
                client.call("place_order", &form(&email, &[])).await
            })
        })
        .collect();
    for placed in orders {
        let res = placed.await.unwrap();
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    assert_eq!(failing.await.unwrap(), StatusCode::CONFLICT);

    let numbers: Vec<i64> = invoice::Entity::find()
        .order_by_asc(invoice::Column::Number)
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|i| i.number)
        .collect();
    assert_eq!(numbers, (1..=12).collect::<Vec<i64>>());
    let counter = invoice_counter::Entity::find_by_id(1)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(counter.last_number, 12);
    // Every order has its own.
    assert_eq!(order::Entity::find().count(&app.db).await.unwrap(), 12);
    app.finish().await;
}

async fn a_belgian_business_is_reverse_charged(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    set_seller(&app).await;
    let business = [
        ("company_name", "Brouwerij Zuid BV"),
        ("vat_number", "BE0123456789"),
        ("street", "Meir"),
        ("house_number", "1"),
        ("postcode", "2000"),
        ("city", "Antwerpen"),
        ("country", "BE"),
    ];
    let order = place(
        &app,
        &[("espressobonen-amsterdam", "1")],
        "inkoop@brouwerij.example",
        &business,
    )
    .await;
    // 12,95 without its 9% VAT is 11,88; shipping 4,95 without 21% is 4,09.
    assert_eq!(order.vat_cents, 0);
    assert_eq!(order.shipping_cents, 409);
    assert_eq!(order.total_cents, 1188 + 409);
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(lines[0].unit_price_cents, 1188);
    assert_eq!(lines[0].vat_rate_bp, 0);

    let invoice = invoice_of(&app, order.id).await;
    assert!(invoice.reverse_charge && invoice.business);
    assert_eq!(invoice.total_cents, order.total_cents);
    assert_eq!(invoice.vat_cents, 0);
    let text = pdf_at(&app, &format!("/orders/{}/invoice.pdf", order.token)).await;
    assert_says(
        &text,
        &[
            "Brouwerij Zuid BV",
            "Meir 1",
            "2000 Antwerpen",
            "BE",
            "Btw-nummer afnemer: BE0123456789",
            "Verzendkosten",
            "€ 11,88",
            "€ 4,09",
            "verlegd",
            "Btw verlegd",
            "€ 15,97",
        ],
    );

    // A Dutch business pays VAT as anyone in the Netherlands does.
    let dutch = place(
        &app,
        &[("espressobonen-amsterdam", "1")],
        "inkoop@bakker.example",
        &[
            ("company_name", "Bakker BV"),
            ("vat_number", "NL123456789B01"),
        ],
    )
    .await;
    assert_eq!(dutch.total_cents, 1295 + 495);
    let invoice = invoice_of(&app, dutch.id).await;
    assert!(invoice.business && !invoice.reverse_charge);
    app.finish().await;
}

async fn bookings_share_the_series_and_staff_need_the_right(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    crate::bookings::add_item(&app, "consult", 4, 24, 30, (9, 17)).await;
    let (_, slot) = crate::bookings::slot_in(3, 10);
    let res = app
        .client()
        .call("book_slot", &crate::bookings::form("consult", &slot, "2"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    let text = pdf_at(&app, &format!("/bookings/confirmed/{token}/invoice.pdf")).await;
    // Two places at 20,00 incl. 21% VAT.
    assert_says(
        &text,
        &[
            "Factuurnummer: 000001",
            "Test consult",
            "Fien Fietser",
            "€ 40,00",
            "Btw 21%",
            "€ 6,94",
        ],
    );
    let booking = crate::bookings::booking_by(&app, &token).await;

    // One series: the next order gets the next number.
    let order = place(
        &app,
        &[("espressobonen-amsterdam", "1")],
        "een@example.nl",
        &[],
    )
    .await;
    assert_eq!(invoice_of(&app, order.id).await.number, 2);

    let order_pdf = format!("/cms/orders/{}/invoice.pdf", order.id);
    let booking_pdf = format!("/cms/bookings/{}/invoice.pdf", booking.id);
    // Nobody logged in: to the login.
    let (status, headers, _) = fetch(&app, &order_pdf, None).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/cms/login");
    // A member without the right that shows orders (or bookings) is refused.
    let customers_only = staff_client(
        &app,
        "klanten@winkel.example",
        "een lang wachtwoord",
        false,
        &[Right::CustomersView],
    )
    .await;
    let cookie = customers_only.cookie.clone().expect("cms cookie");
    for path in [&order_pdf, &booking_pdf] {
        let (status, _, _) = fetch(&app, path, Some(&cookie)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // With it: the PDF, and the read is in the audit log.
    let orders = staff_client(
        &app,
        "orders@winkel.example",
        "een lang wachtwoord",
        false,
        &[Right::OrdersView],
    )
    .await;
    let cookie = orders.cookie.clone().expect("cms cookie");
    let (status, headers, bytes) = fetch(&app, &order_pdf, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_says(&pdf_text(&bytes), &["Factuurnummer: 000002"]);
    let (status, _, _) = fetch(&app, &booking_pdf, Some(&cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = fetch(&app, "/cms/orders/999999/invoice.pdf", Some(&cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("order.view"))
        .filter(audit_log::Column::EntityId.eq(order.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].detail.as_deref(), Some("invoice 000002"));
    let bookings = staff_client(
        &app,
        "agenda@winkel.example",
        "een lang wachtwoord",
        false,
        &[Right::BookingsView],
    )
    .await;
    let (status, _, _) = fetch(&app, &booking_pdf, bookings.cookie.as_deref()).await;
    assert_eq!(status, StatusCode::OK);
    app.finish().await;
}

async fn erasure_keeps_business_invoices_for_the_fiscal_term(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let consumer = place(
        &app,
        &[("espressobonen-amsterdam", "1")],
        "consument@example.nl",
        &[],
    )
    .await;
    let business = place(
        &app,
        &[("espressobonen-amsterdam", "1")],
        "zakelijk@example.nl",
        &[
            ("company_name", "Bakker BV"),
            ("vat_number", "NL123456789B01"),
        ],
    )
    .await;
    let before = invoice_of(&app, consumer.id).await;
    let now = now_utc();
    let txn = app.db.begin().await.unwrap();
    for order in [&consumer, &business] {
        privacy::erase_customer(
            &txn,
            order.customer_id.unwrap(),
            ErasureReason::OwnRequest,
            now,
        )
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();

    // The consumer's invoice: no buyer left, number, date, lines and
    // amounts kept.
    let after = invoice_of(&app, consumer.id).await;
    assert_eq!(after.buyer_name, privacy::ANONYMOUS_NAME);
    assert_eq!(after.buyer_street, privacy::ANONYMOUS_TEXT);
    assert!(after.anonymised_at.is_some());
    assert_eq!(
        (
            after.number,
            after.issued_at,
            &after.lines,
            after.total_cents,
            after.vat_cents
        ),
        (
            before.number,
            before.issued_at,
            &before.lines,
            before.total_cents,
            before.vat_cents
        )
    );
    let text = pdf_at(&app, &format!("/orders/{}/invoice.pdf", consumer.token)).await;
    assert!(
        !text.contains("Marieke") && !text.contains("Lindengracht"),
        "{text}"
    );
    assert_says(
        &text,
        &[
            "Factuurnummer: 000001",
            "Afnemer geanonimiseerd",
            "Espressobonen Amsterdam",
        ],
    );

    // The business invoice keeps its buyer for the fiscal term ...
    let kept = invoice_of(&app, business.id).await;
    assert_eq!(kept.buyer_company.as_deref(), Some("Bakker BV"));
    assert_eq!(kept.buyer_name, "Marieke Bakkerus");
    assert!(kept.anonymised_at.is_none());
    let text = pdf_at(&app, &format!("/orders/{}/invoice.pdf", business.token)).await;
    assert_says(&text, &["Bakker BV", "Lindengracht 77", "NL123456789B01"]);
    // ... though its order has lost the customer.
    let order = order::Entity::find_by_id(business.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(order.anonymised_at.is_some());

    // A sweep within the term leaves it; one past the term anonymises it.
    let in_term = shop_today(now) + chrono::Months::new(12 * 6);
    retention::run_as_of(&app.db, in_term, Options::new(Mode::Apply), now, &mut ())
        .await
        .unwrap();
    assert!(invoice_of(&app, business.id).await.anonymised_at.is_none());
    let past_term = shop_today(now) + chrono::Months::new(12 * 7 + 1);
    retention::run_as_of(&app.db, past_term, Options::new(Mode::Apply), now, &mut ())
        .await
        .unwrap();
    let gone = invoice_of(&app, business.id).await;
    assert_eq!(gone.buyer_name, privacy::ANONYMOUS_NAME);
    assert_eq!(gone.buyer_company, None);
    assert_eq!(gone.buyer_vat_number, None);
    assert_eq!(gone.total_cents, kept.total_cents);
    assert_eq!(
        invoice::Entity::find().count(&app.db).await.unwrap(),
        2,
        "invoices are never deleted"
    );
    app.finish().await;
}
