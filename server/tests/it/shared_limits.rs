//! The limits of AVG-19 with several instances (issue 19): through a
//! shared Redis (`WINKEL_REDIS_URL`), the form limit, the login slow-down
//! and the mail budget hold across two instances behind a load balancer
//! instead of once per instance; Redis holds no address, and a Redis that
//! would write to disk is refused.

use crate::common::{self, call_from, registration, Backend, Client, TestApp};
use app::ssr::mailer::{Mail, MailKind};
use app::ssr::services::outbox::Queued;
use app::ssr::shared_store::{SharedStore, SharedStoreError};
use axum::http::StatusCode;
use std::sync::atomic::{AtomicU16, Ordering};

on_both_databases!(
    the_form_limit_holds_across_instances,
    the_login_slow_down_and_mail_budget_hold_across_instances,
);

/// The shared Redis of the tests (`REDIS_TEST_URL`), required under
/// `CI=true` like MariaDB.
pub fn redis_url() -> Option<String> {
    let url = std::env::var("REDIS_TEST_URL").ok();
    if url.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "CI=true but REDIS_TEST_URL is not set: the shared-limit tests must run"
        );
        eprintln!("REDIS_TEST_URL not set: skipping the shared-limit tests (never under CI=true)");
    }
    url
}

pub async fn shared_store() -> Option<SharedStore> {
    let url = redis_url()?;
    Some(
        SharedStore::connect(&url)
            .await
            .expect("the test Redis keeps nothing on disk"),
    )
}

/// A network of its own for each test (Redis is shared by every test run
/// at the same moment): 2001:db8:<pid>:<n>::/64, counted as one visitor.
fn own_network() -> String {
    static N: AtomicU16 = AtomicU16::new(1);
    let pid = std::process::id() & 0xffff;
    format!(
        "[2001:db8:{pid:x}:{:x}::7]:40000",
        N.fetch_add(1, Ordering::Relaxed)
    )
}

const LIMIT: usize = 3;

