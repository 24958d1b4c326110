//! The payment methods a customer is entitled to (AVG-4), shown and edited
//! in the CMS: granted "on account" by a member who may edit customers,
//! refused to one who may only view them, audited, and offered at the
//! customer's next checkout.

use crate::common::{self, Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{audit_log, customer};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(staff_grant_and_withdraw_paying_on_account);

const PASSWORD: &str = "vier koeien in de wei";
const STAFF_PASSWORD: &str = "de winkel gaat om negen open";

async fn customer_logged_in(app: &TestApp, email: &str) -> Client {
    let mut client = app.client();
    let form = [
        ("email", email),
        ("first_name", "Bram"),
        ("last_name", "Boekhouding"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
        ("password", PASSWORD),
    ];
    let registered = client.call("register", &form).await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let login = client
        .call("login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    client
}

async fn offered_methods(client: &mut Client) -> Vec<String> {
    let checkout = client.call("get_checkout", &[]).await;
    assert_eq!(checkout.status, StatusCode::OK, "{}", checkout.body);
    checkout.json()["payment_methods"]
        .as_array()
        .expect("methods")
        .iter()
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect()
}

async fn staff_grant_and_withdraw_paying_on_account(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut bram = customer_logged_in(&app, "bram@example.nl").await;
    assert!(!offered_methods(&mut bram)
        .await
        .contains(&"OnAccount".to_owned()));
    let id = customer::Entity::find()
        .filter(customer::Column::Email.eq("bram@example.nl"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    let mut viewer = common::staff_client(
        &app,
        "kijker@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CustomersView],
    )
    .await;
    let refused = viewer
        .call("cms_set_on_account", &[("id", &id), ("on_account", "on")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut editor = common::staff_client(
        &app,
        "boekhouder@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CustomersView, Right::CustomersEdit],
    )
    .await;
    let granted = editor
        .call("cms_set_on_account", &[("id", &id), ("on_account", "on")])
        .await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    assert!(granted.json()["profile"]["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "on_account"));
    // The customer's next checkout offers it.
    let methods = offered_methods(&mut bram).await;
    assert!(
        methods
            .iter()
            .any(|m| m == "OnAccount" || m == "on_account"),
        "{methods:?}"
    );

    // An unticked box (no field at all, as a browser sends it) withdraws it.
    let withdrawn = editor.call("cms_set_on_account", &[("id", &id)]).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let methods = offered_methods(&mut bram).await;
    assert!(
        !methods
            .iter()
            .any(|m| m == "OnAccount" || m == "on_account"),
        "{methods:?}"
    );

    let unknown = editor
        .call(
            "cms_set_on_account",
            &[("id", "999999"), ("on_account", "on")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let details: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("customer.edit"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|a| a.detail)
        .collect();
    assert_eq!(details, ["on account: yes", "on account: no"]);
    app.finish().await;
}
