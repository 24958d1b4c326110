//! `winkel serve`: what the shop needs running, wired together. The
//! database is migrated (or, with `WINKEL_MIGRATE_ON_START=false`, checked), the background tasks (session clean-up, the
//! nightly scheduler, the outbox, the security counts, the monitoring's
//! check, the watch on other instances' catalogue changes) are started, the
//! listeners bound, and the application served until Ctrl-C or SIGTERM.

use crate::config::Config;
use crate::error::CliError;
use crate::{db, http, jobs, schema};
use app::ssr::session_store::DbSessionStore;
use app::ssr::state::{AppState, ServerConfig};
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use std::time::Duration;

/// Serves the shop as `config` says until shutdown.
pub async fn serve(config: &Config) -> Result<(), CliError> {
    let options = config.leptos_options()?;
    let db = db::connect(&config.database_url).await?;
    if config.migrate_on_start {
        schema::migrate(&db).await?;
    } else {
        schema::require_current(&db).await?;
    }

    if let Some(warning) = db::galera_warning(&db).await {
        tracing::warn!("{warning}");
    }
    spawn_session_cleanup(db.clone());

    let addr = options.site_addr;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let listeners = bind(config, addr).await?;
    let server_config = server_config(config, &db, scheme, addr).await?;
    let (router, state) = http::router_and_state(options, db, server_config);
    start_scheduler(config, &state);
    jobs::outbox::spawn(state.clone());
    let listeners = listeners.with_metrics(state.metrics.clone());
    jobs::monitor::spawn(state.clone());
    // Another instance's catalogue change clears this one's cache too.
    app::ssr::cache_sync::spawn_watch(state.db.clone(), state.page_cache.clone());
    // A write no request or job claimed retires the kept sessions too.
    state.session_cache.clone().spawn_watch();
    let session_cache = state.session_cache.clone();
    spawn_security_counts(state);
    tracing::info!("Winkel serves on {scheme}://{addr}");
    let redirect = listeners.redirect_addr().map(|plain| {
        tracing::info!("http://{plain} redirects to HTTPS");
        http::HttpsRedirect {
            public_url: config
                .public_url
                .clone()
                .filter(|url| url.starts_with("https://")),
            https_port: addr.port(),
            acme_dir: config.acme_dir.clone(),
        }
    });
    let served = listeners
        .serve(router, redirect, http::shutdown_signal())
        .await;
    // No writer on another instance waits for this one any more.
    session_cache.release().await;
    served
}

/// Expired sessions are removed hourly.
fn spawn_session_cleanup(db: DatabaseConnection) {
    let store = DbSessionStore::new(db);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "removing expired sessions failed");
            }
        }
    });
}

/// The nightly jobs, unless `WINKEL_SCHEDULER=off` leaves them to another
/// instance.
fn start_scheduler(config: &Config, state: &AppState) {
    if config.scheduler {
        jobs::scheduler::spawn(
            state.db.clone(),
            vec![
                jobs::retention::nightly(config.retention_at),
                jobs::newsletter::nightly(config.retention_at),
                jobs::backup::nightly(config.backup_at, config.backup()),
                jobs::stock_alerts::daily(state.outbox.clone(), state.config.public_url.clone()),
            ],
            state.session_cache.clone(),
        );
    } else {
        tracing::info!("WINKEL_SCHEDULER=off: nightly jobs run elsewhere");
    }
}

/// Binds the shop's address (with TLS when configured, its certificates
/// watched for renewal) and the plain-HTTP redirect address.
async fn bind(config: &Config, addr: SocketAddr) -> Result<http::Listeners, CliError> {
    let tls = match &config.tls {
        Some(files) => {
            let store = crate::tls::CertStore::load(files.clone())?;
            store.watch(config.tls_reload);
            Some(store.server_config()?)
        }
        None => None,
    };
    // The connection cap follows the open-files limit: as high as allowed.
    if let Some(open_files) = crate::connections::raise_open_files_limit() {
        tracing::debug!(open_files, "open-files limit");
    }
    Ok(http::Listeners::bind(addr, tls, config.http_redirect_addr)
        .await?
        .with_connection_limits(config.connections.clone()))
}

/// The application's settings: the environment's, with the mailer and the
/// form key (one for every instance and restart, from the database).
async fn server_config(
    config: &Config,
    db: &DatabaseConnection,
    scheme: &str,
    addr: SocketAddr,
) -> Result<ServerConfig, CliError> {
    let mailer = config.mailer()?;
    match mailer.folder_path() {
        Some(dir) => tracing::info!("no WINKEL_SMTP_URL: mail is written to {}", dir.display()),
        None => tracing::info!("mail goes out over SMTP"),
    }
    if config.public_url.is_none() {
        tracing::warn!("WINKEL_PUBLIC_URL is not set: links in mails point to {scheme}://{addr}");
    }
    // One form key for every instance and restart (AVG-19 honeypot).
    let site_secret =
        app::ssr::services::newsletter::link_secret(db, config.secret.as_deref()).await?;
    Ok(ServerConfig {
        form_secret: Some(app::ssr::form_guard::derive_secret(&site_secret)),
        cms_idle: config.cms_idle,
        database_url: config.database_url.clone(),
        mailer: std::sync::Arc::new(mailer),
        public_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("{scheme}://{addr}")),
        secure_cookies: config.secure(),
        link_secret: config.secret.clone(),
        form_limit: config.form_limit,
        form_window: config.form_window,
        unsolicited_mails_per_day: config.unsolicited_mails_per_day,
        trust_proxy: config.trust_proxy,
        metrics_token: config.metrics_token.clone(),
        bench_memory: config.bench_memory,
        shared_store: shared_store(config).await?,
        ..ServerConfig::new(config.uploads_dir.clone())
    })
}

/// The Redis several instances share their limits in, when configured; a
/// Redis that cannot be reached or that writes to disk stops the start.
async fn shared_store(
    config: &Config,
) -> Result<Option<app::ssr::shared_store::SharedStore>, CliError> {
    let Some(url) = &config.redis_url else {
        return Ok(None);
    };
    let store = app::ssr::shared_store::SharedStore::connect(url)
        .await
        .map_err(|e| CliError::Config(format!("WINKEL_REDIS_URL: {e}")))?;
    tracing::info!("form limits, mail budgets and login slow-down are shared through Redis");
    Ok(Some(store))
}

/// AVG-18: the security counts and the requests go to the database every
/// few minutes, so that an hour can be compared with the week before.
fn spawn_security_counts(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5 * 60));
        loop {
            tick.tick().await;
            let now = app::ssr::now_utc();
            if let Err(error) =
                app::ssr::services::security_counts::flush(&state.db, &state.metrics, now).await
            {
                tracing::warn!(%error, "saving the security counts failed");
            }
        }
    });
}
