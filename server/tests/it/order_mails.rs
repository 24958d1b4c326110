//! Issue 20, items 1 and 2, on SQLite and MariaDB: the mails about an
//! order (confirmation, paid, shipped with its track-and-trace link,
//! cancelled) in the order's language, as text with an escaped HTML part;
//! the payment instructions of a bank transfer in the mail and on the
//! order page; marking paid is idempotent; the confirmations' own budget;
//! an erased customer's waiting mail is never sent.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, Backend, Client, TestApp};
use app::locale::{price_in, Locale};
use app::ssr::entities::{order, order_line, setting};
use app::ssr::services::privacy::{self, ErasureReason};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    the_confirmation_lists_the_order_and_how_to_pay,
    an_english_order_is_confirmed_in_english_and_without_an_iban_the_shop_sends_details,
    staff_changes_mail_the_customer_once_each,
    order_confirmations_have_a_budget_of_their_own,
    an_erased_customers_waiting_mail_is_not_sent,
);

use crate::common::SITE;
const IBAN: &str = "NL91 ABNA 0417 1643 00";
const OWNER: (&str, &str) = ("owner@example.nl", "een lang wachtwoord voor de balie");

async fn order_from(app: &TestApp, page: &str, form: &[(&str, &str)]) -> order::Model {
    common::order_espresso(app, page, form).await
}

/// The mails sent to `to` so far.
async fn mails_to(app: &TestApp, to: &str) -> Vec<String> {
    app.mails()
        .await
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}\r\n")))
        .collect()
}

/// The plain-text part of a raw mail (up to the HTML part).
fn text_part(mail: &str) -> &str {
    let start = mail.find("Content-Type: text/plain").expect("a text part");
    let end = mail.find("Content-Type: text/html").unwrap_or(mail.len());
    &mail[start..end]
}

/// The HTML part of a raw mail.
fn html_part(mail: &str) -> &str {
    let start = mail.find("Content-Type: text/html").expect("an HTML part");
    &mail[start..]
}

async fn owner(app: &TestApp) -> Client {
    common::staff_client(app, OWNER.0, OWNER.1, true, &[]).await
}

async fn set_iban(staff: &mut Client, iban: &str) {
    let saved = staff
        .call(
            "cms_save_settings",
            &[
                ("shop_name", "De Hoek"),
                ("contact_email", "info@dehoek.nl"),
                ("retention_years", "7"),
                ("backups_keep", "14"),
                ("legal_name", "De Hoek B.V."),
                ("iban", iban),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
}

async fn the_confirmation_lists_the_order_and_how_to_pay(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut staff = owner(&app).await;
    set_iban(&mut staff, "nl91abna0417164300").await;

    let email = "marieke@example.nl";
    let mut form = common::checkout(email);
    form.retain(|(k, _)| *k != "first_name");
    form.push(("first_name", "<script>alert(1)</script>"));
    let placed = order_from(&app, "/checkout", &form).await;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(placed.id))
        .all(&app.db)
        .await
        .unwrap();
    let mails = mails_to(&app, email).await;
    assert_eq!(mails.len(), 1, "one confirmation: {mails:?}");
    let mail = &mails[0];
    let number = placed.id.to_string();
    assert!(
        mail.contains(&format!("Subject: Je bestelling {number} bij De Hoek\r\n")),
        "{mail}"
    );
    let text = text_part(mail);
    let nl = |cents| price_in(Locale::Nl, cents);
    let line = &lines[0];
    for expected in [
        format!(
            "2 x {} à {} = {}",
            line.product_name,
            nl(line.unit_price_cents),
            nl(line.line_total_cents)
        ),
        format!("Subtotaal: {}", nl(placed.subtotal_cents)),
        format!("Verzendkosten: {}", nl(placed.shipping_cents)),
        format!("Totaal: {}", nl(placed.total_cents)),
        format!("Waarvan btw: {}", nl(placed.vat_cents)),
        "Levering: Verzenden".into(),
        "Lindengracht 77\r\n1015 KK Amsterdam\r\nNL".into(),
        "Betaling: Bankoverschrijving".into(),
        format!(
            "Maak {} over naar {IBAN} ten name van De Hoek B.V., onder vermelding van je bestelnummer {number}.",
            nl(placed.total_cents)
        ),
        format!("Je bestelling bekijken:\r\n{SITE}/orders/{}\r\n", placed.token),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in:\n{text}");
    }
    // The HTML part says the same, with the typed name escaped.
    assert!(mail.contains("multipart/alternative"), "{mail}");
    let html = html_part(mail);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Bakkerus"),
        "{html}"
    );
    assert!(
        !html.contains("<script>"),
        "never unescaped in HTML:\n{html}"
    );
    // The text part is text: the name as typed.
    assert!(
        text.contains("<script>alert(1)</script> Bakkerus\r\n"),
        "{text}"
    );
    assert!(
        html.contains(&format!("<a href=\"{SITE}/orders/{}\">", placed.token)),
        "{html}"
    );
    assert!(html.contains(IBAN), "{html}");

    // The order page shows the same instructions while the order is unpaid.
    let page = app.client().get(&format!("/orders/{}", placed.token)).await;
    assert_eq!(page.status, StatusCode::OK);
    let block = &page.body[page
        .body
        .find("class=\"payment-instructions\"")
        .expect("instructions on the order page")..];
    for expected in [IBAN, "De Hoek B.V.", &nl(placed.total_cents), &number] {
        assert!(block.contains(expected), "{expected} not in {block}");
    }

    // Paying on pickup: no transfer, no IBAN, in the mail or on the page.
    let other = "kees@example.nl";
    let mut pickup = common::checkout(other);
    pickup.retain(|(k, _)| *k != "delivery_method" && *k != "payment_method");
    pickup.extend([
        ("delivery_method", "pickup"),
        ("payment_method", "pay_on_pickup"),
    ]);
    let placed = order_from(&app, "/checkout", &pickup).await;
    let mails = mails_to(&app, other).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].contains("Betaling: Betalen bij afhalen"),
        "{}",
        mails[0]
    );
    assert!(!mails[0].contains(IBAN), "{}", mails[0]);
    assert!(!mails[0].contains("bankoverschrijving"), "{}", mails[0]);
    let page = app.client().get(&format!("/orders/{}", placed.token)).await;
    assert!(!page.body.contains("payment-instructions"));
    assert!(!page.body.contains(IBAN));
    app.finish().await;
}

