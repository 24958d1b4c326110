//! The routes the shop answers itself, outside the Leptos pages: health,
//! metrics, the account export and a privacy request's download, the
//! one-click unsubscribe, the product picture upload, and the benchmarks'
//! pages from memory.

use super::middleware::with_cookie;
use app::error::AppError;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use tower_sessions::Session;

/// Benchmarks only (`WINKEL_BENCH_MEMORY=on`): `GET /bench/memory/NAME`
/// answers with the bytes of the file `bench/NAME` in the site root, read
/// once and then served from memory, through every layer a page goes
/// through. `bench/sessions.sh` saves a page rendered for a session there
/// and compares the two: the page against the very same bytes without the
/// rendering.
pub const MEMORY_PAGES: &str = "/bench/memory";
pub(super) const MEMORY_PAGES_DIR: &str = "bench";

#[derive(Clone)]
pub(super) struct MemoryPages {
    dir: std::path::PathBuf,
    held: Arc<std::sync::RwLock<std::collections::HashMap<String, axum::body::Bytes>>>,
}

impl MemoryPages {
    pub(super) fn new(dir: std::path::PathBuf) -> Self {
        Self {
            dir,
            held: Arc::default(),
        }
    }

    pub(super) async fn serve(
        self,
        axum::extract::Path(name): axum::extract::Path<String>,
    ) -> Response {
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

/// GDPR Art. 15/20: everything stored about the logged-in customer, as a
/// JSON download (format: docs/export-format.md).
pub(super) async fn export_account(State(state): State<AppState>, session: Session) -> Response {
    let customer = match app::ssr::auth::require_customer(&state.db, &session).await {
        Ok(c) => c,
        Err(AppError::Unauthorized) => return Redirect::to("/login").into_response(),
        Err(e) => return e.into_response(),
    };
    match app::ssr::services::export::export(&state.db, &customer, app::ssr::now_utc()).await {
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
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize)]
pub(super) struct PrivacyDownloadForm {
    t: Option<String>,
}

/// The download of a privacy request (`/privacy/request/confirm`): every
/// customer record with the link's address, as a JSON file (format:
/// docs/export-format.md). A form post, so the link's token is in no URL;
/// it may be repeated while the link lives.
pub(super) async fn privacy_request_download(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<PrivacyDownloadForm>,
) -> Response {
    let token = form.t.unwrap_or_default();
    let now = app::ssr::now_utc();
    match app::ssr::services::privacy_request::export(&state.db, &token, now).await {
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
        Err(e) => e.into_response(),
    }
}

/// A product picture from the CMS (a plain multipart form post, works
/// without JavaScript). Needs the `catalog.edit` right; answers with a
/// redirect back to the product, carrying the outcome.
pub(super) async fn upload_product_image(
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
        return AppError::Forbidden.into_response();
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
        Some(bytes) => match app::ssr::services::cms_catalog::set_image(&state, id, &bytes).await {
            Ok(_) => "ok",
            Err(AppError::Validation(errors)) => match errors.get("image") {
                Some(app::validate::FieldError::ImageTooLarge) => "too-large",
                _ => "type",
            },
            Err(e) => return e.into_response(),
        },
    };
    let mut res =
        Redirect::to(&format!("/cms/catalog/products/{id}?upload={outcome}")).into_response();
    with_cookie(&mut res, refreshed_cookie.as_deref());
    res
}

#[derive(serde::Deserialize)]
pub(super) struct UnsubscribeQuery {
    t: Option<String>,
}

/// The one-click unsubscribe of RFC 8058: the signed token in the URL is
/// the authorisation; the body (`List-Unsubscribe=One-Click`) is ignored.
pub(super) async fn one_click_unsubscribe(
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
        Err(e) => e.into_response(),
    }
}

/// AVG-18: Prometheus text for the monitoring system, behind a bearer
/// token. Without `WINKEL_METRICS_TOKEN` the endpoint does not exist (404).
pub(super) async fn metrics_text(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
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
        Err(e) => return e.into_response(),
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

/// 200 when the database answers, 503 otherwise: at once while the shop's
/// gate is closed (the database was found away), else after a ping.
pub(super) async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    const AWAY: (StatusCode, &str) = (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    if !state.db_gate.is_open() {
        return AWAY;
    }
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            if app::ssr::db_fault::classify(&error) == app::ssr::db_fault::DbFault::Away {
                state.db_gate.note_away(&state.db);
            }
            AWAY
        }
    }
}
