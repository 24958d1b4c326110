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
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

/// Panics of tokio's worker threads (where a render runs) since the
/// process started, counted by a hook installed once that then hands each
/// panic to the hook before it. The hook is never taken back: taking it
/// from a failing test (a panicking thread) would abort the whole test
/// process and hide every result.
static WORKER_PANICS: AtomicUsize = AtomicUsize::new(0);

fn worker_panics() -> usize {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current()
                .name()
                .is_some_and(|name| name.starts_with("tokio-"))
            {
                WORKER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    WORKER_PANICS.load(Ordering::SeqCst)
}

async fn hang_ups() {
    let log = common::captured_log();
    let panics_before = worker_panics();
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let server = serve(&app, ConnectionLimits::default()).await;
    let mut visitor = app.client();
    common::add_to_cart(&mut visitor, "espressobonen-amsterdam", 1).await;
    let cookie = visitor.cookie.clone().expect("a session cookie");

    // How long each page takes to its first byte here and now: the
    // moments of hanging up spread over that, whatever this machine's speed
    // (renders of a kept session take about a millisecond in a debug build,
    // below tokio's timer resolution).
    let mut first_byte = Vec::with_capacity(PAGES.len());
    for page in PAGES {
        first_byte.push(time_to_first_byte(server.addr, page, &cookie).await);
    }

    let mut before_the_answer = 0;
    for round in 0..HANG_UPS {
        let page = PAGES[round % PAGES.len()];
        // A HEAD is rendered as its GET is: every third asks that way.
        let method = if round % 3 == 2 { "HEAD" } else { "GET" };
        let stream = send_head(server.addr, method, page, &cookie).await;
        // Gone a little later each time: before, during and after a render
        // (0 to 1.3 times its time to the first byte).
        let after = first_byte[round % PAGES.len()].mul_f64((round % 40) as f64 / 30.0);
        wait_precisely(after).await;
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
    let panics = worker_panics() - panics_before;
    eprintln!(
        "{HANG_UPS} hang-ups, {before_the_answer} before the answer had begun: {} error or warning lines, {} worker panics",
        errors.len(),
        panics
    );
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(panics, 0, "a render panicked");
    // So that a server that answered every page before its visitor left
    // does not pass unexamined.
    assert!(
        before_the_answer >= HANG_UPS / 4,
        "only {before_the_answer} hang-ups came before the answer: nothing was tested"
    );
    app.finish().await;
}

/// A connection that has sent `method page` with the visitor's cookie, and
/// is reset, not closed politely, when dropped: as a phone that lost its
/// signal.
async fn send_head(addr: SocketAddr, method: &str, page: &str, cookie: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_zero_linger().expect("linger");
    let head = format!(
        "{method} {page} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nCookie: {cookie}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("send");
    stream
}

/// The median of five times from sending a GET of `page` to its first byte.
async fn time_to_first_byte(addr: SocketAddr, page: &str, cookie: &str) -> Duration {
    let mut times = Vec::with_capacity(5);
    for _ in 0..5 {
        let mut stream = send_head(addr, "GET", page, cookie).await;
        let sent = Instant::now();
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.expect("a first byte");
        times.push(sent.elapsed());
    }
    times.sort();
    times[2]
}

/// Waits `duration` to the microsecond, not to tokio's millisecond timer,
/// letting the server's tasks run meanwhile.
async fn wait_precisely(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        tokio::task::yield_now().await;
    }
}
