//! Configuration from the environment (and `.env`).

use crate::error::CliError;
use chrono::NaiveTime;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/winkel.db?mode=rwc";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub uploads_dir: PathBuf,
    /// `WINKEL_ADDR`, overriding the address in Leptos.toml.
    pub addr: Option<SocketAddr>,
    /// The runtime Leptos configuration file.
    pub leptos_toml: PathBuf,
    /// `WINKEL_CMS_IDLE_MINUTES`: a CMS session ends after this much
    /// inactivity (default 30).
    pub cms_idle: std::time::Duration,
    /// `WINKEL_SCHEDULER=off` keeps this instance from running nightly jobs
    /// (another instance, or cron with `winkel retention run`, does).
    pub scheduler: bool,
    /// `WINKEL_RETENTION_AT`: Amsterdam local time of the nightly retention
    /// sweep (default 03:00).
    pub retention_at: NaiveTime,
    /// `WINKEL_BACKUP_DIR`: where backups go (default `data/backups`);
    /// never inside the site root or the uploads folder.
    pub backup_dir: PathBuf,
    /// `WINKEL_BACKUP_AT`: Amsterdam local time of the nightly backup
    /// (default 04:00, after the retention sweep).
    pub backup_at: NaiveTime,
    /// `WINKEL_BACKUP_AGE_RECIPIENT` and `WINKEL_BACKUP_AGE_IDENTITY`: see
    /// [`crate::jobs::backup::BackupConfig`].
    pub backup_age_recipient: Option<String>,
    pub backup_age_identity: Option<PathBuf>,
    /// `WINKEL_SMTP_URL`: mail goes out over SMTP when set.
    pub smtp_url: Option<String>,
    /// `WINKEL_MAIL_FROM`: the sender of the shop's mail.
    pub mail_from: String,
    /// `WINKEL_MAIL_DIR`: without SMTP, mails are written here as `.eml`.
    pub mail_dir: PathBuf,
    /// `WINKEL_PUBLIC_URL`: the shop's address in links in mails.
    pub public_url: Option<String>,
    /// `WINKEL_SECRET`: the key of signed links (newsletter).
    pub secret: Option<String>,
    /// `WINKEL_FORM_LIMIT` forms of one kind per visitor (default 10) per
    /// `WINKEL_FORM_WINDOW_MINUTES` (default 10): AVG-19.
    pub form_limit: usize,
    pub form_window: std::time::Duration,
    /// `WINKEL_UNSOLICITED_MAILS_PER_DAY` (default 3): newsletter
    /// confirmations and account notices one address receives per day.
    pub unsolicited_mails_per_day: usize,
    /// `WINKEL_TRUST_PROXY=true`: behind a reverse proxy that appends the
    /// client address to `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `winkel serve` migrates the database before serving (the default);
    /// `false` leaves that to `winkel migrate` as a deploy step and refuses
    /// to serve a schema it does not know exactly (several instances).
    pub migrate_on_start: bool,
    /// `WINKEL_REDIS_URL`: a Redis (kept in memory only) in which several
    /// instances share the form limit, mail budgets and login slow-down.
    pub redis_url: Option<String>,
    /// `WINKEL_TLS_CERT` and `WINKEL_TLS_KEY` (PEM files): serve HTTPS.
    pub tls: Option<crate::tls::TlsFiles>,
    /// `WINKEL_TLS_RELOAD_SECONDS`: how often the files are checked for a
    /// renewed certificate (default 60; SIGHUP checks at once).
    pub tls_reload: std::time::Duration,
    /// `WINKEL_HTTP_REDIRECT_ADDR`: under TLS, a plain-HTTP address that
    /// redirects to HTTPS (typically 0.0.0.0:80).
    pub http_redirect_addr: Option<SocketAddr>,
    /// `WINKEL_ACME_DIR`: certbot's `--webroot`, served on the redirect
    /// address for Let's Encrypt's HTTP challenge.
    pub acme_dir: Option<PathBuf>,
    /// `WINKEL_METRICS_TOKEN`: the bearer token of `GET /metrics` (AVG-18);
    /// unset, the endpoint answers 404.
    pub metrics_token: Option<String>,
    /// `WINKEL_HEADER_TIMEOUT_SECONDS` (default 10),
    /// `WINKEL_IDLE_TIMEOUT_SECONDS` (60) and `WINKEL_MAX_CONNECTIONS`
    /// (4096, lowered to fit the open-files limit): slow clients, see
    /// [`crate::connections`].
    pub connections: crate::connections::ConnectionLimits,
    /// `WINKEL_BENCH_MEMORY=on`: benchmarks only; see
    /// [`crate::http::MEMORY_PAGES`].
    pub bench_memory: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A local time of day `HH:MM` from the environment.
