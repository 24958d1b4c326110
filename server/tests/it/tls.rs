//! HTTPS (AVG-19): the shop served with TLS over real sockets, as
//! `winkel serve` does with `WINKEL_TLS_CERT` and `WINKEL_TLS_KEY`; a
//! renewed certificate taken without a restart; plain HTTP redirected; the
//! cookies `Secure` and `__Host-` prefixed.
//!
//! The certificates come from a test CA made on the fly, which the test's
//! client trusts and nothing else does.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, TestApp};
use axum::http::StatusCode;
use rustls::pki_types::{CertificateDer, ServerName};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use winkel::http::{HttpsRedirect, Listeners};
use winkel::tls::{CertStore, TlsFiles};

/// A certificate authority of the test's own.
struct TestCa {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

impl TestCa {
    fn new() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Winkel test CA");
        let key = rcgen::KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("CA certificate");
        Self { cert, key }
    }

    /// A certificate for `localhost` and its key, as PEM.
    fn issue(&self) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .expect("params")
            .signed_by(&key, &self.cert, &self.key)
            .expect("certificate");
        (cert.pem(), key.serialize_pem())
    }

    /// A client that trusts this CA only.
    fn client(&self) -> tokio_rustls::TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(self.cert.der().clone())
            .expect("CA in the root store");
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        // Every connection a full handshake, so that it shows the
        // certificate the server holds now (a resumed session shows the
        // one of its first handshake).
        config.resumption = rustls::client::Resumption::disabled();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }
}

/// The two PEM files in a folder of the test's own.
struct CertFiles {
    dir: PathBuf,
    files: TlsFiles,
}

impl CertFiles {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("winkel_tls_{name}_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("folder");
        let files = TlsFiles {
            cert: dir.join("fullchain.pem"),
            key: dir.join("privkey.pem"),
        };
        Self { dir, files }
    }

    fn write(&self, (cert, key): &(String, String)) {
        std::fs::write(&self.files.key, key).expect("write key");
        std::fs::write(&self.files.cert, cert).expect("write certificate");
    }
}

impl Drop for CertFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn der_of(pem: &str) -> Vec<u8> {
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes())
        .expect("a certificate")
        .to_vec()
}

