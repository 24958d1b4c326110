//! The HTTP side: router, sessions, static files, serving.

use crate::connections::{self, ConnectionLimits, Connections, PlainListener};
use crate::error::CliError;
use app::error::AppError;
use app::ssr::login_throttle::LoginThrottle;
use app::ssr::page_cache::PageCache;
use app::ssr::session_store::{self, DbSessionStore, Renewals};
use app::ssr::state::{AppState, ServerConfig};
use app::{shell, App};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, OnceLock};
use tower_http::services::{ServeDir, ServeFile};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

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
    {
        let metrics = metrics.clone();
        db.set_metric_callback(move |info| metrics.record_query(info.elapsed, info.failed));
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
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db: db.clone(),
        config: Arc::new(config.clone()),
        page_cache: Arc::new(PageCache::default()),
        login_throttle: Arc::new(LoginThrottle::default()),
        form_limiter: Arc::new(app::ssr::form_limit::FormLimiter::new(
            config.form_limit,
            config.form_window,
        )),
        form_secret,
        metrics,
        outbox: Arc::new(app::ssr::services::outbox::Outbox::new(
            config.unsolicited_mails_per_day,
        )),
    };
    let routes = page_routes();

    let store = DbSessionStore::new(db);
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
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(page_state.clone());
                app::ssr::csp::provide_request_nonce();
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
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
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || {
                provide_context(fallback_state.clone());
                app::ssr::csp::provide_request_nonce();
            },
            shell,
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
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Benchmarks only (`WINKEL_BENCH_MEMORY=on`): `GET /bench/memory/NAME`
/// answers with the bytes of the file `bench/NAME` in the site root, read
/// once and then served from memory, through every layer a page goes
/// through. `bench/sessions.sh` saves a page rendered for a session there
/// and compares the two: the page against the very same bytes without the
/// rendering.
pub const MEMORY_PAGES: &str = "/bench/memory";
const MEMORY_PAGES_DIR: &str = "bench";

#[derive(Clone)]
struct MemoryPages {
    dir: std::path::PathBuf,
    held: Arc<std::sync::RwLock<std::collections::HashMap<String, axum::body::Bytes>>>,
}

impl MemoryPages {
    fn new(dir: std::path::PathBuf) -> Self {
        Self {
            dir,
            held: Arc::default(),
        }
    }

    async fn serve(self, axum::extract::Path(name): axum::extract::Path<String>) -> Response {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !plain {
            return StatusCode::NOT_FOUND.into_response();
        }
        let held = self.held.read().ok().and_then(|h| h.get(&name).cloned());
        let bytes = match held {
            Some(bytes) => bytes,
            None => match tokio::fs::read(self.dir.join(&name)).await {
                Ok(read) => {
                    let bytes = axum::body::Bytes::from(read);
                    if let Ok(mut held) = self.held.write() {
                        held.insert(name, bytes.clone());
                    }
                    bytes
                }
                Err(_) => return StatusCode::NOT_FOUND.into_response(),
            },
        };
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response()
    }
}

