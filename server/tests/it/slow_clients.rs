//! Slow clients (issue 12, item 8): the shop served over a real socket, as
//! `winkel serve` does, while clients hold connections open without
//! finishing their requests. The server closes them (header and idle
//! timeouts), keeps the number it holds under its cap, and meanwhile still
//! answers `/healthz` and pages.
//!
//! About sockets, not data: SQLite only. The timeouts are shortened; the
//! assertions are about outcomes (closed, answered), with generous bounds
//! only to fail instead of hanging on a loaded machine.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, TestApp};
use app::ssr::metrics::{ConnectionClose, Metrics};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use winkel::connections::ConnectionLimits;
use winkel::http::Listeners;

/// What a slow client sends: a request head without its closing blank line.
const HALF_A_HEADER: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n";

/// A running server; stops when dropped or on `stop`.
pub(crate) struct Serving {
    pub(crate) addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    /// Ends once the server has stopped and its connections are done.
    served: tokio::task::JoinHandle<()>,
}

/// The test shop on a real socket, as `winkel serve` serves it.
pub(crate) async fn serve(app: &TestApp, limits: ConnectionLimits) -> Serving {
    let listeners = Listeners::bind("127.0.0.1:0".parse().unwrap(), None, None)
        .await
        .expect("bind")
        .with_connection_limits(limits)
        .with_metrics(app.state.metrics.clone());
    let addr = listeners.shop_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = app.router.clone();
    let served = tokio::spawn(async move {
        listeners
            .serve(router, None, async {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
    });
    Serving { addr, stop, served }
}

/// Two descriptors per connection (ours and the server's, both in this
/// process), and some to spare.
fn enough_open_files(connections: u64) {
    let needed = 2 * connections + 512;
    let limit = winkel::connections::raise_open_files_limit();
    assert!(
        limit.is_none_or(|l| l >= needed),
        "this test needs {needed} open files, the hard limit allows {limit:?} (ulimit -Hn)"
    );
}

/// `n` connections that each sent half a request header.
async fn slow_clients(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(n);
    for _ in 0..n {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.write_all(HALF_A_HEADER).await.expect("send");
        streams.push(stream);
    }
    streams
}

/// Whether the server has closed `stream`, without waiting.
fn closed_now(stream: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match stream.try_read(&mut byte) {
        Ok(0) => true,
        // Something unexpected to read: not closed (yet).
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// Waits for each stream to be closed by the server (EOF or reset), up to
/// `deadline`; returns how long after `since` each one closed (`None`: not
/// closed in time).
async fn until_closed(
    streams: Vec<TcpStream>,
    since: Instant,
    deadline: Instant,
) -> Vec<Option<Duration>> {
    let mut readers = tokio::task::JoinSet::new();
    for (i, mut stream) in streams.into_iter().enumerate() {
        readers.spawn(async move {
            let mut buf = [0u8; 256];
            let closed = tokio::time::timeout_at(deadline.into(), async {
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return since.elapsed(),
                        Ok(_) => {}
                    }
                }
            })
            .await
            .ok();
            (i, closed)
        });
    }
    let mut closed = Vec::new();
    while let Some(done) = readers.join_next().await {
        closed.push(done.expect("reader").1);
    }
    closed
}

/// A whole exchange on a fresh connection (`Connection: close`): the
/// status and the body.
pub(crate) async fn request(addr: SocketAddr, raw: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(raw.as_bytes()).await.expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.expect("answer");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
}

/// The time `/healthz` took to answer 200, with a hang guard only.
async fn healthz(addr: SocketAddr, bound: Duration) -> Duration {
    let started = Instant::now();
    let (status, body) = tokio::time::timeout(bound, request(addr, &get("/healthz")))
        .await
        .unwrap_or_else(|_| panic!("/healthz gave no answer within {bound:?}"));
    assert_eq!((status, body.as_str()), (200, "ok"));
    started.elapsed()
}

/// Waits (polling, up to 5 s) until a server-side count reaches `wanted`:
/// the server counts a close just before the socket goes, so a client may
/// see the close a moment earlier.
async fn count_reaches(count: impl Fn() -> u64, wanted: u64) -> u64 {
    for _ in 0..100 {
        if count() >= wanted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    count()
}

/// How many closed, and when: the first, the quartiles and the last.
fn summary(closed: &[Option<Duration>]) -> String {
    let mut times: Vec<Duration> = closed.iter().flatten().copied().collect();
    times.sort();
    let at = |q: usize| times.get((times.len().saturating_sub(1)) * q / 4);
    match (at(0), at(1), at(2), at(3), at(4)) {
        (Some(first), Some(q1), Some(median), Some(q3), Some(last)) => format!(
            "{} of {} closed, after {first:.2?} (first), {q1:.2?}, {median:.2?} (median), \
             {q3:.2?}, {last:.2?} (last)",
            times.len(),
            closed.len()
        ),
        _ => format!("none of {} closed", closed.len()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off_while_the_shop_answers() {
    // Alone: it reads the process's log.
    common::alone(slow_headers_cut_off()).await;
}

async fn slow_headers_cut_off() {
    const SLOW: usize = 2000;
    enough_open_files(SLOW as u64 + 10);
    let log = common::captured_log();
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let header_timeout = Duration::from_secs(3);
    let server = serve(
        &app,
        ConnectionLimits {
            header_timeout,
            // Longer than the header timeout, so that each close shows
            // which limit did it.
            idle_timeout: Duration::from_secs(30),
            max_connections: 4096,
        },
    )
    .await;
    let metrics = &app.state.metrics;

    let opening = Instant::now();
    let slow = slow_clients(server.addr, SLOW).await;
    let sent = Instant::now();
    let opened_in = opening.elapsed();

    // (a) A fresh connection is answered while the slow ones are held.
    let healthz_took = healthz(server.addr, Duration::from_secs(20)).await;
    let held = slow.iter().filter(|s| !closed_now(s)).count();
    // (d) So is a whole page.
    let (status, page) =
        tokio::time::timeout(Duration::from_secs(20), request(server.addr, &get("/")))
            .await
            .expect("the front page within 20 s");
    assert_eq!(status, 200);
    assert!(page.contains("Espressobonen"), "the shop's front page");
    let open_meanwhile = metrics.connections_open();
    eprintln!(
        "{SLOW} slow connections opened in {opened_in:.2?}; /healthz answered in \
         {healthz_took:.2?} with {held} of them still held ({open_meanwhile} open at the server after the page)"
    );
    assert!(
        held > SLOW / 2,
        "the slow connections were closed before /healthz answered ({held} held): nothing shown"
    );

    // (c) A keep-alive connection that sends no next request is closed
    // too, after its answer.
    let mut idle = TcpStream::connect(server.addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("send");
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"\r\n\r\nok") {
        let n = tokio::time::timeout(Duration::from_secs(20), idle.read(&mut buf))
            .await
            .expect("an answer within 20 s")
            .expect("read");
        assert!(n > 0, "closed before the answer: {answer:?}");
        answer.extend_from_slice(&buf[..n]);
    }
    let answered = Instant::now();

    // (b) The server closes every slow connection once the header timeout
    // is over.
    let deadline = sent + header_timeout + Duration::from_secs(15);
    let closed = until_closed(slow, sent, deadline).await;
    eprintln!("slow connections: {}", summary(&closed));
    let still_open = closed.iter().filter(|c| c.is_none()).count();
    assert_eq!(still_open, 0, "{}", summary(&closed));
    let header_timeouts = || metrics.connections_closed(ConnectionClose::HeaderTimeout);
    assert_eq!(
        count_reaches(header_timeouts, SLOW as u64).await,
        SLOW as u64
    );

    let idle_closed = until_closed(
        vec![idle],
        answered,
        Instant::now() + Duration::from_secs(15),
    )
    .await;
    eprintln!("idle keep-alive connection: {}", summary(&idle_closed));
    assert!(
        idle_closed[0].is_some(),
        "the idle keep-alive connection is still open"
    );
    let keep_alive_ends = || metrics.connections_closed(ConnectionClose::KeepAliveTimeout);
    assert_eq!(count_reaches(keep_alive_ends, 1).await, 1);

    // (d) Afterwards, all is as before.
    assert_eq!(request(server.addr, &get("/healthz")).await.0, 200);
    assert_eq!(metrics.connections_closed(ConnectionClose::IdleTimeout), 0);

    // AVG-8: not a single peer address in the log.
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        !logged.contains("127.0.0.1"),
        "an address was logged:\n{logged}"
    );
    drop(server);
    app.finish().await;
}

/// A request body that stops arriving is no header: the idle timeout ends
/// it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_is_cut_off() {
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let server = serve(
        &app,
        ConnectionLimits {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(2),
            max_connections: 100,
        },
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(
            b"POST /api/get_product HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 1000\r\n\r\nslug=espresso",
        )
        .await
        .expect("send");
    let sent = Instant::now();
    let closed = until_closed(vec![stream], sent, sent + Duration::from_secs(20)).await;
    eprintln!("trickling body: {}", summary(&closed));
    assert!(closed[0].is_some(), "the connection is still open");
    let idle_ends = || {
        app.state
            .metrics
            .connections_closed(ConnectionClose::IdleTimeout)
    };
    assert_eq!(count_reaches(idle_ends, 1).await, 1);
    assert_eq!(request(server.addr, &get("/healthz")).await.0, 200);
    drop(server);
    app.finish().await;
}

/// More slow clients than the cap: the server never holds more than the
/// cap; the rest, and a visitor behind them, wait for slots that the
/// header timeout frees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_holds_and_the_queue_moves() {
    const CAP: usize = 50;
    const SLOW: usize = 200;
    enough_open_files(SLOW as u64 + 10);
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let server = serve(
        &app,
        ConnectionLimits {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(30),
            max_connections: CAP,
        },
    )
    .await;
    let metrics: Arc<Metrics> = app.state.metrics.clone();
    // The most connections the server had open, sampled all along.
    let most_open = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (metrics, most_open) = (metrics.clone(), most_open.clone());
        tokio::spawn(async move {
            for _ in 0..6000 {
                most_open.fetch_max(metrics.connections_open(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let opening = Instant::now();
    let slow = slow_clients(server.addr, SLOW).await;
    let sent = Instant::now();
    let opened_in = opening.elapsed();
    let closing = tokio::spawn(until_closed(slow, sent, sent + Duration::from_secs(25)));
    // Queued behind the slow ones; answered once the slots ahead free.
    let healthz_took = healthz(server.addr, Duration::from_secs(25)).await;
    let closed = closing.await.expect("readers");
    sampler.abort();
    let most_open = most_open.load(Ordering::Relaxed);
    eprintln!(
        "cap {CAP}: {SLOW} slow connections opened in {opened_in:.2?}; {}; /healthz answered after {healthz_took:.2?}; at most {most_open} open; \
         the cap was reached {} times",
        summary(&closed),
        metrics.connection_limit_reached()
    );
    assert!(closed.iter().all(Option::is_some), "{}", summary(&closed));
    assert!(
        most_open <= CAP as u64,
        "{most_open} open with a cap of {CAP}"
    );
    assert!(metrics.connection_limit_reached() > 0);
    let header_timeouts = || metrics.connections_closed(ConnectionClose::HeaderTimeout);
    assert_eq!(
        count_reaches(header_timeouts, SLOW as u64).await,
        SLOW as u64
    );
    drop(server);
    app.finish().await;
}

/// The shutdown signal stops the accepting at once; a request under way
/// still gets its answer, and then the server is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_under_way_finish() {
    let app = TestApp::start(Backend::Sqlite).await.expect("SQLite");
    let server = serve(&app, ConnectionLimits::default()).await;
    let body = "slug=espressobonen-amsterdam";
    let mut under_way = TcpStream::connect(server.addr).await.expect("connect");
    let head = format!(
        "POST /api/get_product HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    under_way.write_all(head.as_bytes()).await.expect("send");
    under_way
        .write_all(&body.as_bytes()[..4])
        .await
        .expect("send");
    // Wait until the server holds the request, then signal. The count moves
    // at the accept; the head is parsed a moment later, and a connection
    // whose head is not yet read is idle, which a shutdown closes at once
    // (seen under load: a broken pipe below). Half a second is ample.
    let open = || app.state.metrics.connections_open();
    assert_eq!(count_reaches(open, 1).await, 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = server.stop.send(());

    // New visitors are refused (polling: the signal travels a moment).
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(server.addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(refused, "still accepting 5 s after the shutdown signal");

    under_way
        .write_all(&body.as_bytes()[4..])
        .await
        .expect("send the rest");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), under_way.read_to_end(&mut answer))
        .await
        .expect("the answer within 20 s")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("Espressobonen"), "{answer}");
    tokio::time::timeout(Duration::from_secs(20), server.served)
        .await
        .expect("the server is done within 20 s")
        .expect("serve task");
    app.finish().await;
}
