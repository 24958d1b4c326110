//! A TCP link between the shop and a server it depends on (MariaDB,
//! Redis), on a port of its own on 127.0.0.1, that a test can slow down,
//! cut (as when the server dies), freeze (as when it stops answering) and
//! restore.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// `host:port` of the server in a `scheme://[user:pass@]host[:port]/...`
/// URL, with `default_port` when it names none.
pub fn address_in(url: &str, default_port: u16) -> SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host_port = rest.split('/').next().unwrap_or_default();
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:{default_port}")
    };
    host_port
        .replace("localhost", "127.0.0.1")
        .parse()
        .unwrap_or_else(|e| panic!("a socket address in {host_port}: {e}"))
}

pub struct TcpLink {
    port: u16,
    target: SocketAddr,
    listening: Mutex<Option<JoinHandle<()>>>,
    carrying: Arc<Mutex<Vec<JoinHandle<()>>>>,
    frozen: Arc<AtomicBool>,
    /// Milliseconds each chunk waits before it is passed on, either way.
    delay_ms: Arc<AtomicU64>,
}

impl TcpLink {
    pub async fn open(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let link = Self {
            port,
            target,
            listening: Mutex::new(None),
            carrying: Arc::default(),
            frozen: Arc::default(),
            delay_ms: Arc::default(),
        };
        link.listen(listener);
        link
    }

    fn listen(&self, listener: TcpListener) {
        let target = self.target;
        let carrying = Arc::clone(&self.carrying);
        let held = Held {
            frozen: Arc::clone(&self.frozen),
            delay_ms: Arc::clone(&self.delay_ms),
        };
        let task = tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let held = held.clone();
                let carry = tokio::spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(target).await {
                        let (in_read, in_write) = inbound.into_split();
                        let (out_read, out_write) = outbound.into_split();
                        tokio::join!(
                            pump(in_read, out_write, held.clone()),
                            pump(out_read, in_write, held),
                        );
                    }
                });
                carrying.lock().unwrap().push(carry);
            }
        });
        *self.listening.lock().unwrap() = Some(task);
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything takes `delay` longer each way (a slow network).
    pub fn slow_down(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.delay_ms.store(ms, Ordering::SeqCst);
    }

    /// As when the server dies: open connections break, new ones are
    /// refused (nothing listens on the port).
    pub fn cut(&self) {
        if let Some(task) = self.listening.lock().unwrap().take() {
            task.abort();
        }
        for carry in self.carrying.lock().unwrap().drain(..) {
            carry.abort();
        }
    }

    /// As when the server hangs: connections stay open and new ones are
    /// accepted, but nothing gets through either way until [`thaw`].
    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// What was held back goes through, and everything after it.
    pub fn thaw(&self) {
        self.frozen.store(false, Ordering::SeqCst);
    }

    /// The server is back on the same port.
    pub async fn restore(&self) {
        self.thaw();
        self.slow_down(Duration::ZERO);
        // The aborted task drops its listener on its own thread: retry the
        // bind briefly until the port is free.
        for _ in 0..50 {
            if let Ok(listener) = TcpListener::bind(("127.0.0.1", self.port)).await {
                self.listen(listener);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("port {} did not come free", self.port);
    }
}

/// What holds bytes back on the link.
#[derive(Clone)]
struct Held {
    frozen: Arc<AtomicBool>,
    delay_ms: Arc<AtomicU64>,
}

/// Carries bytes one way, late when the link is slow, held while it is
/// frozen.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    held: Held,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let delay = held.delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        while held.frozen.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

impl Drop for TcpLink {
    fn drop(&mut self) {
        self.cut();
    }
}
