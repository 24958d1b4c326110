//! Sessions kept in memory (issue 13, goal 3), tried as an attacker and a
//! load balancer would: a kept session costs no statement, is never
//! another visitor's, and gives way at the very next request to whatever
//! was written through any instance (a cart change, a new first name, a
//! logout), by a nightly job, or by a command or restore that moved the
//! generation. On SQLite the instances share the generation file beside
//! the database; on MariaDB they share Redis (`REDIS_TEST_URL`), without
//! which there is nothing to keep and every page reads its row.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{Backend, Client, TestApp};
use crate::sessions::{add_espresso, customer, queries, shopper, with_cookie, PAGES};
use crate::shared_parts::cart_count;
use app::ssr::entities::session;
use app::ssr::session_cache::Generation;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    a_kept_session_costs_nothing_and_follows_every_change_on_another_instance,
    a_kept_session_is_never_another_visitors,
    a_job_or_a_command_retires_kept_sessions,
);

/// The shop with what its instances share on `backend` (MariaDB: Redis;
/// skipped without one, never under `CI=true`).
async fn start(backend: Backend) -> Option<TestApp> {
    let shared = match backend {
        Backend::Sqlite => None,
        Backend::MariaDb => Some(crate::shared_limits::shared_store().await?),
    };
    TestApp::start_with(backend, move |config| {
        config.form_limit = 100_000;
        config.shared_store = shared;
    })
    .await
}

/// A page as `client` sees it, and the statements it cost the shop.
async fn page(app: &TestApp, client: &mut Client, path: &str) -> (String, u64) {
    let start = queries(app);
    let res = client.get(path).await;
    assert_eq!(res.status, StatusCode::OK, "{path}");
    (res.body, queries(app) - start)
}

async fn a_kept_session_costs_nothing_and_follows_every_change_on_another_instance(
    backend: Backend,
) {
    let Some(app) = start(backend).await else {
        return;
    };
    let (second, _) = app.second_instance();
    let mut laptop = customer(&app, "marieke@example.nl").await;
    for path in PAGES {
        page(&app, &mut laptop, path).await;
    }
    for path in PAGES {
        let (body, used) = page(&app, &mut laptop, path).await;
        assert!(body.contains("Marieke"), "{path} names her");
        assert_eq!(cart_count(&body), "1", "{path}");
        assert_eq!(used, 0, "{path}: the kept session cost {used} statements");
    }

    // The same cookie through the other instance, as a load balancer
    // without sticky sessions sends it: each change shows on the first
    // instance's very next page.
    let mut other = with_cookie(&app, laptop.cookie.as_deref().unwrap());
    other.via(&second);
    add_espresso(&mut other).await;
    let (body, used) = page(&app, &mut laptop, "/cart").await;
    assert_eq!(
        cart_count(&body),
        "2",
        "the cart changed on the other instance"
    );
    assert!(used >= 1, "the changed session was read again");

    let mut profile = crate::common::registration("marieke@example.nl");
    profile.retain(|(k, _)| !matches!(*k, "password" | "email" | "first_name"));
    profile.push(("first_name", "Anneke"));
    let saved = other.call("update_profile", &profile).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let (body, _) = page(&app, &mut laptop, "/").await;
    assert!(
        body.contains("Anneke") && !body.contains("Marieke"),
        "the new name"
    );

    let out = other.call("logout", &[]).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    for path in PAGES {
        let (body, _) = page(&app, &mut laptop, path).await;
        assert!(
            !body.contains("Anneke"),
            "{path} still names her after a logout"
        );
        assert_eq!(cart_count(&body), "0", "{path} still has her cart");
    }
    assert_eq!(
        laptop.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn a_kept_session_is_never_another_visitors(backend: Backend) {
    let Some(app) = start(backend).await else {
        return;
    };
    let mut anna = shopper(&app).await;
    let mut marieke = customer(&app, "marieke@example.nl").await;
    add_espresso(&mut marieke).await;
    for _ in 0..2 {
        for path in PAGES {
            let (body, _) = page(&app, &mut anna, path).await;
            assert_eq!(cart_count(&body), "1", "{path}: Anna's cart");
            assert!(!body.contains("Marieke"), "{path}: Anna sees Marieke");
            let (body, _) = page(&app, &mut marieke, path).await;
            assert_eq!(cart_count(&body), "2", "{path}: Marieke's cart");
            assert!(body.contains("Marieke"), "{path}");
        }
    }
    // Whoever holds a stored id (a backup, a look at the table) and sends
    // it as the cookie gets no session, kept or not; nor does a made-up one.
    let stored = session::Entity::find()
        .filter(session::Column::CustomerId.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .expect("Marieke's session row");
    for cookie in [
        format!("winkel_session={}", stored.id),
        "winkel_session=bench".to_owned(),
    ] {
        let mut thief = with_cookie(&app, &cookie);
        let (body, _) = page(&app, &mut thief, "/cart").await;
        assert!(!body.contains("Marieke"), "{cookie} is Marieke");
        assert_eq!(cart_count(&body), "0", "{cookie} has a cart");
    }
    app.finish().await;
}

async fn a_job_or_a_command_retires_kept_sessions(backend: Backend) {
    let Some(app) = start(backend).await else {
        return;
    };
    let mut marieke = customer(&app, "marieke@example.nl").await;
    let mut anna = shopper(&app).await;
    for path in PAGES {
        page(&app, &mut marieke, path).await;
        page(&app, &mut anna, path).await;
    }
    assert_eq!(page(&app, &mut marieke, "/").await.1, 0, "kept");

    // A nightly job (run as the scheduler runs it) ends her sessions.
    let state = app.state.clone();
    state
        .session_cache
        .tracked(async {
            session::Entity::delete_many()
                .filter(session::Column::CustomerId.is_not_null())
                .exec(&state.db)
                .await
                .unwrap()
        })
        .await;
    let (body, _) = page(&app, &mut marieke, "/").await;
    assert!(!body.contains("Marieke"), "a job's logout did not show");

    // A command (a restore, say) empties the table through a connection
    // of its own, then moves the generation as `winkel` does after every
    // command: Anna's kept cart is gone at her next page.
    page(&app, &mut anna, "/cart").await;
    assert_eq!(page(&app, &mut anna, "/cart").await.1, 0, "kept again");
    session::Entity::delete_many().exec(&app.db).await.unwrap();
    let shared = app.state.config.shared_store.clone();
    Generation::for_database(&app.db, shared.as_ref())
        .bump()
        .await;
    let (body, _) = page(&app, &mut anna, "/cart").await;
    assert_eq!(cart_count(&body), "0", "the command's change did not show");
    app.finish().await;
}
