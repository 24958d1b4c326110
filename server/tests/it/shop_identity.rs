//! The shop's identity settings: checked on the server, one field message
//! per bad field, and named where a customer reads who the shop is (the
//! privacy statement, in both languages).

use crate::common::{self, Backend, TestApp};
use axum::http::StatusCode;

on_both_databases!(identity_is_checked_and_names_the_controller);

const OWNER_PASSWORD: &str = "de winkel gaat om negen open";

fn form<'a>(identity: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![
        ("shop_name", "De Hoek"),
        ("contact_email", "info@dehoek.nl"),
        ("retention_years", "7"),
        ("backups_keep", "7"),
    ];
    pairs.extend_from_slice(identity);
    pairs
}

async fn identity_is_checked_and_names_the_controller(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut owner = common::staff_client(&app, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;

    // Typos a shop owner makes: a mistyped IBAN (one digit off), a KvK
    // number too short, a foreign VAT id for a Dutch shop, a bad postcode.
    let bad = owner
        .call(
            "cms_save_settings",
            &form(&[
                ("iban", "NL91 ABNA 0417 1643 01"),
                ("kvk_number", "1234567"),
                ("vat_id", "DE123456789"),
                ("postcode", "123"),
            ]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let mut fields: Vec<String> = bad.json()["Validation"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    fields.sort();
    assert_eq!(fields, ["iban", "kvk_number", "postcode", "vat_id"]);

    let saved = owner
        .call(
            "cms_save_settings",
            &form(&[
                ("legal_name", "De Hoek B.V."),
                ("street", "Dorpsstraat 1"),
                ("postcode", "1234ab"),
                ("city", "Ons Dorp"),
                ("kvk_number", "1234 5678"),
                ("vat_id", "nl123456789b01"),
                ("iban", "nl91abna0417164300"),
            ]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let identity = &saved.json()["settings"]["identity"];
    assert_eq!(identity["iban"], "NL91 ABNA 0417 1643 00");
    assert_eq!(identity["postcode"], "1234 AB");
    assert_eq!(identity["vat_id"], "NL123456789B01");
    assert_eq!(identity["kvk_number"], "12345678");

    let mut visitor = app.client();
    let dutch = visitor.get("/privacy").await.body;
    assert!(
        dutch.contains(
            "Verantwoordelijk voor je gegevens is De Hoek B.V., Dorpsstraat 1, 1234 AB Ons Dorp (KvK 12345678)."
        ),
        "{dutch}"
    );
    let english = visitor.get("/en/privacy").await.body;
    assert!(
        english.contains("The controller of your data is De Hoek B.V., Dorpsstraat 1, 1234 AB Ons Dorp (Chamber of Commerce 12345678)."),
        "{english}"
    );
    app.finish().await;
}
