//! MariaDB over TLS (issue 12, item 9): `DATABASE_URL` with sqlx's
//! `ssl-mode` / `ssl-ca` parameters, through `winkel::db::connect` as the
//! shop uses it.
//!
//! The shared MariaDB on 127.0.0.1:3306 is left alone: the test starts a
//! private `mariadbd` of its own (temp data folder, spare port, socket in the
//! folder) with a CA and server certificate it makes with rcgen, and a user
//! that must use TLS (`REQUIRE SSL`). The server runs under `timeout`, so it
//! stops by itself even if this test is killed before its guard runs.
//!
//! Without `mariadbd` / `mariadb-install-db` the test is skipped, except
//! under `CI=true`, where it fails (`./winkel test` installs MariaDB).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "winkel_tls";
const PASSWORD: &str = "tls-test-secret";
const DATABASE: &str = "winkel_tls";
/// Hard limit of the private server's life, should the guard never run.
const SERVER_LIFETIME_SECS: u32 = 300;
const START_WAIT: Duration = Duration::from_secs(60);

/// The first of `names` in `PATH` or the sbin folders (often not in a
/// user's `PATH`).
fn find_binary(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .collect();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A certificate authority of the test's own.
struct TestCa {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

impl TestCa {
    fn new(name: &str) -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = rcgen::KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("CA certificate");
        Self { cert, key }
    }

    /// A server certificate for 127.0.0.1 and localhost, and its key (PEM).
    fn issue_server(&self) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("certificate");
        (cert.pem(), key.serialize_pem())
    }
}

/// A private mariadbd; stopped and its folder removed on drop, also when
/// the test fails.
struct PrivateMariaDb {
    dir: PathBuf,
    port: u16,
    /// `timeout` with mariadbd as its child.
    child: Option<Child>,
}

