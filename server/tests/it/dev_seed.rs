//! `winkel seed --dev` (issue 14): the development owner is created once,
//! with a random password that must be changed at the first CMS login; a
//! second run creates no second owner and hands out no new password, and an
//! owner made with `winkel admin create` keeps the dev seed from adding one.

use crate::common::{self, Backend, TestApp};
use app::ssr::entities::{booking, booking_slot, product, staff};
use axum::http::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use winkel::jobs::dev_seed::{self, DevOwner, DEV_OWNER_EMAIL};

on_both_databases!(
    the_dev_owner_is_created_once_and_must_change_its_password,
    an_existing_owner_keeps_the_dev_seed_from_adding_one,
);

async fn the_dev_owner_is_created_once_and_must_change_its_password(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let products = product::Entity::find().count(&app.db).await.unwrap();
    assert!(products > 0, "the demo catalogue is there");

    let first = dev_seed::run(&app.db, &app.uploads).await.unwrap();
    let DevOwner::Created {
        email, password, ..
    } = first
    else {
        panic!("a fresh shop gets a development owner: {first:?}");
    };
    assert_eq!(email, DEV_OWNER_EMAIL);
    let rows = staff::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_owner);
    assert!(rows[0].must_change_password);
    assert!(!rows[0].password_hash.contains(&password));

    // Again: no second owner, no password, the first one untouched; the
    // catalogue is not seeded twice.
    let second = dev_seed::run(&app.db, &app.uploads).await.unwrap();
    assert_eq!(
        second,
        DevOwner::Exists {
            email: DEV_OWNER_EMAIL.into()
        }
    );
    let again = staff::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(again, rows);
    // The made-up guests' bookings, made once: two upcoming slots of each
    // demo item, their places taken in the slots as the shop takes them.
    let bookings = booking::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(bookings.len(), 6, "{bookings:?}");
    assert!(bookings.iter().all(|b| b.starts_at > b.created_at));
    let taken: i32 = booking_slot::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|s| s.places_taken)
        .sum();
    assert_eq!(taken, bookings.iter().map(|b| b.places).sum::<i32>());
    assert_eq!(
        product::Entity::find().count(&app.db).await.unwrap(),
        products
    );

    // The printed password logs in, but the CMS serves nothing until the
    // owner has chosen a password of their own.
    let mut client = app.client();
    let login = client
        .call(
            "cms_login",
            &[("email", DEV_OWNER_EMAIL), ("password", password.as_str())],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let blocked = client.call("cms_customers", &[]).await;
    assert_eq!(
        (blocked.status, blocked.json()),
        (
            StatusCode::FORBIDDEN,
            serde_json::json!("PasswordChangeRequired")
        )
    );
    let changed = client
        .call(
            "cms_change_password",
            &[
                ("current_password", password.as_str()),
                ("new_password", "mijn eigen ontwikkelwachtwoord"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        client.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );
    app.finish().await;
}

async fn an_existing_owner_keeps_the_dev_seed_from_adding_one(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    common::add_staff(
        &app.db,
        "baas@example.nl",
        "de winkel gaat om negen open",
        true,
        &[],
    )
    .await;
    let outcome = dev_seed::dev_owner(&app.db).await.unwrap();
    assert_eq!(
        outcome,
        DevOwner::Exists {
            email: "baas@example.nl".into()
        }
    );
    assert_eq!(staff::Entity::find().count(&app.db).await.unwrap(), 1);
    app.finish().await;
}
