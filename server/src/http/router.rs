//! The application: its state, the page routes of `App`, the routes of its
//! own handlers and the layers every request passes.

use super::handlers::{
    export_account, healthz, metrics_text, one_click_unsubscribe, privacy_request_download,
    upload_product_image, MemoryPages, MEMORY_PAGES, MEMORY_PAGES_DIR,
};
use super::middleware::{
    anonymous_page_cache, bump_after_writes, cms_gate, failed_session_save, finish_page_renders,
    read_page_visitor, renew_sessions, server_fn_status, RENDERS_AT_ONCE,
};
use app::ssr::login_throttle::LoginThrottle;
use app::ssr::page_cache::PageCache;
use app::ssr::session_cache::{Generation, SessionCache};
use app::ssr::session_store::{self, DbSessionStore};
use app::ssr::state::{AppState, AppStateData, ServerConfig};
use app::{shell, App};
use axum::handler::Handler;
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, OnceLock};
use tower_http::services::{ServeDir, ServeFile};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The shop's session cookie. Served over TLS it is `__Host-` prefixed:
/// browsers then accept it only with `Secure`, `Path=/` and no `Domain`, so
/// neither a plain-HTTP page nor a sibling subdomain can plant one (the
/// same holds for the CMS cookie, `staff_auth::cookie_name`).
pub fn session_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-winkel_session"
    } else {
        "winkel_session"
    }
}

/// Builds the whole application.
pub fn router(
    leptos_options: leptos::config::LeptosOptions,
    db: DatabaseConnection,
    config: ServerConfig,
) -> Router {
    router_and_state(leptos_options, db, config).0
}