/// A running server; stops when dropped.
struct Serving {
    https: SocketAddr,
    plain: Option<SocketAddr>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(app: &TestApp, store: &Arc<CertStore>, redirect: Option<HttpsRedirect>) -> Serving {
    let localhost: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let listeners = Listeners::bind(
        localhost,
        Some(store.server_config().expect("TLS configuration")),
        redirect.as_ref().map(|_| localhost),
    )
    .await
    .expect("bind");
    let https = listeners.shop_addr().expect("address");
    let plain = listeners.redirect_addr();
    let redirect = redirect.map(|r| HttpsRedirect {
        https_port: https.port(),
        ..r
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = app.router.clone();
    tokio::spawn(async move {
        listeners
            .serve(router, redirect, async {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
    });
    Serving {
        https,
        plain,
        _stop: stop,
    }
}

/// What a server answered: the head (status line and headers) and body.
struct Answer {
    head: String,
    body: String,
}

impl Answer {
    fn status(&self) -> u16 {
        self.head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {:?}", self.head))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Writes `request` and reads the whole answer (the request says
/// `Connection: close`).
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    request: &str,
) -> Answer {
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut bytes = Vec::new();
    // A peer that closes without TLS close_notify still gave its answer.
    let _ = stream.read_to_end(&mut bytes).await;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Answer {
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
}

/// A GET over HTTPS; also returns the certificate the server presented.
async fn https_get(
    client: &tokio_rustls::TlsConnector,
    addr: SocketAddr,
    path: &str,
) -> (Answer, Vec<u8>) {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut tls = client
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake with a certificate the client trusts");
    let presented = tls.get_ref().1.peer_certificates().expect("a certificate")[0].to_vec();
    let answer = exchange(&mut tls, &get(path, &format!("localhost:{}", addr.port()))).await;
    (answer, presented)
}

/// Waits (up to 20 s, polling) until new connections get `wanted`.
async fn until_presented(client: &tokio_rustls::TlsConnector, addr: SocketAddr, wanted: &[u8]) {
    for _ in 0..200 {
        if https_get(client, addr, "/healthz").await.1 == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the renewed certificate was not served within 20 s");
}

async fn shop(backend: Backend) -> Option<TestApp> {
    TestApp::start_with(backend, |config| {
        config.form_limit = 100_000;
        // What `winkel serve` sets when it serves TLS.
        config.secure_cookies = true;
    })
    .await
}

async fn https_serves_the_shop_with_hsts(backend: Backend) {
    let Some(app) = shop(backend).await else {
        return;
    };
    let ca = TestCa::new();
    let files = CertFiles::new(&format!("pages_{backend:?}"));
    let issued = ca.issue();
    files.write(&issued);
    let store = CertStore::load(files.files.clone()).expect("load");
    let server = serve(&app, &store, None).await;
    let client = ca.client();

    let (page, presented) = https_get(&client, server.https, "/").await;
    assert_eq!(page.status(), 200, "{}", page.head);
    assert_eq!(presented, der_of(&issued.0));
    assert!(page.body.contains("Espressobonen"), "the shop's front page");
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
    assert!(page
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("'nonce-")));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));

    // Plain HTTP on the HTTPS port gets no page: the handshake fails.
    let mut plain = TcpStream::connect(server.https).await.expect("connect");
    let answer = exchange(&mut plain, &get("/", "localhost")).await;
    assert!(!answer.head.contains("200 OK"), "{}", answer.head);
    assert!(!answer.body.contains("Espressobonen"));
    drop(server);
    app.finish().await;
}

/// Under TLS both cookies are `__Host-` prefixed and `Secure`, and a CMS
/// cookie without the prefix (which a plain-HTTP page could have planted)
/// opens nothing.
async fn cookies_are_host_prefixed_and_secure(backend: Backend) {
    let Some(app) = shop(backend).await else {
        return;
    };
    let mut visitor = app.client();
    let product = visitor
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json()["id"]
        .as_i64()
        .expect("product id");
    let added = visitor
        .call(
            "add_to_cart",
            &[("product_id", &product.to_string()), ("quantity", "1")],
        )
        .await;
    let cookie = added.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-winkel_session="), "{cookie}");
    for part in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.split("; ").any(|p| p == part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    // The cart is kept under the prefixed name.
    let cart = visitor.call("get_cart", &[]).await.json();
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(1), "{cart}");

    let owner_password = "de winkel gaat om negen open";
    let mut owner = common::staff_client(&app, "owner@example.nl", owner_password, true, &[]).await;
    // Logging in again shows the cookie as the browser is told to keep it.
    let login = owner
        .call(
            "cms_login",
            &[("email", "owner@example.nl"), ("password", owner_password)],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let cookie = login.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-winkel_cms="), "{cookie}");
    assert!(
        cookie.contains("; Path=/;") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    assert_eq!(owner.get("/cms/customers").await.status, StatusCode::OK);

    let token = owner
        .cookie
        .clone()
        .and_then(|c| c.strip_prefix("__Host-winkel_cms=").map(str::to_owned))
        .expect("the token");
    let mut planted = app.client();
    planted.cookie = Some(format!("winkel_cms={token}"));
    let refused = planted.get("/cms/customers").await;
    assert_eq!(
        (refused.status, refused.location().as_deref()),
        (StatusCode::SEE_OTHER, Some("/cms/login"))
    );
    app.finish().await;
}

on_both_databases!(
    https_serves_the_shop_with_hsts,
    cookies_are_host_prefixed_and_secure
);

// The remaining tests are about the socket, not the data: SQLite only.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let app = shop(Backend::Sqlite).await.expect("SQLite");
    let ca = TestCa::new();
    let files = CertFiles::new("renewal");
    let first = ca.issue();
    files.write(&first);
    let store = CertStore::load(files.files.clone()).expect("load");
    store.watch(Duration::from_millis(100));
    let server = serve(&app, &store, None).await;
    let client = ca.client();
    assert_eq!(
        https_get(&client, server.https, "/healthz").await.1,
        der_of(&first.0)
    );

    // A broken renewal (a key that does not belong to the certificate) is
    // refused and the old certificate stays in service.
    let second = ca.issue();
    let third = ca.issue();
    files.write(&(second.0.clone(), third.1.clone()));
    assert!(matches!(
        store.reload(),
        Err(winkel::tls::TlsError::KeyMismatch { .. })
    ));
    let (answer, presented) = https_get(&client, server.https, "/healthz").await;
    assert_eq!((answer.status(), presented), (200, der_of(&first.0)));

    // A good renewal is picked up by the periodic check.
    files.write(&second);
    until_presented(&client, server.https, &der_of(&second.0)).await;
    drop(server);
    app.finish().await;
}

/// certbot's deploy hook sends SIGHUP: the files are read at once, however
/// long the periodic check still has to wait.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_certificate_at_once() {
    let app = shop(Backend::Sqlite).await.expect("SQLite");
    let ca = TestCa::new();
    let files = CertFiles::new("sighup");
    files.write(&ca.issue());
    let store = CertStore::load(files.files.clone()).expect("load");
    store.watch(Duration::from_secs(3600));
    let server = serve(&app, &store, None).await;
    let renewed = ca.issue();
    files.write(&renewed);
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    until_presented(&ca.client(), server.https, &der_of(&renewed.0)).await;
    drop(server);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_redirected_to_https() {
    let app = shop(Backend::Sqlite).await.expect("SQLite");
    let ca = TestCa::new();
    let files = CertFiles::new("redirect");
    files.write(&ca.issue());
    let store = CertStore::load(files.files.clone()).expect("load");
    let acme = files.dir.join("webroot");
    std::fs::create_dir_all(acme.join(".well-known/acme-challenge")).unwrap();
    std::fs::write(
        acme.join(".well-known/acme-challenge/t0k3n"),
        "t0k3n.thumbprint",
    )
    .unwrap();
    let server = serve(
        &app,
        &store,
        Some(HttpsRedirect {
            public_url: None,
            https_port: 0,
            acme_dir: Some(acme),
        }),
    )
    .await;
    let plain = server.plain.expect("a redirect listener");
    let request = |raw: String| async move {
        let mut tcp = TcpStream::connect(plain).await.expect("connect");
        exchange(&mut tcp, &raw).await
    };

    let moved = request(get("/products/espressobonen-amsterdam?x=1", "shop.test")).await;
    assert_eq!(moved.status(), 308, "{}", moved.head);
    assert_eq!(
        moved.header("location"),
        Some(
            format!(
                "https://shop.test:{}/products/espressobonen-amsterdam?x=1",
                server.https.port()
            )
            .as_str()
        )
    );
    // The port of the plain address is replaced, not kept.
    let moved = request(get("/", "shop.test:8080")).await;
    assert_eq!(
        moved.header("location"),
        Some(format!("https://shop.test:{}/", server.https.port()).as_str())
    );
    // The form's method survives the redirect (308, not 301).
    let posted = request(
        "POST /contact HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .to_owned(),
    )
    .await;
    assert_eq!(posted.status(), 308);
    // Let's Encrypt's HTTP challenge is answered over plain HTTP.
    let challenge = request(get("/.well-known/acme-challenge/t0k3n", "shop.test")).await;
    assert_eq!(
        (challenge.status(), challenge.body.as_str()),
        (200, "t0k3n.thumbprint")
    );
    // Nothing of the shop itself is served over plain HTTP.
    let page = request(get("/", "shop.test")).await;
    assert!(!page.body.contains("Espressobonen"));
    drop(server);
    app.finish().await;
}

#[test]
fn the_redirect_goes_to_the_public_address_when_set() {
    let redirect = HttpsRedirect {
        public_url: Some("https://winkel.example".into()),
        https_port: 8443,
        acme_dir: None,
    };
    assert_eq!(
        redirect.location(Some("evil.example"), "/cart").as_deref(),
        Some("https://winkel.example/cart")
    );
    let by_host = HttpsRedirect {
        public_url: None,
        https_port: 443,
        acme_dir: None,
    };
    assert_eq!(
        by_host.location(Some("shop.test:80"), "/").as_deref(),
        Some("https://shop.test/")
    );
    assert_eq!(
        by_host.location(Some("[::1]:80"), "/").as_deref(),
        Some("https://[::1]/")
    );
    assert_eq!(by_host.location(None, "/"), None);
    assert_eq!(by_host.location(Some("a b"), "/"), None);
    assert_eq!(by_host.location(Some("user@shop.test"), "/"), None);
}

/// The handshakes run beside the accept loop: clients that connect and say
/// nothing do not keep the next visitor waiting until they time out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_client_does_not_hold_up_the_next() {
    let app = shop(Backend::Sqlite).await.expect("SQLite");
    let ca = TestCa::new();
    let files = CertFiles::new("silent");
    files.write(&ca.issue());
    let store = CertStore::load(files.files.clone()).expect("load");
    let server = serve(&app, &store, None).await;
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(TcpStream::connect(server.https).await.expect("connect"));
    }
    let (answer, _) = https_get(&ca.client(), server.https, "/healthz").await;
    assert_eq!(answer.status(), 200);
    // Had the answer waited for the silent handshakes, the server would
    // have closed them by now (after its 10 s handshake timeout).
    for mut stream in silent {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_millis(50), stream.read(&mut byte)).await;
        assert!(read.is_err(), "a silent connection was already closed");
    }
    drop(server);
    app.finish().await;
}

#[test]
fn unusable_files_stop_the_start_with_the_file_named() {
    let files = CertFiles::new("unusable");
    let missing = CertStore::load(files.files.clone()).expect_err("no files");
    assert!(
        missing
            .to_string()
            .starts_with(&format!("cannot read {}", files.files.cert.display())),
        "{missing}"
    );
    std::fs::write(&files.files.cert, "not a certificate").unwrap();
    std::fs::write(&files.files.key, "not a key").unwrap();
    let garbage = CertStore::load(files.files.clone()).expect_err("garbage");
    assert_eq!(
        garbage.to_string(),
        format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            Path::new(&files.files.cert).display()
        )
    );
}