async fn an_english_order_is_confirmed_in_english_and_without_an_iban_the_shop_sends_details(
    backend: Backend,
) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // The demo shop has an IBAN; a new shop's owner may not have filled
    // one in yet.
    setting::Entity::delete_by_id("iban")
        .exec(&app.db)
        .await
        .unwrap();
    let email = "anne@example.co.uk";
    let placed = order_from(&app, "/en/checkout", &common::checkout(email)).await;
    let mails = mails_to(&app, email).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert!(
        mail.contains(&format!("Subject: Your order {} at ", placed.id)),
        "{mail}"
    );
    let text = text_part(mail);
    assert!(
        text.contains(&format!(
            "View your order:\r\n{SITE}/en/orders/{}\r\n",
            placed.token
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "The amount is {}, quoting your order number {}.",
            price_in(Locale::En, placed.total_cents),
            placed.id
        )),
        "{text}"
    );
    assert!(text.contains("will send you the account details"), "{text}");
    assert!(html_part(mail).contains("<html lang=\"en\">"), "{mail}");
    for word in ["Hallo", " je ", "Bedankt", "Betaling", "bestelling"] {
        assert!(!mail.contains(word), "Dutch {word:?} in:\n{mail}");
    }
    let page = app
        .client()
        .get(&format!("/en/orders/{}", placed.token))
        .await;
    assert!(
        page.body
            .contains("We will email you the account details as soon as possible."),
        "{}",
        page.body
    );
    app.finish().await;
}