fn local_time(name: &str, default: &str) -> Result<NaiveTime, CliError> {
    let value = env(name).unwrap_or_else(|| default.to_owned());
    NaiveTime::parse_from_str(&value, "%H:%M")
        .map_err(|_| CliError::Config(format!("{name} must be a time like 03:00, got {value}")))
}

/// A whole number from the environment, within `range`.
fn number(name: &str, default: u64, range: std::ops::RangeInclusive<u64>) -> Result<u64, CliError> {
    match env(name) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                CliError::Config(format!(
                    "{name} must be {} to {}, got {text}",
                    range.start(),
                    range.end()
                ))
            }),
    }
}

/// `true`/`1` or `false`/`0` from the environment.
fn boolean(name: &str, default: bool) -> Result<bool, CliError> {
    match env(name).as_deref() {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => Err(CliError::Config(format!(
            "{name} must be true or false, got {other}"
        ))),
    }
}

/// A socket address from the environment.
fn address(name: &str) -> Result<Option<SocketAddr>, CliError> {
    match env(name) {
        None => Ok(None),
        Some(a) => a.parse().map(Some).map_err(|_| {
            CliError::Config(format!(
                "{name} is not an address like 0.0.0.0:80 or [::]:80: {a}"
            ))
        }),
    }
}

/// The certificate and key files: both or neither.
fn tls_files() -> Result<Option<crate::tls::TlsFiles>, CliError> {
    match (env("WINKEL_TLS_CERT"), env("WINKEL_TLS_KEY")) {
        (None, None) => Ok(None),
        (Some(cert), Some(key)) => Ok(Some(crate::tls::TlsFiles {
            cert: cert.into(),
            key: key.into(),
        })),
        (Some(_), None) => Err(CliError::Config(
            "WINKEL_TLS_CERT is set but WINKEL_TLS_KEY is not: HTTPS needs both".into(),
        )),
        (None, Some(_)) => Err(CliError::Config(
            "WINKEL_TLS_KEY is set but WINKEL_TLS_CERT is not: HTTPS needs both".into(),
        )),
    }
}

/// The timeouts and the cap of the HTTP connections.
fn connection_limits() -> Result<crate::connections::ConnectionLimits, CliError> {
    use crate::connections as c;
    let header = number(
        "WINKEL_HEADER_TIMEOUT_SECONDS",
        c::DEFAULT_HEADER_TIMEOUT_SECONDS,
        1..=300,
    )?;
    let idle = number(
        "WINKEL_IDLE_TIMEOUT_SECONDS",
        c::DEFAULT_IDLE_TIMEOUT_SECONDS,
        1..=3600,
    )?;
    let max = number(
        "WINKEL_MAX_CONNECTIONS",
        c::DEFAULT_MAX_CONNECTIONS,
        1..=1_000_000,
    )?;
    Ok(c::ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(header),
        idle_timeout: std::time::Duration::from_secs(idle),
        max_connections: usize::try_from(max).unwrap_or(usize::MAX),
    })
}

