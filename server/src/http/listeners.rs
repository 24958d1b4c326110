//! The bound sockets of `winkel serve`, serving until shutdown.

use super::HttpsRedirect;
use crate::connections::{self, ConnectionLimits, Connections, PlainListener};
use crate::error::CliError;
use axum::Router;
use std::sync::Arc;

/// The bound sockets of `winkel serve`: the shop, over TLS or plain, and
/// under TLS optionally a plain-HTTP port that only redirects to HTTPS.
pub struct Listeners {
    shop: ShopListener,
    redirect: Option<tokio::net::TcpListener>,
    limits: ConnectionLimits,
    metrics: Option<Arc<app::ssr::metrics::Metrics>>,
}

enum ShopListener {
    Plain(tokio::net::TcpListener),
    Tls(crate::tls::TlsListener),
}

/// Connections the kernel keeps for us while every slot is taken (it caps
/// this at `net.core.somaxconn`). mio now asks for 128, after which new
/// visitors' SYNs are dropped and their browsers retry only after 1 s, 3 s…
const LISTEN_BACKLOG: u32 = 1024;

async fn bind_tcp(addr: std::net::SocketAddr) -> Result<tokio::net::TcpListener, CliError> {
    let listen = || {
        let socket = match addr {
            std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
            std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
        };
        // As `TcpListener::bind` does: a restart can bind again at once.
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        socket.bind(addr)?;
        socket.listen(LISTEN_BACKLOG)
    };
    listen().map_err(|e: std::io::Error| CliError::Listen {
        addr: addr.to_string(),
        reason: e.to_string(),
    })
}

impl Listeners {
    /// Binds the shop's address (with TLS when `tls` is given) and the
    /// redirect address. Connections get the default limits unless
    /// [`Self::with_connection_limits`] says otherwise.
    pub async fn bind(
        addr: std::net::SocketAddr,
        tls: Option<Arc<rustls::ServerConfig>>,
        redirect_addr: Option<std::net::SocketAddr>,
    ) -> Result<Self, CliError> {
        let tcp = bind_tcp(addr).await?;
        let shop = match tls {
            Some(config) => ShopListener::Tls(crate::tls::TlsListener::new(tcp, config)?),
            None => ShopListener::Plain(tcp),
        };
        let redirect = match redirect_addr {
            Some(addr) => Some(bind_tcp(addr).await?),
            None => None,
        };
        Ok(Self {
            shop,
            redirect,
            limits: ConnectionLimits::default(),
            metrics: None,
        })
    }

    /// The header and idle timeouts and the cap of every connection.
    pub fn with_connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Where the connection counts go (`/metrics`); without, nowhere.
    pub fn with_metrics(mut self, metrics: Arc<app::ssr::metrics::Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The shop's address (with the port the system chose for port 0).
    pub fn shop_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        match &self.shop {
            ShopListener::Plain(tcp) => tcp.local_addr(),
            ShopListener::Tls(tls) => axum::serve::Listener::local_addr(tls),
        }
    }

    pub fn redirect_addr(&self) -> Option<std::net::SocketAddr> {
        self.redirect.as_ref().and_then(|r| r.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then lets open requests finish.
    pub async fn serve(
        self,
        router: Router,
        redirect: Option<HttpsRedirect>,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), CliError> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        let held_by_listener = match &self.shop {
            ShopListener::Plain(_) => 0,
            ShopListener::Tls(_) => crate::tls::HELD_CONNECTIONS,
        };
        // One set of slots for both listeners: the cap counts every
        // connection, wherever it came in.
        let connections = Connections::new(
            &self.limits,
            u64::try_from(held_by_listener).unwrap_or(u64::MAX),
            self.metrics.unwrap_or_default(),
        );
        let shop = async {
            match self.shop {
                ShopListener::Plain(tcp) => {
                    connections::serve(
                        PlainListener::new(tcp),
                        router,
                        connections.clone(),
                        until_stopped(stopped.clone()),
                    )
                    .await;
                }
                ShopListener::Tls(tls) => {
                    connections::serve(
                        tls,
                        router,
                        connections.clone(),
                        until_stopped(stopped.clone()),
                    )
                    .await;
                }
            }
        };
        let plain = async {
            if let (Some(tcp), Some(target)) = (self.redirect, redirect) {
                connections::serve(
                    PlainListener::new(tcp),
                    target.router(),
                    connections.clone(),
                    until_stopped(stopped.clone()),
                )
                .await;
            }
        };
        tokio::join!(shop, plain);
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
