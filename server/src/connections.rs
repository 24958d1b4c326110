//! Accepting and serving the shop's HTTP connections, with the limits that
//! `axum::serve` lacks (issue 12, item 8: slow clients).
//!
//! `axum::serve` keeps a connection for as long as the client likes: it
//! sets no timer, so hyper's header-read timeout is off, and its protocol
//! detection first waits for 24 bytes with no time limit at all. 3,000
//! clients that each sent half a request header were all still connected
//! 35 s later, each holding a file descriptor; with the open-files limit of
//! a typical host, the shop then stops accepting visitors. This accept loop
//! serves HTTP/1.1 (all the shop speaks, also under TLS) with hyper itself:
//!
//! - **Header timeout** ([`ConnectionLimits::header_timeout`]): a request
//!   head must arrive in full within this time. hyper 1.x starts the timer
//!   when it begins reading a head, which on a keep-alive connection is
//!   right after the previous response, so it also ends keep-alive
//!   connections that send no next request.
//! - **Idle timeout** ([`ConnectionLimits::idle_timeout`]): a connection on
//!   which no byte moves either way for this long is closed. That covers
//!   what the header timeout does not: a request body that stops arriving
//!   and a response the client does not read.
//! - **Cap** ([`ConnectionLimits::max_connections`], lowered to fit the
//!   open-files limit): when every slot is taken, the loop stops accepting
//!   until one frees. A new connection then waits in the kernel's listen
//!   queue, costing us no descriptor, and is served as soon as a slot is
//!   free: within the header timeout, since that is the longest a silent
//!   client keeps one. Closing the newest connection instead would turn
//!   away exactly the visitor who just arrived and leave the slow clients
//!   their slots.
//!
//! The handlers get the peer address as `ConnectInfo<SocketAddr>` (the form
//! limit hashes it); nothing here logs it (AVG-8).

use app::ssr::metrics::{ConnectionClose, Metrics};
use axum::extract::ConnectInfo;
use axum::serve::Listener;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
#[cfg(unix)]
use rustix::process as rlimit;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower::Layer;

pub const DEFAULT_HEADER_TIMEOUT_SECONDS: u64 = 10;
pub const DEFAULT_IDLE_TIMEOUT_SECONDS: u64 = 60;
pub const DEFAULT_MAX_CONNECTIONS: u64 = 4096;

/// Descriptors kept free of connections: the database pool (16 at most),
/// SQLite's journal files, the listeners, the log, backups and uploads
/// being written.
const RESERVED_FILES: u64 = 256;
/// A connection may hold a second descriptor: the file it is sent (a
/// product picture, the wasm).
const FILES_PER_CONNECTION: u64 = 2;
/// However low the open-files limit, the shop keeps serving someone.
const MIN_CONNECTIONS: usize = 16;
/// Pause after a failed accept (mostly "too many open files"): the failure
/// repeats at once otherwise, and the loop would spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// A recurring warning (failed accepts, all slots taken) is logged at most
/// this often.
const WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// `WINKEL_HEADER_TIMEOUT_SECONDS`, `WINKEL_IDLE_TIMEOUT_SECONDS` and
/// `WINKEL_MAX_CONNECTIONS`; see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECONDS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECONDS),
            max_connections: usize::try_from(DEFAULT_MAX_CONNECTIONS).unwrap_or(usize::MAX),
        }
    }
}

/// The process's open-files limit (`ulimit -n`), when there is one.
#[cfg(unix)]
pub fn open_files_limit() -> Option<u64> {
    rlimit::getrlimit(rlimit::Resource::Nofile).current
}

#[cfg(not(unix))]
pub fn open_files_limit() -> Option<u64> {
    None
}

