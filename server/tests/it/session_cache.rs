//! Sessions kept in memory (issue 13, goal 3), tried as an attacker and a
//! load balancer would: a kept session costs no statement, is never
//! another visitor's, and gives way at the very next request to whatever
//! was written through any instance (a cart change, a new first name, a
//! logout), by a nightly job, or by a command or restore that moved the
//! generation. On SQLite the instances share the generation file beside
//! the database; on MariaDB they share Redis (`REDIS_TEST_URL`), without
//! which there is nothing to keep and every page reads its row. With Redis
//! each instance keeps its own copy of the generation under a lease
//! (`session_lease`): these tests run while both instances trust theirs,
//! and once more with the Redis of one instance hung, gone and back.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::tcp_link::{address_in, TcpLink};
use crate::common::{Backend, Client, TestApp};
use crate::sessions::{add_espresso, customer, queries_of, shopper, with_cookie, PAGES};
use crate::shared_parts::cart_count;
use app::ssr::entities::session;
use app::ssr::session_cache::Generation;
use app::ssr::shared_store::SharedStore;
use app::ssr::state::AppState;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::{Duration, Instant};

on_both_databases!(
    a_kept_session_costs_nothing_and_follows_every_change_on_another_instance,
    a_kept_session_is_never_another_visitors,
    a_job_or_a_command_retires_kept_sessions,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_whose_redis_hangs_or_goes_still_shows_every_change() {
    crate::common::within_a_minute(redis_hangs_goes_and_comes_back()).await;
}

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
    page_on(&app.state, client, path).await
}

/// A page as `client` sees it through `instance`, and the statements it
/// cost that instance.
async fn page_on(instance: &AppState, client: &mut Client, path: &str) -> (String, u64) {
    let start = queries_of(instance);
    let res = client.get(path).await;
    assert_eq!(res.status, StatusCode::OK, "{path}");
    (res.body, queries_of(instance) - start)
}

async fn a_kept_session_costs_nothing_and_follows_every_change_on_another_instance(
    backend: Backend,
) {
    let Some(app) = start(backend).await else {
        return;
    };
    let (second, second_state) = app.second_instance();
    let mut laptop = customer(&app, "marieke@example.nl").await;
    for path in PAGES {
        page(&app, &mut laptop, path).await;
    }
    if backend == Backend::MariaDb {
        // What follows is tried while neither instance asks Redis.
        trusted_within(&app.state, Duration::from_secs(3)).await;
        trusted_within(&second_state, Duration::from_secs(3)).await;
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

    let saved = other.call("update_profile", &named("Anneke")).await;
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

/// Waits until `instance` answers kept sessions from its own copy of the
/// generation (its lease is held and it is subscribed).
async fn trusted_within(instance: &AppState, limit: Duration) {
    let started = Instant::now();
    while !instance.session_cache.trusts_its_own_generation() {
        assert!(
            started.elapsed() < limit,
            "the instance took no lease within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A second instance reaches Redis through a link the test hangs, cuts
/// and restores; every change made through the first instance shows at
/// the second's very next page all the while, and a write never waits
/// much longer than a lease for the instance that no longer answers.
async fn redis_hangs_goes_and_comes_back() {
    let Some(app) = start(Backend::MariaDb).await else {
        return;
    };
    let url = crate::shared_limits::redis_url().expect("REDIS_TEST_URL");
    let link = TcpLink::open(address_in(&url, 6379)).await;
    let through = SharedStore::connect(&format!("redis://127.0.0.1:{}/", link.port()))
        .await
        .expect("Redis through the link");
    let (second, second_state) = app.second_instance_with(|config| {
        config.shared_store = Some(through);
    });
    let mut laptop = customer(&app, "marieke@example.nl").await;
    let mut phone = with_cookie(&app, laptop.cookie.as_deref().unwrap());
    phone.via(&second);
    trusted_within(&second_state, Duration::from_secs(3)).await;
    kept_on(&second_state, &mut phone, "kept").await;

    // The second instance hears of changes late (its link to Redis is
    // slow): a change through the first waits until the second has it, so
    // that the second's very next page shows it.
    link.slow_down(Duration::from_millis(100));
    trusted_within(&second_state, Duration::from_secs(3)).await;
    let started = Instant::now();
    let saved = laptop.call("update_profile", &named("Anneke")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let waited = started.elapsed();
    let (body, used) = page_on(&second_state, &mut phone, "/").await;
    assert!(body.contains("Anneke"), "the new name on the slow instance");
    assert!(used >= 1, "the row was read again");
    assert!(
        waited >= Duration::from_millis(100),
        "the change answered after {waited:?}, before the slow instance can have heard of it"
    );
    link.slow_down(Duration::ZERO);
    page_on(&second_state, &mut phone, "/cart").await;

    // Redis hangs for the second instance: a cart change through the first
    // waits for the second's lease to run out, and then shows there.
    link.freeze();
    let started = Instant::now();
    add_espresso(&mut laptop).await;
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(3),
        "the change waited {waited:?} for an instance that does not answer"
    );
    assert!(
        !second_state.session_cache.trusts_its_own_generation(),
        "the second instance still trusts a lease it could not renew"
    );
    let (body, used) = page_on(&second_state, &mut phone, "/cart").await;
    assert_eq!(
        cart_count(&body),
        "2",
        "the change through the first instance"
    );
    assert!(used >= 1, "the row was read again");

    // Redis is gone for it: its pages still follow every change.
    link.cut();
    let saved = laptop.call("update_profile", &named("Marijke")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let (body, _) = page_on(&second_state, &mut phone, "/").await;
    assert!(body.contains("Marijke"), "the new name while Redis is gone");

    // Redis is back: the second instance subscribes, takes its lease
    // again, keeps the session once more, and still follows a logout.
    link.restore().await;
    trusted_within(&second_state, Duration::from_secs(8)).await;
    kept_on(&second_state, &mut phone, "kept again").await;
    let out = laptop.call("logout", &[]).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let (body, _) = page_on(&second_state, &mut phone, "/").await;
    assert!(!body.contains("Marijke"), "named after a logout");
    assert_eq!(cart_count(&body), "0", "a cart after a logout");
    second_state.session_cache.release().await;
    app.finish().await;
}

/// Marieke's profile form with `first_name` as her new first name.
fn named(first_name: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut profile = crate::common::registration("marieke@example.nl");
    profile.retain(|(k, _)| !matches!(*k, "password" | "email" | "first_name"));
    profile.push(("first_name", first_name));
    profile
}

/// After one visit of every page through `instance`, `client`'s session
/// is kept there: the next page costs no statement.
async fn kept_on(instance: &AppState, client: &mut Client, what: &str) {
    for path in PAGES {
        page_on(instance, client, path).await;
    }
    assert_eq!(page_on(instance, client, "/cart").await.1, 0, "{what}");
}
