//! Connecting to the shop's database (migrating it: `schema.rs`).

use crate::error::CliError;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};
use std::path::Path;
use std::time::Duration;

/// Which backend a URL names, refusing anything else with a clear message.
pub fn backend_of(url: &str) -> Result<DatabaseBackend, CliError> {
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or_default();
    match scheme {
        "sqlite" => Ok(DatabaseBackend::Sqlite),
        "mysql" | "mariadb" => Ok(DatabaseBackend::MySql),
        "" => Err(CliError::BadDatabaseUrl(format!(
            "{url:?} has no scheme; use sqlite://path/to/file.db?mode=rwc or mysql://user:password@host/database"
        ))),
        other => Err(CliError::BadDatabaseUrl(format!(
            "unsupported scheme {other:?}; use sqlite:// or mysql://"
        ))),
    }
}

/// For a SQLite file URL, the file's folder (created if missing).
fn sqlite_dir(url: &str) -> Option<&Path> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
}

/// How long a request waits for a connection from the pool (opening one
/// included) before it is answered 503 "try again" (issue 18): the
/// requests under way when the database server goes away wait this long
/// (then the shop's gate answers at once, `app::ssr::db_gate`). Under a
/// peak the pool's queue drains far sooner (a write holds a connection for
/// milliseconds). SeaORM's `connect_timeout` sets the same sqlx setting,
/// so it is not used.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the first connection may take: a database server started at
/// the same moment as the shop (a reboot) is given time to come up.
const STARTUP_PATIENCE: Duration = Duration::from_secs(15);

/// Opens a pool on the URL; fails with one clear line when it cannot.
pub async fn connect(url: &str) -> Result<DatabaseConnection, CliError> {
    let backend = backend_of(url)?;
    let url = if url.starts_with("mariadb://") {
        url.replacen("mariadb://", "mysql://", 1)
    } else {
        url.to_owned()
    };
    if let Some(dir) = sqlite_dir(&url) {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Unreachable(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .max_connections(if backend == DatabaseBackend::Sqlite {
            4
        } else {
            16
        })
        .sqlx_logging(false);
    let started = std::time::Instant::now();
    let db = loop {
        match Database::connect(options.clone()).await {
            Ok(db) => break db,
            Err(e)
                if started.elapsed() < STARTUP_PATIENCE
                    && app::ssr::db_fault::classify(&e) == app::ssr::db_fault::DbFault::Away =>
            {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => return Err(CliError::Unreachable(redact(&url, &e.to_string()))),
        }
    };
    if backend == DatabaseBackend::Sqlite {
        // WAL lets readers go on while an order is written.
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;")
            .await?;
    }
    Ok(db)
}

/// A warning when `db` is a Galera node that does not wait for what the
/// cluster committed before a read (`wsrep_sync_wait` 0): behind a load
/// balancer a visitor's next request may reach another node and miss
/// their own cart or order. None on SQLite, a plain MariaDB or MySQL.
pub async fn galera_warning(db: &DatabaseConnection) -> Option<String> {
    if db.get_database_backend() != DatabaseBackend::MySql {
        return None;
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DatabaseBackend::MySql,
            "SELECT CAST(@@wsrep_on AS SIGNED) AS cluster, CAST(@@wsrep_sync_wait AS SIGNED) AS sync_wait",
        ))
        .await
        .ok()??;
    let cluster: i64 = row.try_get("", "cluster").ok()?;
    let sync_wait: i64 = row.try_get("", "sync_wait").ok()?;
    (cluster == 1 && sync_wait & 1 == 0).then(|| {
        "this database is a Galera node with wsrep_sync_wait=0: a visitor whose next request reaches another node may not see their own cart or order; set wsrep_sync_wait=1 on every node (docs/operations.md, \"Running several instances\")".to_owned()
    })
}

/// Never print a database password.
fn redact(url: &str, message: &str) -> String {
    let shown = match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            format!("{}://…@{}", &url[..start], &url[at + 1..])
        }
        _ => url.to_owned(),
    };
    format!("{shown}: {}", message.replace(url, &shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert_eq!(
            backend_of("sqlite://data/x.db?mode=rwc").ok(),
            Some(DatabaseBackend::Sqlite)
        );
        assert_eq!(
            backend_of("mysql://u:p@localhost/shop").ok(),
            Some(DatabaseBackend::MySql)
        );
        assert!(matches!(
            backend_of("postgres://x"),
            Err(CliError::BadDatabaseUrl(_))
        ));
        assert!(matches!(
            backend_of("data/x.db"),
            Err(CliError::BadDatabaseUrl(_))
        ));
    }

    #[test]
    fn sqlite_folder() {
        assert_eq!(
            sqlite_dir("sqlite://data/winkel.db?mode=rwc"),
            Some(Path::new("data"))
        );
        assert_eq!(sqlite_dir("sqlite::memory:"), None);
        assert_eq!(sqlite_dir("sqlite://winkel.db"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        let url = "mysql://shop:secret@db.example/shop";
        let msg = redact(url, &format!("error connecting to {url}"));
        assert!(!msg.contains("secret"), "{msg}");
        assert!(msg.contains("db.example/shop"));
    }

    #[test]
    fn tls_parameters_stay_readable_when_redacted() {
        // The TLS mode and CA file help to read a TLS error; an '@' in the
        // CA path only hides more, never the password.
        let url = "mysql://shop:secret@db.example/shop?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/winkel/ca.pem";
        let msg = redact(url, &format!("error connecting to {url}"));
        assert!(!msg.contains("secret"), "{msg}");
        assert!(msg.contains("db.example/shop?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/winkel/ca.pem"));
        let url = "mysql://shop:secret@db.example/shop?ssl-ca=/etc/db@prod/ca.pem";
        assert!(!redact(url, url).contains("secret"));
    }
}