/// Our server functions set their own status through `reply`; an error
/// raised before our code runs (undecodable arguments) would keep
/// server_fn's default 500. Its status is taken from the error itself: a bad
/// request is the client's fault, never a 500.
async fn server_fn_status(req: axum::extract::Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Some(status) = serde_json::from_slice::<AppError>(&bytes)
        .ok()
        .and_then(|e| StatusCode::from_u16(e.status()).ok())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// CMS pages are only rendered for a logged-in staff member: anyone else is
/// sent to the CMS login, before any CMS code runs (this also works without
/// JavaScript). The server functions check rights themselves.
async fn cms_gate(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_cms_page = (path == "/cms" || path.starts_with("/cms/")) && path != "/cms/login";
    if !is_cms_page {
        return next.run(req).await;
    }
    let Some(live) = app::ssr::staff_auth::from_headers(&state, req.headers()).await else {
        return Redirect::to("/cms/login").into_response();
    };
    let mut res = next.run(req).await;
    with_cookie(&mut res, live.refreshed_cookie.as_deref());
    res
}

/// Adds a `Set-Cookie` header (a renewed CMS cookie) to a response.
fn with_cookie(res: &mut Response, cookie: Option<&str>) {
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Inside the session layer: a session whose stored end `load` found more
/// than a tenth of the idle window old (`session_store::Renewals`) is marked
/// modified, so that the session layer saves it with a fresh end and sends
/// its cookie again. Any other request that changed nothing writes nothing.
async fn renew_sessions(
    State(renewals): State<Arc<Renewals>>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let res = next.run(req).await;
    if let Some(id) = session.as_ref().and_then(Session::id) {
        if renewals.take(&id) {
            if let Some(session) = session {
                session.set_expiry(Some(Expiry::OnInactivity(session_store::IDLE)));
            }
        }
    }
    res
}

/// Header telling whether a page came from the anonymous page cache.
pub const CACHE_HEADER: &str = "x-winkel-cache";

/// Serves the pages of visitors without a session from the micro-cache
/// (see `PageCache`). Runs outside the session layer: a request carrying the
/// session cookie, or a response setting one, is never cached.
async fn anonymous_page_cache(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let cacheable = req.method() == axum::http::Method::GET
        && (path == "/" || path.starts_with("/products/"))
        && !req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            // The plain name is part of the `__Host-` one too.
            .any(|c| {
                c.to_str()
                    .map_or(true, |c| c.contains(session_cookie(false)))
            });
    if !cacheable {
        return next.run(req).await;
    }
    let key = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.to_owned(), |pq| pq.as_str().to_owned());
    let nonce = req
        .extensions()
        .get::<app::ssr::csp::CspNonce>()
        .map(|n| n.0.clone());
    if let Some(page) = state.page_cache.get(&key) {
        let mut res = Response::new(Body::from(page.body_with_nonce(nonce.as_deref())));
        res.headers_mut()
            .insert(header::CONTENT_TYPE, page.content_type);
        res.headers_mut()
            .insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        return res;
    }
    let generation = state.page_cache.generation();
    let res = next.run(req).await;
    let storable =
        res.status() == StatusCode::OK && !res.headers().contains_key(header::SET_COOKIE);
    let content_type = res.headers().get(header::CONTENT_TYPE).cloned();
    match (storable, content_type) {
        (true, Some(content_type))
            if content_type
                .to_str()
                .is_ok_and(|c| c.starts_with("text/html")) =>
        {
            let (mut parts, body) = res.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
                return Response::from_parts(parts, Body::empty());
            };
            state
                .page_cache
                .put(generation, key, content_type, bytes.clone(), nonce);
            parts
                .headers
                .insert(CACHE_HEADER, HeaderValue::from_static("miss"));
            Response::from_parts(parts, Body::from(bytes))
        }
        _ => res,
    }
}

/// GDPR Art. 15/20: everything stored about the logged-in customer, as a
/// JSON download (format: docs/export-format.md).
async fn export_account(State(state): State<AppState>, session: Session) -> Response {
    let customer = match app::ssr::auth::require_customer(&state.db, &session).await {
        Ok(c) => c,
        Err(AppError::Unauthorized) => return Redirect::to("/login").into_response(),
        Err(e) => return error_response(&e),
    };
    match app::ssr::services::accounts::export(&state.db, &customer, app::ssr::now_utc()).await {
        Ok(export) => {
            let file = format!(
                "attachment; filename=\"winkel-gegevens-{}.json\"",
                export.exported_at.format("%Y%m%d")
            );
            let mut res = axum::Json(export).into_response();
            if let Ok(value) = HeaderValue::from_str(&file) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, value);
            }
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => error_response(&e),
    }
}

/// A product picture from the CMS (a plain multipart form post, works
/// without JavaScript). Needs the `catalog.edit` right; answers with a
/// redirect back to the product, carrying the outcome.
async fn upload_product_image(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i32>,
    headers: axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
) -> Response {
    use app::cms::rules::Right;
    let live = app::ssr::staff_auth::from_headers(&state, &headers).await;
    let Some(app::ssr::staff_auth::Live {
        member,
        refreshed_cookie,
    }) = live
    else {
        return Redirect::to("/cms/login").into_response();
    };
    if member.must_change_password || !member.allows(Right::CatalogEdit) {
        return error_response(&AppError::Forbidden);
    }
    let mut image = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("image") {
            image = field.bytes().await.ok();
            break;
        }
    }
    let outcome = match image {
        None => "missing",
        Some(bytes) => match app::ssr::services::cms_catalog::set_image(
            &state.db,
            &state.config.uploads_dir,
            id,
            &bytes,
        )
        .await
        {
            Ok(_) => {
                state.page_cache.clear();
                "ok"
            }
            Err(AppError::NotFound) => return error_response(&AppError::NotFound),
            Err(AppError::Validation(errors)) => match errors.get("image") {
                Some(app::validate::FieldError::ImageTooLarge) => "too-large",
                _ => "type",
            },
            Err(e) => return error_response(&e),
        },
    };
    let mut res =
        Redirect::to(&format!("/cms/catalog/products/{id}?upload={outcome}")).into_response();
    with_cookie(&mut res, refreshed_cookie.as_deref());
    res
}