/// Raises the soft open-files limit to the hard one, as Go programs do at
/// start: the soft limit is often 1024, a relic of `select()`, which
/// nothing in this process uses. Returns the limit now in force.
#[cfg(unix)]
pub fn raise_open_files_limit() -> Option<u64> {
    let limit = rlimit::getrlimit(rlimit::Resource::Nofile);
    if let (Some(current), Some(maximum)) = (limit.current, limit.maximum) {
        if current < maximum {
            let raised = rlimit::Rlimit {
                current: Some(maximum),
                maximum: Some(maximum),
            };
            // Refused (some systems cap it below an unlimited hard limit):
            // the old limit stays, and the cap follows it.
            let _ = rlimit::setrlimit(rlimit::Resource::Nofile, raised);
        }
    }
    open_files_limit()
}

#[cfg(not(unix))]
pub fn raise_open_files_limit() -> Option<u64> {
    None
}

/// The cap on open connections: `wanted`, lowered so that connections
/// cannot use up the open-files limit. `held_elsewhere` are connections a
/// listener holds before handing them over (TLS handshakes).
pub fn connection_cap(wanted: usize, open_files: Option<u64>, held_elsewhere: u64) -> usize {
    let Some(open_files) = open_files else {
        return wanted;
    };
    let fit = open_files.saturating_sub(RESERVED_FILES + held_elsewhere) / FILES_PER_CONNECTION;
    let fit = usize::try_from(fit).unwrap_or(usize::MAX);
    wanted.min(fit.max(MIN_CONNECTIONS))
}

/// A TCP listener that sets TCP_NODELAY on each connection and logs failed
/// accepts (axum's own retries them silently, once a second).
pub struct PlainListener {
    tcp: TcpListener,
    failures: RateLimitedWarning,
}

impl PlainListener {
    pub fn new(tcp: TcpListener) -> Self {
        Self {
            tcp,
            failures: RateLimitedWarning::default(),
        }
    }
}