/// One visitor sends registrations to A and B in turn, each without a
/// cookie (a fresh session each time): the fourth is refused whichever
/// instance gets it, though each instance saw only two.
async fn the_form_limit_holds_across_instances(backend: Backend) {
    let Some(store) = shared_store().await else {
        return;
    };
    let Some(app) = TestApp::start_with(backend, |config| {
        config.form_limit = LIMIT;
        config.shared_store = Some(store.clone());
    })
    .await
    else {
        return;
    };
    // The shared counts are keyed with the UTC day's salt.
    common::clear_of_the_hour().await;
    let (b, _) = app.second_instance();
    let here = own_network();
    let register = |router: &axum::Router, n: usize| {
        let mut bot = Client::on(router);
        let email = format!("rondje{n}@example.nl");
        let here = here.clone();
        async move {
            bot.send(call_from(
                &here,
                "register",
                &registration(&email),
                "application/json",
            ))
            .await
        }
    };
    for n in 0..LIMIT {
        let router = if n % 2 == 0 { &app.router } else { &b };
        let res = register(router, n).await;
        assert_eq!(res.status, StatusCode::OK, "form {n}: {}", res.body);
    }
    for router in [&b, &app.router] {
        let refused = register(router, 99).await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            refused.body
        );
        assert!(refused.headers.contains_key("retry-after"));
    }
    // Another visitor is not affected.
    let other = own_network();
    let mut visitor = Client::on(&b);
    let res = visitor
        .send(call_from(
            &other,
            "register",
            &registration("ander@example.nl"),
            "application/json",
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.finish().await;
}

/// Five wrong passwords for one account, spread over both instances: the
/// sixth attempt is slowed on either; a right one on B forgives them on
/// A. An address gets its three unsolicited mails a day once, not once
/// per instance. Recovery codes wait for their page on either instance.
async fn the_login_slow_down_and_mail_budget_hold_across_instances(backend: Backend) {
    let Some(store) = shared_store().await else {
        return;
    };
    let Some(app) = TestApp::start_with(backend, |config| {
        config.shared_store = Some(store.clone());
    })
    .await
    else {
        return;
    };
    // The shared counts are keyed with the UTC day's salt.
    common::clear_of_the_hour().await;
    let (_, b) = app.second_instance();
    let a = &app.state;
    let account = format!(
        "gedeeld-{}@example.nl",
        own_network().replace([':', '[', ']'], "")
    );
    for n in 0..5 {
        let instance = if n % 2 == 0 { a } else { &b };
        assert!(instance.login_throttle.begin(&account).await.is_zero());
    }
    assert_eq!(
        b.login_throttle.begin(&account).await,
        app::ssr::login_throttle::delay_after(5)
    );
    assert_eq!(
        a.login_throttle.begin(&account.to_uppercase()).await,
        app::ssr::login_throttle::delay_after(6),
        "the same account however it is typed"
    );
    b.login_throttle.record_success(&account).await;
    assert!(a.login_throttle.begin(&account).await.is_zero());

    let mail = Mail {
        kind: MailKind::NewsletterConfirm,
        to: account.clone(),
        subject: "Bevestig je aanmelding".into(),
        body: "…".into(),
        html: None,
        unsubscribe_url: None,
    };
    let now = app::ssr::now_utc();
    let mut queued = Vec::new();
    for n in 0..4 {
        let instance = if n % 2 == 0 { a } else { &b };
        queued.push(
            instance
                .outbox
                .queue(&app.db, &mail, None, now)
                .await
                .unwrap(),
        );
    }
    assert_eq!(
        queued,
        [Queued::Yes, Queued::Yes, Queued::Yes, Queued::OverBudget]
    );

    // Recovery codes confirmed through A (a form posted without
    // JavaScript) are shown by the page after the redirect, served by B.
    let session = format!("sessie-{account}");
    let codes = vec!["1111-2222".to_owned(), "3333-4444".to_owned()];
    a.shown_once.put(&session, codes.clone()).await;
    assert_eq!(b.shown_once.take(&session).await, codes);
    assert_eq!(
        a.shown_once.take("een andere sessie").await,
        Vec::<String>::new()
    );

    // What Redis holds: salted hashes and times, never the address.
    let keys = redis_dump(&redis_url().unwrap()).await;
    assert!(!keys.is_empty());
    for needle in [account.as_str(), "2001:db8", "example.nl", "127.0.0.1"] {
        assert!(
            !keys.contains(needle),
            "Redis holds {needle:?}: {}",
            keys.chars().take(400).collect::<String>()
        );
    }
    app.finish().await;
}

/// Every key of the shop in Redis with its members, as one text.
async fn redis_dump(url: &str) -> String {
    let client = redis::Client::open(url).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("winkel:*")
        .query_async(&mut redis)
        .await
        .unwrap();
    let mut text = String::new();
    for key in keys {
        text.push_str(&key);
        text.push('\n');
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut redis)
            .await
            .unwrap();
        let values: Vec<String> = match kind.as_str() {
            "zset" => redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .arg("WITHSCORES")
                .query_async(&mut redis)
                .await
                .unwrap(),
            "hash" => redis::cmd("HGETALL")
                .arg(&key)
                .query_async(&mut redis)
                .await
                .unwrap(),
            _ => vec![redis::cmd("GET")
                .arg(&key)
                .query_async(&mut redis)
                .await
                .unwrap()],
        };
        text.push_str(&values.join(" "));
        text.push('\n');
    }
    text
}

/// A Redis that saves snapshots to disk is refused with the settings to
/// change (a private `redis-server` on a free port, stopped at the end).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_writes_to_disk_is_refused() {
    if redis_url().is_none() {
        return;
    }
    let port = common::free_port();
    let dir = std::env::temp_dir().join(common::unique("winkel_redis"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut server = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "900 1", "--appendonly", "no"])
        .arg("--dir")
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (./winkel test installs it)");
    let url = format!("redis://127.0.0.1:{port}/");
    let mut refused = None;
    for _ in 0..50 {
        match SharedStore::connect(&url).await {
            Err(SharedStoreError::Unreachable(_)) => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            other => {
                refused = Some(other);
                break;
            }
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    match refused {
        Some(Err(error @ SharedStoreError::Persists(_))) => {
            assert!(error.to_string().contains("save \"900 1\""), "{error}");
        }
        Some(Ok(_)) => panic!("a Redis that saves to disk was accepted"),
        other => panic!("{:?}", other.map(|r| r.map(|_| ()))),
    }
}
