//! Whether an email address has an account cannot be told from outside
//! (issue 12, item 5), on SQLite and MariaDB: registration, an address
//! change and a login do the same work whatever the answer would be (one
//! password hash, one queued mail), and answer the same. Counted by what
//! runs (the hashing gate's counter, the outbox), and also compared by the
//! medians of many tries, never by the time of one request.
//!
//! One test that takes the two databases in turn, and runs alone: the hash
//! counter is the process's, and nothing else may hash while it counts.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{registration, Backend, Client, TestApp};
use app::ssr::entities::{customer, outbox};
use app::ssr::password;
use axum::http::StatusCode;
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_path_tells_whether_an_address_has_an_account_on_both_databases() {
    common::alone(async {
        for backend in [Backend::Sqlite, Backend::MariaDb] {
            common::within_a_minute(no_path_tells_whether_an_address_has_an_account(backend)).await;
        }
    })
    .await;
}

/// Hashes run and mails queued by `work`.
async fn work_of<F: std::future::Future<Output = common::Response>>(
    app: &TestApp,
    work: F,
) -> (u64, u64, common::Response) {
    let hashes = password::stats().total;
    let queued = outbox::Entity::find().count(&app.db).await.unwrap();
    let res = work.await;
    let queued_after = outbox::Entity::find().count(&app.db).await.unwrap();
    (password::stats().total - hashes, queued_after - queued, res)
}

/// An account stored directly (the test needs many; one hash for all).
async fn account(app: &TestApp, email: &str, hash: &str) -> i32 {
    let row = customer::ActiveModel {
        kind: Set(app::customer::CustomerKind::Customer),
        password_hash: Set(Some(hash.to_owned())),
        ..app::ssr::services::accounts::new_prospect(email, "Test", app::ssr::now_utc())
    };
    customer::Entity::insert(row)
        .exec(&app.db)
        .await
        .unwrap()
        .last_insert_id
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn timed_login(client: &mut Client, email: &str) -> Duration {
    let started = Instant::now();
    let res = client
        .call(
            "login",
            &[("email", email), ("password", "niet het wachtwoord")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    started.elapsed()
}

async fn no_path_tells_whether_an_address_has_an_account(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();

    // Registration: a new address, then the same address again.
    let form = registration("bestaat@example.nl");
    let (hashes_new, mails_new, new) = work_of(&app, client.call("register", &form)).await;
    let (hashes_known, mails_known, known) = work_of(&app, client.call("register", &form)).await;
    assert_eq!((new.status, &new.body), (known.status, &known.body));
    assert_eq!(new.location(), known.location());
    assert_eq!((hashes_new, mails_new), (1, 1), "a new account");
    assert_eq!((hashes_known, mails_known), (1, 1), "an existing account");

    // An address change to a free address and to another account's.
    let mut holder = app.client();
    let res = holder
        .call(
            "login",
            &[
                ("email", "bestaat@example.nl"),
                ("password", "vier koeien in de wei"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let other = password::hash("een ander wachtwoord").unwrap();
    account(&app, "ander-account@example.nl", &other).await;
    let change = |to: &'static str| {
        let mut holder_again = app.client();
        holder_again.cookie = holder.cookie.clone();
        async move {
            let mut holder = holder_again;
            holder
                .call(
                    "change_email",
                    &[
                        ("current_password", "vier koeien in de wei"),
                        ("new_email", to),
                    ],
                )
                .await
        }
    };
    let (h_free, m_free, free) = work_of(&app, change("vrij@example.nl")).await;
    let (h_taken, m_taken, taken) = work_of(&app, change("ander-account@example.nl")).await;
    assert_eq!(free.status, StatusCode::OK, "{}", free.body);
    assert_eq!(free.status, taken.status);
    assert_eq!((h_free, m_free), (1, 1));
    assert_eq!((h_taken, m_taken), (1, 1));

    // Login: an unknown address, an account with a wrong password, and an
    // imported account whose legacy hash checks in microseconds. Each try
    // its own address: the slow-down after five failures must not count.
    const TRIES: usize = 7;
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    let mut legacy = Vec::new();
    for i in 0..TRIES {
        let plain = format!("gewoon{i}@example.nl");
        account(&app, &plain, &other).await;
        let old = format!("oud{i}@example.nl");
        account(&app, &old, &password::legacy_hash("oud wachtwoord", &old)).await;
        let hashes = password::stats().total;
        unknown.push(timed_login(&mut client, &format!("niemand{i}@example.nl")).await);
        wrong.push(timed_login(&mut client, &plain).await);
        legacy.push(timed_login(&mut client, &old).await);
        assert_eq!(
            password::stats().total - hashes,
            3,
            "one hash each for an unknown address, a wrong password and a legacy account"
        );
    }
    let (unknown, wrong, legacy) = (median(unknown), median(wrong), median(legacy));
    for (what, median) in [("a wrong password", wrong), ("a legacy account", legacy)] {
        let ratio = median.as_secs_f64() / unknown.as_secs_f64();
        assert!(
            (0.5..2.0).contains(&ratio),
            "{what} answers in {median:?} (median of {TRIES}), an unknown address in {unknown:?}: {ratio:.2}x"
        );
    }
    app.finish().await;
}
