//! Customer accounts over HTTP, on SQLite and MariaDB: register, log in,
//! legacy hashes, "Mijn account", own orders only, export, erasure.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::customer::NewsletterState;
use app::ssr::entities::{customer, order, order_line, session};
use axum::http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::Value;

on_both_databases!(
    register_log_in_and_out,
    wrong_password_and_unknown_email_look_alike,
    registration_does_not_reveal_existing_accounts,
    weak_passwords_are_refused,
    legacy_hash_is_upgraded_at_first_login,
    repeated_failures_slow_down_but_never_lock_out,
    edit_own_data_email_and_password,
    orders_of_others_are_not_found,
    export_holds_everything_stored,
    delete_account_erases_the_customer_everywhere,
    account_created_at_checkout,
);

const PASSWORD: &str = "vier koeien in de wei";

fn person(email: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("email", email),
        ("first_name", "Marieke"),
        ("last_name", "Bakkerus"),
        ("gender", "f"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
    ]
}

async fn register(
    client: &mut Client,
    email: &'static str,
    password: &'static str,
) -> common::Response {
    let mut form = person(email);
    form.push(("password", password));
    client.call("register", &form).await
}

async fn login(client: &mut Client, email: &str, password: &str) -> common::Response {
    client
        .call("login", &[("email", email), ("password", password)])
        .await
}

async fn registered_and_logged_in(app: &TestApp, email: &'static str) -> Client {
    let mut client = app.client();
    assert_eq!(
        register(&mut client, email, PASSWORD).await.status,
        StatusCode::OK
    );
    let res = login(&mut client, email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    client
}

/// The token of the address-change link last mailed to `to`.
async fn email_change_token(app: &TestApp, to: &str) -> String {
    let mails = app.mails().await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.contains(&format!("To: {to}")) && m.contains("/account/email?t="))
        .unwrap_or_else(|| panic!("an address-change mail to {to} in {mails:?}"));
    let start = mail.find("/account/email?t=").unwrap() + "/account/email?t=".len();
    mail[start..].split_whitespace().next().unwrap().to_owned()
}

async fn account(app: &TestApp, email: &str) -> customer::Model {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .filter(customer::Column::PasswordHash.is_not_null())
        .one(&app.db)
        .await
        .expect("query")
        .expect("the account")
}

fn checkout_form() -> Vec<(&'static str, &'static str)> {
    let mut form = person("marieke@example.nl");
    form.extend([
        ("delivery_method", "shipping"),
        ("payment_method", "bank_transfer"),
    ]);
    form
}