/// The application and its state (for the background tasks of `serve`).
pub fn router_and_state(
    leptos_options: leptos::config::LeptosOptions,
    mut db: DatabaseConnection,
    config: ServerConfig,
) -> (Router, AppState) {
    // AVG-18: every query's time, for the database part of /metrics.
    let metrics = Arc::new(app::ssr::metrics::Metrics::default());
    // Every write through this connection retires the sessions kept in
    // memory, on every instance (`session_cache`).
    let session_cache = Arc::new(SessionCache::new(Generation::for_instance(
        &db,
        config.shared_store.as_ref(),
    )));
    {
        let metrics = metrics.clone();
        let session_cache = session_cache.clone();
        db.set_metric_callback(move |info| {
            metrics.record_query(info.elapsed, info.failed);
            session_cache.note_statement(&info.statement.sql);
        });
    }
    let secure = config.secure_cookies;
    let form_secret = config.form_secret.unwrap_or_else(|| {
        let mut secret = [0u8; 32];
        if getrandom::fill(&mut secret).is_err() {
            // No randomness: forms still work, only the secret is weaker.
            tracing::error!("no randomness for the form secret");
            secret = app::ssr::form_guard::fallback_secret();
        }
        secret
    });
    let state = AppState::new(AppStateData {
        leptos_options: leptos_options.clone(),
        db: db.clone(),
        config: Arc::new(config.clone()),
        page_cache: Arc::new(PageCache::default()),
        login_throttle: Arc::new(LoginThrottle::shared(config.shared_store.clone())),
        form_limiter: Arc::new(
            app::ssr::form_limit::FormLimiter::new(config.form_limit, config.form_window)
                .shared(config.shared_store.clone()),
        ),
        form_secret,
        metrics,
        outbox: Arc::new(
            app::ssr::services::outbox::Outbox::new(config.unsolicited_mails_per_day)
                .shared(config.shared_store.clone()),
        ),
        shown_once: Arc::new(app::ssr::shown_once::ShownOnce::shared(
            config.shared_store.clone(),
        )),
        db_gate: Arc::default(),
        session_cache: session_cache.clone(),
    });
    let routes = page_routes();

    let store = DbSessionStore::new(db)
        .with_gate(state.db_gate.clone())
        .with_cache(session_cache.clone());
    let renewals = store.renewals();
    let sessions = SessionManagerLayer::new(store)
        .with_name(session_cookie(secure))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(session_store::IDLE));

    let page_state = state.clone();
    let fallback_state = state.clone();
    let header_policy = crate::security::HeaderPolicy {
        tls: secure,
        // The same test `AutoReload` makes to render its script.
        dev_reload: std::env::var("LEPTOS_WATCH").is_ok(),
    };

    // The page routes get who is looking before the render (the server
    // functions Leptos routes beside them pass through); the shop's other
    // routes, `/pkg` and the memory pages of the bench never see it.
    let visitor_layer = axum::middleware::from_fn_with_state(state.clone(), read_page_visitor);
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(page_state.clone());
                app::ssr::csp::provide_request_nonce();
                app::ssr::page_visitor::provide();
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .route_layer(visitor_layer.clone());

    let mut router = Router::new();
    if config.bench_memory {
        let pages = MemoryPages::new(
            std::path::Path::new(&*leptos_options.site_root).join(MEMORY_PAGES_DIR),
        );
        router = router.route(
            &format!("{MEMORY_PAGES}/{{name}}"),
            get(move |name| pages.clone().serve(name)),
        );
    }
    let router = router
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/account/export", get(export_account))
        .route(
            "/privacy/request/download",
            axum::routing::post(privacy_request_download),
        )
        .merge(super::invoices::routes())
        .merge(super::audit::routes())
        // RFC 8058 one-click unsubscribe: mail clients POST to the link of
        // the `List-Unsubscribe` header. Its GET is the page with a button.
        .route(
            "/newsletter/unsubscribe",
            axum::routing::post(one_click_unsubscribe),
        )
        .route(
            "/cms/products/{id}/image",
            axum::routing::post(upload_product_image)
                // A little above the 2 MB limit, so that a slightly larger
                // picture gets our clear message rather than a bare 413.
                .layer(axum::extract::DefaultBodyLimit::max(
                    app::cms::rules::MAX_IMAGE_BYTES + 1024 * 1024,
                )),
        )
        .merge(pages)
        .nest_service(
            &format!("/{}", leptos_options.site_pkg_dir),
            crate::assets::pkg_service(
                std::path::Path::new(&*leptos_options.site_root),
                &leptos_options.site_pkg_dir,
            ),
        )
        .nest_service("/uploads", ServeDir::new(&config.uploads_dir))
        // Named explicitly: a single-segment file would otherwise be taken
        // by the content-page route `/{slug}`.
        .route_service(
            "/favicon.svg",
            ServeFile::new(std::path::Path::new(&*leptos_options.site_root).join("favicon.svg")),
        )
        .route_layer(axum::middleware::from_fn(crate::monitoring::note_route))
        .fallback(Handler::layer(
            leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                move || {
                    provide_context(fallback_state.clone());
                    app::ssr::csp::provide_request_nonce();
                    app::ssr::page_visitor::provide();
                },
                shell,
            ),
            visitor_layer.clone(),
        ))
        // Every route and the fallback (whose 404 page is a render too).
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(tokio::sync::Semaphore::new(RENDERS_AT_ONCE)),
            finish_page_renders,
        ))
        .layer(axum::middleware::from_fn(server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cms_gate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            renewals,
            renew_sessions,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(failed_session_save))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            anonymous_page_cache,
        ))
        .layer(axum::middleware::from_fn(crate::assets::cache_policy))
        // After the page cache: it keeps one plain copy, and every response
        // gets its own CSP nonce before it is compressed.
        .layer(crate::assets::compression())
        .layer(axum::middleware::from_fn(
            crate::security::same_origin_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            header_policy,
            crate::security::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            crate::monitoring::count_requests,
        ))
        // Outermost: the answer leaves after the session's save and after
        // the generation moved for whatever the request wrote.
        .layer(axum::middleware::from_fn_with_state(
            session_cache,
            bump_after_writes,
        ))
        .with_state(state.clone());
    (router, state)
}

/// The page routes of `App`, worked out once per process.
///
/// `generate_route_list` renders the app with a process-wide flag of
/// leptos_router set (`RouteList::generate`, `SuppressResourceLoad`): a
/// resource that starts loading meanwhile, in any page render of a router
/// already serving, waits forever and so does its response (leptos issue
/// #4773; seen as GETs that hung when tests started shops side by side).
/// The list depends on `App` alone, so it is made before the first router
/// exists and never again while one serves.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| with_english(generate_route_list(App)))
        .clone()
}

/// Every shop route once more under `/en` (`App` renders it in English:
/// see `app::locale`). The CMS is Dutch only: no `/en/cms`.
fn with_english(routes: Vec<AxumRouteListing>) -> Vec<AxumRouteListing> {
    let english: Vec<AxumRouteListing> = routes
        .iter()
        .filter(|route| !app::cms::is_cms_path(route.path()))
        .map(|route| {
            AxumRouteListing::new(
                app::locale::Locale::En.href(route.path()),
                route.mode().clone(),
                route.methods(),
                Vec::new(),
            )
        })
        .collect();
    routes.into_iter().chain(english).collect()
}
