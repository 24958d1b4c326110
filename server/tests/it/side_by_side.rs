//! Routers built side by side with one that serves, as the tests do with
//! their shops in one process: every page render must still complete.
//!
//! Building the router once rendered `App` with a process-wide leptos flag
//! set that stops resources from loading; a page of the serving shop whose
//! resource started meanwhile never answered (`http::page_routes`).

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{Backend, Client, TestApp};
use axum::http::StatusCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The async pages the hung requests were seen on, shop and forms.
const PAGES: [&str; 7] = [
    "/",
    "/products/theepot-gietijzer",
    "/cart",
    "/login",
    "/register",
    "/checkout",
    "/contact",
];

/// Generous: a render takes milliseconds, but 2 busy cores may be slow; a
/// render that waits forever is what this must catch.
const PATIENCE: Duration = Duration::from_secs(30);

/// One visitor going through the pages a few times, adding to the cart
/// now and then; `n` varies where, and whether it keeps its cookie.
async fn visit(mut client: Client, n: usize) {
    for round in 0..3 {
        for (i, page) in PAGES.iter().enumerate() {
            if (n + round + i).is_multiple_of(5) {
                let res = tokio::time::timeout(
                    PATIENCE,
                    client.call("add_to_cart", &[("product_id", "1"), ("quantity", "1")]),
                )
                .await
                .unwrap_or_else(|_| panic!("add_to_cart did not complete (visitor {n})"));
                assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            }
            if (n + round).is_multiple_of(3) {
                // Also as a visitor without a session (the page cache).
                client.cookie = None;
            }
            let res = tokio::time::timeout(PATIENCE, client.get(page))
                .await
                .unwrap_or_else(|_| panic!("GET {page} did not complete (visitor {n})"));
            assert_eq!(res.status, StatusCode::OK, "GET {page}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_complete_while_other_routers_are_built() {
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let done = Arc::new(AtomicBool::new(false));
    // Other shops starting meanwhile, on a thread of their own so that
    // building overlaps the renders.
    let builder = {
        let (done, options, db) = (
            done.clone(),
            app.state.leptos_options.clone(),
            app.db.clone(),
        );
        let uploads = app.uploads.clone();
        tokio::task::spawn_blocking(move || {
            let mut built = 0;
            while !done.load(Ordering::SeqCst) {
                let config = app::ssr::state::ServerConfig::new(uploads.clone());
                drop(winkel::http::router(options.clone(), db.clone(), config));
                built += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            built
        })
    };
    let visitors: Vec<_> = (0..8)
        .map(|n| tokio::spawn(visit(app.client(), n)))
        .collect();
    let mut failure = None;
    for visitor in visitors {
        if let Err(e) = visitor.await {
            failure.get_or_insert(e);
        }
    }
    done.store(true, Ordering::SeqCst);
    let built = builder.await.expect("builder");
    if let Some(e) = failure {
        std::panic::resume_unwind(e.into_panic());
    }
    assert!(built > 0, "no router was built during the visits");
    app.finish().await;
}
