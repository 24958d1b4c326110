//! Visitors who hang up while their page is being rendered (a phone that
//! loses its signal, a bench that stops): nothing goes wrong on the server.
//! Cancelled with its request, a render lost its reactive owner while what
//! it had spawned ran on: found by the memory bench as an ERROR line
//! ("AppState missing from context") per hang-up and once a worker panic;
//! this test saw both, one panic in about 90 hang-ups, in views all over the
//! shop. Now a render runs to its end (`finish_page_renders`).
//!
//! SQLite only: about the render, not the data.

use crate::common::{self, Backend, TestApp};
use crate::slow_clients::{request, serve};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use winkel::connections::ConnectionLimits;

/// Pages rendered for a visitor with a cart (never copied whole from the
/// page cache), each reading the database.
const PAGES: [&str; 5] = [
    "/",
    "/products/espressobonen-amsterdam",
    "/cart",
    "/checkout",
    "/bookings",
];

const HANG_UPS: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_who_hangs_up_mid_page_leaves_no_error_and_no_panic() {
    // Alone: it reads the process's log and counts its panics.
    common::alone(hang_ups()).await;
}

/// Counts the panics of tokio's worker threads (where a render runs) while
/// it lives; the default hook again afterwards, also when the test fails.
struct WorkerPanics(Arc<AtomicUsize>);

impl WorkerPanics {
    fn count() -> Self {
        let panics = Arc::new(AtomicUsize::new(0));
        let counted = panics.clone();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            if thread.name().is_some_and(|n| n.starts_with("tokio-")) {
                counted.fetch_add(1, Ordering::SeqCst);
            }
            eprintln!("panic in {:?}: {info}", thread.name());
        }));
        Self(panics)
    }
}

impl Drop for WorkerPanics {
    fn drop(&mut self) {
        drop(std::panic::take_hook());
    }
}

async fn hang_ups() {
    let log = common::captured_log();
    let panics = WorkerPanics::count();
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let server = serve(&app, ConnectionLimits::default()).await;
    let mut visitor = app.client();
    common::add_to_cart(&mut visitor, "espressobonen-amsterdam", 1).await;
    let cookie = visitor.cookie.clone().expect("a session cookie");

    let mut before_the_answer = 0;
    for round in 0..HANG_UPS {
        let page = PAGES[round % PAGES.len()];
        let mut stream = TcpStream::connect(server.addr).await.expect("connect");
        // Reset, not closed politely: as a phone that lost its signal.
        stream.set_zero_linger().expect("linger");
        // A HEAD is rendered as its GET is: every third asks that way.
        let method = if round % 3 == 2 { "HEAD" } else { "GET" };
        let head = format!(
            "{method} {page} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nCookie: {cookie}\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.expect("send");
        // Gone a little later each time: before, during and after a render.
        let after = Duration::from_micros(250 * (round % 40) as u64);
        tokio::time::sleep(after).await;
        let mut byte = [0u8; 1];
        if matches!(stream.try_read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        {
            before_the_answer += 1;
        }
        drop(stream);
    }
    // What the renders started runs out.
    tokio::time::sleep(Duration::from_secs(2)).await;

    // The shop still answers, the visitor's cart and all.
    let (status, page) = request(
        server.addr,
        &format!(
            "GET /cart HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nCookie: {cookie}\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Espressobonen"),
        "the cart after the hang-ups"
    );

    let text = String::from_utf8_lossy(&log.lock().expect("log")).into_owned();
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" ERROR ") || l.contains(" WARN "))
        .collect();
    eprintln!(
        "{HANG_UPS} hang-ups, {before_the_answer} before the answer had begun: {} error or warning lines, {} worker panics",
        errors.len(),
        panics.0.load(Ordering::SeqCst)
    );
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(panics.0.load(Ordering::SeqCst), 0, "a render panicked");
    // So that a server that answered every page before its visitor left
    // does not pass unexamined.
    assert!(
        before_the_answer >= HANG_UPS / 4,
        "only {before_the_answer} hang-ups came before the answer: nothing was tested"
    );
    drop(panics);
    app.finish().await;
}
