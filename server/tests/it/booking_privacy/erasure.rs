//! Erasure on the customer's own request (through "Verwijder mijn
//! account", also one that fails half-way) and by staff unlinks the
//! bookings; the export holds them.

use super::{add_booking, add_customer, add_item, at, booking_row};
use crate::common::{self, dump_all_text, Backend, TestApp};
use app::booking::rules::BookingStatus;
use app::ssr::entities::{audit_log, booking, customer, erasure};
use app::ssr::services::privacy::ErasureReason;
use axum::http::StatusCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

on_both_databases!(
    own_erasure_unlinks_bookings_in_one_transaction_and_export_holds_them,
    staff_erasure_unlinks_bookings,
);

const PASSWORD: &str = "vier koeien in de wei";

/// A customer with an account, logged in; returns the client and their id.
async fn logged_in(app: &TestApp, email: &'static str) -> (common::Client, i32) {
    let mut client = app.client();
    let registered = client
        .call(
            "register",
            &[
                ("email", email),
                ("first_name", "Marieke"),
                ("last_name", "Bakkerus"),
                ("street", "Lindengracht"),
                ("house_number", "77"),
                ("postcode", "1015KK"),
                ("city", "Amsterdam"),
                ("country", "NL"),
                ("phone", "020-5551234"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let login = client
        .call("login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let id = customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    (client, id)
}

async fn own_erasure_unlinks_bookings_in_one_transaction_and_export_holds_them(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let db = &app.db;
    let (mut client, id) = logged_in(&app, "marieke@example.nl").await;
    let item = add_item(db).await;
    // Winter: 18:00 UTC is 19:00 in Amsterdam; summer: 10:00 UTC is 12:00.
    let winter = add_booking(
        db,
        item,
        Some(id),
        at(2026, 11, 20, 9),
        at(2026, 12, 14, 18),
    )
    .await;
    let summer = add_booking(db, item, Some(id), at(2026, 6, 1, 9), at(2026, 7, 1, 10)).await;
    booking::Entity::update(booking::ActiveModel {
        id: Set(summer),
        status: Set(BookingStatus::Cancelled),
        cancelled_at: Set(Some(at(2026, 6, 2, 8))),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap();
    let someone = add_customer(db, "Iemand", at(2026, 11, 1, 9), None).await;
    let theirs = add_booking(
        db,
        item,
        Some(someone),
        at(2026, 11, 2, 9),
        at(2026, 12, 1, 9),
    )
    .await;

    // The export holds the customer's own bookings, and only those.
    let export = client.get("/account/export").await;
    assert_eq!(export.status, StatusCode::OK);
    let export = export.json();
    let bookings = export["bookings"].as_array().expect("bookings");
    assert_eq!(bookings.len(), 2, "{}", export["bookings"]);
    let token_of = |id| async move { booking_row(db, id).await.token };
    assert_eq!(bookings[0]["token"], token_of(winter).await.as_str());
    assert_eq!(bookings[0]["item_name"], "Workshop pasta maken");
    assert_eq!(bookings[0]["starts_local"], "2026-12-14T19:00:00");
    assert_eq!(bookings[0]["places"], 2);
    assert_eq!(bookings[0]["status"], "booked");
    assert_eq!(bookings[0]["payment_method"], "bank_transfer");
    assert_eq!(bookings[0]["total_cents"], 9000);
    assert_eq!(bookings[0]["created_at"], "2026-11-20T09:00:00");
    assert!(bookings[0]["cancelled_at"].is_null());
    assert_eq!(bookings[1]["starts_local"], "2026-07-01T12:00:00");
    assert_eq!(bookings[1]["status"], "cancelled");
    assert_eq!(bookings[1]["cancelled_at"], "2026-06-02T08:00:00");
    assert!(!export.to_string().contains(&token_of(theirs).await));

    // An erasure that fails after the bookings were unlinked (a row that
    // still points at the customer stops the delete) leaves everything.
    db.execute_unprepared(
        "CREATE TABLE erase_blocker (customer_id INTEGER NOT NULL, \
         CONSTRAINT fk_erase_blocker FOREIGN KEY (customer_id) REFERENCES customers (id))",
    )
    .await
    .unwrap();
    db.execute_unprepared(&format!("INSERT INTO erase_blocker VALUES ({id})"))
        .await
        .unwrap();
    let failed = client
        .call("delete_account", &[("password", PASSWORD)])
        .await;
    assert_ne!(failed.status, StatusCode::OK, "{}", failed.body);
    for b in [winter, summer] {
        let row = booking_row(db, b).await;
        assert_eq!((row.customer_id, row.anonymised_at), (Some(id), None));
    }
    assert!(customer::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .is_some());
    assert!(erasure::Entity::find().all(db).await.unwrap().is_empty());
    assert_eq!(client.call("get_profile", &[]).await.status, StatusCode::OK);

    db.execute_unprepared("DELETE FROM erase_blocker")
        .await
        .unwrap();
    let deleted = client
        .call("delete_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    for b in [winter, summer] {
        let row = booking_row(db, b).await;
        assert_eq!(row.customer_id, None);
        assert!(row.anonymised_at.is_some());
        assert_eq!((row.places, row.total_cents), (2, 9000));
    }
    assert_eq!(booking_row(db, theirs).await.customer_id, Some(someone));
    let everything = dump_all_text(db).await;
    for personal in [
        "marieke@example.nl",
        "Bakkerus",
        "Lindengracht",
        "020-5551234",
    ] {
        assert!(!everything.contains(personal), "{personal} still stored");
    }
    assert!(everything.contains(&format!("erasures:1|{id}|own_request")));
    app.finish().await;
}

async fn staff_erasure_unlinks_bookings(backend: Backend) {
    use app::cms::rules::Right;
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let db = &app.db;
    let item = add_item(db).await;
    let guest = add_customer(db, "Gast", at(2026, 11, 1, 9), None).await;
    let upcoming = add_booking(
        db,
        item,
        Some(guest),
        at(2026, 11, 2, 9),
        at(2026, 12, 20, 9),
    )
    .await;

    // The privacy statement says what a booking holds and how long.
    let statement = app.client().get("/privacy").await.body;
    assert!(
        statement.contains("Bij een boeking: wat je boekte")
            && statement.contains("Een bestelling of boeking van minder dan 7 jaar geleden"),
        "{statement}"
    );

    // Without the right to delete customers: refused, nothing changes.
    let mut viewer = common::staff_client(
        &app,
        "kijker@example.nl",
        "een lang en sterk wachtwoord",
        false,
        &[Right::CustomersView],
    )
    .await;
    let id = guest.to_string();
    let refused = viewer.call("cms_delete_customer", &[("id", &id)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(booking_row(db, upcoming).await.customer_id, Some(guest));

    let mut staff = common::staff_client(
        &app,
        "medewerker@example.nl",
        "een lang en sterk wachtwoord",
        false,
        &[Right::CustomersView, Right::CustomersDelete],
    )
    .await;
    let done = staff.call("cms_delete_customer", &[("id", &id)]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let row = booking_row(db, upcoming).await;
    assert_eq!(row.customer_id, None);
    assert!(row.anonymised_at.is_some());
    let tombstone = erasure::Entity::find()
        .filter(erasure::Column::CustomerId.eq(guest))
        .one(db)
        .await
        .unwrap()
        .expect("a tombstone");
    assert_eq!(tombstone.reason, ErasureReason::Staff.as_str());
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(guest))
        .all(db)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.detail.as_deref() == Some("0 orders anonymised, 1 bookings unlinked")),
        "{audit:?}"
    );
    app.finish().await;
}