impl Listener for PlainListener {
    type Io = TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.tcp.accept().await {
                Ok((stream, peer)) => {
                    // Without TCP_NODELAY, multi-chunk responses (wasm, css)
                    // wait for the peer's delayed ACK: ~40 ms each.
                    let _ = stream.set_nodelay(true);
                    return (stream, peer);
                }
                // The client gave up before we took the connection.
                Err(error) if is_gone(&error) => {}
                Err(error) => {
                    // The error names no address (AVG-8).
                    if let Some(repeats) = self.failures.due() {
                        tracing::warn!(%error, repeats, "accepting a connection failed");
                    }
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

fn is_gone(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    )
}

/// A warning logged at most once per `WARNING_INTERVAL`, with the number of
/// times it was suppressed since.
#[derive(Default)]
struct RateLimitedWarning {
    last: Option<Instant>,
    suppressed: u64,
}

impl RateLimitedWarning {
    /// `Some(suppressed)` when the warning is to be logged now.
    fn due(&mut self) -> Option<u64> {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < WARNING_INTERVAL)
        {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}

/// The connection slots and settings shared by all listeners of a server,
/// so that the cap counts every open connection.
pub struct Connections {
    http: http1::Builder,
    idle_timeout: Duration,
    slots: Arc<Semaphore>,
    cap: usize,
    metrics: Arc<Metrics>,
    full: Mutex<RateLimitedWarning>,
}

impl Connections {
    /// `held_elsewhere`: see [`connection_cap`].
    pub fn new(limits: &ConnectionLimits, held_elsewhere: u64, metrics: Arc<Metrics>) -> Arc<Self> {
        let open_files = open_files_limit();
        let cap = connection_cap(limits.max_connections, open_files, held_elsewhere);
        if cap < limits.max_connections {
            tracing::warn!(
                open_files = open_files.unwrap_or_default(),
                "WINKEL_MAX_CONNECTIONS lowered from {} to {cap} to fit the open-files limit \
                 (raise it with LimitNOFILE= or ulimit -n)",
                limits.max_connections
            );
        }
        tracing::info!(
            "at most {cap} connections at once; header timeout {} s, idle timeout {} s",
            limits.header_timeout.as_secs(),
            limits.idle_timeout.as_secs()
        );
        metrics.set_connection_limit(cap);
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .keep_alive(true);
        Arc::new(Self {
            http,
            idle_timeout: limits.idle_timeout,
            slots: Arc::new(Semaphore::new(cap)),
            cap,
            metrics,
            full: Mutex::new(RateLimitedWarning::default()),
        })
    }

    /// A free slot, waiting for one when all are taken.
    async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        if let Ok(slot) = self.slots.clone().try_acquire_owned() {
            return Some(slot);
        }
        self.metrics.record_connection_limit_reached();
        let due = self.full.lock().ok().and_then(|mut warning| warning.due());
        if let Some(repeats) = due {
            tracing::warn!(
                repeats,
                "all {} connection slots are taken: new connections wait (WINKEL_MAX_CONNECTIONS)",
                self.cap
            );
        }
        self.slots.clone().acquire_owned().await.ok()
    }

    /// Serves one connection until it ends or a timeout closes it.
    async fn serve_one<I, S>(
        self: Arc<Self>,
        io: I,
        service: S,
        watcher: Watcher,
        slot: OwnedSemaphorePermit,
    ) where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
        S: hyper::service::HttpService<hyper::body::Incoming> + Send + 'static,
        S::Future: Send + 'static,
        S::ResBody: Send + 'static,
        <S::ResBody as hyper::body::Body>::Data: Send,
        <S::ResBody as hyper::body::Body>::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let _open = OpenConnection::new(&self.metrics, slot);
        let traffic = Arc::new(Traffic::new());
        let io = TokioIo::new(Metered {
            io,
            traffic: traffic.clone(),
        });
        let connection = watcher.watch(self.http.serve_connection(io, service));
        tokio::pin!(connection);
        let mut check_at = traffic.last_activity() + self.idle_timeout;
        loop {
            tokio::select! {
                ended = &mut connection => {
                    match ended {
                        Ok(()) => {}
                        Err(error) if error.is_timeout() => {
                            self.metrics.record_connection_close(traffic.why_head_timed_out());
                        }
                        // Resets, malformed requests: routine. hyper's
                        // messages name no address (AVG-8).
                        Err(error) => tracing::debug!(%error, "connection ended with an error"),
                    }
                    return;
                }
                () = tokio::time::sleep_until(check_at) => {
                    let quiet_until = traffic.last_activity() + self.idle_timeout;
                    if quiet_until <= Instant::now() {
                        self.metrics.record_connection_close(ConnectionClose::IdleTimeout);
                        // Dropping the connection closes the socket.
                        return;
                    }
                    check_at = quiet_until;
                }
            }
        }
    }
}

/// Counts an open connection and holds its slot, until dropped.
struct OpenConnection {
    metrics: Arc<Metrics>,
    _slot: OwnedSemaphorePermit,
}

impl OpenConnection {
    fn new(metrics: &Arc<Metrics>, slot: OwnedSemaphorePermit) -> Self {
        metrics.connection_opened();
        Self {
            metrics: metrics.clone(),
            _slot: slot,
        }
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.metrics.connection_ended();
    }
}

/// Serves `router` on `listener` until `stop` completes; then stops
/// accepting (the listener is dropped, so new connections are refused) and
/// waits for the open connections to finish their requests.
pub async fn serve<L>(
    mut listener: L,
    router: Router,
    connections: Arc<Connections>,
    stop: impl Future<Output = ()>,
) where
    L: Listener,
    L::Addr: Clone + Send + Sync + 'static,
{
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        // The slot first: while all are taken, connections wait in the
        // kernel's queue rather than as open descriptors of ours.
        let slot = tokio::select! {
            () = &mut stop => break,
            slot = connections.slot() => slot,
        };
        let Some(slot) = slot else { break };
        let (io, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        // The peer address reaches the form limit (as a salted hash, never
        // stored: AVG-8), as `into_make_service_with_connect_info` gave it.
        let service =
            TowerToHyperService::new(axum::Extension(ConnectInfo(peer)).layer(router.clone()));
        tokio::spawn(
            connections
                .clone()
                .serve_one(io, service, graceful.watcher(), slot),
        );
    }
    drop(listener);
    graceful.shutdown().await;
}

/// When bytes last moved on a connection, in microseconds after it opened
/// (0: never), shared by the connection's I/O and its idle check.
struct Traffic {
    opened: Instant,
    last_read: AtomicU64,
    last_written: AtomicU64,
}

impl Traffic {
    fn new() -> Self {
        Self {
            opened: Instant::now(),
            last_read: AtomicU64::new(0),
            last_written: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        // At least 1: 0 means "never".
        u64::try_from(self.opened.elapsed().as_micros())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    fn note_read(&self) {
        self.last_read.store(self.now(), Ordering::Relaxed);
    }

    fn note_written(&self) {
        self.last_written.store(self.now(), Ordering::Relaxed);
    }

    fn last_activity(&self) -> Instant {
        let last = self
            .last_read
            .load(Ordering::Relaxed)
            .max(self.last_written.load(Ordering::Relaxed));
        self.opened + Duration::from_micros(last)
    }

    /// A head that did not arrive in time: after a response with nothing
    /// read since, the client simply sent no next request.
    fn why_head_timed_out(&self) -> ConnectionClose {
        let read = self.last_read.load(Ordering::Relaxed);
        let written = self.last_written.load(Ordering::Relaxed);
        if written > 0 && read <= written {
            ConnectionClose::KeepAliveTimeout
        } else {
            ConnectionClose::HeaderTimeout
        }
    }
}

/// A connection's I/O, noting in [`Traffic`] when bytes move.
struct Metered<I> {
    io: I,
    traffic: Arc<Traffic>,
}

impl<I: AsyncRead + Unpin> AsyncRead for Metered<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.traffic.note_read();
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Metered<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.traffic.note_written();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.traffic.note_written();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_fits_the_open_files_limit() {
        // Plenty of files: the setting holds.
        assert_eq!(connection_cap(4096, Some(1_048_576), 0), 4096);
        // No limit known: the setting holds.
        assert_eq!(connection_cap(4096, None, 0), 4096);
        // The usual soft limit: (1024 - 256) / 2.
        assert_eq!(connection_cap(4096, Some(1024), 0), 384);
        // TLS handshakes held by the listener count too.
        assert_eq!(connection_cap(4096, Some(4096), 1088), 1376);
        // Never nothing at all.
        assert_eq!(connection_cap(4096, Some(300), 1088), MIN_CONNECTIONS);
        assert_eq!(connection_cap(4, Some(300), 1088), 4);
    }

    #[test]
    fn a_head_timeout_after_a_response_is_the_end_of_keep_alive() {
        let traffic = Traffic::new();
        assert_eq!(traffic.why_head_timed_out(), ConnectionClose::HeaderTimeout);
        traffic.last_read.store(10, Ordering::Relaxed);
        assert_eq!(traffic.why_head_timed_out(), ConnectionClose::HeaderTimeout);
        traffic.last_written.store(20, Ordering::Relaxed);
        assert_eq!(
            traffic.why_head_timed_out(),
            ConnectionClose::KeepAliveTimeout
        );
        // Half of the next request arrived, the rest did not.
        traffic.last_read.store(30, Ordering::Relaxed);
        assert_eq!(traffic.why_head_timed_out(), ConnectionClose::HeaderTimeout);
    }

    #[test]
    fn a_recurring_warning_is_logged_once_per_interval() {
        let mut warning = RateLimitedWarning::default();
        assert_eq!(warning.due(), Some(0));
        assert_eq!(warning.due(), None);
        assert_eq!(warning.due(), None);
        warning.last = Instant::now().checked_sub(WARNING_INTERVAL);
        assert_eq!(warning.due(), Some(2));
    }
}
