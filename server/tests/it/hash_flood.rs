//! Hundreds of logins at once (issue 12, item 2), on SQLite and MariaDB:
//! password hashing never runs more than the cap of the process-wide gate,
//! the rest wait briefly or are told "busy" (503, Retry-After), and pages
//! are served meanwhile. Runs alone: the flood fills the process's hashing
//! queue, which would answer other tests "busy".

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{call_from, Backend, TestApp};
use axum::http::{header, StatusCode};
use tower::ServiceExt;

on_both_databases!(alone: a_flood_of_parallel_logins_runs_at_most_the_cap_of_hashes);

async fn a_flood_of_parallel_logins_runs_at_most_the_cap_of_hashes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let hashes_before = app::ssr::password::stats();
    let mut flood = Vec::new();
    for n in 0..200 {
        let router = app.router.clone();
        flood.push(tokio::spawn(async move {
            let pairs = [
                // An address each: the per-account slow-down is another test.
                ("email", format!("doel{n}@example.nl")),
                ("password", "raden maar".to_owned()),
            ];
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let req = call_from(
                &format!("192.0.2.{}:1000", n % 250 + 1),
                "login",
                &pairs,
                "application/json",
            );
            let mut req = req;
            // A made-up session cookie on each, as a bot sends.
            req.headers_mut().insert(
                header::COOKIE,
                format!("winkel_session=bot{n:020}").parse().unwrap(),
            );
            let res = router.oneshot(req).await.unwrap();
            if res.status() == StatusCode::SERVICE_UNAVAILABLE {
                assert!(res.headers().contains_key(header::RETRY_AFTER));
            }
            res.status()
        }));
    }
    // The shop keeps answering pages meanwhile.
    let page = app.client().get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let mut answers = std::collections::BTreeMap::new();
    for task in flood {
        *answers.entry(task.await.unwrap().as_u16()).or_insert(0) += 1;
    }
    let stats = app::ssr::password::stats();
    assert!(stats.peak <= stats.cap, "{stats:?}");
    assert!(
        answers.keys().all(|s| [401, 429, 503].contains(s)),
        "only 'wrong', 'too many' and 'busy': {answers:?}"
    );
    let busy = answers.get(&503).copied().unwrap_or(0);
    assert!(
        stats.refused - hashes_before.refused >= busy,
        "every 503 is a refused hash: {answers:?} {stats:?}"
    );
    app.finish().await;
}