#[derive(serde::Deserialize)]
struct UnsubscribeQuery {
    t: Option<String>,
}

/// The one-click unsubscribe of RFC 8058: the signed token in the URL is
/// the authorisation; the body (`List-Unsubscribe=One-Click`) is ignored.
async fn one_click_unsubscribe(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<UnsubscribeQuery>,
) -> Response {
    let token = query.t.unwrap_or_default();
    let outcome = async {
        let secret = app::ssr::services::newsletter::link_secret(
            &state.db,
            state.config.link_secret.as_deref(),
        )
        .await?;
        app::ssr::services::newsletter::unsubscribe(&state.db, &secret, &token, app::ssr::now_utc())
            .await
    };
    match outcome.await {
        Ok(()) => (StatusCode::OK, app::newsletter::text::text().unsubscribed).into_response(),
        Err(e) => error_response(&e),
    }
}

fn error_response(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.user_message()).into_response()
}

/// AVG-18: Prometheus text for the monitoring system, behind a bearer
/// token. Without `WINKEL_METRICS_TOKEN` the endpoint does not exist (404).
async fn metrics_text(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !app::ssr::metrics::same_secret(given, expected) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a valid bearer token is required",
        )
            .into_response();
    }
    let mut text = state.metrics.render();
    text.push_str(&state.metrics.render_hashing());
    text.push_str(&crate::monitoring::pool_text(&state.db));
    match app::ssr::metrics::render_jobs(&state.db).await {
        Ok(jobs) => text.push_str(&jobs),
        Err(e) => return error_response(&e),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Where a plain-HTTP request is sent when the shop serves HTTPS.
#[derive(Debug, Clone)]
pub struct HttpsRedirect {
    /// `WINKEL_PUBLIC_URL` when it is an `https://` address; otherwise the
    /// request's host on the HTTPS port.
    pub public_url: Option<String>,
    /// The port the shop serves HTTPS on.
    pub https_port: u16,
    /// `WINKEL_ACME_DIR`: a certbot `--webroot`, whose
    /// `/.well-known/acme-challenge/` files are served over plain HTTP
    /// (Let's Encrypt checks them there) instead of redirected.
    pub acme_dir: Option<std::path::PathBuf>,
}

impl HttpsRedirect {
    /// The HTTPS address of a plain-HTTP request, or `None` when it names
    /// no host we could send it to.
    pub fn location(&self, host: Option<&str>, path_and_query: &str) -> Option<String> {
        if let Some(url) = &self.public_url {
            return Some(format!("{url}{path_and_query}"));
        }
        let host = host?;
        // `user@host` parses as an authority, but is no Host header.
        if host.contains('@') {
            return None;
        }
        let authority: axum::http::uri::Authority = host.parse().ok()?;
        let host = authority.host();
        if host.is_empty() {
            return None;
        }
        Some(match self.https_port {
            443 => format!("https://{host}{path_and_query}"),
            port => format!("https://{host}:{port}{path_and_query}"),
        })
    }

    /// The router of the plain-HTTP listener: redirects only, with the
    /// method kept (308), plus the ACME challenge folder.
    pub fn router(self) -> Router {
        let acme_dir = self.acme_dir.clone();
        let target = Arc::new(self);
        let router = Router::new().fallback(move |req: axum::extract::Request| {
            let target = target.clone();
            async move {
                let host = req
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok());
                let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
                match target.location(host, path) {
                    Some(location) => (
                        StatusCode::PERMANENT_REDIRECT,
                        [(header::LOCATION, location)],
                    )
                        .into_response(),
                    None => {
                        (StatusCode::BAD_REQUEST, "Host header missing or invalid").into_response()
                    }
                }
            }
        });
        match acme_dir {
            Some(dir) => router.nest_service(
                "/.well-known/acme-challenge",
                ServeDir::new(dir.join(".well-known/acme-challenge")),
            ),
            None => router,
        }
    }
}

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