impl PrivateMariaDb {
    fn socket(&self) -> PathBuf {
        self.dir.join("mysqld.sock")
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Initialises a data folder and starts mariadbd with TLS on a spare
    /// port; returns once it accepts connections.
    fn start(mariadbd: &Path, install_db: &Path, ca: &TestCa) -> Self {
        let dir = std::env::temp_dir().join(format!("winkel_mariadb_tls_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp folder");
        // From here on the guard cleans up, whatever fails.
        let mut server = Self {
            dir: dir.clone(),
            port: 0,
            child: None,
        };

        let (cert, key) = ca.issue_server();
        std::fs::write(dir.join("ca.pem"), ca.cert.pem()).expect("write CA");
        std::fs::write(dir.join("server-cert.pem"), cert).expect("write certificate");
        std::fs::write(dir.join("server-key.pem"), key).expect("write key");

        // mariadbd refuses to run as root unless told so; as another user
        // it runs as that user and `--user` is not needed.
        let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        let user_arg = as_root.then_some("--user=root");
        let data = dir.join("data");

        let install = Command::new("timeout")
            .args(["-s", "KILL", "120"])
            .arg(install_db)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg("--auth-root-authentication-method=normal")
            .arg("--skip-test-db")
            .args(user_arg)
            .stdin(Stdio::null())
            .output()
            .expect("run mariadb-install-db");
        assert!(
            install.status.success(),
            "mariadb-install-db failed ({}):\n{}\n{}",
            install.status,
            String::from_utf8_lossy(&install.stdout),
            String::from_utf8_lossy(&install.stderr)
        );

        // A spare port: the system's pick for port 0, released just before
        // mariadbd takes it.
        server.port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("spare port")
            .port();

        let path = |name: &str| dir.join(name).display().to_string();
        // `timeout` ends mariadbd even if this process dies before the
        // guard; a TERM sent to `timeout` is passed on to mariadbd.
        let child = Command::new("timeout")
            .arg(SERVER_LIFETIME_SECS.to_string())
            .arg(mariadbd)
            .arg("--no-defaults")
            .args(user_arg)
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", path("mysqld.sock")))
            .arg(format!("--pid-file={}", path("mysqld.pid")))
            .arg(format!("--log-error={}", path("error.log")))
            .arg(format!("--tmpdir={}", dir.display()))
            .arg(format!("--port={}", server.port))
            .arg("--bind-address=127.0.0.1")
            .arg("--skip-name-resolve")
            .arg("--innodb-buffer-pool-size=16M")
            .arg(format!("--ssl-ca={}", path("ca.pem")))
            .arg(format!("--ssl-cert={}", path("server-cert.pem")))
            .arg(format!("--ssl-key={}", path("server-key.pem")))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mariadbd");
        server.child = Some(child);

        let deadline = Instant::now() + START_WAIT;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port));
        loop {
            if let Some(status) = server
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "mariadbd exited at start ({status}); its log:\n{}",
                    server.log_tail()
                );
            }
            // The socket file and the TCP port both exist once mariadbd
            // says "ready for connections".
            if server.socket().exists()
                && TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
            {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "mariadbd did not accept connections within {START_WAIT:?}; its log:\n{}",
                server.log_tail()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn url(&self, user: &str, query: &str) -> String {
        format!(
            "mysql://{user}:{PASSWORD}@127.0.0.1:{}/{DATABASE}?{query}",
            self.port
        )
    }
}

impl Drop for PrivateMariaDb {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(20);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            if matches!(child.try_wait(), Ok(None)) {
                // Did not stop in time: kill mariadbd itself, then `timeout`.
                if let Ok(pid) = std::fs::read_to_string(self.dir.join("mysqld.pid")) {
                    let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
                }
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str, column: &str) -> Option<String> {
    db.query_one_raw(Statement::from_string(DatabaseBackend::MySql, sql))
        .await
        .expect(sql)
        .and_then(|row| row.try_get::<String>("", column).ok())
}

async fn refused(url: &str) -> String {
    match winkel::db::connect(url).await {
        Ok(_) => panic!("connection was accepted: {url}"),
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.contains(PASSWORD),
                "an error shows the password: {message}"
            );
            message
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_over_tls() {
    // It logs what its connections do, like every test with a database.
    let _turn = crate::common::Turn::side_by_side().await;
    let started = Instant::now();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let binaries = (
        find_binary(&["mariadbd", "mysqld"]),
        find_binary(&["mariadb-install-db", "mysql_install_db"]),
    );
    let (Some(mariadbd), Some(install_db)) = binaries else {
        assert!(
            !ci,
            "CI=true but mariadbd or mariadb-install-db is missing: the MariaDB TLS test must run \
             (./winkel test installs MariaDB, scripts/lib.sh ensure_mariadb)"
        );
        eprintln!(
            "mariadbd / mariadb-install-db not found: skipping the MariaDB TLS test (never under CI=true)"
        );
        return;
    };

    let ca = TestCa::new("Winkel MariaDB test CA");
    let server = PrivateMariaDb::start(&mariadbd, &install_db, &ca);
    let stranger = server.dir.join("other-ca.pem");
    std::fs::write(&stranger, TestCa::new("Some other CA").cert.pem()).expect("write other CA");
    eprintln!("private mariadbd up after {:?}", started.elapsed());

    // The user is made over the socket as root (no TLS there), so that the
    // TCP tests meet a real account that demands TLS.
    let admin = winkel::db::connect(&format!(
        "mysql://root@localhost/mysql?socket={}&ssl-mode=DISABLED",
        server.socket().display()
    ))
    .await
    .expect("root over the socket");
    for sql in [
        format!("CREATE DATABASE `{DATABASE}`"),
        format!("CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}' REQUIRE SSL"),
        format!("GRANT ALL ON `{DATABASE}`.* TO '{USER}'@'127.0.0.1'"),
    ] {
        admin.execute_unprepared(&sql).await.expect(&sql);
    }
    admin.close().await.expect("close admin");

    // (1) Verified TLS: the shop migrates and works, the session is encrypted.
    let ca_path = server.dir.join("ca.pem");
    let url = server.url(
        USER,
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={}", ca_path.display()),
    );
    let db = winkel::db::connect(&url)
        .await
        .expect("VERIFY_IDENTITY with the server's CA");
    winkel::schema::migrate(&db)
        .await
        .expect("migrations over TLS");
    db.execute_unprepared("INSERT INTO settings (`key`, value) VALUES ('tls_probe', 'over TLS')")
        .await
        .expect("write over TLS");
    assert_eq!(
        scalar(
            &db,
            "SELECT value FROM settings WHERE `key` = 'tls_probe'",
            "value"
        )
        .await,
        Some("over TLS".to_owned())
    );
    let cipher = scalar(&db, "SHOW STATUS LIKE 'Ssl_cipher'", "Value")
        .await
        .unwrap_or_default();
    assert!(!cipher.is_empty(), "the session is not encrypted");
    let version = scalar(&db, "SHOW STATUS LIKE 'Ssl_version'", "Value")
        .await
        .unwrap_or_default();
    eprintln!("VERIFY_IDENTITY: migrated, {version} {cipher}");
    db.close().await.expect("close");

    // (2) Without TLS the REQUIRE SSL user is turned away by the server.
    let message = refused(&server.url(USER, "ssl-mode=DISABLED")).await;
    assert!(
        message.contains("Access denied"),
        "DISABLED refused, but not by the server's TLS requirement: {message}"
    );
    eprintln!("DISABLED refused: {message}");

    // (3) A server certificate of a CA the client was not given is refused
    // (VERIFY_CA checks the chain, not the name).
    let message = refused(&server.url(
        USER,
        &format!("ssl-mode=VERIFY_CA&ssl-ca={}", stranger.display()),
    ))
    .await;
    assert!(
        message.to_lowercase().contains("certificate"),
        "VERIFY_CA refused, but not for the certificate: {message}"
    );
    eprintln!("VERIFY_CA with another CA refused: {message}");

    // (4) With TLS compiled in, a URL without `ssl-mode` (sqlx: PREFERRED)
    // is encrypted too when the server offers TLS, though unverified.
    let db = winkel::db::connect(&server.url(USER, ""))
        .await
        .expect("PREFERRED (no ssl-mode)");
    let cipher = scalar(&db, "SHOW STATUS LIKE 'Ssl_cipher'", "Value")
        .await
        .unwrap_or_default();
    assert!(!cipher.is_empty(), "PREFERRED did not use TLS");
    db.close().await.expect("close");

    eprintln!("MariaDB TLS test took {:?}", started.elapsed());
}
