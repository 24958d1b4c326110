//! AVG-18 over HTTP, on SQLite and MariaDB: `/metrics` behind its token,
//! with routes (never paths), statuses, latencies, database use, failed
//! logins, bot forms, refused forms and the privacy jobs; the hourly
//! security counts and the dashboard's warning.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::ssr::entities::{job_run, security_count};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

on_both_databases!(
    metrics_need_their_token_and_show_routes_not_paths,
    bot_forms_far_above_the_week_warn_on_the_dashboard,
    several_instances_lose_no_security_count,
);

const TOKEN: &str = "monitoring-token-for-tests";
const OWNER_PASSWORD: &str = "de winkel gaat om negen open";

async fn scrape(client: &mut Client, authorization: Option<&str>) -> common::Response {
    let mut req = Request::get("/metrics");
    if let Some(value) = authorization {
        req = req.header(header::AUTHORIZATION, value);
    }
    client.send(req.body(Body::empty()).unwrap()).await
}

async fn metrics_need_their_token_and_show_routes_not_paths(backend: Backend) {
    // Without a configured token the endpoint does not exist.
    let Some(closed) = TestApp::start(backend).await else {
        return;
    };
    let res = scrape(&mut closed.client(), Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    closed.finish().await;

    let Some(app) = TestApp::start_with(backend, |config| {
        config.metrics_token = Some(TOKEN.into());
        config.form_limit = 2;
    })
    .await
    else {
        return;
    };
    let mut monitor = app.client();
    assert_eq!(
        scrape(&mut monitor, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        scrape(&mut monitor, Some("Bearer wrong")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        scrape(&mut monitor, Some(TOKEN)).await.status,
        StatusCode::UNAUTHORIZED,
        "the scheme is part of it"
    );

    // Some traffic: a product page, a missing one, failed logins, a bot.
    let mut visitor = app.client();
    assert_eq!(
        visitor
            .get("/products/espressobonen-amsterdam")
            .await
            .status,
        StatusCode::OK
    );
    visitor.get("/products/bestaat-niet").await;
    let wrong = [
        ("email", "niemand@example.nl"),
        ("password", "fout wachtwoord"),
    ];
    assert_eq!(
        visitor.call("login", &wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        visitor.call("cms_login", &wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut bot_form = registration();
    bot_form.push(("website", "http://spam.example"));
    assert_eq!(
        visitor.call("register", &bot_form).await.status,
        StatusCode::BAD_REQUEST
    );
    // The limit is 2 per kind: the third login is refused.
    assert_eq!(
        visitor.call("login", &wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        visitor.call("login", &wrong).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The privacy jobs' last runs.
    let now = app::ssr::now_utc();
    for (job, deleted, error) in [
        ("retention", 5, None),
        ("backup", 0, Some("disk full".to_owned())),
    ] {
        job_run::ActiveModel {
            job: Set(job.into()),
            started_at: Set(now),
            finished_at: Set(Some(now)),
            deleted: Set(deleted),
            anonymised: Set(3),
            detail: Set(None),
            error: Set(error),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }

    let res = scrape(&mut monitor, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let text = &res.body;
    for expected in [
        "winkel_http_requests_total{route=\"/products/{slug}\",method=\"GET\",status=\"200\"} 1",
        "winkel_http_requests_total{route=\"/products/{slug}\",method=\"GET\",status=\"404\"} 1",
        "winkel_http_requests_total{route=\"/api/login\",method=\"POST\",status=\"401\"} 2",
        "winkel_http_requests_total{route=\"/api/login\",method=\"POST\",status=\"429\"} 1",
        "winkel_http_request_duration_seconds_count{route=\"/products/{slug}\"} 2",
        "winkel_failed_logins_total{who=\"customer\"} 2",
        "winkel_failed_logins_total{who=\"staff\"} 1",
        "winkel_honeypot_hits_total{form=\"register\"} 1",
        "winkel_form_limit_refusals_total{form=\"login\"} 1",
        "winkel_db_pool_connections{state=\"idle\"}",
        "winkel_job_last_deleted{job=\"retention\"} 5",
        "winkel_job_last_anonymised{job=\"retention\"} 3",
        "winkel_job_last_failed{job=\"retention\"} 0",
        "winkel_job_last_failed{job=\"backup\"} 1",
        &format!(
            "winkel_job_last_finished_timestamp_seconds{{job=\"retention\"}} {}",
            now.and_utc().timestamp()
        ),
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    assert!(
        !text.contains("espressobonen"),
        "a raw path leaked into the labels"
    );
    assert!(!text.contains("niemand@example.nl"));
    let queries: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("winkel_db_query_duration_seconds_count "))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(queries > 0, "database queries are timed");
    app.finish().await;
}

fn registration() -> Vec<(&'static str, &'static str)> {
    vec![
        ("email", "robot@example.nl"),
        ("first_name", "Robbie"),
        ("last_name", "Robot"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
        ("password", "vier koeien in de wei"),
    ]
}

async fn owner_dashboard(app: &TestApp) -> serde_json::Value {
    let mut owner = app.client();
    let res = owner
        .call(
            "cms_login",
            &[("email", "owner@example.nl"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    owner.call("cms_dashboard", &[]).await.json()
}

/// The rule is the same for every kind (failed logins of customers and
/// staff, bot forms, refused forms); bot forms are the quick ones to make
/// (a failed login costs a full password hash).
async fn bot_forms_far_above_the_week_warn_on_the_dashboard(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    common::add_staff(&app.db, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;
    assert_eq!(
        owner_dashboard(&app).await["warnings"],
        serde_json::json!([])
    );

    // A spambot at the registration form: 12 in an hour of a quiet week.
    let mut bot = app.client();
    let mut bot_form = registration();
    bot_form.push(("website", "http://spam.example"));
    for _ in 0..12 {
        let res = bot.call("register", &bot_form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    }
    let dashboard = owner_dashboard(&app).await;
    assert_eq!(
        dashboard["warnings"],
        serde_json::json!([{"kind": "honeypot_hit", "count": 12, "against": 0}]),
    );

    // Persisted per hour, counted once however often it is flushed.
    let now = app::ssr::now_utc();
    let flush = || app::ssr::services::security_counts::flush(&app.db, &app.state.metrics, now);
    flush().await.unwrap();
    flush().await.unwrap();
    let rows = security_count::Entity::find().all(&app.db).await.unwrap();
    // Next to the requests of the hour (the traffic warning's baseline).
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| r.kind != "http_requests")
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].kind.as_str(), rows[0].count, rows[0].hour_start),
        (
            "honeypot_hit",
            12,
            app::ssr::services::security_counts::hour_start(now)
        )
    );
    assert_eq!(owner_dashboard(&app).await["warnings"][0]["count"], 12);

    // In a shop that sees 5 such forms an hour, 12 is ordinary.
    security_count::ActiveModel {
        hour_start: Set(
            app::ssr::services::security_counts::hour_start(now) - chrono::Duration::hours(30)
        ),
        kind: Set("honeypot_hit".into()),
        count: Set(5 * 168),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert_eq!(
        owner_dashboard(&app).await["warnings"],
        serde_json::json!([])
    );
    app.finish().await;
}

/// Four instances (each its own counts in memory) flushing the same hour
/// of the same database at the same moments, ten times over: every event
/// and request is in the stored count, none lost to another's write.
async fn several_instances_lose_no_security_count(backend: Backend) {
    use app::ssr::metrics::{Metrics, SecurityEvent};
    use app::ssr::services::security_counts;
    let Some(store) = common::database(backend).await else {
        return;
    };
    let instances: Vec<std::sync::Arc<Metrics>> = (0..4)
        .map(|_| std::sync::Arc::new(Metrics::default()))
        .collect();
    let now = app::ssr::now_utc();
    for round in 0..10u32 {
        let flushes: Vec<_> = instances
            .iter()
            .enumerate()
            .map(|(i, metrics)| {
                // Instance i sees i + 1 hits and 10 requests this round.
                for _ in 0..=i {
                    metrics.record_security(SecurityEvent::HoneypotHit, "register");
                }
                for _ in 0..10 {
                    metrics.record_request("/", "GET", 200, std::time::Duration::ZERO);
                }
                let (db, metrics) = (store.db.clone(), metrics.clone());
                tokio::spawn(async move {
                    // A flush refused while another writes keeps its counts
                    // for the next try, as the hourly task does.
                    while security_counts::flush(&db, &metrics, now).await.is_err() {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                })
            })
            .collect();
        for flush in flushes {
            flush.await.unwrap();
        }
        let stored = |kind: &'static str| {
            let db = store.db.clone();
            async move {
                security_count::Entity::find()
                    .all(&db)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|r| r.kind == kind)
                    .map(|r| r.count)
                    .sum::<i64>()
            }
        };
        let rounds = i64::from(round + 1);
        assert_eq!(stored("honeypot_hit").await, (1 + 2 + 3 + 4) * rounds);
        assert_eq!(stored("http_requests").await, 4 * 10 * rounds);
    }
    assert_eq!(
        security_count::Entity::find()
            .all(&store.db)
            .await
            .unwrap()
            .len(),
        2,
        "one row per hour and kind"
    );
    store.drop_database().await;
}