async fn buy(app: &TestApp, client: &mut Client, slug: &str, quantity: &str) -> String {
    let product = client.call("get_product", &[("slug", slug)]).await.json();
    let id = product["id"].as_i64().expect("id").to_string();
    let added = client
        .call(
            "add_to_cart",
            &[("product_id", &id), ("quantity", quantity)],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let placed = client.call("place_order", &checkout_form()).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let _ = app;
    placed.json().as_str().expect("token").to_owned()
}

async fn register_log_in_and_out(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let res = register(&mut client, "marieke@example.nl", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let created = account(&app, "marieke@example.nl").await;
    assert!(created
        .password_hash
        .as_deref()
        .is_some_and(|h| h.starts_with("$pbkdf2-sha512$i=210000,")));
    assert_eq!(created.last_login_at, None);
    assert_eq!(
        client.call("whoami", &[]).await.json(),
        Value::Null,
        "registering does not log in"
    );

    // A session exists before login (a cart); its id must change at login.
    let espresso = client
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json()["id"]
        .to_string();
    client
        .call(
            "add_to_cart",
            &[("product_id", &espresso), ("quantity", "1")],
        )
        .await;
    let before = client.cookie.clone().expect("a session");
    let res = login(&mut client, "Marieke@Example.nl ", PASSWORD).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let after = client.cookie.clone().expect("a session");
    assert_ne!(before, after, "the session id is renewed at login");
    assert_eq!(
        client.call("get_cart", &[]).await.json()["item_count"],
        1,
        "the cart survives login"
    );
    assert_eq!(client.call("whoami", &[]).await.json(), "Marieke");
    assert!(account(&app, "marieke@example.nl")
        .await
        .last_login_at
        .is_some());
    let rows = session::Entity::find()
        .filter(session::Column::CustomerId.eq(created.id))
        .count(&app.db)
        .await
        .expect("q");
    assert_eq!(rows, 1);

    let page = client.get("/account").await;
    assert!(page.body.contains("Mijn bestellingen") && page.body.contains("Lindengracht"));

    assert_eq!(client.call("logout", &[]).await.status, StatusCode::OK);
    let rows = session::Entity::find()
        .filter(session::Column::CustomerId.eq(created.id))
        .count(&app.db)
        .await
        .expect("q");
    assert_eq!(rows, 0, "logout removes the session from the store");
    // The old cookie is worthless now.
    client.cookie = Some(after);
    assert_eq!(
        client.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn wrong_password_and_unknown_email_look_alike(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    register(&mut client, "marieke@example.nl", PASSWORD).await;
    let wrong = login(&mut client, "marieke@example.nl", "vijf koeien in de wei").await;
    let unknown = login(&mut client, "niemand@example.nl", PASSWORD).await;
    let garbage = login(&mut client, "geen email", "").await;
    for res in [&wrong, &unknown, &garbage] {
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.json(), Value::from("InvalidCredentials"));
    }
    assert_eq!(client.call("whoami", &[]).await.json(), Value::Null);
    assert_eq!(
        account(&app, "marieke@example.nl").await.last_login_at,
        None
    );
    app.finish().await;
}

async fn registration_does_not_reveal_existing_accounts(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut first = app.client();
    let fresh = register(&mut first, "marieke@example.nl", PASSWORD).await;
    let original_hash = account(&app, "marieke@example.nl").await.password_hash;
    let mut second = app.client();
    let again = register(
        &mut second,
        "marieke@example.nl",
        "een heel ander wachtwoord",
    )
    .await;
    assert_eq!(
        (fresh.status, fresh.body.as_str()),
        (again.status, again.body.as_str())
    );
    assert_eq!(customer::Entity::find().count(&app.db).await.expect("q"), 1);
    assert_eq!(
        account(&app, "marieke@example.nl").await.password_hash,
        original_hash,
        "the account is untouched"
    );
    assert_eq!(
        login(
            &mut second,
            "marieke@example.nl",
            "een heel ander wachtwoord"
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn weak_passwords_are_refused(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    for (password, error) in [
        ("kort", serde_json::json!({"PasswordTooShort": {"min": 8}})),
        ("password1", Value::from("PasswordCommon")),
        ("ikbenmarieke!", Value::from("PasswordContainsEmail")),
    ] {
        let res = register(&mut client, "marieke@example.nl", password).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        let field = &res.json()["Validation"][0];
        assert_eq!(
            (field["field"].clone(), field["error"].clone()),
            (Value::from("password"), error),
            "{password}"
        );
    }
    assert_eq!(customer::Entity::find().count(&app.db).await.expect("q"), 0);
    app.finish().await;
}

async fn legacy_hash_is_upgraded_at_first_login(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    register(&mut client, "piet@example.nl", PASSWORD).await;
    // As imported from the old system: hex sha512(password ‖ email).
    let legacy = app::ssr::password::legacy_hash("oud wachtwoord 1998", "piet@example.nl");
    let mut row: customer::ActiveModel = account(&app, "piet@example.nl").await.into();
    row.password_hash = Set(Some(legacy.clone()));
    row.update(&app.db).await.expect("update");

    assert_eq!(
        login(&mut client, "piet@example.nl", "verkeerd")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        account(&app, "piet@example.nl")
            .await
            .password_hash
            .as_deref(),
        Some(legacy.as_str())
    );
    assert_eq!(
        login(&mut client, "piet@example.nl", "oud wachtwoord 1998")
            .await
            .status,
        StatusCode::OK
    );
    let upgraded = account(&app, "piet@example.nl")
        .await
        .password_hash
        .expect("hash");
    assert!(
        upgraded.starts_with("$pbkdf2-sha512$i=210000,"),
        "{upgraded}"
    );
    let mut again = app.client();
    assert_eq!(
        login(&mut again, "piet@example.nl", "oud wachtwoord 1998")
            .await
            .status,
        StatusCode::OK
    );
    app.finish().await;
}

async fn repeated_failures_slow_down_but_never_lock_out(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    register(&mut client, "marieke@example.nl", PASSWORD).await;
    for _ in 0..5 {
        assert_eq!(
            login(&mut client, "marieke@example.nl", "fout fout fout")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    // The sixth attempt waits before it is checked; the right password still
    // works: the real user is slowed, not locked out.
    let started = std::time::Instant::now();
    assert_eq!(
        login(&mut client, "marieke@example.nl", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "no slow-down after 5 failures"
    );
    app.finish().await;
}

async fn edit_own_data_email_and_password(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = registered_and_logged_in(&app, "marieke@example.nl").await;

    let mut form = person("ignored@example.nl");
    form.retain(|(k, _)| *k != "city" && *k != "email");
    form.extend([
        ("city", "Haarlem"),
        ("newsletter", "on"),
        ("delivery_street", "Grote Markt"),
        ("delivery_house_number", "1"),
        ("delivery_postcode", "2011RD"),
        ("delivery_city", "Haarlem"),
        ("delivery_country", "NL"),
    ]);
    let saved = client.call("update_profile", &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let row = account(&app, "marieke@example.nl").await;
    assert_eq!(
        (row.city.as_str(), row.newsletter),
        ("Haarlem", NewsletterState::Pending)
    );
    assert_eq!(row.delivery_postcode.as_deref(), Some("2011 RD"));
    let mut bad = form.clone();
    bad.push(("phone2", "geen nummer"));
    let refused = client.call("update_profile", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["Validation"][0]["field"], "phone2");

    let wrong = client
        .call(
            "change_email",
            &[
                ("current_password", "fout"),
                ("new_email", "m.bakkerus@example.nl"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["Validation"][0]["error"], "WrongPassword");
    let changed = client
        .call(
            "change_email",
            &[
                ("current_password", PASSWORD),
                ("new_email", "m.bakkerus@example.nl"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.json(), "m.bakkerus@example.nl");
    // Nothing changes until the link mailed to the new address is followed.
    assert_eq!(account(&app, "marieke@example.nl").await.id, row.id);
    let token = email_change_token(&app, "m.bakkerus@example.nl").await;
    let mut elsewhere = app.client();
    // The link alone is not enough: the new address is typed again.
    let mistyped = elsewhere
        .call(
            "confirm_email_change",
            &[("token", &token), ("new_email", "m.bakker@example.nl")],
        )
        .await;
    assert_eq!(
        mistyped.status,
        StatusCode::BAD_REQUEST,
        "{}",
        mistyped.body
    );
    let confirmed = elsewhere
        .call(
            "confirm_email_change",
            &[("token", &token), ("new_email", "m.bakkerus@example.nl")],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(account(&app, "m.bakkerus@example.nl").await.id, row.id);
    // The address is how the account logs in: every session ended.
    assert_eq!(
        client.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Followed twice: the link covered the old address, it is dead now.
    let again = elsewhere
        .call(
            "confirm_email_change",
            &[("token", &token), ("new_email", "m.bakkerus@example.nl")],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        login(&mut client, "m.bakkerus@example.nl", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );

    let weak = client
        .call(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", "12345678")],
        )
        .await;
    assert_eq!(weak.json()["Validation"][0]["error"], "PasswordCommon");
    let ok = client
        .call(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "zes eenden op een rij"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    let mut fresh = app.client();
    assert_eq!(
        login(&mut fresh, "marieke@example.nl", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&mut fresh, "m.bakkerus@example.nl", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&mut fresh, "m.bakkerus@example.nl", "zes eenden op een rij")
            .await
            .status,
        StatusCode::OK
    );
    app.finish().await;
}

async fn orders_of_others_are_not_found(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut alice = registered_and_logged_in(&app, "alice@example.nl").await;
    let mut bob = registered_and_logged_in(&app, "bob@example.nl").await;
    let alices = buy(&app, &mut alice, "theepot-gietijzer", "1").await;
    let order_row = order::Entity::find()
        .filter(order::Column::Token.eq(&alices))
        .one(&app.db)
        .await
        .expect("q")
        .expect("o");
    assert_eq!(
        order_row.customer_id,
        Some(account(&app, "alice@example.nl").await.id),
        "linked to the account"
    );

    let mine = alice.call("my_orders", &[]).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    // Mijn account shows her the order from the page itself, in every
    // render: read by the island as a resource, it sat under another id of
    // the page's data from one render to the next (docs/ARCHITECTURE.md).
    for render in 0..20 {
        let page = alice.get("/account").await;
        let props = common::island_props(&page.body, "AccountOverview")
            .unwrap_or_else(|| panic!("render {render}: no Mijn account island"));
        assert!(
            props.contains(&format!("\"token\":\"{alices}\"")),
            "render {render}: her order {alices} is not in the island's props {props}"
        );
    }
    let bobs = bob.get("/account").await;
    assert!(
        !bobs.body.contains(&alices),
        "Bob's Mijn account shows Alice's order"
    );
    assert_eq!(
        alice.call("my_order", &[("token", &alices)]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        bob.call("my_orders", &[]).await.json(),
        serde_json::json!([])
    );
    let stolen = bob.call("my_order", &[("token", &alices)]).await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND, "{}", stolen.body);
    assert_eq!(
        bob.get(&format!("/account/orders/{alices}")).await.status,
        StatusCode::NOT_FOUND
    );
    let export = bob.get("/account/export").await;
    assert!(!export.body.contains(&alices) && !export.body.contains("Theepot"));
    let mut anonymous = app.client();
    assert_eq!(
        anonymous
            .call("my_order", &[("token", &alices)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anonymous.call("my_orders", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let export = anonymous.get("/account/export").await;
    assert_eq!(export.status, StatusCode::SEE_OTHER);
    app.finish().await;
}

async fn export_holds_everything_stored(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = registered_and_logged_in(&app, "marieke@example.nl").await;
    let token = buy(&app, &mut client, "espressobonen-amsterdam", "2").await;
    let asked = client
        .call(
            "send_question",
            &[("question", "Leveren jullie ook in Antwerpen?")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let res = client.get("/account/export").await;
    assert_eq!(res.status, StatusCode::OK);
    let disposition = res
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename=\"winkel-gegevens-"),
        "{disposition}"
    );
    let export = res.json();
    assert_eq!(export["format"], "winkel-customer-export/1");
    let row = account(&app, "marieke@example.nl").await;
    let profile = &export["profile"];
    for (field, value) in [
        ("email", row.email.as_str()),
        ("first_name", row.first_name.as_str()),
        ("last_name", row.last_name.as_str()),
        ("street", row.street.as_str()),
        ("house_number", row.house_number.as_str()),
        ("postcode", row.postcode.as_str()),
        ("city", row.city.as_str()),
        ("country", row.country.as_str()),
        ("phone", row.phone.as_str()),
    ] {
        assert_eq!(profile[field], value, "{field}");
    }
    assert_eq!(
        profile["newsletter"],
        serde_json::to_value(row.newsletter).unwrap()
    );
    assert_eq!(profile["gender"], "f");
    assert!(profile["created_at"].is_string() && profile["last_login_at"].is_string());
    assert!(
        profile.get("password_hash").is_none() && !res.body.contains("pbkdf2"),
        "no password in the export"
    );
    assert_eq!(export["orders"][0]["token"], token.as_str());
    assert_eq!(export["orders"][0]["lines"][0]["quantity"], 2);
    assert_eq!(
        export["orders"][0]["lines"][0]["product_name"],
        "Espressobonen Amsterdam"
    );
    let questions = export["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 1, "{}", export["questions"]);
    assert_eq!(
        (&questions[0]["question"], &questions[0]["status"]),
        (
            &serde_json::json!("Leveren jullie ook in Antwerpen?"),
            &serde_json::json!("open")
        )
    );
    assert!(questions[0]["asked_at"].is_string() && questions[0]["answer"].is_null());
    app.finish().await;
}

async fn delete_account_erases_the_customer_everywhere(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = registered_and_logged_in(&app, "marieke@example.nl").await;
    let token = buy(&app, &mut client, "kaars-sojawas", "3").await;
    let id = account(&app, "marieke@example.nl").await.id;
    // A second device is logged in too.
    let mut phone = app.client();
    login(&mut phone, "marieke@example.nl", PASSWORD).await;

    let refused = client.call("delete_account", &[("password", "fout")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(customer::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("q")
        .is_some());

    let deleted = client
        .call("delete_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(customer::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("q")
        .is_none());
    assert_eq!(
        session::Entity::find()
            .filter(session::Column::CustomerId.eq(id))
            .count(&app.db)
            .await
            .expect("q"),
        0
    );
    assert_eq!(
        phone.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "every session ended"
    );

    let kept = order::Entity::find()
        .filter(order::Column::Token.eq(&token))
        .one(&app.db)
        .await
        .expect("q")
        .expect("order kept");
    assert_eq!(kept.customer_id, None);
    assert!(kept.anonymised_at.is_some());
    assert_eq!(
        (kept.recipient_name.as_str(), kept.country.as_str()),
        ("Geanonimiseerd", "NL")
    );
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(kept.id))
        .all(&app.db)
        .await
        .expect("q");
    assert_eq!(
        (
            lines[0].product_name.as_str(),
            lines[0].quantity,
            lines[0].unit_price_cents
        ),
        ("Kaars sojawas", 3, 1295)
    );

    let everything = common::dump_all_text(&app.db).await;
    for personal in [
        "marieke@example.nl",
        "Marieke",
        "Bakkerus",
        "020-5551234",
        "Lindengracht",
        "1015 KK",
    ] {
        assert!(
            !everything.contains(personal),
            "{personal} still stored:\n{everything}"
        );
    }
    assert!(
        everything.contains(&format!("erasures:1|{id}|own_request")),
        "a tombstone without personal data"
    );
    assert_eq!(
        login(&mut app.client(), "marieke@example.nl", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn account_created_at_checkout(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut guest = app.client();
    let product = guest
        .call("get_product", &[("slug", "plaid-wol")])
        .await
        .json()["id"]
        .to_string();
    guest
        .call(
            "add_to_cart",
            &[("product_id", &product), ("quantity", "1")],
        )
        .await;
    let mut form = checkout_form();
    form.extend([("create_account", "on"), ("password", "123456")]);
    let weak = guest.call("place_order", &form).await;
    assert_eq!(weak.json()["Validation"][0]["field"], "password");
    form.retain(|(k, _)| *k != "password");
    form.push(("password", PASSWORD));
    let placed = guest.call("place_order", &form).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let token = placed.json().as_str().expect("token").to_owned();

    let mut later = app.client();
    assert_eq!(
        login(&mut later, "marieke@example.nl", PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
    let mine = later.call("my_orders", &[]).await.json();
    assert_eq!(
        mine[0]["token"],
        token.as_str(),
        "the guest order belongs to the new account"
    );
    app.finish().await;
}