impl Config {
    pub fn from_env() -> Result<Self, CliError> {
        let addr = address("WINKEL_ADDR")?;
        let tls = tls_files()?;
        let http_redirect_addr = address("WINKEL_HTTP_REDIRECT_ADDR")?;
        if http_redirect_addr.is_some() && tls.is_none() {
            return Err(CliError::Config(
                "WINKEL_HTTP_REDIRECT_ADDR redirects to HTTPS: set WINKEL_TLS_CERT and WINKEL_TLS_KEY too".into(),
            ));
        }
        let tls_reload = number("WINKEL_TLS_RELOAD_SECONDS", 60, 1..=24 * 3600)?;
        let idle_minutes = number("WINKEL_CMS_IDLE_MINUTES", 30, 1..=24 * 60)?;
        let scheduler = match env("WINKEL_SCHEDULER").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => {
                return Err(CliError::Config(format!(
                    "WINKEL_SCHEDULER must be on or off, got {other}"
                )))
            }
        };
        let connections = connection_limits()?;
        let form_limit = number("WINKEL_FORM_LIMIT", 10, 1..=10_000)?;
        let form_window_minutes = number("WINKEL_FORM_WINDOW_MINUTES", 10, 1..=24 * 60)?;
        let unsolicited_mails_per_day = number("WINKEL_UNSOLICITED_MAILS_PER_DAY", 3, 1..=1_000)?;
        let trust_proxy = boolean("WINKEL_TRUST_PROXY", false)?;
        let migrate_on_start = boolean("WINKEL_MIGRATE_ON_START", true)?;
        let bench_memory = match env("WINKEL_BENCH_MEMORY").as_deref() {
            None | Some("off") => false,
            Some("on") => true,
            Some(other) => {
                return Err(CliError::Config(format!(
                    "WINKEL_BENCH_MEMORY must be on or off, got {other}"
                )))
            }
        };
        Ok(Self {
            bench_memory,
            migrate_on_start,
            redis_url: env("WINKEL_REDIS_URL"),
            scheduler,
            retention_at: local_time("WINKEL_RETENTION_AT", "03:00")?,
            backup_at: local_time("WINKEL_BACKUP_AT", "04:00")?,
            backup_age_recipient: env("WINKEL_BACKUP_AGE_RECIPIENT"),
            backup_age_identity: env("WINKEL_BACKUP_AGE_IDENTITY").map(PathBuf::from),
            backup_dir: env("WINKEL_BACKUP_DIR")
                .map_or_else(|| PathBuf::from("data/backups"), PathBuf::from),
            form_limit: usize::try_from(form_limit).unwrap_or(usize::MAX),
            form_window: std::time::Duration::from_secs(form_window_minutes * 60),
            unsolicited_mails_per_day: usize::try_from(unsolicited_mails_per_day)
                .unwrap_or(usize::MAX),
            trust_proxy,
            metrics_token: env("WINKEL_METRICS_TOKEN"),
            connections,
            tls,
            tls_reload: std::time::Duration::from_secs(tls_reload),
            http_redirect_addr,
            acme_dir: env("WINKEL_ACME_DIR").map(PathBuf::from),
            cms_idle: std::time::Duration::from_secs(idle_minutes * 60),
            database_url: env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            uploads_dir: env("WINKEL_UPLOADS_DIR")
                .map_or_else(|| PathBuf::from("data/uploads"), PathBuf::from),
            addr,
            leptos_toml: env("WINKEL_LEPTOS_TOML")
                .map_or_else(|| PathBuf::from("Leptos.toml"), PathBuf::from),
            smtp_url: env("WINKEL_SMTP_URL"),
            mail_from: env("WINKEL_MAIL_FROM")
                .unwrap_or_else(|| app::ssr::mailer::DEFAULT_FROM.to_owned()),
            mail_dir: env("WINKEL_MAIL_DIR")
                .map_or_else(|| PathBuf::from("data/mail"), PathBuf::from),
            public_url: match env("WINKEL_PUBLIC_URL") {
                None => None,
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    Some(url.trim_end_matches('/').to_owned())
                }
                Some(url) => {
                    return Err(CliError::Config(format!(
                        "WINKEL_PUBLIC_URL must start with http:// or https://, got {url}"
                    )))
                }
            },
            secret: match env("WINKEL_SECRET") {
                Some(s) if s.len() < 32 => {
                    return Err(CliError::Config(
                        "WINKEL_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)"
                            .into(),
                    ))
                }
                other => other,
            },
        })
    }

    /// Whether visitors reach the shop over HTTPS: served here with TLS, or
    /// by a TLS-terminating proxy in front (an `https://` public address).
    /// Cookies are then `Secure` and `__Host-` prefixed, and HSTS is sent.
    pub fn secure(&self) -> bool {
        self.tls.is_some()
            || self
                .public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://"))
    }

    /// The backup folder and what a backup takes along.
    pub fn backup(&self) -> crate::jobs::backup::BackupConfig {
        let site_root = self
            .leptos_options()
            .map(|o| PathBuf::from(o.site_root.as_ref()))
            .unwrap_or_else(|_| PathBuf::from("target/site"));
        crate::jobs::backup::BackupConfig {
            dir: self.backup_dir.clone(),
            uploads_dir: self.uploads_dir.clone(),
            public_dirs: vec![site_root],
            age_recipient: self.backup_age_recipient.clone(),
            age_identity: self.backup_age_identity.clone(),
        }
    }

    /// The mailer of this configuration: SMTP, or the mail folder.
    pub fn mailer(&self) -> Result<app::ssr::mailer::Mailer, CliError> {
        app::ssr::mailer::Mailer::new(
            self.smtp_url.as_deref(),
            &self.mail_from,
            self.mail_dir.clone(),
        )
        .map_err(|e| CliError::Config(e.to_string()))
    }

    /// Leptos options: Leptos.toml when present (the deployed binary), with
    /// cargo-leptos' environment variables taking precedence during
    /// development, and `WINKEL_ADDR` over both.
    pub fn leptos_options(&self) -> Result<LeptosOptions, CliError> {
        let path = self
            .leptos_toml
            .to_str()
            .filter(|_| Path::new(&self.leptos_toml).exists());
        let conf = leptos::config::get_configuration(path)
            .map_err(|e| CliError::Config(format!("Leptos configuration: {e}")))?;
        let mut options = conf.leptos_options;
        if let Some(addr) = self.addr {
            options.site_addr = addr;
        }
        crate::assets::use_hash_file(&mut options);
        Ok(options)
    }
}
