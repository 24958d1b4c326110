//! The layers of the shop's own around the routes: the status of failed
//! server functions, the CMS gate, session renewal, the anonymous page
//! cache, and page renders that run to their end.

use super::session_cookie;
use app::error::AppError;
use app::ssr::session_cache::SessionCache;
use app::ssr::session_store::{self, Renewals};
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower_sessions::{Expiry, Session};

/// Reads who is looking at a page (their name and cart) before its render
/// and hands it over in the request's extensions (`app::page_visitor`).
/// Only on page routes and the fallback (a 404 page has the header too);
/// not for a server function, which Leptos routes beside the pages, nor
/// for the CMS, whose screens have no shop header.
pub(super) async fn read_page_visitor(
    State(state): State<AppState>,
    mut req: axum::extract::Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_page = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) && !path.starts_with("/api/");
    let locale = app::locale::Locale::from_path(path);
    // `/en/cms` is no CMS screen but a 404 page with the header.
    let in_cms = locale == app::locale::Locale::Nl && app::cms::is_cms_path(path);
    if is_page && !in_cms {
        if let Some(session) = req.extensions().get::<Session>().cloned() {
            let visitor = app::ssr::page_visitor::read(&state, &session, locale).await;
            req.extensions_mut().insert(visitor);
        }
    }
    next.run(req).await
}

/// server_fn answers every failed server function with 500 and the
/// `AppError` as JSON, whether our code or its own decoding failed: the
/// status (and `Retry-After`) are taken from the error itself
/// (`AppError::answer`), so a refused login is a 401 and bad input a 422,
/// never a 500. A plain HTML form post is answered with a redirect back to
/// the form, and keeps it.
pub(super) async fn server_fn_status(req: axum::extract::Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let error = serde_json::from_slice::<AppError>(&bytes).ok();
    let mut res = Response::from_parts(parts, Body::from(bytes));
    if let Some(error) = error {
        error.answer(&mut res);
    }
    res
}

/// CMS pages are only rendered for a logged-in staff member: anyone else is
/// sent to the CMS login, before any CMS code runs (this also works without
/// JavaScript). The server functions check rights themselves.
pub(super) async fn cms_gate(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_cms_page = app::cms::is_cms_path(path) && path != "/cms/login";
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
pub(super) fn with_cookie(res: &mut Response, cookie: Option<&str>) {
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Outside every other layer: when the request wrote anything (its
/// session's save included), the session generation moves before the
/// answer leaves, so that no instance answers the next request from a
/// session row read before the write (`app::ssr::session_cache`). The
/// count is the shop's, not the request's: a write of another request
/// under way at the same time moves it too, which costs only a read.
pub(super) async fn bump_after_writes(
    State(cache): State<Arc<SessionCache>>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    cache.tracked(next.run(req)).await
}

/// Inside the session layer: a session whose stored end `load` found more
/// than a tenth of the idle window old (`session_store::Renewals`) is marked
/// modified, so that the session layer saves it with a fresh end and sends
/// its cookie again. Any other request that changed nothing writes nothing.
pub(super) async fn renew_sessions(
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

/// Outside the session layer: tower-sessions answers a request whose
/// session it could not save with a bare 500 (no header, no body). Its store
/// fails only when the database does, and a database that fails a one-row
/// UPDATE is away (restarting, full disk, locked): the visitor gets the
/// same 503 "not reachable, try again" as any request that found the
/// database away (issue 18), not an empty error page.
pub(super) async fn failed_session_save(req: axum::extract::Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() == StatusCode::INTERNAL_SERVER_ERROR && res.headers().is_empty() {
        return AppError::unavailable().into_response();
    }
    res
}

/// Header telling whether a page came from the anonymous page cache.
pub const CACHE_HEADER: &str = "x-winkel-cache";

/// Serves the pages of visitors without a session from the micro-cache
/// (see `PageCache`). Runs outside the session layer: a request carrying the
/// session cookie, or a response setting one, is never cached.
pub(super) async fn anonymous_page_cache(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    let path = app::locale::Locale::strip(req.uri().path());
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

/// How many GET and HEAD requests are answered at once, counting those whose
/// visitor hung up and whose render still runs (`finish_page_renders`): a
/// client that asks for pages and hangs up at once gets no more renders
/// going than one that waits for its answers.
pub(super) const RENDERS_AT_ONCE: usize = 64;

/// A GET or HEAD (a page render) runs to its end even when its visitor hangs up
/// before the answer, in a task of its own. Cancelled with the request,
/// Leptos dropped the request's reactive owner while what the render had
/// spawned (its data reads, each Suspense's resolving task) ran on: they
/// found no database in their context (an ERROR line each) or read a value
/// already disposed (a worker panic; leptos-rs/leptos PR 3595, open). A
/// render that ends lets go of its owner as a delivered page does, once
/// nothing of it runs any more. The permit bounds what hang-ups leave
/// running.
pub(super) async fn finish_page_renders(
    State(renders): State<Arc<Semaphore>>,
    req: axum::extract::Request,
    next: Next,
) -> Response {
    // A HEAD is rendered as its GET is, only its body is dropped.
    if !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return next.run(req).await;
    }
    let Ok(permit) = renders.acquire_owned().await else {
        // Never closed; were it, the render runs as before.
        return next.run(req).await;
    };
    let render = tokio::spawn(async move {
        let res = next.run(req).await;
        drop(permit);
        res
    });
    match render.await {
        Ok(res) => res,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // The runtime is shutting down.
        Err(_) => AppError::unavailable().into_response(),
    }
}