async fn staff_changes_mail_the_customer_once_each(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut staff = owner(&app).await;
    set_iban(&mut staff, IBAN).await;
    let email = "marieke@example.nl";
    let placed = order_from(&app, "/checkout", &common::checkout(email)).await;
    let id = placed.id.to_string();
    assert_eq!(mails_to(&app, email).await.len(), 1, "the confirmation");

    // Paid, twice (a double click, a provider's retried webhook): one mail.
    for _ in 0..2 {
        let paid = staff
            .call("cms_set_order_status", &[("id", &id), ("status", "paid")])
            .await;
        assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
        assert_eq!(paid.json()["order"]["status"], "paid");
        assert_eq!(paid.json()["order"]["payment"], serde_json::Value::Null);
    }
    let mails = mails_to(&app, email).await;
    assert_eq!(mails.len(), 2, "one paid mail: {mails:?}");
    assert!(
        mails[1].contains(&format!(
            "Subject: Betaling ontvangen voor bestelling {id}\r\n"
        )),
        "{}",
        mails[1]
    );
    // Paid: the order page no longer asks for the money.
    let page = app.client().get(&format!("/orders/{}", placed.token)).await;
    assert!(!page.body.contains("payment-instructions"));

    // Shipped: a link that is not https is refused with its field.
    for bad in [
        "http://jouw.postnl.nl/x",
        "javascript:alert(1)",
        "https://postnl.nl/\"><script>",
    ] {
        let refused = staff
            .call(
                "cms_set_order_status",
                &[("id", &id), ("status", "shipped"), ("track_url", bad)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(refused.json()["Validation"][0]["field"], "track_url");
        assert_eq!(refused.json()["Validation"][0]["error"], "TrackUrl");
    }
    assert_eq!(mails_to(&app, email).await.len(), 2, "nothing sent");
    let track = "https://jouw.postnl.nl/track-and-trace/3SABC123";
    let shipped = staff
        .call(
            "cms_set_order_status",
            &[("id", &id), ("status", "shipped"), ("track_url", track)],
        )
        .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.body);
    let mails = mails_to(&app, email).await;
    assert_eq!(mails.len(), 3, "{mails:?}");
    assert!(
        mails[2].contains(&format!("Subject: Bestelling {id} is verzonden\r\n")),
        "{}",
        mails[2]
    );
    assert!(
        text_part(&mails[2]).contains(&format!("Volg je pakket:\r\n{track}\r\n")),
        "{}",
        mails[2]
    );
    assert!(html_part(&mails[2]).contains(&format!("<a href=\"{track}\">")));
    let page = app.client().get(&format!("/orders/{}", placed.token)).await;
    assert!(
        page.body.contains(&format!("href=\"{track}\"")),
        "{}",
        page.body
    );
    // Paid again after shipping changes nothing and sends nothing.
    let late = staff
        .call("cms_set_order_status", &[("id", &id), ("status", "paid")])
        .await;
    assert_eq!(late.json()["order"]["status"], "shipped", "{}", late.body);

    // Another order, cancelled: its mail, in its language.
    let other = "anne@example.co.uk";
    let second = order_from(&app, "/en/checkout", &common::checkout(other)).await;
    let cancelled = staff
        .call(
            "cms_set_order_status",
            &[("id", &second.id.to_string()), ("status", "cancelled")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    let mails = mails_to(&app, other).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(
        mails[1].contains(&format!(
            "Subject: Order {} has been cancelled\r\n",
            second.id
        )),
        "{}",
        mails[1]
    );
    // A cancelled order cannot be paid.
    let refused = staff
        .call(
            "cms_set_order_status",
            &[("id", &second.id.to_string()), ("status", "paid")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mails_to(&app, email).await.len(), 3);
    assert_eq!(mails_to(&app, other).await.len(), 2);
    app.finish().await;
}

/// The decision in `services::outbox`: order confirmations do not share
/// the unsolicited budget (a customer's fourth order of the day is
/// confirmed even after other mail to the address), but have their own,
/// so a bot placing order after order cannot bomb an address.
async fn order_confirmations_have_a_budget_of_their_own(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let email = "doelwit@example.nl";
    // The unsolicited budget of the address is used up ...
    let mut visitor = app.client();
    for _ in 0..4 {
        let res = visitor
            .call("newsletter_subscribe", &[("email", email)])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let before = mails_to(&app, email).await.len();
    assert_eq!(before, app::ssr::services::outbox::UNSOLICITED_PER_DAY);
    // ... and yet every order is confirmed, up to the confirmations' own
    // budget; spelling the address differently does not get round it.
    let budget = app::ssr::services::outbox::ORDER_CONFIRMATIONS_PER_DAY;
    let orders_before = order::Entity::find().count(&app.db).await.unwrap();
    let spellings = [email, "Doelwit@Example.nl", " doelwit@example.NL"];
    for i in 0..=budget {
        order_from(&app, "/checkout", &common::checkout(spellings[i % 3])).await;
    }
    let all = app.mails().await;
    let confirmations = all
        .iter()
        .filter(|m| m.contains("Subject: Je bestelling "))
        .count();
    assert_eq!(
        confirmations, budget,
        "the last order is placed, not mailed"
    );
    let orders = order::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(
        orders - orders_before,
        u64::try_from(budget + 1).unwrap(),
        "every order is placed"
    );
    // Another address is not touched.
    order_from(&app, "/checkout", &common::checkout("ander@example.nl")).await;
    assert_eq!(mails_to(&app, "ander@example.nl").await.len(), 1);
    app.finish().await;
}

async fn an_erased_customers_waiting_mail_is_not_sent(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let email = "weg@example.nl";
    let placed = order_from(&app, "/checkout", &common::checkout(email)).await;
    // Before the worker sends the confirmation, the customer is erased.
    assert_eq!(app::ssr::services::outbox::waiting(&app.db).await, Ok(1));
    privacy::erase_customers(
        &app.db,
        &[placed.customer_id.unwrap()],
        ErasureReason::OwnRequest,
        app::ssr::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!(app::ssr::services::outbox::waiting(&app.db).await, Ok(0));
    assert!(app.mails().await.is_empty());
    // The anonymised order gets no status mail either.
    let mut staff = owner(&app).await;
    let paid = staff
        .call(
            "cms_set_order_status",
            &[("id", &placed.id.to_string()), ("status", "paid")],
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    assert!(app.mails().await.is_empty());
    app.finish().await;
}
