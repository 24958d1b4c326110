//! Configuration from the environment (and `.env`).

use crate::error::CliError;
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
    /// `WINKEL_FORM_LIMIT` forms of one kind per visitor (default 10) per
    /// `WINKEL_FORM_WINDOW_MINUTES` (default 10): AVG-19.
    pub form_limit: usize,
    pub form_window: std::time::Duration,
    /// `WINKEL_TRUST_PROXY=true`: behind a reverse proxy that appends the
    /// client address to `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `WINKEL_METRICS_TOKEN`: the bearer token of `GET /metrics` (AVG-18);
    /// unset, the endpoint answers 404.
    pub metrics_token: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
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

impl Config {
    pub fn from_env() -> Result<Self, CliError> {
        let addr = match env("WINKEL_ADDR") {
            None => None,
            Some(a) => Some(
                a.parse()
                    .map_err(|_| CliError::Config(format!("WINKEL_ADDR is not an address: {a}")))?,
            ),
        };
        let idle_minutes: u64 = match env("WINKEL_CMS_IDLE_MINUTES") {
            None => 30,
            Some(m) => m
                .parse()
                .ok()
                .filter(|m| (1..=24 * 60).contains(m))
                .ok_or_else(|| {
                    CliError::Config(format!(
                        "WINKEL_CMS_IDLE_MINUTES must be 1 to 1440, got {m}"
                    ))
                })?,
        };
        let form_limit = number("WINKEL_FORM_LIMIT", 10, 1..=10_000)?;
        let form_window_minutes = number("WINKEL_FORM_WINDOW_MINUTES", 10, 1..=24 * 60)?;
        let trust_proxy = match env("WINKEL_TRUST_PROXY").as_deref() {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => {
                return Err(CliError::Config(format!(
                    "WINKEL_TRUST_PROXY must be true or false, got {other}"
                )))
            }
        };
        Ok(Self {
            form_limit: usize::try_from(form_limit).unwrap_or(usize::MAX),
            form_window: std::time::Duration::from_secs(form_window_minutes * 60),
            trust_proxy,
            metrics_token: env("WINKEL_METRICS_TOKEN"),
            cms_idle: std::time::Duration::from_secs(idle_minutes * 60),
            database_url: env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            uploads_dir: env("WINKEL_UPLOADS_DIR")
                .map_or_else(|| PathBuf::from("data/uploads"), PathBuf::from),
            addr,
            leptos_toml: env("WINKEL_LEPTOS_TOML")
                .map_or_else(|| PathBuf::from("Leptos.toml"), PathBuf::from),
        })
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
        Ok(options)
    }
}
