//! HTTPS (AVG-19): rustls with the certificate chain and key from PEM files,
//! reloaded while serving when the files change (certbot renews every two
//! months; a restart must not be needed), and a listener that does the TLS
//! handshakes beside the accept loop, so a slow or silent client delays only
//! itself.

use axum::serve::Listener;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A client gets this long to finish its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes in flight at once; beyond this, new connections are closed
/// rather than queued (a flood of half-open connections costs no memory).
const MAX_HANDSHAKES: usize = 1024;
/// Finished handshakes waiting for the server to take them.
const READY_QUEUE: usize = 64;
/// The most connections the listener holds before handing them over:
/// outside the server's connection cap, so the cap leaves room for them.
pub const HELD_CONNECTIONS: usize = MAX_HANDSHAKES + READY_QUEUE;

/// Why a certificate and key cannot be used; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate { path: String },
    #[error("{path} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")]
    NoKey { path: String },
    #[error("the key in {key} cannot be used: {reason}")]
    BadKey { key: String, reason: String },
    #[error("the key in {key} does not belong to the certificate in {cert}")]
    KeyMismatch { cert: String, key: String },
}

/// Where the certificate chain (leaf first) and its private key are.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|e| TlsError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A checked certificate and key from the contents of the two files.
pub fn certified_key(
    files: &TlsFiles,
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<CertifiedKey, TlsError> {
    let cert_path = files.cert.display().to_string();
    let key_path = files.key.display().to_string();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|_| TlsError::NoCertificate {
            path: cert_path.clone(),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate { path: cert_path });
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|_| TlsError::NoKey {
        path: key_path.clone(),
    })?;
    CertifiedKey::from_der(chain, key, &provider()).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => TlsError::KeyMismatch {
            cert: cert_path,
            key: key_path,
        },
        other => TlsError::BadKey {
            key: key_path,
            reason: other.to_string(),
        },
    })
}

/// The certificate in use, swapped when the files change. Every handshake
/// reads the current one, so a reload takes effect on the next connection
/// while open connections keep theirs.
#[derive(Debug)]
pub struct CertStore {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
    /// The file contents the current certificate came from.
    loaded_from: Mutex<(Vec<u8>, Vec<u8>)>,
}

impl CertStore {
    /// Loads the files; an unusable certificate stops the start.
    pub fn load(files: TlsFiles) -> Result<Arc<Self>, TlsError> {
        let (cert_pem, key_pem) = (read(&files.cert)?, read(&files.key)?);
        let key = certified_key(&files, &cert_pem, &key_pem)?;
        Ok(Arc::new(Self {
            files,
            current: RwLock::new(Arc::new(key)),
            loaded_from: Mutex::new((cert_pem, key_pem)),
        }))
    }

    /// Reads the files again and switches to them when they changed and
    /// hold a usable certificate; otherwise the current one stays. `Ok(true)`
    /// when it switched.
    pub fn reload(&self) -> Result<bool, TlsError> {
        let (cert_pem, key_pem) = (read(&self.files.cert)?, read(&self.files.key)?);
        let mut loaded = self
            .loaded_from
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if loaded.0 == cert_pem && loaded.1 == key_pem {
            return Ok(false);
        }
        // Renewal tools write the two files one after the other: a new
        // certificate with the old key is refused now and taken on the next
        // check, once the key has followed.
        let key = certified_key(&self.files, &cert_pem, &key_pem)?;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(key);
        *loaded = (cert_pem, key_pem);
        Ok(true)
    }

    /// Checks the files every `every`, and at once on SIGHUP (what a
    /// certbot deploy hook sends), for as long as the server runs.
    pub fn watch(self: &Arc<Self>, every: Duration) {
        let store = Arc::downgrade(self);
        // Listening before this returns: a SIGHUP from then on reloads
        // (without a listener it would end the process).
        let mut hangup = hangup_signal();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            // A broken file is reported once, not at every check.
            let mut reported: Option<String> = None;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = next_hangup(&mut hangup) => {}
                }
                let Some(store) = store.upgrade() else { return };
                match store.reload() {
                    Ok(changed) => {
                        if changed {
                            tracing::info!(
                                cert = %store.files.cert.display(),
                                "TLS certificate reloaded"
                            );
                        }
                        reported = None;
                    }
                    Err(error) => {
                        let message = error.to_string();
                        if reported.as_ref() != Some(&message) {
                            tracing::error!(
                                error = %message,
                                "new TLS certificate refused; serving the previous one"
                            );
                            reported = Some(message);
                        }
                    }
                }
            }
        });
    }

    /// The rustls configuration serving this store's certificate: TLS 1.2
    /// and 1.3 only (rustls has nothing older), HTTP/1.1.
    pub fn server_config(self: &Arc<Self>) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::BadKey {
                key: self.files.key.display().to_string(),
                reason: e.to_string(),
            })?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        )
    }
}

#[cfg(unix)]
type Hangup = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangup = ();

#[cfg(unix)]
fn hangup_signal() -> Hangup {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}
#[cfg(not(unix))]
fn hangup_signal() -> Hangup {}

#[cfg(unix)]
async fn next_hangup(hangup: &mut Hangup) {
    match hangup {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}
#[cfg(not(unix))]
async fn next_hangup(_: &mut Hangup) {
    std::future::pending().await
}

/// Accepts TCP connections and hands out those whose TLS handshake
/// succeeded. The handshakes run in their own tasks.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(READY_QUEUE);
        tokio::spawn(accept_loop(tcp, TlsAcceptor::from(config), tx));
        Ok(Self { ready, local })
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    let in_flight = Arc::new(Semaphore::new(MAX_HANDSHAKES));
    loop {
        let accepted = tokio::select! {
            // The server is gone (shut down): stop accepting.
            () = ready.closed() => return,
            accepted = tcp.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                // Mostly "too many open files": wait rather than spin.
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            continue;
        };
        // Without TCP_NODELAY, multi-chunk responses wait for the peer's
        // delayed ACK: ~40 ms each.
        let _ = stream.set_nodelay(true);
        let acceptor = acceptor.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            let _permit = permit;
            // Failures are routine (scanners, old clients) and logged
            // without the peer's address (AVG-8).
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        });
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(pair) => pair,
            // The accept loop only ends once this receiver is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> TlsFiles {
        TlsFiles {
            cert: "cert.pem".into(),
            key: "key.pem".into(),
        }
    }

    fn pair(name: &str) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec![name.to_owned()])
            .and_then(|p| p.self_signed(&key))
            .expect("certificate");
        (cert.pem(), key.serialize_pem())
    }

    #[test]
    fn a_matching_pair_is_accepted() {
        let (cert, key) = pair("shop.example");
        assert!(certified_key(&files(), cert.as_bytes(), key.as_bytes()).is_ok());
    }

    #[test]
    fn each_unusable_file_gets_its_own_message() {
        let (cert, key) = pair("shop.example");
        let (_, other_key) = pair("other.example");
        let message = |c: &str, k: &str| {
            certified_key(&files(), c.as_bytes(), k.as_bytes())
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(
            message("", &key).as_deref(),
            Some("cert.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        );
        assert_eq!(
            message(&key, &key).as_deref(),
            Some("cert.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        );
        assert_eq!(
            message(&cert, &cert).as_deref(),
            Some("key.pem holds no PEM private key (PKCS#8, PKCS#1 or SEC1)")
        );
        assert_eq!(
            message(&cert, &other_key).as_deref(),
            Some("the key in key.pem does not belong to the certificate in cert.pem")
        );
    }
}
