//! Application state, provided to every server function as context.

use super::form_limit::FormLimiter;
use super::login_throttle::LoginThrottle;
use super::mailer::Mailer;
use super::page_cache::PageCache;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::path::PathBuf;
use std::sync::Arc;
use tower_sessions::Session;

/// Settings read once at start-up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where product images and other uploads live, outside the database.
    pub uploads_dir: PathBuf,
    /// Cookies get `Secure` (served over TLS).
    pub secure_cookies: bool,
    /// A CMS session ends after this long without activity.
    pub cms_idle: std::time::Duration,
    /// The database URL, shown (masked) in the CMS settings (AVG-13).
    pub database_url: String,
    /// Sends (or, without SMTP, writes) the shop's mail.
    pub mailer: Arc<Mailer>,
    /// The shop's address as visitors reach it (`WINKEL_PUBLIC_URL`), for
    /// the links in mails. Never taken from a request's `Host` header: a
    /// forged header must not put someone else's site in our mail.
    pub public_url: String,
    /// `WINKEL_SECRET`: the key of signed links. Without it, one is
    /// generated once and kept in the settings table.
    pub link_secret: Option<String>,
    /// AVG-19: at most this many forms of one kind per visitor ...
    pub form_limit: usize,
    /// ... within this window.
    pub form_window: std::time::Duration,
    /// Behind a reverse proxy: take the client address from the last
    /// `X-Forwarded-For` entry (only for the form limit's salted key).
    pub trust_proxy: bool,
    /// Signs the start time of public forms (honeypot): `winkel serve`
    /// derives it from the site secret; unset, it is random per process.
    pub form_secret: Option<[u8; 32]>,
    /// `GET /metrics` answers only with this bearer token (none: 404).
    pub metrics_token: Option<String>,
    /// AVG-19: unsolicited mails (newsletter confirmations, account
    /// notices) one address receives per day, whoever asks for them.
    pub unsolicited_mails_per_day: usize,
    /// Benchmarks only (`WINKEL_BENCH_MEMORY=on`): serve the "same bytes"
    /// reference pages from memory (the server's `http::MEMORY_PAGES`).
    pub bench_memory: bool,
    /// `WINKEL_REDIS_URL`: the form limit, mail budgets and login
    /// slow-down shared by several instances (none: each counts its own).
    pub shared_store: Option<super::shared_store::SharedStore>,
}

impl ServerConfig {
    pub fn new(uploads_dir: PathBuf) -> Self {
        Self {
            uploads_dir,
            secure_cookies: false,
            cms_idle: std::time::Duration::from_secs(30 * 60),
            database_url: String::new(),
            mailer: Arc::new(Mailer::folder(PathBuf::from("data/mail"))),
            public_url: "http://127.0.0.1:3000".into(),
            link_secret: None,
            form_limit: 10,
            form_window: std::time::Duration::from_secs(10 * 60),
            trust_proxy: false,
            form_secret: None,
            metrics_token: None,
            unsolicited_mails_per_day: super::services::outbox::UNSOLICITED_PER_DAY,
            bench_memory: false,
            shared_store: None,
        }
    }
}

/// The shop's state, shared by every request. One `Arc`: the extractors,
/// layers and `use_context` calls of one request clone it many times, and
/// cloning and dropping every field's own `Arc` (the `LeptosOptions`
/// among them) took 7.5% of a rendered page's CPU (perf, issue 13).
#[derive(Clone)]
pub struct AppState(Arc<AppStateData>);

impl AppState {
    pub fn new(data: AppStateData) -> Self {
        Self(Arc::new(data))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateData;
    fn deref(&self) -> &AppStateData {
        &self.0
    }
}

/// leptos_axum takes the options from the router's state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What [`AppState`] holds.
pub struct AppStateData {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<ServerConfig>,
    pub page_cache: Arc<PageCache>,
    pub login_throttle: Arc<LoginThrottle>,
    pub form_limiter: Arc<FormLimiter>,
    /// The key of `ssr::form_guard`'s form tokens.
    pub form_secret: [u8; 32],
    pub metrics: Arc<super::metrics::Metrics>,
    /// Mail waiting to be sent, and the budget of unsolicited mail.
    pub outbox: Arc<super::services::outbox::Outbox>,
    /// Recovery codes between the confirmation and the page showing them.
    pub shown_once: Arc<super::shown_once::ShownOnce>,
    /// Closed while the database is away: requests get 503 at once.
    pub db_gate: Arc<super::db_gate::DbGate>,
    /// Session rows read before, and the writes that retire them.
    pub session_cache: Arc<super::session_cache::SessionCache>,
}

impl AppState {
    /// The catalogue or what pages show changed: clears this instance's
    /// page cache now and every other instance's within a second
    /// (`cache_sync`).
    pub async fn catalogue_changed(&self) {
        super::cache_sync::catalogue_changed(&self.db, &self.page_cache).await;
    }
}

/// The shop's database, from the state in context.
pub fn db() -> Result<DatabaseConnection, AppError> {
    // Borrowed from the context, not cloned out of it: a page asks for
    // the database several times.
    with_context::<AppState, _>(|state| state.db_gate.is_open().then(|| state.db.clone()))
        .ok_or_else(|| {
            tracing::error!("AppState missing from context");
            AppError::Internal
        })?
        .ok_or_else(AppError::unavailable)
}

/// The shop's state in context; 503 at once while the database is away
/// (`db_gate`): every server function and page starts here.
pub fn state() -> Result<AppState, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })?;
    if !state.db_gate.is_open() {
        return Err(AppError::unavailable());
    }
    Ok(state)
}

/// The visitor's session (loaded from the database on first use; 503 at
/// once while the database is away).
pub async fn session() -> Result<Session, AppError> {
    if with_context::<AppState, _>(|s| !s.db_gate.is_open()).unwrap_or(false) {
        return Err(AppError::unavailable());
    }
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}
